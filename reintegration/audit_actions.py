"""Audit action codes of this app and their labels (registered with wmr.audit in AppConfig.ready).

One dict per part, each owned by the module that logs its codes; ``ACTIONS`` joins them."""

from django.utils.translation import gettext_lazy as _

SICK_LEAVE = {
    "reintegration.sick_leave.viewed": _("Sick-leave history read"),
    "reintegration.sick_leave.api_viewed": _("Sick-leave history read through the API"),
    "reintegration.sick_leave.added": _("Sick-leave period entered"),
    "reintegration.sick_leave.changed": _("Sick-leave period corrected"),
    "reintegration.trigger.examined": _("Outcome of a sick-leave trigger recorded"),
    "reintegration.work_situation.changed": _("Work situation changed"),
}

PLAN = {
    "reintegration.plan.viewed": _("Graded return-to-work plan read"),
}

RTW = {
    "reintegration.rtw.viewed": _("Return-to-work plan read"),
}

CHECKLISTS = {
    "reintegration.checklist.viewed": _("Return-to-work checklists read"),
}

LETTER = {
    "reintegration.letter.viewed": _("Discharge letter read"),
    "reintegration.letter.versions_viewed": _("Versions of the discharge letter read"),
    "reintegration.letter.api_viewed": _("Discharge letter read through the API"),
    "reintegration.letter.drafted": _("Discharge letter drafted from the record"),
    "reintegration.letter.changed": _("Discharge letter draft changed"),
    "reintegration.letter.previewed": _("Discharge letter draft previewed as PDF"),
    "reintegration.letter.signed": _("Discharge letter signed"),
    "reintegration.letter.revised": _("Discharge letter: new version started"),
    "reintegration.letter.copies_created": _("Patient's copies of the discharge letter created"),
    "reintegration.letter.copies_handed_over": _("Patient's copies of the discharge letter handed over"),
}

ACTIONS = {**SICK_LEAVE, **PLAN, **RTW, **CHECKLISTS, **LETTER}
