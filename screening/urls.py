"""Screening URLs: one module per part, so each part owns its routes."""

from django.urls import include, path

app_name = "screening"

urlpatterns = [
    path("stays/<int:stay_id>/", include("screening.urls_stay")),
    path("reports/", include("screening.urls_reports")),
    path("instruments/", include("screening.urls_instruments")),
]
