"""Audit action codes of this app and their labels (registered with wmr.audit in AppConfig.ready).

One dict per part, each owned by the module that logs its codes; ``ACTIONS`` joins them."""

from django.utils.translation import gettext_lazy as _

SICK_LEAVE = {
    "reintegration.sick_leave.viewed": _("Sick-leave history read"),
    "reintegration.sick_leave.api_viewed": _("Sick-leave history read through the API"),
    "reintegration.sick_leave.added": _("Sick-leave period entered"),
    "reintegration.sick_leave.changed": _("Sick-leave period corrected"),
    "reintegration.sick_leave.removed": _("Sick-leave period removed as a correction"),
    "reintegration.trigger.examined": _("Outcome of a sick-leave trigger recorded"),
    "reintegration.work_situation.recorded": _("Work situation recorded"),
    "reintegration.work_situation.changed": _("Work situation changed"),
}

PLAN = {  # the graded plan's rules and life cycle (reintegration/services/plan.py, hamburg_model.md §7)
    "reintegration.plan.viewed": _("Graded return-to-work plan read"),
    "reintegration.plan.created": _("Graded return-to-work plan started"),
    "reintegration.plan.changed": _("Graded return-to-work plan changed"),
    "reintegration.plan.step_added": _("Graded return-to-work plan: step added"),
    "reintegration.plan.step_changed": _("Graded return-to-work plan: step changed"),
    "reintegration.plan.step_removed": _("Graded return-to-work plan: step removed"),
    "reintegration.plan.vacation_added": _("Graded return-to-work plan: vacation entered"),
    "reintegration.plan.vacation_removed": _("Graded return-to-work plan: vacation removed"),
    "reintegration.plan.prerequisites_recorded": _("Graded return-to-work plan: prerequisites recorded"),
    "reintegration.plan.consent_recorded": _("Graded return-to-work plan: consent recorded"),
    "reintegration.plan.ready": _("Graded return-to-work plan marked as ready"),
    "reintegration.plan.submitted": _("Graded return-to-work plan submitted to employer and payer"),
    "reintegration.plan.approved": _("Graded return-to-work plan: funding approved by the payer"),
    "reintegration.plan.started": _("Graded return to work started"),
    "reintegration.plan.interruption_recorded": _("Graded return to work: interruption recorded"),
    "reintegration.plan.interruption_closed": _("Graded return to work: end of an interruption recorded"),
    "reintegration.plan.failed": _("Graded return to work failed after an interruption of more than 7 days"),
    "reintegration.plan.payer_continued": _("Graded return to work continued by the payer's decision"),
    "reintegration.plan.completed": _("Graded return to work completed"),
    "reintegration.plan.aborted": _("Graded return to work stopped"),
    "reintegration.plan.version_created": _("Graded return-to-work plan: new version started"),
    "reintegration.plan.task_done": _("Graded return-to-work plan: task done"),
}

PLAN_PAGES = {  # pages, PDFs and API of the graded plan (reintegration/views/plan.py, documents_plan.py, api_plan.py)
    "reintegration.plan.versions_viewed": _("Versions of the graded return-to-work plan read"),
    "reintegration.plan.api_viewed": _("Graded return-to-work plan read through the API"),
    "reintegration.plan.api_validated": _("Draft graded return-to-work plan checked through the API"),
    "reintegration.plan.pdf_created": _("Step plan of the graded return printed (PDF)"),
    "reintegration.plan.employer_copy_created": _("Employer's copy of the step plan printed (PDF)"),
}

RTW = {
    "reintegration.rtw.viewed": _("Return-to-work plan read"),
    "reintegration.rtw.versions_viewed": _("Versions of the return-to-work plan read"),
    "reintegration.rtw.api_viewed": _("Return-to-work plan read through the API"),
    "reintegration.rtw.started": _("Return-to-work plan started"),
    "reintegration.rtw.changed": _("Return-to-work plan draft changed"),
    "reintegration.rtw.step_added": _("Return-to-work plan: step after WMR added"),
    "reintegration.rtw.step_changed": _("Return-to-work plan: step after WMR changed"),
    "reintegration.rtw.step_removed": _("Return-to-work plan: step after WMR removed"),
    "reintegration.rtw.stakeholder_added": _("Return-to-work plan: stakeholder added (with consent)"),
    "reintegration.rtw.stakeholder_removed": _("Return-to-work plan: stakeholder removed"),
    "reintegration.rtw.agreed": _("Return-to-work plan agreed with the patient"),
    "reintegration.rtw.revised": _("Return-to-work plan: new version started"),
}

CHECKLISTS = {
    "reintegration.checklist.viewed": _("Return-to-work checklists read"),
    "reintegration.checklist.recorded": _("Return-to-work checklist item recorded"),
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

ACTIONS = {**SICK_LEAVE, **PLAN, **PLAN_PAGES, **RTW, **CHECKLISTS, **LETTER}
