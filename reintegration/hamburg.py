"""The graded return to work (Hamburg model, §74 SGB V, §44 SGB IX) as pure rules: no ORM, no clock, no request.

Specification: ../shared/domain/hamburg_model.md; rule ids (H-3, V-5, E-3, …) are cited where they bind. Dates are
calendar dates in Europe/Berlin; public holidays are not modelled (H-5: nominal hours).

CONTRACT (the lead wrote the shapes; the rules helper implements the bodies; views, API and PDFs use only these):

- ``StepInput`` / ``PlanInput``: what a plan is made of (from the model or from an API draft).
- ``compute_plan(plan) -> ComputedPlan``: step dates (H-3), hours (H-5), totals, last day and full-time day (H-4).
- ``validate_plan(plan, facts, *, submitted_on) -> list[Finding]``: V-1 … V-10 as findings (error / warning, with
  ``needs_reason`` where a warning needs a justification). V-11 (consents) is ``consent_findings``.
- ``determine_payer(facts, start_date) -> PayerDecision``: §3 decision table, in order, with the reason and warnings.
- ``judge_interruption(first_missed_day, last_missed_day, today) -> InterruptionVerdict``: E-1 … E-3.
- ``latest_submission_date(discharge_date) -> date``: K-5.

Added by the rules helper (same rules, other views of them):

- ``consent_findings(states, facts) -> list[Finding]``: V-11 with C-1 … C-4, from the latest event per party.
- ``status_after_consent(party, state, *, started) -> str | None``: C-7 / TR1, the plan status a consent event leads to.
- ``prerequisite_checklist(...) -> tuple[PrerequisiteItem, ...]``: P-1 … P-7 as the checklist the app shows.
- ``counseling_missing(topics)``: K-2, the counselling topics still to tick before submission.
- ``pattern_from_json`` / ``pattern_to_json``: the weekly pattern as the model stores it.

The string constants below repeat ``reintegration.models`` choice values so this module needs no model import; a test
checks that they agree.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# --- constants (values of reintegration.models choices) -----------------------------------------------------------


class Payer:
    """``reintegration.models.GraduatedPayer`` values (§3)."""

    EMPLOYER = "employer"
    ACCIDENT = "accident"
    PENSION = "pension"
    EMPLOYMENT_AGENCY = "employment_agency"
    HEALTH = "health"
    NONE = "none"


PAYER_LABELS = {
    Payer.EMPLOYER: gettext_lazy("employer (civil servant: full salary)"),
    Payer.ACCIDENT: gettext_lazy("accident insurance (injury benefit)"),
    Payer.PENSION: gettext_lazy("pension insurance (transitional benefit)"),
    Payer.EMPLOYMENT_AGENCY: gettext_lazy("Federal Employment Agency (unemployment benefit)"),
    Payer.HEALTH: gettext_lazy("health insurance (sick pay)"),
    Payer.NONE: gettext_lazy("none determined"),
}


class Party:
    """``reintegration.models.PlanParty`` values (§4)."""

    EMPLOYEE = "employee"  # C-1
    EMPLOYER = "employer"  # C-2
    PHYSICIAN = "physician"  # C-3, P-7
    OCCUPATIONAL_PHYSICIAN = "occupational_physician"  # C-6


class PartyState:
    """``reintegration.models.ConsentState`` values."""

    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    NOT_REQUIRED = "not_required_entitlement"  # C-4
    INVOLVED = "involved"  # C-6


class Status:
    """``reintegration.models.PlanStatus`` values the rules return."""

    NOT_STARTED = "not_started"
    ABORTED = "aborted"


# K-2 (rec 8.5): the counselling topics that must be ticked before the plan is submitted.
COUNSELING_TOPICS: tuple[tuple[str, object], ...] = (
    ("content", gettext_lazy("content of the graded return")),
    ("course", gettext_lazy("course and duration")),
    ("financial_consequences", gettext_lazy("financial consequences")),
    ("coordination_with_employer", gettext_lazy("start, duration, step plan and measures agreed with the employer")),
)

MIN_HOURS_PER_DAY = Decimal("2")  # P-3, V-3
MAX_INTERRUPTION_DAYS = 7  # E-1
DRV_WINDOW_DAYS = 28  # F-1
LEAD_TIME_DAYS = 14  # V-8
LEAD_TIME_WITH_AIDS_DAYS = 28  # V-8, PRODUCT CHOICE
TALK_AGAIN_AFTER_DAYS = 14  # TR1: the employer proposes to talk again in two weeks


@dataclass(frozen=True)
class PatternEntry:
    days: int  # days per week with these hours
    hours: Decimal  # hours per day (0 = days off)


@dataclass(frozen=True)
class StepInput:
    weeks: int
    pattern: tuple[PatternEntry, ...]
    days: int = 0  # extra days (duration = 7 × weeks + days)
    starts_on: dt.date | None = None  # None: the day after the previous step (H-3)
    activities: str = ""
    restrictions: str = ""


@dataclass(frozen=True)
class PlanInput:
    starts_on: dt.date
    steps: tuple[StepInput, ...]
    working_days_per_week: int = 5
    hours_per_day: Decimal = Decimal("8")
    workplace_aids_needed: bool = False
    vacations: tuple[tuple[dt.date, dt.date], ...] = ()
    long_plan_justification: str = ""
    payer_override_reason: str = ""


@dataclass(frozen=True)
class CaseFacts:
    """What the payer table (§3), C-4 and V-9/V-10 need to know about the patient and the stay."""

    civil_servant: bool = False
    work_accident: bool = False
    pension_rehab: bool = False  # the stay is a medical rehab paid by the pension insurance
    discharge_date: dt.date | None = None
    unemployment_benefit: bool = False
    statutory_sick_pay: bool = True
    severely_disabled: bool = False  # GdB ≥ 50 or equal status (C-4)


@dataclass(frozen=True)
class ComputedStep:
    position: int  # 1-based
    starts_on: dt.date
    ends_on: dt.date
    days: int  # calendar days of the step
    weekly_hours: Decimal
    step_hours: Decimal
    pattern: tuple[PatternEntry, ...]
    weeks: int = 0  # as entered: 7 × weeks + extra_days = days
    extra_days: int = 0
    activities: str = ""
    restrictions: str = ""


@dataclass(frozen=True)
class ComputedPlan:
    steps: tuple[ComputedStep, ...]
    last_day: dt.date | None  # H-4
    full_time_from: dt.date | None  # the day after the last day
    total_days: int
    total_weeks: Decimal  # total_days / 7 (13 for Helen's 91 days)
    total_hours: Decimal
    starts_on: dt.date | None = None  # the plan's start


class Level:
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One result of the validation: ``code`` is the rule id (``V-3``), ``step`` the 1-based step when it is about
    one, ``message`` a translated sentence that names the rule and the figures.

    ``needs_reason``: the warning needs a written justification (V-5, V-9); ``justified``: that justification is
    recorded (the warning is still shown, the app does not ask again). ``party``: the consent party of a V-11
    finding."""

    code: str
    level: str
    message: str
    step: int | None = None
    needs_reason: bool = False
    justified: bool = False
    party: str = ""

    @property
    def is_error(self) -> bool:
        return self.level == Level.ERROR


