"""The management dashboard, the group of clinics and the drill-down (management only; everyone else 404)."""

from django.urls import path

from compliance.views import dashboard

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("group/", dashboard.group, name="group"),
    path("drilldown/<slug:measure>/", dashboard.drilldown, name="drilldown"),
]
