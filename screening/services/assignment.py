"""Writes of the WMR assignment workflow (screening.md A-1…A-8) and the §301 department-code correction (D-1…D-5).

Each service checks first (raising ``AssignmentRefused`` with a message that names the missing step; nothing is
stored), then writes in one transaction with ``full_clean`` and one audit row.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from patients.models import Stay
from patients.services import stay_update
from screening import rules
from screening.errors import AssignmentRefused
from screening.models import (
    AssignmentDecision,
    CodeCorrection,
    Contraindication,
    ContraindicationCheck,
    Decision,
    Motivation,
    MotivationRecord,
    NeedAssessment,
    ResultStatus,
)
from screening.selectors_assignment import completed_on, current_results, latest_on, stay_assignment
from staff.models import Profession
from wmr import audit


def need_assessment_record(*, by, stay: Stay, source: str, assessed_on: dt.date, reason: str) -> NeedAssessment:
    """A-3 (rec. 2.2): WMR need found in the medical or the primary therapist's admission interview, with reason."""
    with transaction.atomic():
        need = NeedAssessment(stay=stay, source=source, assessed_on=assessed_on, reason=reason.strip(), author=by)
        need.full_clean()
        need.save()
        audit.log(need, "screening.assignment.need_recorded", user=by, data={"source": source})
    return need


def motivation_record(*, by, stay: Stay, motivation: str, recorded_on: dt.date, note: str = "") -> MotivationRecord:
    """A-5 (rec. 3.3): the motivation clarified in the admission interview. ``not_motivated`` is recorded like the
    others; the decision only warns about it."""
    with transaction.atomic():
        record = MotivationRecord(stay=stay, motivation=motivation, recorded_on=recorded_on, note=note, author=by)
        record.full_clean()
        record.save()
        audit.log(record, "screening.assignment.motivation_recorded", user=by, data={"motivation": motivation})
    return record


def contraindication_check_record(
    *, by, stay: Stay, checked_on: dt.date, findings: list[str], other_text: str = ""
) -> ContraindicationCheck:
    """A-4 (rec. 2.3): a physician's contraindication check. ``findings`` are codes of active ``Contraindication``
    rows; an empty list means "none found". A finding that needs a description (``other``) needs ``other_text``."""
    if getattr(by, "profession", None) != Profession.PHYSICIAN:
        raise AssignmentRefused(_("Only a physician may record the contraindication check (recommendation 2.3)."))
    findings = list(dict.fromkeys(findings))
    known = {c.code: c for c in Contraindication.objects.filter(active=True)}
    unknown = [code for code in findings if code not in known]
    if unknown:
        raise AssignmentRefused(_("Unknown contraindication: %(codes)s.") % {"codes": ", ".join(unknown)})
    other_text = other_text.strip()
    if any(known[code].needs_text for code in findings) and not other_text:
        raise AssignmentRefused(_("Please describe the other contraindication."))
    with transaction.atomic():
        check = ContraindicationCheck(
            stay=stay, checked_on=checked_on, findings=findings, other_text=other_text, physician=by
        )
        check.full_clean()
        check.save()
        audit.log(check, "screening.assignment.contraindications_checked", user=by, data={"findings": findings})
    return check


