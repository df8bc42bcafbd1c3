"""The graded return to work (Hamburg model, §74 SGB V, §44 SGB IX) as pure rules: no ORM, no clock, no request.

Specification: ../shared/domain/hamburg_model.md; rule ids (H-3, V-5, E-3, …) are cited where they bind. Dates are
calendar dates in Europe/Berlin; public holidays are not modelled (H-5: nominal hours).

CONTRACT (the lead wrote the shapes; the rules helper implements the bodies; views, API and PDFs use only these):

- ``StepInput`` / ``PlanInput``: what a plan is made of (from the model or from an API draft).
- ``compute_plan(plan) -> ComputedPlan``: step dates (H-3), hours (H-5), totals, last day and full-time day (H-4).
- ``validate_plan(plan, facts, *, submitted_on) -> list[Finding]``: V-1 … V-11 as findings (error / warning, with
  ``needs_reason`` where a warning needs a justification).
- ``determine_payer(facts, start_date) -> PayerDecision``: §3 decision table, in order, with the reason and warnings.
- ``judge_interruption(first_missed_day, last_missed_day, today) -> InterruptionVerdict``: E-1 … E-3.
- ``latest_submission_date(discharge_date) -> date``: K-5.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


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


@dataclass(frozen=True)
class ComputedPlan:
    steps: tuple[ComputedStep, ...]
    last_day: dt.date | None  # H-4
    full_time_from: dt.date | None  # the day after the last day
    total_days: int
    total_weeks: Decimal  # total_days / 7 (13 for Helen's 91 days)
    total_hours: Decimal


class Level:
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One result of the validation: ``code`` is the rule id (``V-3``), ``step`` the 1-based step when it is about
    one, ``message`` a translated sentence that names the rule and the figures."""

    code: str
    level: str
    message: str
    step: int | None = None
    needs_reason: bool = False


@dataclass(frozen=True)
class PayerDecision:
    payer: str  # a reintegration.models.GraduatedPayer value
    row: int  # the matching row of the §3 table (1–6)
    reason: str  # translated: why this payer
    warnings: tuple[Finding, ...] = field(default_factory=tuple)  # W-DRV-28, W-PAYER


@dataclass(frozen=True)
class InterruptionVerdict:
    length_days: int  # first to last missed day inclusive (or to today while open)
    failed: bool  # E-3: 8 days or more
    failed_from: dt.date | None  # the first missed day when failed
    last_day_of_return: dt.date | None  # the day before, when failed
    explanation: str  # translated: the rule and the outcome in words


def compute_plan(plan: PlanInput) -> ComputedPlan:
    raise NotImplementedError


def validate_plan(plan: PlanInput, facts: CaseFacts, *, submitted_on: dt.date | None) -> list[Finding]:
    raise NotImplementedError


def determine_payer(facts: CaseFacts, start_date: dt.date, *, override_reason: str = "") -> PayerDecision:
    raise NotImplementedError


def judge_interruption(
    first_missed_day: dt.date, last_missed_day: dt.date | None, today: dt.date
) -> InterruptionVerdict:
    raise NotImplementedError


def latest_submission_date(discharge_date: dt.date) -> dt.date:
    raise NotImplementedError
