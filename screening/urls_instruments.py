"""Instrument versions and facility screening settings (mounted at /screening/instruments/)."""

from django.urls import path

from screening.views import instruments

urlpatterns = [
    path("", instruments.instrument_list, name="instrument-list"),
    path("import/", instruments.instrument_import, name="instrument-import"),
    path("<int:instrument_id>/", instruments.instrument_detail, name="instrument-detail"),
    path("settings/", instruments.setting_list, name="setting-list"),
    path("settings/<int:facility_id>/new/", instruments.setting_create, name="setting-create"),
]