@dataclass(frozen=True)
class PayerDecision:
    payer: str  # a reintegration.models.GraduatedPayer value
    row: int  # the matching row of the §3 table (1–6)
    reason: str  # translated: why this payer
    warnings: tuple[Finding, ...] = field(default_factory=tuple)  # W-DRV-28, W-PAYER

    @property
    def label(self) -> str:
        return str(PAYER_LABELS[self.payer])


@dataclass(frozen=True)
class InterruptionVerdict:
    length_days: int  # first to last missed day inclusive (or to today while open)
    failed: bool  # E-3: 8 days or more
    failed_from: dt.date | None  # the first missed day when failed
    last_day_of_return: dt.date | None  # the day before, when failed
    explanation: str  # translated: the rule and the outcome in words
    open: bool = False  # no last missed day yet: judged up to today
    fails_on: dt.date | None = None  # the 8th day: an open interruption fails on it (E-3)


class CheckState:
    OK = "ok"
    OPEN = "open"
    BLOCKED = "blocked"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class PrerequisiteItem:
    """One line of the P-1 … P-7 checklist (§2). ``blocks_ready``: the plan cannot become ``ready`` while it is so."""

    code: str
    label: str
    state: str  # CheckState
    detail: str = ""
    blocks_ready: bool = False


# --- helpers ------------------------------------------------------------------------------------------------------


def _date(value: dt.date) -> str:
    return f"{value:%d.%m.%Y}"


def _num(value: Decimal | int) -> str:
    """2 → "2", 1.50 → "1.5" (German: "1,5")."""
    text = f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return number_format(Decimal(text))


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later, the day clamped to the month's end (31.08. + 6 months = 28.02./29.02.)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def duration_limit(starts_on: dt.date, months: int) -> dt.date:
    """The last day a plan of ``months`` calendar months may reach: start + months − 1 day (V-5, V-6)."""
    return add_months(starts_on, months) - dt.timedelta(days=1)


def _decimal(value) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def pattern_from_json(raw: Iterable[Mapping] | None) -> tuple[PatternEntry, ...]:
    """The model's ``[{"days": 3, "hours": "6"}, …]`` as pattern entries; ValueError on what is not a number."""
    entries = []
    for item in raw or ():
        days = item.get("days", 0)
        if isinstance(days, bool) or int(days) != _decimal(days):
            raise ValueError(f"days must be a whole number: {days!r}")
        entries.append(PatternEntry(days=int(days), hours=_decimal(item.get("hours", 0))))
    return tuple(entries)