def decision_record(
    *,
    by,
    stay: Stay,
    decision: str,
    decided_on: dt.date,
    reason: str = "",
    participants: str = "",
    effective_from: dt.date | None = None,
) -> AssignmentDecision:
    """A-6 (rec. 2.4): the team's decision WMR yes/no, linked to the records it relied on (those dated on or before
    ``decided_on``). A decision after the first one is a switch (A-8, rec. 2.6): it needs a reason and an
    effective date (default: the decision date).

    Refused, with the missing step named, when the decision is ``assign`` and the motivation is not recorded (A-5),
    no physician's check exists or the latest one found a contraindication (A-4), or the screening is not positive
    and no need assessment exists (A-3); and for any decision without a reason where one is needed (A-6, A-8).
    A ``not_motivated`` patient does not block: the view warns (A-5, PRODUCT CHOICE).
    """
    if decision not in Decision.values:
        raise AssignmentRefused(_("Please choose WMR or no WMR."))
    state = stay_assignment(stay, decided_on)
    previous = state.current_decision
    is_switch = previous is not None
    if is_switch and previous.decision == decision:
        raise AssignmentRefused(
            _("The current decision is already “%(decision)s”; a switch must change it.")
            % {"decision": previous.get_decision_display()}
        )
    if is_switch and decided_on < previous.decided_on:
        raise AssignmentRefused(
            _("A switch cannot be dated before the current decision of %(date)s.")
            % {"date": f"{previous.decided_on:%d.%m.%Y}"}
        )
    screening = latest_on(current_results(state.results), completed_on, decided_on)
    positive = screening is not None and screening.status == ResultStatus.POSITIVE
    need = latest_on(state.need_assessments, lambda n: n.assessed_on, decided_on)
    motivation = latest_on(state.motivations, lambda m: m.recorded_on, decided_on)
    check = latest_on(state.checks, lambda c: c.checked_on, decided_on)
    if decision == Decision.ASSIGN:
        _assignment_prerequisites(positive=positive, need=need, motivation=motivation, check=check)
    reason = reason.strip()
    if rules.decision_needs_reason(decision, positive, is_switch) and not reason:
        if is_switch:
            raise AssignmentRefused(_("A switch during the stay needs a reason (recommendation 2.6)."))
        raise AssignmentRefused(_("Deciding against WMR despite a positive screening needs a reason."))
    effective_from = effective_from or decided_on
    if effective_from < stay.admission_date:
        raise AssignmentRefused(_("The decision cannot take effect before the admission date."))
    with transaction.atomic():
        record = AssignmentDecision(
            stay=stay,
            decision=decision,
            decided_on=decided_on,
            effective_from=effective_from,
            reason=reason,
            participants=participants.strip(),
            is_switch=is_switch,
            screening=screening,
            need_assessment=need if not positive else None,
            motivation=motivation,
            contraindication_check=check,
            decided_by=by,
        )
        record.full_clean()
        record.save()
        audit.log(
            record,
            "screening.assignment.switched" if is_switch else "screening.assignment.decided",
            user=by,
            data={"decision": decision, "target_code": record.target_code},
        )
    return record


def _assignment_prerequisites(*, positive: bool, need, motivation, check) -> None:
    if motivation is None:
        raise AssignmentRefused(
            _("WMR cannot be assigned yet: the patient's motivation has not been recorded (recommendation 3.3).")
        )
    if check is None:
        raise AssignmentRefused(
            _("WMR cannot be assigned yet: a physician has not checked the contraindications (recommendation 2.3).")
        )
    if not check.clear:
        raise AssignmentRefused(
            _(
                "WMR cannot be assigned: the latest contraindication check found a contraindication. "
                "A new check by a physician must find none."
            )
        )
    if not positive and need is None:
        raise AssignmentRefused(
            _(
                "WMR cannot be assigned yet: the screening is not positive and no need assessment from an admission "
                "interview has been recorded (recommendation 2.2)."
            )
        )


def not_motivated_warning(decision: AssignmentDecision) -> str:
    """A-5 PRODUCT CHOICE: the message shown when WMR was assigned to a patient recorded as not motivated."""
    if (
        decision.decision == Decision.ASSIGN
        and decision.motivation
        and (decision.motivation.motivation == Motivation.NOT_MOTIVATED)
    ):
        return _("The patient was recorded as not motivated for work-related topics; please clarify this with them.")
    return ""


def code_correction_record(*, by, stay: Stay, corrected_on: dt.date, reference: str) -> CodeCorrection:
    """D-3 (rec. 2.5): the department code was corrected in the §301 data on ``corrected_on`` (message
    ``reference``). Records the correction for the stay's open code task and sets the stay's department code
    through ``patients.services.stay_update`` (the stay's history keeps the old code)."""
    open_task = stay_assignment(stay, corrected_on).open_task
    if open_task is None:
        raise AssignmentRefused(_("There is no open department-code task for this stay."))
    if corrected_on < open_task.decision.decided_on:
        raise AssignmentRefused(
            _("The correction cannot lie before the decision of %(date)s.")
            % {"date": f"{open_task.decision.decided_on:%d.%m.%Y}"}
        )
    task = open_task.task
    with transaction.atomic():
        correction = CodeCorrection(
            stay=stay,
            decision=open_task.decision,
            from_code=task.from_code,
            to_code=task.to_code,
            corrected_on=corrected_on,
            reference=reference.strip(),
            recorded_by=by,
        )
        correction.full_clean()
        correction.save()
        stay_update(by=by, stay=stay, data={"department_code": task.to_code})
        audit.log(
            correction,
            "screening.assignment.code_corrected",
            user=by,
            data={
                "from": task.from_code,
                "to": task.to_code,
                "due": task.due.isoformat(),
                "on_time": corrected_on <= task.due,
            },
        )
    return correction
