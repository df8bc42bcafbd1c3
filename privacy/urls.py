"""The privacy officer's pages: access report, audit trail and data export of one patient."""

from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.patient_search, name="search"),
    path("patients/<int:patient_id>/", views.access_report, name="report"),
    path("patients/<int:patient_id>/report.pdf", views.access_report_pdf, name="report-pdf"),
    path("patients/<int:patient_id>/audit-trail.csv", views.audit_trail_csv, name="trail-csv"),
    path("patients/<int:patient_id>/audit-trail.pdf", views.audit_trail_pdf, name="trail-pdf"),
    path("patients/<int:patient_id>/export.json", views.export_json, name="export-json"),
    path("patients/<int:patient_id>/export.pdf", views.export_pdf, name="export-pdf"),
]
