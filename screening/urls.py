"""Screening URLs: one module per part, so each part owns its routes."""

from django.urls import include, path

app_name = "screening"

urlpatterns = [
    path("stays/<int:stay_id>/results/", include("screening.urls_results")),
    path("stays/<int:stay_id>/assignment/", include("screening.urls_assignment")),
    path("reports/", include("screening.urls_reports")),
    path("instruments/", include("screening.urls_instruments")),
]
