from django.urls import path

from patients.views import careteam, consents, contacts, documents, stays

app_name = "patients"

urlpatterns = [
    path("new/", stays.patient_stay_create, name="create"),
    path("stays/<int:stay_id>/edit/", stays.stay_edit, name="stay-edit"),
    path("stays/<int:stay_id>/patient/", stays.patient_edit, name="patient-edit"),
    path("stays/<int:stay_id>/history/", stays.stay_history, name="stay-history"),
    path("stays/<int:stay_id>/team/", careteam.careteam_manage, name="careteam"),
    path("stays/<int:stay_id>/team/<int:membership_id>/remove/", careteam.careteam_remove, name="careteam-remove"),
    path("stays/<int:stay_id>/consents/new/", consents.consent_create, name="consent-create"),
    path("stays/<int:stay_id>/consents/<int:consent_id>/withdraw/", consents.consent_withdraw, name="consent-withdraw"),
    path("stays/<int:stay_id>/contacts/new/", contacts.contact_create, name="contact-create"),
    path("stays/<int:stay_id>/contacts/<int:contact_id>/edit/", contacts.contact_edit, name="contact-edit"),
    path("stays/<int:stay_id>/contacts/<int:contact_id>/delete/", contacts.contact_delete, name="contact-delete"),
    path(
        "stays/<int:stay_id>/contacts/<int:contact_id>/events/new/", contacts.contact_event_create, name="contact-event"
    ),
    path("stays/<int:stay_id>/invitation/", documents.invitation_create, name="invitation-create"),
    path("stays/<int:stay_id>/documents/<int:document_id>/", documents.document_download, name="document-download"),
    path("stays/<int:stay_id>/links/<int:link_id>/revoke/", documents.link_revoke, name="link-revoke"),
]
