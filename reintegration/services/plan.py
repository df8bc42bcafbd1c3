"""Writes of the graded return-to-work plan (Hamburg model, §74 SGB V / §44 SGB IX; hamburg_model.md §2–§7).

Life cycle (§7): ``draft`` → ``consents_pending`` (from the first consent event) → ``ready`` (no rule error, consents
and prerequisites complete, warnings confirmed) → ``submitted`` (K-2 counselling done) → ``approved`` (payer, C-5) →
``running`` ⇄ ``interrupted`` → ``completed`` | ``aborted``; or ``not_started`` (refusal or withdrawal before the
start). A draft, ``consents_pending`` or ``ready`` plan is edited in place; an edit of a ``ready`` plan sends it back
to planning. From ``submitted`` on, a change makes the next version (H-6, ``plan_new_version``): a draft with header,
steps, vacations and the patient's, employer's and occupational physician's consents copied (the physician approves
the changed step plan anew). The version it replaces stays in force and readable until the new one becomes
``ready``; then the old one is ``superseded`` (an ended version keeps its outcome). The new version is then
submitted, approved and started like the first.

Every service checks first (raising a ``PlanRefused`` whose message names the rule), then writes in one transaction
with ``full_clean`` and one audit row; a refusal stores nothing. Rules are ``reintegration.hamburg``; ``plan.last_day``
is kept in sync with the steps on every write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from patients import selectors as patient_selectors
from patients.models import Consent, ConsentKind, EmploymentStatus, Stay
from patients.models import Payer as StayPayer
from reintegration import hamburg
from reintegration.errors import (
    CounselingIncomplete,
    EntitlementNotRecorded,
    OccupationalPhysicianConsentMissing,
    PhysicianOnly,
    PlanExists,
    PlanLocked,
    PlanNotReady,
    PlanRefused,
    PlanStatusRefused,
)
from reintegration.models import (
    PLAN_OPEN_STATUSES,
    ConsentState,
    DisabilityStatus,
    GradedReturnPlan,
    PlanConsent,
    PlanInterruption,
    PlanParty,
    PlanStatus,
    PlanStep,
    PlanTask,
    PlanTaskKind,
    PlanVacation,
    WorkSituation,
)
from staff.models import Profession
from wmr import audit, locking

PLANNING = (PlanStatus.DRAFT, PlanStatus.CONSENTS_PENDING, PlanStatus.READY)
BEFORE_START = (*PLANNING, PlanStatus.SUBMITTED, PlanStatus.APPROVED)
EXECUTING = (PlanStatus.RUNNING, PlanStatus.INTERRUPTED)
# a version made from these is a change after submission (H-6); a not-started plan may be tried again the same way
REVISABLE = (PlanStatus.SUBMITTED, PlanStatus.APPROVED, *EXECUTING, PlanStatus.NOT_STARTED)

HEADER_FIELDS = (
    "starts_on",
    "working_days_per_week",
    "hours_per_day",
    "activities_to_avoid",
    "supporting_measures",
    "workplace_aids_needed",
    "long_plan_justification",
    "payer_override_reason",
    "payer_reference",
    "counseled_on",
    "counseling_topics",
    "employer_voluntary_payment",
    "note",
)
# what may still be recorded after submission: facts about the plan, not its content (E-9)
RECORD_ANY_TIME = ("employer_voluntary_payment", "note")
# fields whose change alters what the rules compute (a ready plan goes back to planning)
_TEXT_FIELDS = {
    "activities_to_avoid",
    "supporting_measures",
    "long_plan_justification",
    "payer_override_reason",
    "payer_reference",
    "employer_voluntary_payment",
    "note",
}
STEP_FIELDS = ("weeks", "days", "pattern", "starts_on", "activities", "restrictions")
_COPIED_CONSENT_PARTIES = (PlanParty.EMPLOYEE, PlanParty.EMPLOYER, PlanParty.OCCUPATIONAL_PHYSICIAN)
_POSITIVE_CONSENT = (ConsentState.GIVEN, ConsentState.NOT_REQUIRED, ConsentState.INVOLVED)


def _date(value: dt.date) -> str:
    return f"{value:%d.%m.%Y}"


# --- reading the plan for the rules -------------------------------------------------------------------------------


def _work_situation(stay: Stay) -> WorkSituation | None:
    try:
        return stay.work_situation
    except WorkSituation.DoesNotExist:
        return None


def plan_facts(stay: Stay) -> hamburg.CaseFacts:
    """What the rules need to know about the stay (§3, C-4, V-9, V-10): civil servant from the employment, pension
    rehab from the stay's payer, the discharge date, and the work situation's facts when one is recorded."""
    situation = _work_situation(stay)
    values = {
        "civil_servant": stay.employment_status == EmploymentStatus.CIVIL_SERVANT,
        "pension_rehab": stay.payer in StayPayer.pension_insurance(),
        "discharge_date": stay.discharge_date,
    }
    if situation is not None:
        values.update(
            work_accident=situation.work_accident,
            unemployment_benefit=situation.unemployment_benefit,
            statutory_sick_pay=situation.statutory_sick_pay,
            severely_disabled=situation.disability != DisabilityStatus.NONE,
        )
    return hamburg.CaseFacts(**values)


def payer_override_reason(plan: GradedReturnPlan) -> str:
    """F-2 / P2: the pension insurance stays the payer beyond day 28 only with a reason **and** the carrier's
    reference; without the reference the reason does not count."""
    return plan.payer_override_reason.strip() if plan.payer_reference.strip() else ""


def plan_input(plan: GradedReturnPlan) -> hamburg.PlanInput:
    """The plan as the rules read it (uses prefetched steps and vacations when there are any)."""
    steps = sorted(plan.steps.all(), key=lambda step: step.position)
    return hamburg.PlanInput(
        starts_on=plan.starts_on,
        steps=tuple(
            hamburg.StepInput(
                weeks=step.weeks,
                days=step.days,
                pattern=hamburg.pattern_from_json(step.pattern),
                starts_on=step.starts_on,
                activities=step.activities,
                restrictions=step.restrictions,
            )
            for step in steps
        ),
        working_days_per_week=plan.working_days_per_week,
        hours_per_day=Decimal(plan.hours_per_day),
        workplace_aids_needed=plan.workplace_aids_needed,
        vacations=tuple(sorted((vacation.starts_on, vacation.ends_on) for vacation in plan.vacations.all())),
        long_plan_justification=plan.long_plan_justification,
        payer_override_reason=payer_override_reason(plan),
    )


def plan_payer(plan: GradedReturnPlan, facts: hamburg.CaseFacts | None = None) -> hamburg.PayerDecision:
    """§3 for this plan (the reason counts only with the reference, see ``payer_override_reason``)."""
    facts = facts if facts is not None else plan_facts(plan.stay)
    return hamburg.determine_payer(facts, plan.starts_on, override_reason=payer_override_reason(plan))


def latest_consents(plan: GradedReturnPlan) -> dict[str, PlanConsent | None]:
    """The latest consent event per party (its state is the party's state, §4); None when there is none."""
    latest: dict[str, PlanConsent | None] = dict.fromkeys(PlanParty.values)
    for event in sorted(plan.consents.all(), key=lambda event: (event.on, event.pk)):
        latest[event.party] = event
    return latest


def consent_states(plan: GradedReturnPlan) -> dict[str, str | None]:
    return {party: (event.state if event else None) for party, event in latest_consents(plan).items()}


def continues_started_plan(plan: GradedReturnPlan) -> bool:
    """A version that changes a plan already under way (H-6): its start lies behind it, so no lead time applies."""
    return plan.previous_id is not None and plan.previous.actual_start is not None


def judged_submission_date(plan: GradedReturnPlan, today: dt.date) -> dt.date | None:
    """V-8 is judged on the submission date; while planning, on today (as if submitted today). Not for a version
    that continues a started plan."""
    if continues_started_plan(plan):
        return None
    if plan.submitted_on:
        return plan.submitted_on
    return today if plan.status in PLANNING else None


def plan_findings(
    plan: GradedReturnPlan, *, today: dt.date, facts: hamburg.CaseFacts | None = None
) -> list[hamburg.Finding]:
    """V-1 … V-10 and V-11 of the plan as it stands."""
    facts = facts if facts is not None else plan_facts(plan.stay)
    found = hamburg.validate_plan(plan_input(plan), facts, submitted_on=judged_submission_date(plan, today))
    return found + hamburg.consent_findings(consent_states(plan), facts)


def plan_checklist(
    plan: GradedReturnPlan,
    *,
    findings: Sequence[hamburg.Finding],
    facts: hamburg.CaseFacts | None = None,
    payer: hamburg.PayerDecision | None = None,
) -> tuple[hamburg.PrerequisiteItem, ...]:
    """P-1 … P-7 of the plan."""
    facts = facts if facts is not None else plan_facts(plan.stay)
    return hamburg.prerequisite_checklist(
        facts=facts,
        plan=plan_input(plan),
        findings=findings,
        payer=payer if payer is not None else plan_payer(plan, facts),
        consent_states=consent_states(plan),
        on_sick_leave=plan.on_sick_leave,
        partial_work_possible=plan.partial_work_possible,
        workplace_allows=plan.workplace_allows,
    )


# --- helpers ------------------------------------------------------------------------------------------------------


# yes / no / not known: None is a valid answer the model field's ``blank`` does not admit
_NULL_BOOLEANS = ["on_sick_leave", "partial_work_possible", "workplace_allows"]


def _save(obj, **kwargs) -> None:
    """full_clean, then save; a model error becomes a refusal with its message (nothing stored)."""
    try:
        obj.full_clean(exclude=_NULL_BOOLEANS if isinstance(obj, GradedReturnPlan) else None)
    except ValidationError as exc:
        raise PlanRefused(" ".join(exc.messages)) from exc
    obj.save(**kwargs)


def _lock(plan: GradedReturnPlan) -> GradedReturnPlan:
    """Lock the plan's row for the transaction and read its current state into ``plan``."""
    list(GradedReturnPlan.objects.select_for_update().filter(pk=plan.pk).values_list("pk", flat=True))
    plan.refresh_from_db()
    return plan


def _require_status(plan: GradedReturnPlan, allowed: Sequence[str], action: str) -> None:
    if plan.status not in allowed:
        raise PlanStatusRefused(plan.get_status_display(), action)


def _require_editable(plan: GradedReturnPlan) -> None:
    if plan.status in PLANNING:
        return
    if plan.status in (PlanStatus.SUBMITTED, PlanStatus.APPROVED, *EXECUTING):
        raise PlanLocked()
    raise PlanStatusRefused(plan.get_status_display(), _("the plan has ended and cannot be changed."))


def _not_future(day: dt.date, today: dt.date, what: str) -> None:
    if day > today:
        raise PlanRefused(_("%(what)s lies in the future (%(date)s).") % {"what": what, "date": _date(day)})


def _planning_status(plan: GradedReturnPlan) -> str:
    """Draft until the first consent event, then consents pending."""
    return PlanStatus.CONSENTS_PENDING if plan.consents.exists() else PlanStatus.DRAFT


def _back_to_planning(plan: GradedReturnPlan) -> None:
    """A change of a planning plan: a ready plan is checked again (its confirmation of warnings lapses)."""
    if plan.status in PLANNING:
        plan.status = _planning_status(plan)
        plan.warnings_confirmed_by = None
        plan.warnings_confirmed_at = None


def _sync_last_day(plan: GradedReturnPlan) -> None:
    plan.last_day = hamburg.compute_plan(plan_input(plan)).last_day


def _task(plan: GradedReturnPlan, kind: str, due_on: dt.date, note: str = "") -> PlanTask | None:
    """A task of the plan's rules; none when the same kind is open already (idempotent)."""
    if plan.tasks.filter(kind=kind, done_on__isnull=True).exists():
        return None
    task = PlanTask(plan=plan, kind=kind, due_on=due_on, note=note[:300])
    _save(task)
    return task


def _clean_pattern(pattern) -> list[dict]:
    """The weekly pattern as stored (``[{"days": 3, "hours": "6"}, …]``) from dicts or ``PatternEntry`` values;
    refused when it is not numbers, negative or empty. The rules judge the rest (V-1, V-3, V-4)."""
    items = list(pattern or [])
    try:
        if all(isinstance(item, hamburg.PatternEntry) for item in items):
            parsed = tuple(items)
        else:
            parsed = hamburg.pattern_from_json(items)
    except (ValueError, AttributeError, TypeError) as exc:
        raise PlanRefused(_("The weekly pattern needs whole days and hours as numbers (H-2).")) from exc
    if not parsed:
        raise PlanRefused(_("The weekly pattern is empty: enter days per week and hours per day (H-2)."))
    if any(entry.days < 0 or entry.hours < 0 for entry in parsed):
        raise PlanRefused(_("The weekly pattern cannot have negative days or hours (H-2)."))
    if any(entry.days > 7 or entry.hours > 24 for entry in parsed):
        raise PlanRefused(_("The weekly pattern has more than 7 days a week or 24 hours a day (H-2)."))
    return hamburg.pattern_to_json(parsed)


def _check_step_length(weeks, days) -> None:
    if weeks is None or days is None or weeks < 0 or days < 0:
        raise PlanRefused(_("Please enter the step's duration in weeks and days."))
    if 7 * weeks + days < 1:
        raise PlanRefused(_("A step lasts at least one day (V-1)."))


def _end_plan(plan: GradedReturnPlan, *, status: str, on: dt.date, reason: str) -> None:
    """C-7, E-7, E-8: the plan ends; after the start it is aborted with a follow-up task."""
    plan.status = status
    plan.end_reason = reason
    if status == PlanStatus.ABORTED:
        plan.actual_end = on if plan.actual_start and on >= plan.actual_start else plan.actual_start
        _task(plan, PlanTaskKind.FOLLOW_UP, on)


def _fail(plan: GradedReturnPlan, verdict: hamburg.InterruptionVerdict, today: dt.date) -> None:
    """E-3: failed from the first missed day, its last day the day before; the payer is to be informed and E-8
    follows."""
    plan.status = PlanStatus.ABORTED
    plan.failed_from = verdict.failed_from
    day_before = verdict.last_day_of_return
    plan.actual_end = day_before if plan.actual_start and day_before >= plan.actual_start else None
    plan.end_reason = verdict.explanation
    _task(plan, PlanTaskKind.INFORM_PAYER, today)
    _task(plan, PlanTaskKind.FOLLOW_UP, today)


# --- planning -----------------------------------------------------------------------------------------------------


def plan_create(*, by, stay: Stay, starts_on: dt.date, today: dt.date | None = None) -> GradedReturnPlan:
    """A new graded plan as a draft (the next version number of the stay; 1 for the first). The contractual days
    and hours come from the work situation when one is recorded (H-1: the plan grades towards *their* full load).

    Refused while the stay has an open plan (change that one, or make its next version)."""
    if starts_on is None:
        raise PlanRefused(_("Please enter the planned start."))
    if GradedReturnPlan.objects.filter(stay=stay, status__in=PLAN_OPEN_STATUSES).exists():
        raise PlanExists()
    situation = _work_situation(stay)
    with transaction.atomic():
        version = (GradedReturnPlan.objects.filter(stay=stay).aggregate(n=Max("version"))["n"] or 0) + 1
        plan = GradedReturnPlan(stay=stay, version=version, starts_on=starts_on, created_by=by)
        if situation is not None:
            plan.working_days_per_week = situation.working_days_per_week
            plan.hours_per_day = situation.hours_per_day
        _save(plan)
        audit.log(plan, "reintegration.plan.created", user=by, data={"version": version, "starts_on": str(starts_on)})
    return plan


def _clean_header(values: Mapping, today: dt.date) -> dict:
    data = {}
    for name in HEADER_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name in _TEXT_FIELDS:
            value = (value or "").strip()
        data[name] = value
    if "starts_on" in data and data["starts_on"] is None:
        raise PlanRefused(_("Please enter the planned start."))
    if "counseling_topics" in data:
        topics = list(data["counseling_topics"] or [])
        known = [key for key, _label in hamburg.COUNSELING_TOPICS]
        unknown = [topic for topic in topics if topic not in known]
        if unknown:
            raise PlanRefused(_("Unknown counselling topic: %(topics)s.") % {"topics": ", ".join(map(str, unknown))})
        data["counseling_topics"] = [key for key in known if key in topics]
    if data.get("counseled_on"):
        _not_future(data["counseled_on"], today, _("The counselling date"))
    if "workplace_aids_needed" in data:
        data["workplace_aids_needed"] = bool(data["workplace_aids_needed"])
    return data


def plan_update(
    *,
    by,
    plan: GradedReturnPlan,
    values: Mapping,
    today: dt.date | None = None,
    lock_version: int | None = None,
) -> GradedReturnPlan:
    """Change the header of a plan before submission (``values``: any of ``HEADER_FIELDS``; missing keys stay).
    ``lock_version``: the version the user edited; saved since by someone else: ``StaleEdit``, nothing stored.

    After submission only the note and the employer's voluntary payment can be recorded (E-9); anything else needs
    a new version (H-6). A newly recorded voluntary payment creates the task to tell the payer (E-9). A ``ready``
    plan whose content changes goes back to planning."""
    today = today or timezone.localdate()
    data = _clean_header(values, today)
    with transaction.atomic():
        _lock(plan)
        locking.claim(plan, lock_version, by=by, fields=HEADER_FIELDS, typed=data)
        changed = [name for name, value in data.items() if getattr(plan, name) != value]
        if any(name not in RECORD_ANY_TIME for name in changed):
            _require_editable(plan)
        elif plan.status in (PlanStatus.SUPERSEDED,):
            raise PlanStatusRefused(plan.get_status_display(), _("a later version replaces this one."))
        payment_before = plan.employer_voluntary_payment
        for name, value in data.items():
            setattr(plan, name, value)
        if any(name not in RECORD_ANY_TIME for name in changed):
            _back_to_planning(plan)
        _sync_last_day(plan)
        _save(plan)
        if plan.employer_voluntary_payment and plan.employer_voluntary_payment != payment_before:
            _task(plan, PlanTaskKind.TELL_PAYER_PAYMENT, today, plan.employer_voluntary_payment)
        audit.log(plan, "reintegration.plan.changed", user=by, data={"fields": changed, "version": plan.version})
    return plan


def step_add(
    *,
    by,
    plan: GradedReturnPlan,
    weeks: int,
    days: int = 0,
    pattern,
    starts_on: dt.date | None = None,
    activities: str = "",
    restrictions: str = "",
) -> PlanStep:
    """A step at the end of the plan (H-2): duration in weeks and days, the weekly pattern, tasks and restrictions.
    ``starts_on`` empty: the day after the step before (H-3). The rules judge the step (V-1 … V-4, V-7)."""
    stored = _clean_pattern(pattern)
    _check_step_length(weeks, days)
    with transaction.atomic():
        _lock(plan)
        _require_editable(plan)
        position = (plan.steps.aggregate(n=Max("position"))["n"] or 0) + 1
        step = PlanStep(
            plan=plan,
            position=position,
            weeks=weeks,
            days=days,
            pattern=stored,
            starts_on=starts_on,
            activities=(activities or "").strip(),
            restrictions=(restrictions or "").strip(),
        )
        _save(step)
        _back_to_planning(plan)
        _sync_last_day(plan)
        _save(plan)
        audit.log(step, "reintegration.plan.step_added", user=by, data={"version": plan.version, "step": position})
    return step


def step_change(*, by, step: PlanStep, values: Mapping, lock_version: int | None = None) -> PlanStep:
    """Change a step of a plan before submission (``values``: any of ``STEP_FIELDS``; missing keys stay).
    ``lock_version``: the version the user edited; saved since by someone else: ``StaleEdit``, nothing stored."""
    data = {name: values[name] for name in STEP_FIELDS if name in values}
    if "pattern" in data:
        data["pattern"] = _clean_pattern(data["pattern"])
    for name in ("activities", "restrictions"):
        if name in data:
            data[name] = (data[name] or "").strip()
    _check_step_length(data.get("weeks", step.weeks), data.get("days", step.days))
    plan = step.plan
    with transaction.atomic():
        _lock(plan)
        _require_editable(plan)
        step.refresh_from_db()
        locking.claim(step, lock_version, by=by, fields=STEP_FIELDS, typed=data)
        changed = [name for name, value in data.items() if getattr(step, name) != value]
        for name, value in data.items():
            setattr(step, name, value)
        _save(step)
        if changed:
            _back_to_planning(plan)
        _sync_last_day(plan)
        _save(plan)
        audit.log(
            step,
            "reintegration.plan.step_changed",
            user=by,
            data={"version": plan.version, "step": step.position, "fields": changed},
        )
    return step


def step_remove(*, by, step: PlanStep) -> GradedReturnPlan:
    """Remove a step of a plan before submission; the later steps move up (positions stay 1 … n)."""
    plan = step.plan
    with transaction.atomic():
        _lock(plan)
        _require_editable(plan)
        position = step.position
        audit.log(
            step,
            "reintegration.plan.step_removed",
            user=by,
            data={"version": plan.version, "step": position, "pattern": step.pattern},
        )
        step.delete()
        for later in plan.steps.filter(position__gt=position).order_by("position"):
            later.position -= 1
            later.save(update_fields=["position"])
        _back_to_planning(plan)
        _sync_last_day(plan)
        _save(plan)
    return plan


def vacation_add(*, by, plan: GradedReturnPlan, starts_on: dt.date, ends_on: dt.date) -> PlanVacation:
    """Vacation entered for the plan period; the rules report it (V-10: an error for employees, a warning for civil
    servants, E-6). Possible while the plan is open."""
    if starts_on is None or ends_on is None:
        raise PlanRefused(_("Please enter the first and the last day of the vacation."))
    if ends_on < starts_on:
        raise PlanRefused(_("The vacation cannot end before it starts."))
    with transaction.atomic():
        _lock(plan)
        _require_status(plan, PLAN_OPEN_STATUSES, _("vacation can only be entered for an open plan."))
        vacation = PlanVacation(plan=plan, starts_on=starts_on, ends_on=ends_on, recorded_by=by)
        _save(vacation)
        _back_to_planning(plan)
        _save(plan)
        audit.log(
            vacation,
            "reintegration.plan.vacation_added",
            user=by,
            data={"from": str(starts_on), "to": str(ends_on), "version": plan.version},
        )
    return vacation


def vacation_remove(*, by, vacation: PlanVacation) -> GradedReturnPlan:
    plan = vacation.plan
    with transaction.atomic():
        _lock(plan)
        _require_status(plan, PLAN_OPEN_STATUSES, _("vacation can only be changed for an open plan."))
        audit.log(
            vacation,
            "reintegration.plan.vacation_removed",
            user=by,
            data={"from": str(vacation.starts_on), "to": str(vacation.ends_on), "version": plan.version},
        )
        vacation.delete()
        _back_to_planning(plan)
        _save(plan)
    return plan


def prerequisites_record(
    *,
    by,
    plan: GradedReturnPlan,
    on_sick_leave: bool | None,
    partial_work_possible: bool | None,
    workplace_allows: bool | None,
) -> GradedReturnPlan:
    """P-1, P-2, P-5 as yes / no / not known (None), with the author. A "no" blocks ``ready``."""
    with transaction.atomic():
        _lock(plan)
        _require_editable(plan)
        plan.on_sick_leave = on_sick_leave
        plan.partial_work_possible = partial_work_possible
        plan.workplace_allows = workplace_allows
        plan.prerequisites_by = by
        _back_to_planning(plan)
        _save(plan)
        audit.log(
            plan,
            "reintegration.plan.prerequisites_recorded",
            user=by,
            data={
                "on_sick_leave": on_sick_leave,
                "partial_work_possible": partial_work_possible,
                "workplace_allows": workplace_allows,
            },
        )
    return plan


# --- consents (§4) ------------------------------------------------------------------------------------------------

_ALLOWED_STATES = {
    PlanParty.EMPLOYEE: (ConsentState.GIVEN, ConsentState.REFUSED, ConsentState.WITHDRAWN),
    PlanParty.EMPLOYER: (ConsentState.GIVEN, ConsentState.REFUSED, ConsentState.WITHDRAWN, ConsentState.NOT_REQUIRED),
    PlanParty.PHYSICIAN: (ConsentState.GIVEN, ConsentState.REFUSED, ConsentState.WITHDRAWN),
    PlanParty.OCCUPATIONAL_PHYSICIAN: (ConsentState.INVOLVED, ConsentState.WITHDRAWN),
}


def _occupational_consent(plan: GradedReturnPlan, on: dt.date, patient_consent: Consent | None) -> Consent:
    """C-6 / rec 10.6: the patient's consent to contact with the occupational physician, valid on ``on``."""
    kind_label = ConsentKind(ConsentKind.OCCUPATIONAL_PHYSICIAN).label
    if patient_consent is None:
        patient_consent = patient_selectors.valid_consent(plan.stay, ConsentKind.OCCUPATIONAL_PHYSICIAN, on)
        if patient_consent is None:
            raise OccupationalPhysicianConsentMissing(
                _(
                    "The occupational physician can only be involved with the patient's consent “%(consent)s”, "
                    "valid on %(date)s (rec 10.6, C-6). Please record the consent first."
                )
                % {"consent": kind_label, "date": _date(on)}
            )
        return patient_consent
    if patient_consent.stay_id != plan.stay_id or patient_consent.kind != ConsentKind.OCCUPATIONAL_PHYSICIAN:
        raise OccupationalPhysicianConsentMissing(
            _("The occupational physician can only be involved with the patient's consent “%(consent)s” (C-6).")
            % {"consent": kind_label}
        )
    if not patient_consent.is_valid_on(on):
        raise OccupationalPhysicianConsentMissing(
            _("The patient's consent “%(consent)s” is not valid on %(date)s (withdrawn or given later; C-6).")
            % {"consent": kind_label, "date": _date(on)}
        )
    return patient_consent


def _check_consent(plan, *, by, party, state, on, signed_by, reason, patient_consent, latest, facts) -> Consent | None:
    if state not in _ALLOWED_STATES.get(party, ()):
        raise PlanRefused(
            _("“%(state)s” cannot be recorded for the %(party)s.")
            % {"state": ConsentState(state).label if state in ConsentState.values else state, "party": party}
        )
    if party == PlanParty.PHYSICIAN and getattr(by, "profession", None) != Profession.PHYSICIAN:
        raise PhysicianOnly()
    if party == PlanParty.EMPLOYER and state == ConsentState.NOT_REQUIRED and not facts.severely_disabled:
        raise EntitlementNotRecorded()
    if party == PlanParty.EMPLOYER and state == ConsentState.GIVEN and not signed_by:
        raise PlanRefused(_("Please record who signed for the employer (C-2)."))
    if state == ConsentState.WITHDRAWN:
        if latest is None or latest.state not in _POSITIVE_CONSENT:
            raise PlanRefused(_("There is no consent of this party to withdraw."))
        if not reason:
            raise PlanRefused(_("Please record the reason for the withdrawal (C-7)."))
        if on < latest.on:
            raise PlanRefused(_("A withdrawal cannot lie before the consent of %(date)s.") % {"date": _date(latest.on)})
    if party == PlanParty.OCCUPATIONAL_PHYSICIAN and state == ConsentState.INVOLVED:
        return _occupational_consent(plan, on, patient_consent)
    return None


def consent_record(
    *,
    by,
    plan: GradedReturnPlan,
    party: str,
    state: str,
    on: dt.date,
    signed_by: str = "",
    reason: str = "",
    patient_consent: Consent | None = None,
    today: dt.date | None = None,
) -> PlanConsent:
    """A consent event of one party (§4), append-only; the latest event per party is its state.

    C-1 patient, C-2 employer (who signed), C-3 physician's approval of the step plan (only by a physician), C-4
    employer ``not_required_entitlement`` only with a recorded severe disability, C-6 the occupational physician
    involved only with the patient's valid consent (``patient_consent``, else the valid one of the stay), C-7 a
    withdrawal (with reason) ends the plan: ``not_started`` before the start, ``aborted`` after it with the E-8
    follow-up. TR1: the employer's refusal ends it as ``not_started`` with the task to talk again in two weeks. A
    draft moves to ``consents_pending`` with its first consent event."""
    today = today or timezone.localdate()
    signed_by, reason = (signed_by or "").strip(), (reason or "").strip()
    if on is None:
        raise PlanRefused(_("Please enter the date."))
    _not_future(on, today, _("The date of the consent"))
    facts = plan_facts(plan.stay)
    with transaction.atomic():
        _lock(plan)
        _require_status(plan, PLAN_OPEN_STATUSES, _("consents can only be recorded for an open plan."))
        latest = latest_consents(plan)[party] if party in PlanParty.values else None
        consent = _check_consent(
            plan,
            by=by,
            party=party,
            state=state,
            on=on,
            signed_by=signed_by,
            reason=reason,
            patient_consent=patient_consent,
            latest=latest,
            facts=facts,
        )
        event = PlanConsent(
            plan=plan,
            party=party,
            state=state,
            on=on,
            signed_by=signed_by,
            reason=reason,
            patient_consent=consent,
            recorded_by=by,
        )
        _save(event)
        status_before = plan.status
        ends = hamburg.status_after_consent(party, state, started=plan.status in EXECUTING)
        if ends is not None:
            _end_plan(plan, status=ends, on=on, reason=reason)
            if party == PlanParty.EMPLOYER and state == ConsentState.REFUSED and plan.status == PlanStatus.NOT_STARTED:
                _task(plan, PlanTaskKind.TALK_AGAIN, hamburg.talk_again_on(on), reason)
        elif plan.status in PLANNING and (
            plan.status != PlanStatus.READY or hamburg.consent_findings(consent_states(plan), facts)
        ):
            plan.status = PlanStatus.CONSENTS_PENDING
        _save(plan)
        audit.log(
            event,
            "reintegration.plan.consent_recorded",
            user=by,
            data={
                "party": party,
                "state": state,
                "on": str(on),
                "version": plan.version,
                "status": [status_before, plan.status],
            },
        )
    return event


# --- ready, submitted, approved, started --------------------------------------------------------------------------


def _ready_problems(plan: GradedReturnPlan, *, facts, today, confirm_warnings) -> tuple[list[str], list, list, bool]:
    findings = plan_findings(plan, today=today, facts=facts)
    payer = plan_payer(plan, facts)
    items = plan_checklist(plan, findings=findings, facts=facts, payer=payer)
    problems: list[str] = [finding.message for finding in hamburg.errors(findings)]
    # P-3, P-6 and P-7 block exactly when their rule errors (V-1/V-3, V-11) are listed already
    for item in items:
        if item.blocks_ready and item.code in ("P-1", "P-2", "P-4", "P-5"):
            problems.append(f"{item.label} ({item.code}): {item.detail}")
    for finding in hamburg.unjustified(findings):
        if finding.code == "V-5":
            problems.append(_("Please give the justification for a plan longer than six months (V-5)."))
        else:
            problems.append(
                _(
                    "To keep the pension insurance as payer after day 28, give the reason and the carrier's "
                    "reference; otherwise leave the reason empty and confirm the payer that applies (V-9, F-2)."
                )
            )
    if problems:
        return problems, findings, list(items), False
    unconfirmed = hamburg.warnings(findings)
    if unconfirmed and not confirm_warnings:
        return [w.message for w in unconfirmed], findings, list(items), True
    return [], findings, list(items), False


def plan_mark_ready(
    *, by, plan: GradedReturnPlan, confirm_warnings: bool = False, today: dt.date | None = None
) -> GradedReturnPlan:
    """§5.2, §2, §4: the plan is complete. Refused with the list of problems while a rule error (V-1 … V-11), a
    blocking prerequisite (P-1 … P-7) or a required justification (V-5, V-9: reason and reference) is open, and while
    warnings exist that are not confirmed (``confirm_warnings``). V-8 is judged as if submitted today.

    Stores the payer (§3) and the last day; the version it replaces (H-6) becomes ``superseded``."""
    today = today or timezone.localdate()
    facts = plan_facts(plan.stay)
    with transaction.atomic():
        _lock(plan)
        _require_status(
            plan, (PlanStatus.DRAFT, PlanStatus.CONSENTS_PENDING), _("only a plan being prepared can become ready.")
        )
        problems, findings, items, warnings_only = _ready_problems(
            plan, facts=facts, today=today, confirm_warnings=confirm_warnings
        )
        if problems:
            raise PlanNotReady(problems, findings=findings, items=items, warnings_only=warnings_only)
        warned = hamburg.warnings(findings)
        plan.status = PlanStatus.READY
        plan.payer = plan_payer(plan, facts).payer
        _sync_last_day(plan)
        if warned:
            plan.warnings_confirmed_by = by
            plan.warnings_confirmed_at = timezone.now()
        _save(plan)
        previous = plan.previous
        superseded = None
        if previous is not None and previous.status in (PlanStatus.SUBMITTED, PlanStatus.APPROVED, *EXECUTING):
            previous.status = PlanStatus.SUPERSEDED
            _save(previous, update_fields=["status"])
            superseded = previous.version
        audit.log(
            plan,
            "reintegration.plan.ready",
            user=by,
            data={
                "version": plan.version,
                "payer": plan.payer,
                "last_day": str(plan.last_day),
                "warnings_confirmed": [f.code for f in warned],
                "supersedes": superseded,
            },
        )
    return plan


def plan_submit(*, by, plan: GradedReturnPlan, submitted_on: dt.date, today: dt.date | None = None) -> GradedReturnPlan:
    """The ready plan goes to employer and payer on ``submitted_on``. K-2 (rec 8.5): the patient was counselled
    (``counseled_on``, not after the submission) on all four topics. V-8 is judged on this date (the lead-time
    warning is recorded with the submission)."""
    today = today or timezone.localdate()
    if submitted_on is None:
        raise PlanRefused(_("Please enter the date of the submission."))
    _not_future(submitted_on, today, _("The submission date"))
    with transaction.atomic():
        _lock(plan)
        _require_status(plan, (PlanStatus.READY,), _("only a ready plan can be submitted."))
        missing = hamburg.counseling_missing(plan.counseling_topics)
        if plan.counseled_on is None or missing:
            topics = ", ".join(hamburg.counseling_label(key) for key in missing)
            raise CounselingIncomplete(
                _("Before the submission, record the counselling of the patient (date) on all topics (K-2, rec 8.5).")
                + (" " + _("Missing: %(topics)s.") % {"topics": topics} if missing else "")
            )
        if plan.counseled_on > submitted_on:
            raise CounselingIncomplete(
                _("The counselling (%(date)s) must take place before the submission (K-2).")
                % {"date": _date(plan.counseled_on)}
            )
        judged_on = None if continues_started_plan(plan) else submitted_on
        lead = hamburg.validate_plan(plan_input(plan), plan_facts(plan.stay), submitted_on=judged_on)
        lead = [f.code for f in lead if f.code == "V-8"]
        plan.status = PlanStatus.SUBMITTED
        plan.submitted_on = submitted_on
        _save(plan)
        audit.log(
            plan,
            "reintegration.plan.submitted",
            user=by,
            data={"version": plan.version, "submitted_on": str(submitted_on), "warnings": lead},
        )
    return plan


def plan_approve(
    *, by, plan: GradedReturnPlan, approved_on: dt.date, reference: str, today: dt.date | None = None
) -> GradedReturnPlan:
    """C-5: the payer approved the funding on ``approved_on`` under ``reference``."""
    today = today or timezone.localdate()
    reference = (reference or "").strip()
    if approved_on is None or not reference:
        raise PlanRefused(_("Please enter the date and the reference of the payer's approval (C-5)."))
    _not_future(approved_on, today, _("The approval date"))
    with transaction.atomic():
        _lock(plan)
        _require_status(plan, (PlanStatus.SUBMITTED,), _("only a submitted plan can be approved."))
        if approved_on < plan.submitted_on:
            raise PlanRefused(
                _("The approval cannot lie before the submission on %(date)s.") % {"date": _date(plan.submitted_on)}
            )
        plan.status = PlanStatus.APPROVED
        plan.approved_on = approved_on
        plan.approval_reference = reference
        _save(plan)
        audit.log(
            plan,
            "reintegration.plan.approved",
            user=by,
            data={"version": plan.version, "approved_on": str(approved_on), "reference": reference},
        )
    return plan


def plan_start(*, by, plan: GradedReturnPlan, actual_start: dt.date, today: dt.date | None = None) -> GradedReturnPlan:
    """The approved plan starts (§7 execution) on ``actual_start``."""
    today = today or timezone.localdate()
    if actual_start is None:
        raise PlanRefused(_("Please enter the actual start."))
    _not_future(actual_start, today, _("The actual start"))
    with transaction.atomic():
        _lock(plan)
        _require_status(plan, (PlanStatus.APPROVED,), _("only an approved plan can start."))
        plan.status = PlanStatus.RUNNING
        plan.actual_start = actual_start
        _save(plan)
        audit.log(
            plan,
            "reintegration.plan.started",
            user=by,
            data={"version": plan.version, "actual_start": str(actual_start)},
        )
    return plan


# --- execution (§6) -----------------------------------------------------------------------------------------------


def interruption_record(
    *,
    by,
    plan: GradedReturnPlan,
    first_missed_day: dt.date,
    last_missed_day: dt.date | None = None,
    reason: str = "",
    end_foreseeable: bool = False,
    today: dt.date | None = None,
) -> PlanInterruption:
    """E-1 … E-3: an interruption of the running plan. Up to 7 days (first to last missed day, calendar days) the
    plan continues (E-2, H8); 8 days or more end it as ``aborted``, failed from the first missed day, its last day
    the day before, with the tasks to inform the payer and the E-8 follow-up (H9). Without a last day the
    interruption is open: the plan is ``interrupted`` (an open interruption of 8 days by today fails at once, H11)."""
    today = today or timezone.localdate()
    if first_missed_day is None:
        raise PlanRefused(_("Please enter the first missed day."))
    _not_future(first_missed_day, today, _("The first missed day"))
    if last_missed_day is not None:
        _not_future(last_missed_day, today, _("The last missed day"))
        if last_missed_day < first_missed_day:
            raise PlanRefused(_("The last missed day cannot lie before the first."))
    with transaction.atomic():
        _lock(plan)
        _require_status(plan, (PlanStatus.RUNNING,), _("an interruption can only be recorded for a running plan."))
        if first_missed_day < plan.actual_start:
            raise PlanRefused(
                _("The interruption cannot start before the graded return started (%(date)s).")
                % {"date": _date(plan.actual_start)}
            )
        end = last_missed_day or today
        if plan.interruptions.filter(first_missed_day__lte=end, last_missed_day__gte=first_missed_day).exists():
            raise PlanRefused(_("This interruption overlaps an interruption recorded already."))
        interruption = PlanInterruption(
            plan=plan,
            first_missed_day=first_missed_day,
            last_missed_day=last_missed_day,
            reason=(reason or "").strip(),
            end_foreseeable=bool(end_foreseeable),
            recorded_by=by,
        )
        _save(interruption)
        verdict = hamburg.judge_interruption(first_missed_day, last_missed_day, today)
        if verdict.failed:
            _fail(plan, verdict, today)
        elif verdict.open:
            plan.status = PlanStatus.INTERRUPTED
        _save(plan)
        audit.log(
            interruption,
            "reintegration.plan.interruption_recorded",
            user=by,
            data={
                "version": plan.version,
                "from": str(first_missed_day),
                "to": str(last_missed_day) if last_missed_day else None,
                "days": verdict.length_days,
                "failed": verdict.failed,
                "status": plan.status,
            },
        )
    return interruption


def interruption_close(
    *, by, interruption: PlanInterruption, last_missed_day: dt.date, today: dt.date | None = None
) -> PlanInterruption:
    """The last missed day of an open interruption: up to 7 days the plan runs on; 8 days or more it fails as in
    ``interruption_record`` (unless the payer decided to continue, E-4, or the daily check failed it already)."""
    today = today or timezone.localdate()
    if last_missed_day is None:
        raise PlanRefused(_("Please enter the last missed day."))
    _not_future(last_missed_day, today, _("The last missed day"))
    plan = interruption.plan
    with transaction.atomic():
        _lock(plan)
        interruption.refresh_from_db()
        if interruption.last_missed_day is not None:
            raise PlanRefused(_("This interruption is closed already."))
        if last_missed_day < interruption.first_missed_day:
            raise PlanRefused(_("The last missed day cannot lie before the first."))
        interruption.last_missed_day = last_missed_day
        _save(interruption)
        verdict = hamburg.judge_interruption(interruption.first_missed_day, last_missed_day, today)
        if plan.status == PlanStatus.INTERRUPTED:
            if verdict.failed and interruption.payer_continue_on is None:
                _fail(plan, verdict, today)
            else:
                plan.status = PlanStatus.RUNNING
            _save(plan)
        audit.log(
            interruption,
            "reintegration.plan.interruption_closed",
            user=by,
            data={
                "version": plan.version,
                "to": str(last_missed_day),
                "days": verdict.length_days,
                "failed": verdict.failed,
                "status": plan.status,
            },
        )
    return interruption


def payer_decision_continue(*, by, interruption: PlanInterruption, on: dt.date, reference: str) -> PlanInterruption:
    """E-4 (H10): the payer decided case by case to continue after an interruption of more than 7 days (its end was
    foreseeable). The plan returns to ``running`` (``interrupted`` while the interruption is still open); the failure
    date and end are cleared and the E-8 follow-up is closed as not needed."""
    reference = (reference or "").strip()
    if on is None or not reference:
        raise PlanRefused(_("Please enter the date and the reference of the payer's decision (E-4)."))
    plan = interruption.plan
    with transaction.atomic():
        _lock(plan)
        interruption.refresh_from_db()
        if plan.status != PlanStatus.ABORTED or plan.failed_from != interruption.first_missed_day:
            raise PlanRefused(
                _("The payer's decision to continue applies only to a plan that failed with this interruption (E-4).")
            )
        if on < interruption.first_missed_day:
            raise PlanRefused(_("The decision cannot lie before the interruption."))
        interruption.payer_continue_on = on
        interruption.payer_continue_reference = reference
        _save(interruption)
        plan.status = PlanStatus.RUNNING if interruption.last_missed_day else PlanStatus.INTERRUPTED
        plan.failed_from = None
        plan.actual_end = None
        plan.end_reason = ""
        _save(plan)
        for task in plan.tasks.filter(kind=PlanTaskKind.FOLLOW_UP, done_on__isnull=True):
            task.done_on, task.done_by = on, by  # the follow-up of the failure is not needed (E-8)
            _save(task)
        audit.log(
            interruption,
            "reintegration.plan.payer_continued",
            user=by,
            data={"version": plan.version, "on": str(on), "reference": reference, "status": plan.status},
        )
    return interruption


def plan_complete(*, by, plan: GradedReturnPlan, actual_end: dt.date, today: dt.date | None = None) -> GradedReturnPlan:
    """E-7 (H14): full working capacity reached, confirmed by the physician; the actual end may lie before or after
    the planned last day."""
    today = today or timezone.localdate()
    if actual_end is None:
        raise PlanRefused(_("Please enter the actual end."))
    _not_future(actual_end, today, _("The actual end"))
    with transaction.atomic():
        _lock(plan)
        _require_status(plan, (PlanStatus.RUNNING,), _("only a running plan can be completed."))
        if actual_end < plan.actual_start:
            raise PlanRefused(
                _("The end cannot lie before the start on %(date)s.") % {"date": _date(plan.actual_start)}
            )
        plan.status = PlanStatus.COMPLETED
        plan.actual_end = actual_end
        _save(plan)
        audit.log(
            plan,
            "reintegration.plan.completed",
            user=by,
            data={"version": plan.version, "actual_end": str(actual_end), "planned_last_day": str(plan.last_day)},
        )
    return plan


def plan_abort(
    *, by, plan: GradedReturnPlan, on: dt.date, reason: str, today: dt.date | None = None
) -> GradedReturnPlan:
    """E-7, C-7: the plan is stopped on ``on`` for ``reason`` (medical reasons, a party stops it, the payer
    refuses). Before the start it ends as ``not_started``; after it as ``aborted`` with the E-8 follow-up task."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if on is None or not reason:
        raise PlanRefused(_("Please enter the date and the reason."))
    _not_future(on, today, _("The date"))
    with transaction.atomic():
        _lock(plan)
        _require_status(plan, PLAN_OPEN_STATUSES, _("the plan has ended already."))
        started = plan.actual_start is not None
        if started and on < plan.actual_start:
            raise PlanRefused(
                _("The end cannot lie before the start on %(date)s.") % {"date": _date(plan.actual_start)}
            )
        _end_plan(plan, status=PlanStatus.ABORTED if started else PlanStatus.NOT_STARTED, on=on, reason=reason)
        _save(plan)
        audit.log(
            plan,
            "reintegration.plan.aborted",
            user=by,
            data={"version": plan.version, "on": str(on), "status": plan.status},
        )
    return plan


# --- versions and tasks -------------------------------------------------------------------------------------------

_COPIED_HEADER = (
    "starts_on",
    "working_days_per_week",
    "hours_per_day",
    "activities_to_avoid",
    "supporting_measures",
    "workplace_aids_needed",
    "payer_override_reason",
    "payer_reference",
    "long_plan_justification",
    "on_sick_leave",
    "partial_work_possible",
    "workplace_allows",
    "prerequisites_by",
    "counseled_on",
    "counseling_topics",
    "employer_voluntary_payment",
    "note",
)


def plan_new_version(*, by, plan: GradedReturnPlan, today: dt.date | None = None) -> GradedReturnPlan:
    """H-6: a change after submission (the physician shortens, extends or adapts it) makes version n+1 as a draft:
    header, steps and vacations copied, and the latest positive consents of patient, employer and occupational
    physician carried over (the physician approves the changed step plan anew, C-3). The old version stays in force
    and readable; it becomes ``superseded`` when the new one is ``ready``. After a submitted plan, a task per party
    (patient, employer, payer) to inform them of the new version. A not-started plan (TR1) can be tried again the
    same way."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _lock(plan)
        _require_status(
            plan, REVISABLE, _("a new version is made from a submitted, approved, running or not-started plan.")
        )
        if GradedReturnPlan.objects.filter(previous=plan).exists():
            raise PlanRefused(_("This version has a newer version already. Please work on that one."))
        blocking = PLAN_OPEN_STATUSES if plan.status == PlanStatus.NOT_STARTED else PLANNING
        if GradedReturnPlan.objects.filter(stay_id=plan.stay_id, status__in=blocking).exists():
            raise PlanExists()
        version = (GradedReturnPlan.objects.filter(stay_id=plan.stay_id).aggregate(n=Max("version"))["n"] or 0) + 1
        new = GradedReturnPlan(
            stay_id=plan.stay_id,
            version=version,
            previous=plan,
            created_by=by,
            last_day=plan.last_day,
            **{name: getattr(plan, name) for name in _COPIED_HEADER},
        )
        _save(new)
        for step in plan.steps.order_by("position"):
            _save(
                PlanStep(
                    plan=new,
                    position=step.position,
                    weeks=step.weeks,
                    days=step.days,
                    starts_on=step.starts_on,
                    pattern=step.pattern,
                    activities=step.activities,
                    restrictions=step.restrictions,
                )
            )
        for vacation in plan.vacations.all():
            _save(PlanVacation(plan=new, starts_on=vacation.starts_on, ends_on=vacation.ends_on, recorded_by=by))
        carried = []
        for party, event in latest_consents(plan).items():
            if party in _COPIED_CONSENT_PARTIES and event is not None and event.state in _POSITIVE_CONSENT:
                _save(
                    PlanConsent(
                        plan=new,
                        party=party,
                        state=event.state,
                        on=event.on,
                        signed_by=event.signed_by,
                        reason=event.reason,
                        patient_consent=event.patient_consent,
                        recorded_by=by,
                    )
                )
                carried.append(party)
        new.status = PlanStatus.CONSENTS_PENDING if carried else PlanStatus.DRAFT
        _save(new, update_fields=["status"])
        if plan.status != PlanStatus.NOT_STARTED:
            for whom in (
                pgettext("task note", "the patient"),
                pgettext("task note", "the employer"),
                pgettext("task note", "the payer"),
            ):
                _save(PlanTask(plan=new, kind=PlanTaskKind.INFORM_PARTIES, due_on=today, note=str(whom)))
        audit.log(
            new,
            "reintegration.plan.version_created",
            user=by,
            data={"version": version, "replaces": plan.version, "consents_carried": carried},
        )
    return new


def task_done(*, by, task: PlanTask, on: dt.date, today: dt.date | None = None) -> PlanTask:
    """A task of the plan (E-3, E-8, E-9, TR1, H-6) is done on ``on``."""
    today = today or timezone.localdate()
    if on is None:
        raise PlanRefused(_("Please enter the date."))
    _not_future(on, today, _("The date"))
    with transaction.atomic():
        task.refresh_from_db()
        if task.done_on is not None:
            raise PlanRefused(_("This task is done already."))
        task.done_on = on
        task.done_by = by
        _save(task)
        audit.log(task, "reintegration.plan.task_done", user=by, data={"kind": task.kind, "on": str(on)})
    return task


def open_interruptions_check(*, today: dt.date) -> int:
    """E-3 / H11, run daily: an interruption still open on its 8th day ends the plan as failed from its first day
    (as ``interruption_record`` does for 8 days); the payer's decision to continue (E-4) exempts it. Idempotent: a
    failed plan is no longer ``interrupted``. Returns the number of plans failed now."""
    failed = 0
    candidates = (
        PlanInterruption.objects.filter(
            last_missed_day__isnull=True,
            payer_continue_on__isnull=True,
            plan__status=PlanStatus.INTERRUPTED,
            first_missed_day__lte=today - dt.timedelta(days=hamburg.MAX_INTERRUPTION_DAYS),
        )
        .select_related("plan")
        .order_by("pk")
    )
    for interruption in candidates:
        verdict = hamburg.judge_interruption(interruption.first_missed_day, None, today)
        if not verdict.failed:
            continue
        plan = interruption.plan
        with transaction.atomic():
            _lock(plan)
            if plan.status != PlanStatus.INTERRUPTED:
                continue
            _fail(plan, verdict, today)
            _save(plan)
            audit.log(
                interruption,
                "reintegration.plan.failed",
                user=None,
                data={
                    "version": plan.version,
                    "from": str(interruption.first_missed_day),
                    "days": verdict.length_days,
                    "judged_on": str(today),
                },
            )
        failed += 1
    return failed
