"""URLs of the dashboard's exports (joined in compliance/urls.py, namespace "compliance"). The query string is the
dashboard's: facility, period, department, wmr, team."""

from django.urls import path

from compliance.views import exports

urlpatterns: list = [
    path("exports/dashboard.csv", exports.dashboard_csv, name="export-csv"),
    path("exports/dashboard.xlsx", exports.dashboard_xlsx, name="export-xlsx"),
    path("exports/dashboard.pdf", exports.dashboard_pdf, name="export-pdf"),
    path("exports/stays.csv", exports.stay_table_csv, name="export-stays-csv"),
]
