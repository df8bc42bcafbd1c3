"""Writes of the goal agreement (recommendations 3.4–3.9).

Each service checks first (raising a ``GoalsRefused`` with a message that names the rule; nothing is stored), then
writes in one transaction with ``full_clean`` and one audit row. An agreed version is never changed in place: a
change makes the next version (§630f BGB), which must be agreed again (rec 3.5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from goals import rules
from goals.errors import AgreementExists, AgreementLocked, DraftPending, GoalsRefused
from goals.models import AgreementStatus, Goal, GoalAgreement, GoalOutcome, GoalReview, Responsible
from patients.models import Stay
from wmr import audit, locking

GOAL_FIELDS = ("area", "text", "target", "responsible", "responsible_name", "review_on")


def _date(value: dt.date) -> str:
    return f"{value:%d.%m.%Y}"


def _check_written_on(stay: Stay, written_on: dt.date, today: dt.date) -> None:
    problem = rules.written_on_problem(written_on, stay.admission_date, today)
    if problem == "future":
        raise GoalsRefused(_("The date the goals were written lies in the future."))
    if problem == "before_admission":
        raise GoalsRefused(
            _("The goals cannot be written before the admission on %(date)s.") % {"date": _date(stay.admission_date)}
        )


def _locked_unless_draft(agreement: GoalAgreement) -> None:
    if agreement.status != AgreementStatus.DRAFT:
        raise AgreementLocked()


def agreement_start(
    *, by, stay: Stay, written_on: dt.date, note: str = "", today: dt.date | None = None
) -> GoalAgreement:
    """Version 1 of the stay's goal agreement, as a draft to which the goals are added (rec 3.4, 3.7).

    Refused when the stay has an agreement already (a change is a new version) or the date cannot be right."""
    today = today or timezone.localdate()
    if GoalAgreement.objects.filter(stay=stay).exists():
        raise AgreementExists()
    _check_written_on(stay, written_on, today)
    with transaction.atomic():
        agreement = GoalAgreement(stay=stay, version=1, written_on=written_on, note=note.strip(), created_by=by)
        agreement.full_clean()
        agreement.save()
        audit.log(agreement, "goals.agreement.created", user=by, data={"version": 1})
    return agreement


def _clean_goal_values(values: Mapping) -> dict:
    data = {name: values.get(name) for name in GOAL_FIELDS}
    for name in ("text", "target", "responsible_name"):
        data[name] = (data[name] or "").strip()
    if data["responsible"] != Responsible.NAMED:
        data["responsible_name"] = ""
    return data


def _check_goal(goal: Goal, stay: Stay) -> None:
    if goal.responsible == Responsible.NAMED and not goal.responsible_name:
        raise GoalsRefused(_("Please name the responsible person."))
    if goal.review_on and rules.review_date_problem(goal.review_on, stay.admission_date):
        raise GoalsRefused(
            _("The review date cannot lie before the admission on %(date)s.") % {"date": _date(stay.admission_date)}
        )


def goal_add(*, by, agreement: GoalAgreement, **values) -> Goal:
    """A goal with area, measurable target, who is responsible and a review date, added to a draft (rec 3.4).

    ``values``: area, text, target, responsible, responsible_name, review_on. A goal without target or review
    date is refused by ``full_clean`` (nothing stored)."""
    _locked_unless_draft(agreement)
    with transaction.atomic():
        locked = GoalAgreement.objects.select_for_update().get(pk=agreement.pk)
        _locked_unless_draft(locked)
        position = (locked.goals.aggregate(n=Max("position"))["n"] or 0) + 1
        goal = Goal(agreement=locked, position=position, **_clean_goal_values(values))
        _check_goal(goal, locked.stay)
        goal.full_clean()
        goal.save()
        audit.log(goal, "goals.goal.added", user=by, data={"version": locked.version, "area": goal.area})
    return goal


def goal_update(*, by, goal: Goal, lock_version: int | None = None, **values) -> Goal:
    """Change a goal of a draft (simple-history keeps the earlier wording). Goals of an agreed version are locked.

    ``lock_version``: the version of the goal the user edited; if someone saved the goal since, ``StaleEdit`` names
    who, when and what they changed, and nothing is stored (None: unchecked)."""
    _locked_unless_draft(goal.agreement)
    data = _clean_goal_values(values)
    changed = [name for name in GOAL_FIELDS if getattr(goal, name) != data[name]]
    with transaction.atomic():
        locking.claim(goal, lock_version, by=by, fields=GOAL_FIELDS, typed=data)
        for name, value in data.items():
            setattr(goal, name, value)
        _check_goal(goal, goal.agreement.stay)
        goal.full_clean()
        goal.save()
        audit.log(goal, "goals.goal.changed", user=by, data={"fields": changed})
    return goal


def goal_remove(*, by, goal: Goal) -> None:
    """Remove a goal from a draft (its history row keeps what it said). Goals of an agreed version are locked."""
    _locked_unless_draft(goal.agreement)
    with transaction.atomic():
        audit.log(goal, "goals.goal.removed", user=by, data={"text": goal.text[:200]})
        goal.delete()


def agreement_agree(
    *,
    by,
    agreement: GoalAgreement,
    agreed_on: dt.date,
    agreed_how: str,
    note: str = "",
    today: dt.date | None = None,
) -> GoalAgreement:
    """Rec 3.5: the draft is agreed with the patient on ``agreed_on`` (how: ``agreed_how``). The version it replaces
    becomes "superseded" and stays readable. Refused for a version without goals or with an impossible date."""
    today = today or timezone.localdate()
    _locked_unless_draft(agreement)
    if not agreement.goals.exists():
        raise GoalsRefused(_("Please write at least one goal before the agreement is marked as agreed."))
    previous = agreement.previous
    problem = rules.agreed_on_problem(
        agreed_on, agreement.written_on, previous.agreed_on if previous else None, today=today
    )
    if problem == "future":
        raise GoalsRefused(_("The agreement date lies in the future."))
    if problem == "before_written":
        raise GoalsRefused(
            _("The goals cannot be agreed before they were written (%(date)s).") % {"date": _date(agreement.written_on)}
        )
    if problem == "before_previous":
        raise GoalsRefused(
            _("This version cannot be agreed before the version it replaces (agreed on %(date)s).")
            % {"date": _date(previous.agreed_on)}
        )
    with transaction.atomic():
        if previous is not None and previous.status == AgreementStatus.AGREED:
            previous.status = AgreementStatus.SUPERSEDED
            previous.full_clean()
            previous.save(update_fields=["status"])
        agreement.status = AgreementStatus.AGREED
        agreement.agreed_on = agreed_on
        agreement.agreed_how = agreed_how
        if note.strip():
            agreement.note = "\n\n".join(part for part in (agreement.note, note.strip()) if part)
        agreement.full_clean()
        agreement.save()
        audit.log(
            agreement,
            "goals.agreement.agreed",
            user=by,
            data={"version": agreement.version, "agreed_on": agreed_on.isoformat(), "how": agreed_how},
        )
    return agreement


def _next_version(*, by, agreement: GoalAgreement, written_on: dt.date, note: str = "") -> GoalAgreement:
    """A draft replacing ``agreement``, with its goals copied (each pointing at the goal it continues)."""
    new = GoalAgreement(
        stay=agreement.stay,
        version=agreement.version + 1,
        previous=agreement,
        written_on=written_on,
        note=note,
        created_by=by,
    )
    new.full_clean()
    new.save()
    for goal in agreement.goals.order_by("position"):
        copy = Goal(agreement=new, previous=goal, position=goal.position, **{f: getattr(goal, f) for f in GOAL_FIELDS})
        copy.full_clean()
        copy.save()
    return new


def _check_can_revise(agreement: GoalAgreement) -> None:
    if agreement.status != AgreementStatus.AGREED:
        raise GoalsRefused(_("Only the currently agreed version can be changed through a new version."))
    if GoalAgreement.objects.filter(stay_id=agreement.stay_id, status=AgreementStatus.DRAFT).exists():
        raise DraftPending()


def agreement_revise(*, by, agreement: GoalAgreement, today: dt.date | None = None) -> GoalAgreement:
    """Change the goals of an agreed version: the next version as a draft with the goals copied (rec 3.5). The
    agreed version stays valid and readable until the new one is agreed."""
    today = today or timezone.localdate()
    _check_can_revise(agreement)
    with transaction.atomic():
        new = _next_version(by=by, agreement=agreement, written_on=max(today, agreement.agreed_on))
        audit.log(new, "goals.agreement.revised", user=by, data={"version": new.version, "replaces": agreement.pk})
    return new


def review_record(
    *,
    by,
    agreement: GoalAgreement,
    occasion: str,
    reviewed_on: dt.date,
    outcomes: Mapping[int, tuple[str, str]],
    note: str = "",
    today: dt.date | None = None,
) -> GoalReview:
    """Rec 3.6: a review of the agreed version (after the diagnostics, at discharge, or in between) with one
    outcome per goal, ``outcomes`` = {goal id: (outcome, note)}. Any "changed" outcome makes the next version, a
    draft with the goals copied, to be agreed again; the reviewed version stays readable.

    Refused for a version that is not the agreed one, a date before its agreement or in the future, a goal
    without outcome, and a change while another new version is waiting to be agreed."""
    today = today or timezone.localdate()
    if agreement.status != AgreementStatus.AGREED:
        raise GoalsRefused(_("Only the agreed version of the goal agreement can be reviewed."))
    problem = rules.reviewed_on_problem(reviewed_on, agreement.agreed_on, today)
    if problem == "future":
        raise GoalsRefused(_("The review date lies in the future."))
    if problem == "before_agreement":
        raise GoalsRefused(
            _("A review cannot lie before the agreement of %(date)s.") % {"date": _date(agreement.agreed_on)}
        )
    goals = {goal.pk: goal for goal in agreement.goals.all()}
    codes = {goal_id: (value[0] if value else "") for goal_id, value in outcomes.items()}
    check = rules.check_outcomes(goals, codes)
    if check.missing:
        raise GoalsRefused(_("Please record an outcome for every goal."))
    if not check.ok:
        raise GoalsRefused(_("The outcomes do not match the goals of this version."))
    changed = rules.needs_new_version(codes.values())
    if changed:
        _check_can_revise(agreement)
    with transaction.atomic():
        review = GoalReview(
            agreement=agreement, occasion=occasion, reviewed_on=reviewed_on, note=note.strip(), created_by=by
        )
        review.full_clean()
        review.save()
        for goal_id, (code, outcome_note) in outcomes.items():
            row = GoalOutcome(review=review, goal=goals[goal_id], outcome=code, note=(outcome_note or "").strip())
            row.full_clean()
            row.save()
        if changed:
            review.new_version = _next_version(
                by=by,
                agreement=agreement,
                written_on=reviewed_on,
                note=_("New version after the review of %(date)s.") % {"date": _date(reviewed_on)},
            )
            review.save(update_fields=["new_version"])
        audit.log(
            review,
            "goals.review.recorded",
            user=by,
            data={
                "version": agreement.version,
                "occasion": occasion,
                "outcomes": {str(k): v for k, v in sorted(codes.items())},
                "new_version": review.new_version.version if review.new_version else None,
            },
        )
    return review


def copy_handed_over_record(
    *, by, agreement: GoalAgreement, handed_over_on: dt.date, today: dt.date | None = None
) -> GoalAgreement:
    """Rec 3.9: the patient received a copy of the agreed version on ``handed_over_on``. Needs the patient's copy
    to exist (``goals.documents.copy_create``); recorded once per version."""
    from goals.selectors import agreement_copies

    today = today or timezone.localdate()
    if agreement.status == AgreementStatus.DRAFT:
        raise GoalsRefused(_("A copy can be handed over once the goals are agreed with the patient."))
    if agreement.copy_handed_over_on:
        raise GoalsRefused(
            _("The copy of this version was handed over on %(date)s already.")
            % {"date": _date(agreement.copy_handed_over_on)}
        )
    if not agreement_copies(agreement).exists():
        raise GoalsRefused(_("Please create the patient's copy first."))
    problem = rules.handed_over_problem(handed_over_on, agreement.agreed_on, today)
    if problem == "future":
        raise GoalsRefused(_("The date lies in the future."))
    if problem == "before_agreement":
        raise GoalsRefused(
            _("The copy cannot be handed over before the agreement of %(date)s.") % {"date": _date(agreement.agreed_on)}
        )
    with transaction.atomic():
        agreement.copy_handed_over_on = handed_over_on
        agreement.copy_handed_over_by = by
        agreement.full_clean()
        agreement.save(update_fields=["copy_handed_over_on", "copy_handed_over_by"])
        audit.log(
            agreement,
            "goals.copy.handed_over",
            user=by,
            data={"version": agreement.version, "on": handed_over_on.isoformat()},
        )
    return agreement
