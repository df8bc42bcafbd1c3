"""Pages of the disclosure app (issue 11)."""

from django.urls import path

from disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("stays/<int:stay_id>/", views.stay_disclosures, name="stay"),
    path("stays/<int:stay_id>/new/", views.package_new, name="new"),
    path("stays/<int:stay_id>/preview/", views.package_preview, name="preview"),
    path("stays/<int:stay_id>/send/", views.package_create, name="create"),
    path("stays/<int:stay_id>/records/<int:record_id>/pdf/", views.record_pdf, name="record-pdf"),
    path("stays/<int:stay_id>/consents/<int:consent_id>/scope/", views.scope_edit, name="scope"),
    path("stays/<int:stay_id>/plan-link/", views.plan_link_create, name="plan-link-create"),
    path("stays/<int:stay_id>/plan-link/<int:link_id>/revoke/", views.plan_link_revoke, name="plan-link-revoke"),
]
