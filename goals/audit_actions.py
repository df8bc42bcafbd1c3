"""Audit action codes of this app and their labels (registered with wmr.audit in AppConfig.ready)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "goals.agreement.viewed": _("Goal agreement read"),
    "goals.agreement.versions_viewed": _("Versions of the goal agreement read"),
    "goals.agreement.api_viewed": _("Goal agreement read through the API"),
    "goals.agreement.created": _("Goal agreement started"),
    "goals.agreement.revised": _("New version of the goal agreement started"),
    "goals.agreement.agreed": _("Goal agreement agreed with the patient"),
    "goals.goal.added": _("Goal added"),
    "goals.goal.changed": _("Goal changed"),
    "goals.goal.removed": _("Goal removed from a draft"),
    "goals.review.recorded": _("Goal review recorded"),
    "goals.copy.created": _("Patient's copy of the goal agreement created"),
    "goals.copy.handed_over": _("Copy of the goal agreement handed over to the patient"),
}
