"""Quarterly screening-quota reports (mounted at /screening/reports/)."""

from django.urls import path

from screening.views import reports

urlpatterns = [
    path("", reports.report_list, name="report-list"),
    path("build/", reports.report_build, name="report-build"),
    path("<int:pk>/", reports.report_detail, name="report-detail"),
    path("<int:pk>/status/", reports.report_status, name="report-status"),
    path("<int:pk>/pdf/", reports.report_pdf, name="report-pdf"),
    path("<int:pk>/csv/", reports.report_csv, name="report-csv"),
    path("<int:pk>/share/", reports.report_share, name="report-share"),
]
