"""Audit action codes of this app and their labels (registered with wmr.audit in AppConfig.ready)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "disclosure.history.viewed": _("Disclosure history read"),
    "disclosure.package.previewed": _("Disclosure package previewed"),
    "disclosure.package.sent": _("Disclosure package created and recorded"),
    "disclosure.package.refused": _("Disclosure package refused (no matching consent)"),
    "disclosure.package.downloaded": _("Disclosure package downloaded"),
    "disclosure.package.api_listed": _("Disclosures listed through the API"),
    "disclosure.scope.saved": _("Scope of a consent for disclosures recorded"),
    "disclosure.plan_link.created": _("Plan link for the patient created"),
    "disclosure.plan_link.bound": _("Plan link bound to the patient's browser"),
    "disclosure.plan_link.viewed": _("Patient viewed their plan through the link"),
}