def pattern_to_json(pattern: Iterable[PatternEntry]) -> list[dict]:
    return [{"days": entry.days, "hours": _num_plain(entry.hours)} for entry in pattern]


def _num_plain(value: Decimal) -> str:
    text = f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def weekly_hours(pattern: Iterable[PatternEntry]) -> Decimal:
    """H-5: Σ days × hours."""
    return sum((Decimal(entry.days) * Decimal(entry.hours) for entry in pattern), Decimal("0"))


def step_length(step: StepInput) -> int:
    """H-3: calendar days of a step = 7 × weeks + extra days."""
    return 7 * step.weeks + step.days


# --- H-3 … H-5: the computed plan ---------------------------------------------------------------------------------


def compute_plan(plan: PlanInput) -> ComputedPlan:
    """Dates and hours of every step (H-3: contiguous unless a step names its own start; H-5: nominal hours, weekly
    hours × calendar days / 7), the last day and the day full work resumes (H-4) and the totals.

    Total days are the calendar days from the plan's start to the last day (Helen: 91 days = 13 weeks)."""
    steps: list[ComputedStep] = []
    next_start = plan.starts_on
    for position, step in enumerate(plan.steps, start=1):
        starts_on = step.starts_on or next_start
        days = step_length(step)
        ends_on = starts_on + dt.timedelta(days=days - 1)
        weekly = weekly_hours(step.pattern)
        hours = (weekly * Decimal(days) / Decimal(7)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        steps.append(
            ComputedStep(
                position=position,
                starts_on=starts_on,
                ends_on=ends_on,
                days=days,
                weekly_hours=weekly,
                step_hours=hours,
                pattern=tuple(step.pattern),
                weeks=step.weeks,
                extra_days=step.days,
                activities=step.activities,
                restrictions=step.restrictions,
            )
        )
        next_start = ends_on + dt.timedelta(days=1)
    if not steps:
        return ComputedPlan(
            steps=(),
            last_day=None,
            full_time_from=None,
            total_days=0,
            total_weeks=Decimal("0"),
            total_hours=Decimal("0"),
            starts_on=plan.starts_on,
        )
    last_day = steps[-1].ends_on
    total_days = max(0, (last_day - plan.starts_on).days + 1)
    total_weeks = (Decimal(total_days) / Decimal(7)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return ComputedPlan(
        steps=tuple(steps),
        last_day=last_day,
        full_time_from=last_day + dt.timedelta(days=1),
        total_days=total_days,
        total_weeks=total_weeks,
        total_hours=sum((step.step_hours for step in steps), Decimal("0")),
        starts_on=plan.starts_on,
    )


# --- §5.2: validation ---------------------------------------------------------------------------------------------


def _error(code: str, message: str, step: int | None = None) -> Finding:
    return Finding(code=code, level=Level.ERROR, message=message, step=step)


def _warning(code: str, message: str, step: int | None = None, *, needs_reason=False, justified=False) -> Finding:
    return Finding(
        code=code, level=Level.WARNING, message=message, step=step, needs_reason=needs_reason, justified=justified
    )


def _check_step_shape(plan: PlanInput, position: int, step: StepInput) -> list[Finding]:
    """V-1, V-3, V-4 of one step."""
    found: list[Finding] = []
    n = {"n": position}
    if step.weeks < 0 or step.days < 0 or step_length(step) < 1:
        found.append(
            _error("V-1", _("Step %(n)s lasts no day; every step needs at least one day (V-1).") % n, position)
        )
    if any(entry.days < 0 or entry.hours < 0 for entry in step.pattern):
        found.append(_error("V-1", _("Step %(n)s: the weekly pattern has negative days or hours (V-1).") % n, position))
        return found
    covered = sum(entry.days for entry in step.pattern)
    if covered != plan.working_days_per_week:
        found.append(
            _error(
                "V-1",
                _(
                    "Step %(n)s: the weekly pattern covers %(covered)s days, but the contract has %(days)s working "
                    "days a week (V-1)."
                )
                % {"n": position, "covered": covered, "days": plan.working_days_per_week},
                position,
            )
        )
    worked = [entry for entry in step.pattern if entry.days > 0 and entry.hours > 0]
    if not worked:
        found.append(
            _error(
                "V-3",
                _("Step %(n)s has no worked day; every step needs days with at least 2 hours (V-3).") % n,
                position,
            )
        )
    for hours in sorted({entry.hours for entry in worked}):
        if hours < MIN_HOURS_PER_DAY:
            found.append(
                _error(
                    "V-3",
                    _("Step %(n)s: %(hours)s hours on a working day; every worked day needs at least 2 hours (V-3).")
                    % {"n": position, "hours": _num(hours)},
                    position,
                )
            )
        if hours > plan.hours_per_day:
            found.append(
                _error(
                    "V-4",
                    _("Step %(n)s: %(hours)s hours a day are more than the contractual %(contract)s hours a day (V-4).")
                    % {"n": position, "hours": _num(hours), "contract": _num(plan.hours_per_day)},
                    position,
                )
            )
    return found


def _check_sequence(plan: PlanInput, computed: ComputedPlan) -> list[Finding]:
    """V-2: the first step starts on the plan's start, each further one the day after its predecessor ends."""
    found: list[Finding] = []
    previous: ComputedStep | None = None
    for step in computed.steps:
        expected = plan.starts_on if previous is None else previous.ends_on + dt.timedelta(days=1)
        if step.starts_on != expected:
            if previous is None:
                message = _(
                    "Step 1 starts on %(start)s, but the plan starts on %(plan_start)s; the first step starts on the "
                    "plan's start (V-2)."
                ) % {"start": _date(step.starts_on), "plan_start": _date(plan.starts_on)}
            elif step.starts_on > expected:
                gap = (step.starts_on - expected).days
                message = ngettext(
                    "Step %(n)s starts on %(start)s, but step %(prev)s ends on %(end)s: a gap of %(gap)s day. Steps "
                    "follow each other without gaps (V-2).",
                    "Step %(n)s starts on %(start)s, but step %(prev)s ends on %(end)s: a gap of %(gap)s days. Steps "
                    "follow each other without gaps (V-2).",
                    gap,
                ) % {
                    "n": step.position,
                    "start": _date(step.starts_on),
                    "prev": previous.position,
                    "end": _date(previous.ends_on),
                    "gap": gap,
                }
            else:
                message = _(
                    "Step %(n)s starts on %(start)s, but step %(prev)s ends only on %(end)s: steps must not overlap "
                    "(V-2)."
                ) % {
                    "n": step.position,
                    "start": _date(step.starts_on),
                    "prev": previous.position,
                    "end": _date(previous.ends_on),
                }
            found.append(_error("V-2", message, step.position))
        previous = step
    return found


def _check_duration(plan: PlanInput, computed: ComputedPlan) -> list[Finding]:
    """V-5 (warning, reason required) and V-6 (error); V-6 replaces V-5 when both apply."""
    last_day = computed.last_day
    if last_day is None:
        return []
    twelve = duration_limit(plan.starts_on, 12)
    if last_day > twelve:
        return [
            _error(
                "V-6",
                _(
                    "The plan ends on %(last)s, later than twelve months after its start (%(limit)s); a graded "
                    "return cannot last longer than twelve months (V-6)."
                )
                % {"last": _date(last_day), "limit": _date(twelve)},
            )
        ]
    six = duration_limit(plan.starts_on, 6)
    if last_day > six:
        return [
            _warning(
                "V-5",
                _(
                    "The plan ends on %(last)s, later than six months after its start (%(limit)s); a graded return "
                    "should not last longer than six months. Please give the reason, e.g. setbacks (V-5)."
                )
                % {"last": _date(last_day), "limit": _date(six)},
                needs_reason=True,
                justified=bool(plan.long_plan_justification.strip()),
            )
        ]
    return []


def _check_progression(computed: ComputedPlan) -> list[Finding]:
    """V-7: the weekly hours should not drop from one step to the next (PRODUCT CHOICE)."""
    found = []
    for before, step in zip(computed.steps, computed.steps[1:], strict=False):
        if step.weekly_hours < before.weekly_hours:
            found.append(
                _warning(
                    "V-7",
                    _("Step %(n)s: %(hours)s hours a week, fewer than the %(prev_hours)s hours of step %(prev)s (V-7).")
                    % {
                        "n": step.position,
                        "hours": _num(step.weekly_hours),
                        "prev_hours": _num(before.weekly_hours),
                        "prev": before.position,
                    },
                    step.position,
                )
            )
    return found


def lead_time_days(plan: PlanInput) -> int:
    """V-8: the advised lead time between submission and start (28 days when workplace aids are needed)."""
    return LEAD_TIME_WITH_AIDS_DAYS if plan.workplace_aids_needed else LEAD_TIME_DAYS


def _check_lead_time(plan: PlanInput, submitted_on: dt.date | None) -> list[Finding]:
    """V-8: submission + 14 days (28 with workplace aids) later than the start → warning."""
    if submitted_on is None:
        return []
    need = lead_time_days(plan)
    if submitted_on + dt.timedelta(days=need) <= plan.starts_on:
        return []
    values = {
        "lead": (plan.starts_on - submitted_on).days,
        "need": need,
        "submitted": _date(submitted_on),
        "start": _date(plan.starts_on),
    }
    if plan.workplace_aids_needed:
        message = _(
            "Submitted on %(submitted)s for a start on %(start)s: %(lead)s days' lead time; with workplace aids at "
            "least %(need)s days are advised (V-8)."
        )
    else:
        message = _(
            "Submitted on %(submitted)s for a start on %(start)s: %(lead)s days' lead time; at least %(need)s days "
            "are advised (V-8)."
        )
    return [_warning("V-8", message % values)]


def drv_gap_days(facts: CaseFacts, start_date: dt.date) -> int | None:
    """F-1: days from the discharge of the pension insurance's rehab to the start (None without such a rehab)."""
    if not facts.pension_rehab or facts.discharge_date is None:
        return None
    return (start_date - facts.discharge_date).days


def _drv_route_applies(facts: CaseFacts) -> bool:
    """Rows 1 and 2 of §3 take precedence over the pension insurance's row 3."""
    return (
        facts.pension_rehab and facts.discharge_date is not None and not facts.civil_servant and not facts.work_accident
    )


def _check_drv_window(plan: PlanInput, facts: CaseFacts) -> list[Finding]:
    """V-9 (F-1, F-2): the pension insurance after its rehab and a start later than discharge + 28 days."""
    if not _drv_route_applies(facts):
        return []
    gap = drv_gap_days(facts, plan.starts_on)
    if gap is None or gap <= DRV_WINDOW_DAYS:
        return []
    fallback = determine_payer(facts, plan.starts_on)
    return [
        _warning(
            "V-9",
            _(
                "The plan starts on %(start)s, %(days)s days after the discharge on %(discharge)s (more than 28): "
                "the pension insurance pays transitional benefit only with a documented reason and the carrier's "
                "reference; otherwise the payer is: %(fallback)s (V-9, W-DRV-28)."
            )
            % {
                "start": _date(plan.starts_on),
                "days": gap,
                "discharge": _date(facts.discharge_date),
                "fallback": fallback.label,
            },
            needs_reason=True,
            justified=bool(plan.payer_override_reason.strip()),
        )
    ]


def _check_vacations(plan: PlanInput, facts: CaseFacts, computed: ComputedPlan) -> list[Finding]:
    """V-10 (E-6): vacation inside the plan period: an error for employees, a warning for civil servants."""
    if computed.last_day is None:
        return []
    found = []
    for starts_on, ends_on in sorted(plan.vacations):
        if ends_on < plan.starts_on or starts_on > computed.last_day:
            continue
        values = {
            "from": _date(starts_on),
            "to": _date(ends_on),
            "start": _date(plan.starts_on),
            "end": _date(computed.last_day),
        }
        if facts.civil_servant:
            found.append(
                _warning(
                    "V-10",
                    _(
                        "Vacation %(from)s–%(to)s lies inside the plan (%(start)s–%(end)s); civil servants should "
                        "not take leave during the graded return either (V-10)."
                    )
                    % values,
                )
            )
        else:
            found.append(
                _error(
                    "V-10",
                    _(
                        "Vacation %(from)s–%(to)s lies inside the plan (%(start)s–%(end)s); the employee is on sick "
                        "leave throughout and cannot take leave during the graded return (V-10)."
                    )
                    % values,
                )
            )
    return found


def validate_plan(plan: PlanInput, facts: CaseFacts, *, submitted_on: dt.date | None) -> list[Finding]:
    """V-1 … V-10 of §5.2 in rule order: errors block ``ready``; warnings need a confirmation, V-5 and V-9 a reason.

    ``submitted_on``: the submission date V-8 is judged on (None: not judged). Consents (V-11) are
    ``consent_findings``."""
    computed = compute_plan(plan)
    found: list[Finding] = []
    if not plan.steps:
        found.append(_error("V-1", _("The plan has no step yet; add at least one step (V-1).")))
    for position, step in enumerate(plan.steps, start=1):
        found.extend(_check_step_shape(plan, position, step))
    found.extend(_check_sequence(plan, computed))
    found.extend(_check_duration(plan, computed))
    found.extend(_check_progression(computed))
    found.extend(_check_lead_time(plan, submitted_on))
    found.extend(_check_drv_window(plan, facts))
    found.extend(_check_vacations(plan, facts, computed))
    order = {code: index for index, code in enumerate(f"V-{n}" for n in range(1, 12))}
    return sorted(found, key=lambda finding: (order.get(finding.code, 99), finding.step or 0))


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.level == Level.ERROR]


def warnings(findings: Iterable[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.level == Level.WARNING]


def unjustified(findings: Iterable[Finding]) -> list[Finding]:
    """Warnings whose required justification is missing (V-5, V-9): ``ready`` waits for it."""
    return [finding for finding in findings if finding.needs_reason and not finding.justified]


# --- §3: who pays -------------------------------------------------------------------------------------------------


def determine_payer(facts: CaseFacts, start_date: dt.date, *, override_reason: str = "") -> PayerDecision:
    """The first matching row of the §3 table (order: PRODUCT CHOICE) with the reason in words.

    Row 3 (F-1): start ≤ discharge + 28 days (day 28 qualifies). Day 29 or later gives W-DRV-28 (F-2): with
    ``override_reason`` the pension insurance stays the payer, without it the decision falls through to the next row.
    Row 6 carries W-PAYER."""
    if facts.civil_servant:
        return PayerDecision(
            payer=Payer.EMPLOYER,
            row=1,
            reason=_(
                "Civil servant: the employer keeps paying the full salary; there is no sick-leave certificate to "
                "check (§3 row 1, L-6)."
            ),
        )
    if facts.work_accident:
        return PayerDecision(
            payer=Payer.ACCIDENT,
            row=2,
            reason=_(
                "The incapacity was caused by a work accident or an occupational disease: the accident insurance "
                "pays injury benefit (§3 row 2)."
            ),
        )
    found: list[Finding] = []
    drv_note = ""
    gap = drv_gap_days(facts, start_date)
    if gap is not None:
        values = {"days": gap, "discharge": _date(facts.discharge_date), "start": _date(start_date)}
        if gap <= DRV_WINDOW_DAYS:
            return PayerDecision(
                payer=Payer.PENSION,
                row=3,
                reason=_(
                    "The graded return follows the pension insurance's medical rehab and starts on %(start)s, "
                    "%(days)s days after the discharge on %(discharge)s (28 at most): the pension insurance pays "
                    "transitional benefit (§3 row 3, F-1)."
                )
                % values,
            )
        justified = bool(override_reason.strip())
        found.append(
            _warning(
                "W-DRV-28",
                _(
                    "The start on %(start)s lies %(days)s days after the discharge on %(discharge)s, more than 28: "
                    "the pension insurance pays only in individual cases, with a documented reason and its reference "
                    "(W-DRV-28, F-2)."
                )
                % values,
                needs_reason=True,
                justified=justified,
            )
        )
        if justified:
            return PayerDecision(
                payer=Payer.PENSION,
                row=3,
                reason=_(
                    "The graded return follows the pension insurance's medical rehab; it starts %(days)s days after "
                    "the discharge on %(discharge)s, more than 28, and the pension insurance is kept as the payer "
                    "with a documented reason (§3 row 3, F-2)."
                )
                % values,
                warnings=tuple(found),
            )
        drv_note = " " + _(
            "The pension insurance does not pay: the start lies %(days)s days after the discharge (more than 28, F-1)."
        ) % {"days": gap}
    if facts.unemployment_benefit:
        return PayerDecision(
            payer=Payer.EMPLOYMENT_AGENCY,
            row=4,
            reason=_(
                "The patient receives unemployment benefit: the Federal Employment Agency continues to pay it "
                "(§3 row 4)."
            )
            + drv_note,
            warnings=tuple(found),
        )
    if facts.statutory_sick_pay:
        return PayerDecision(
            payer=Payer.HEALTH,
            row=5,
            reason=_(
                "Member of the statutory health insurance with sick-pay entitlement: the health insurance pays sick "
                "pay (§3 row 5)."
            )
            + drv_note,
            warnings=tuple(found),
        )
    found.append(
        _warning(
            "W-PAYER",
            _(
                "No payer is known: a private daily sickness allowance usually requires complete incapacity for work; "
                "please check the tariff (W-PAYER)."
            ),
        )
    )
    return PayerDecision(
        payer=Payer.NONE,
        row=6,
        reason=_(
            "None of the rows applies (no civil servant, no work accident, no pension-insurance rehab within 28 days, "
            "no unemployment benefit, no statutory sick pay): no payer is determined (§3 row 6)."
        )
        + drv_note,
        warnings=tuple(found),
    )


# --- §6: interruptions --------------------------------------------------------------------------------------------


def judge_interruption(
    first_missed_day: dt.date, last_missed_day: dt.date | None, today: dt.date
) -> InterruptionVerdict:
    """E-1 … E-3: the length in calendar days, first to last missed day inclusive; an open interruption is judged up
    to ``today``. Up to 7 days the plan continues; from 8 days it counts as failed from the first missed day and its
    last day is the day before. An open interruption fails on its 8th day (H11)."""
    is_open = last_missed_day is None
    end = today if is_open else last_missed_day
    length = max(0, (end - first_missed_day).days + 1)
    failed = length > MAX_INTERRUPTION_DAYS
    fails_on = first_missed_day + dt.timedelta(days=MAX_INTERRUPTION_DAYS)
    values = {
        "first": _date(first_missed_day),
        "last": _date(last_missed_day) if last_missed_day else "",
        "days": length,
        "day_before": _date(first_missed_day - dt.timedelta(days=1)),
        "fails_on": _date(fails_on),
        "today": _date(today),
    }
    if failed:
        if is_open:
            explanation = _(
                "Interrupted since %(first)s, %(days)s days by %(today)s: more than 7 days, so the graded return "
                "counts as failed from %(first)s; its last day was %(day_before)s (E-3)."
            )
        else:
            explanation = _(
                "Interruption %(first)s–%(last)s, %(days)s days: more than 7 days, so the graded return counts as "
                "failed from %(first)s; its last day was %(day_before)s (E-3)."
            )
    elif is_open:
        explanation = _(
            "Interrupted since %(first)s, %(days)s days by %(today)s: up to 7 days the plan continues; if the "
            "interruption still lasts on %(fails_on)s (day 8), the graded return fails (E-1, E-3)."
        )
    else:
        explanation = _(
            "Interruption %(first)s–%(last)s, %(days)s days: at most 7 days, so the plan continues; its dates do not "
            "shift (E-2)."
        )
    return InterruptionVerdict(
        length_days=length,
        failed=failed,
        failed_from=first_missed_day if failed else None,
        last_day_of_return=first_missed_day - dt.timedelta(days=1) if failed else None,
        explanation=explanation % values,
        open=is_open,
        fails_on=fails_on,
    )


# --- §9: clinic duties --------------------------------------------------------------------------------------------


def latest_submission_date(discharge_date: dt.date) -> dt.date:
    """K-5: the latest submission that keeps both the 28-day window after discharge (F-1) and the 14 days' lead time
    (V-8): discharge + 14 days."""
    return discharge_date + dt.timedelta(days=DRV_WINDOW_DAYS - LEAD_TIME_DAYS)


def counseling_missing(topics: Iterable[str]) -> list[str]:
    """K-2: the counselling topics (keys of ``COUNSELING_TOPICS``) not ticked yet, in their order."""
    ticked = set(topics or ())
    return [key for key, _label in COUNSELING_TOPICS if key not in ticked]


def counseling_label(key: str) -> str:
    return str(dict(COUNSELING_TOPICS).get(key, key))


# --- §4: consents -------------------------------------------------------------------------------------------------

_REQUIRED_PARTIES = (Party.EMPLOYEE, Party.EMPLOYER, Party.PHYSICIAN)  # C-1, C-2, C-3


def consent_findings(states: Mapping[str, str | None], facts: CaseFacts) -> list[Finding]:
    """V-11 from the latest consent event per party (``states``: party → state or None): C-1 the employee's written
    consent, C-2 the employer's agreement unless C-4 (recorded severe disability: ``not_required_entitlement``), C-3
    the physician's approval of the step plan. Each missing or negative consent is an error that blocks ``ready``."""
    found: list[Finding] = []
    for party in _REQUIRED_PARTIES:
        state = states.get(party)
        if state == PartyState.GIVEN:
            continue
        if party == Party.EMPLOYER and state == PartyState.NOT_REQUIRED:
            if facts.severely_disabled:
                continue
            message = _(
                "The employer's consent is marked as not required, but no severe disability or equal status is "
                "recorded (C-4, V-11)."
            )
        elif state == PartyState.REFUSED:
            message = {
                Party.EMPLOYEE: _("The patient refused the graded return (C-1, V-11)."),
                Party.EMPLOYER: _("The employer refused the graded return (C-2, V-11)."),
                Party.PHYSICIAN: _("The physician did not approve the step plan (C-3, V-11)."),
            }[party]
        elif state == PartyState.WITHDRAWN:
            message = {
                Party.EMPLOYEE: _("The patient withdrew the consent (C-1, C-7, V-11)."),
                Party.EMPLOYER: _("The employer withdrew the agreement (C-2, C-7, V-11)."),
                Party.PHYSICIAN: _("The physician withdrew the approval of the step plan (C-3, C-7, V-11)."),
            }[party]
        else:
            message = {
                Party.EMPLOYEE: _("The patient's written consent is missing (C-1, V-11)."),
                Party.EMPLOYER: (
                    _(
                        "The employer's agreement is missing (C-2, V-11); with the recorded severe disability it may "
                        "be set to not required (C-4)."
                    )
                    if facts.severely_disabled
                    else _("The employer's agreement is missing (C-2, V-11).")
                ),
                Party.PHYSICIAN: _("The physician's approval of the step plan is missing (C-3, V-11)."),
            }[party]
        found.append(Finding(code="V-11", level=Level.ERROR, message=message, party=party))
    return found


def status_after_consent(party: str, state: str, *, started: bool) -> str | None:
    """C-7, TR1: the status a consent event leads to (None: no change).

    A refusal by the patient or the employer, or any withdrawal of patient, employer or physician, ends the plan:
    ``not_started`` before the actual start, ``aborted`` after it. A physician's refusal of the step plan asks for a
    changed plan and ends nothing; the occupational physician's involvement (C-6) never changes the status."""
    if party == Party.OCCUPATIONAL_PHYSICIAN:
        return None
    ends = state == PartyState.WITHDRAWN or (state == PartyState.REFUSED and party in (Party.EMPLOYEE, Party.EMPLOYER))
    if not ends:
        return None
    return Status.ABORTED if started else Status.NOT_STARTED


def talk_again_on(refused_on: dt.date) -> dt.date:
    """TR1: after the employer's refusal, talk again in two weeks."""
    return refused_on + dt.timedelta(days=TALK_AGAIN_AFTER_DAYS)


# --- §2: prerequisites --------------------------------------------------------------------------------------------

_BLOCKING_WHEN_OPEN = {"P-1", "P-3", "P-4", "P-6", "P-7"}


def _yes_no_item(code: str, label, answer: bool | None, *, yes, no, open_) -> PrerequisiteItem:
    if answer is None:
        state, detail = CheckState.OPEN, open_
    elif answer:
        state, detail = CheckState.OK, yes
    else:
        state, detail = CheckState.BLOCKED, no
    return _item(code, label, state, detail)


def _item(code: str, label, state: str, detail) -> PrerequisiteItem:
    blocks = state == CheckState.BLOCKED or (state == CheckState.OPEN and code in _BLOCKING_WHEN_OPEN)
    return PrerequisiteItem(code=code, label=str(label), state=state, detail=str(detail), blocks_ready=blocks)


def prerequisite_checklist(
    *,
    facts: CaseFacts,
    plan: PlanInput | None,
    findings: Sequence[Finding],
    payer: PayerDecision | None,
    consent_states: Mapping[str, str | None],
    on_sick_leave: bool | None,
    partial_work_possible: bool | None,
    workplace_allows: bool | None,
) -> tuple[PrerequisiteItem, ...]:
    """P-1 … P-7 (§2). ``ready`` waits while P-1, P-3, P-4, P-6 or P-7 is open; P-2 and P-5 block only on "no".

    P-1 does not apply to civil servants (L-6). P-3 follows from the step plan (≥ 2 hours on every worked day, V-3).
    P-4 is the payer decision (row 6: open). P-6 the consents of patient and employer (C-1, C-2/C-4), P-7 the
    physician's approval of the step plan (C-3)."""
    items = []
    if facts.civil_servant:
        items.append(
            _item(
                "P-1",
                _("On sick leave before the start and throughout"),
                CheckState.NOT_APPLICABLE,
                _("Civil servants count as fit for limited service (L-6)."),
            )
        )
    else:
        items.append(
            _yes_no_item(
                "P-1",
                _("On sick leave before the start and throughout"),
                on_sick_leave,
                yes=_("Confirmed."),
                no=_("Not on sick leave: a graded return is not possible."),
                open_=_("Not recorded yet."),
            )
        )
    items.append(
        _yes_no_item(
            "P-2",
            _("A physician finds that part of the previous work can be done without harm"),
            partial_work_possible,
            yes=_("Confirmed."),
            no=_("Not possible according to the physician."),
            open_=_("Not recorded yet."),
        )
    )
    if plan is None or not plan.steps:
        p3 = (CheckState.OPEN, _("No step plan yet."))
    elif any(finding.code == "V-3" for finding in findings):
        p3 = (CheckState.BLOCKED, _("A step has a worked day under 2 hours (V-3)."))
    else:
        p3 = (CheckState.OK, _("Every worked day has at least 2 hours."))
    items.append(_item("P-3", _("At least 2 hours of work a day"), *p3))
    if payer is None:
        p4 = (CheckState.OPEN, _("No start date yet."))
    elif payer.payer == Payer.NONE:
        p4 = (CheckState.OPEN, payer.reason)
    else:
        p4 = (CheckState.OK, payer.label)
    items.append(_item("P-4", _("A payer with an entitlement to a wage replacement benefit or salary"), *p4))
    items.append(
        _yes_no_item(
            "P-5",
            _("The workplace allows limited employment"),
            workplace_allows,
            yes=_("Confirmed."),
            no=_("The workplace does not allow limited employment."),
            open_=_("Not recorded yet."),
        )
    )
    consent_errors = [
        finding for finding in consent_findings(consent_states, facts) if finding.party != Party.PHYSICIAN
    ]
    negative = (PartyState.REFUSED, PartyState.WITHDRAWN)
    if not consent_errors:
        p6 = (CheckState.OK, _("Patient and employer agree."))
    elif any(consent_states.get(f.party) in negative for f in consent_errors):
        p6 = (CheckState.BLOCKED, " ".join(f.message for f in consent_errors))
    else:
        p6 = (CheckState.OPEN, " ".join(f.message for f in consent_errors))
    items.append(_item("P-6", _("Consents of patient and employer"), *p6))
    physician = consent_states.get(Party.PHYSICIAN)
    if physician == PartyState.GIVEN:
        p7 = (CheckState.OK, _("Approved."))
    elif physician in negative:
        p7 = (CheckState.BLOCKED, _("The physician did not approve the step plan or withdrew the approval."))
    else:
        p7 = (CheckState.OPEN, _("The physician's approval is missing."))
    items.append(_item("P-7", _("The physician has approved the step plan"), *p7))
    return tuple(items)
