"""The privacy app's audit action codes and their labels (registered in PrivacyConfig.ready)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "privacy.patient.listed": _("Patients searched by the privacy officer"),
    "privacy.access_report.viewed": _("Access report of a patient read"),
    "privacy.access_report.exported": _("Access report of a patient exported as PDF"),
    "privacy.audit_trail.exported": _("Audit trail of a patient exported (GDPR Art. 15)"),
    "privacy.patient.exported": _("Everything stored on a patient exported (GDPR Art. 15/20)"),
    "privacy.patient.erased": _("Patient erased after the retention period (§630f BGB)"),
}
