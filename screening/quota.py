"""The quarterly screening-quota report as pure rules (rec. 2.7, 2.8; rules Q-1…Q-6, S-3, D-2 of
../shared/domain/screening.md). No ORM, no clock: the service turns database rows into the frozen facts below.

- Quarters are calendar quarters in Europe/Berlin (Q1 = January–March).
- Admission-time counts (admitted, screened at start, positive, assigned, code corrections) take the stays *admitted*
  in the quarter; the 2.7 share takes the stays *discharged* in it with final code 3197 (Q-1, Q-6).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from screening import rules

BERLIN = ZoneInfo("Europe/Berlin")
WMR_CODE = "3197"
OTHER_CODE = "3100"
COMPLETE = ("positive", "negative")
DEFAULT_SCREENING_DUE_DAY = 7  # S-3 (facility setting, 1–7)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
SHARE_DUE_DAYS = 14  # Q-6 PRODUCT CHOICE: shared within 14 days after quarter end

MET, NOT_MET, NOT_APPLICABLE = "met", "not_met", "not_applicable"


# Quarters, in Europe/Berlin time.


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar date of an aware timestamp in Europe/Berlin (what a user sees)."""
    return moment.astimezone(BERLIN).date()


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of the quarter."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1–4, got {quarter}")
    first = dt.date(year, 3 * quarter - 2, 1)
    following = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return first, following - dt.timedelta(days=1)


def previous_quarter(today: dt.date) -> tuple[int, int]:
    """The last complete quarter before ``today`` (the beat task on 1 April builds Q1)."""
    year, quarter = quarter_of(today)
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def in_quarter(day: dt.date | None, year: int, quarter: int) -> bool:
    if day is None:
        return False
    first, last = quarter_bounds(year, quarter)
    return first <= day <= last


def share_due_date(year: int, quarter: int) -> dt.date:
    """Q-6: the report must be shared with the team within 14 days after the quarter's end."""
    return quarter_bounds(year, quarter)[1] + dt.timedelta(days=SHARE_DUE_DAYS)


def shared_in_time(year: int, quarter: int, shared_on: dt.date | None) -> str:
    """Indicator ``quarterly_quota_report`` (Q-6, T26): met when shared on or before the due date."""
    if shared_on is None:
        return NOT_MET
    return MET if shared_on <= share_due_date(year, quarter) else NOT_MET


# facts about one stay


@dataclass(frozen=True)
class Screening:
    id: int
    completed_on: dt.date  # Europe/Berlin date of completion
    status: str  # positive / negative / incomplete / not_possible (stored status, R-4)
    completed_at: dt.datetime | None = None  # orders results of the same day

    @property
    def complete(self) -> bool:
        return self.status in COMPLETE


@dataclass(frozen=True)
class Decision:
    id: int
    decision: str  # assign / not_assign
    decided_on: dt.date
    is_switch: bool = False

    @property
    def target_code(self) -> str:
        """A-7."""
        return WMR_CODE if self.decision == "assign" else OTHER_CODE


@dataclass(frozen=True)
class Need:
    source: str
    reason: str
    assessed_on: dt.date


@dataclass(frozen=True)
class Correction:
    decision_id: int
    from_code: str
    to_code: str
    corrected_on: dt.date


@dataclass(frozen=True)
class StayFacts:
    number: str
    admission_date: dt.date
    discharge_date: dt.date | None
    department_code: str  # the stay's code as stored (allocated, D-1)
    screenings: tuple[Screening, ...] = ()
    decisions: tuple[Decision, ...] = ()
    needs: tuple[Need, ...] = ()
    corrections: tuple[Correction, ...] = ()
    screening_due_day: int = DEFAULT_SCREENING_DUE_DAY

    def ordered_decisions(self) -> list[Decision]:
        return sorted(self.decisions, key=lambda d: (d.decided_on, d.id))

    def ordered_screenings(self) -> list[Screening]:
        return sorted(self.screenings, key=lambda s: (s.completed_on, s.completed_at or _EPOCH, s.id))


# rules per stay


def latest_decision(stay: StayFacts) -> Decision | None:
    decisions = stay.ordered_decisions()
    return decisions[-1] if decisions else None


def final_code(stay: StayFacts) -> str:
    """The code that finally applies: the latest decision's target (A-7, A-8), else the stay's code."""
    latest = latest_decision(stay)
    return latest.target_code if latest else stay.department_code


def is_assigned(stay: StayFacts) -> bool:
    """WMR assigned: the latest decision is ``assign``."""
    latest = latest_decision(stay)
    return latest is not None and latest.decision == "assign"


def screened_at_start(stay: StayFacts) -> bool:
    """S-3: a complete result completed on or before treatment day ``screening_due_day`` (default 7)."""
    facts = [rules.ResultFact(status=s.status, completed_on=s.completed_on) for s in stay.screenings]
    return rules.screened_at_start(facts, stay.admission_date, stay.screening_due_day)


def index_screening(stay: StayFacts) -> Screening | None:
    """Q-2: the latest complete result dated on or before the first ``assign`` decision; if none, the earliest
    complete result after it. Without an ``assign`` decision (code 3197 allocated and never decided) the latest
    complete result counts. None when no complete result exists (→ not positive)."""
    complete = [s for s in stay.ordered_screenings() if s.complete]
    if not complete:
        return None
    first_assign = next((d for d in stay.ordered_decisions() if d.decision == "assign"), None)
    if first_assign is None:
        return complete[-1]
    before = [s for s in complete if s.completed_on <= first_assign.decided_on]
    return before[-1] if before else complete[0]


def index_is_positive(stay: StayFacts) -> bool:
    """Q-3: only the stored status ``positive`` of the index screening counts (a need found in the interview
    does not)."""
    index = index_screening(stay)
    return index is not None and index.status == "positive"


def not_positive_status(stay: StayFacts) -> str:
    """Why a WMR stay has no positive index screening: negative / incomplete / not_possible / none."""
    index = index_screening(stay)
    if index is not None:
        return index.status
    statuses = [s.status for s in stay.ordered_screenings()]
    if "not_possible" in statuses:
        return "not_possible"
    if "incomplete" in statuses:
        return "incomplete"
    return "none"


def code_correction(stay: StayFacts) -> str | None:
    """Rec. 2.5 (D-1…D-3, through ``screening.rules.code_task``): the department code after the stay's first
    decision, or after the last decision taken by day 7 when there are several (as the case overview counts it).
    None when no change is needed (not applicable), else ``in_time``, ``late`` or ``open``. Due = admission + 6 days,
    or the discharge date when earlier (D-2).
    """
    decisions = stay.ordered_decisions()
    if not decisions:
        return None
    week1 = [d for d in decisions if rules.decided_in_first_week(stay.admission_date, d.decided_on)] or decisions[:1]
    decision = week1[-1]
    done = sorted((c for c in stay.corrections if c.to_code == decision.target_code), key=lambda c: c.corrected_on)
    # once corrected, the stay may already carry the new code: the mismatch was against the code corrected from
    allocated = done[0].from_code if done else stay.department_code
    task = rules.code_task(
        allocated, decision.target_code, stay.admission_date, stay.discharge_date, decision.decided_on, True
    )
    if task is None:
        return None
    if not done:
        return "open"
    return "in_time" if done[0].corrected_on <= task.due else "late"


# the share (Q-1…Q-5)


@dataclass(frozen=True)
class Share:
    numerator: int
    denominator: int

    @property
    def outcome(self) -> str:
        """Q-4/Q-5: met ⇔ numerator/denominator > 0.75, compared as integers; no WMR stays → not applicable."""
        if self.denominator == 0:
            return NOT_APPLICABLE
        return MET if 4 * self.numerator > 3 * self.denominator else NOT_MET

    @property
    def percent(self) -> Decimal | None:
        """For display only (one decimal, half up); the outcome never looks at it."""
        return percent(self.numerator, self.denominator)


def percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def quota_share(stays: list[StayFacts]) -> Share:
    """Share of positive index screenings among ``stays`` (already the denominator's stays)."""
    return Share(numerator=sum(1 for s in stays if index_is_positive(s)), denominator=len(stays))


def in_denominator(stay: StayFacts, year: int, quarter: int) -> bool:
    """Q-1: final code 3197 and discharged in the quarter."""
    return final_code(stay) == WMR_CODE and in_quarter(stay.discharge_date, year, quarter)


def provisional(stay: StayFacts, year: int, quarter: int) -> bool:
    """A WMR stay still running at the quarter's end (admitted by then, discharge later or unknown)."""
    last = quarter_bounds(year, quarter)[1]
    running = stay.admission_date <= last and (stay.discharge_date is None or stay.discharge_date > last)
    return running and final_code(stay) == WMR_CODE


# the report's figures


@dataclass(frozen=True)
class WithoutPositive:
    number: str
    status: str
    need_source: str
    need_reason: str


@dataclass
class Figures:
    year: int
    quarter: int
    first_day: dt.date
    last_day: dt.date
    admitted: int
    screened_at_start: int
    positive: int
    assigned: int
    share: Share
    without_positive: list[WithoutPositive]
    switches_into: int
    switches_out: int
    corrections_in_time: int
    corrections_late: int
    corrections_open: int
    provisional: Share
    provisional_numbers: list[str] = field(default_factory=list)

    @property
    def screened_rate(self) -> Decimal | None:
        return percent(self.screened_at_start, self.admitted)

    @property
    def switches(self) -> int:
        return self.switches_into + self.switches_out

    def as_json(self) -> dict:
        """The figures as stored in ``QuotaReport.figures`` (JSON: dates as ISO strings, percents as strings)."""

        def pct(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "year": self.year,
            "quarter": self.quarter,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "admitted": self.admitted,
            "screened_at_start": self.screened_at_start,
            "screened_rate": pct(self.screened_rate),
            "positive": self.positive,
            "assigned": self.assigned,
            "share": {
                "numerator": self.share.numerator,
                "denominator": self.share.denominator,
                "percent": pct(self.share.percent),
                "outcome": self.share.outcome,
            },
            "without_positive": [
                {"number": w.number, "status": w.status, "need_source": w.need_source, "need_reason": w.need_reason}
                for w in self.without_positive
            ],
            "switches": {"into": self.switches_into, "out": self.switches_out, "total": self.switches},
            "corrections": {
                "in_time": self.corrections_in_time,
                "late": self.corrections_late,
                "open": self.corrections_open,
            },
            "provisional": {
                "numerator": self.provisional.numerator,
                "denominator": self.provisional.denominator,
                "percent": pct(self.provisional.percent),
                "numbers": list(self.provisional_numbers),
            },
        }


def quarter_figures(stays: list[StayFacts], year: int, quarter: int) -> Figures:
    """Every figure of the report for one facility's stays (any stays; each rule picks its own)."""
    first, last = quarter_bounds(year, quarter)
    admitted = sorted((s for s in stays if in_quarter(s.admission_date, year, quarter)), key=lambda s: s.number)
    denominator = sorted((s for s in stays if in_denominator(s, year, quarter)), key=lambda s: s.number)
    running = sorted((s for s in stays if provisional(s, year, quarter)), key=lambda s: s.number)
    without = []
    for stay in denominator:
        if index_is_positive(stay):
            continue
        need = max(stay.needs, key=lambda n: n.assessed_on, default=None)
        without.append(
            WithoutPositive(
                number=stay.number,
                status=not_positive_status(stay),
                need_source=need.source if need else "",
                need_reason=need.reason if need else "",
            )
        )
    switches = [d for s in stays for d in s.decisions if d.is_switch and in_quarter(d.decided_on, year, quarter)]
    corrections = [code_correction(s) for s in admitted]
    return Figures(
        year=year,
        quarter=quarter,
        first_day=first,
        last_day=last,
        admitted=len(admitted),
        screened_at_start=sum(1 for s in admitted if screened_at_start(s)),
        positive=sum(1 for s in admitted if any(r.status == "positive" for r in s.screenings)),
        assigned=sum(1 for s in admitted if is_assigned(s)),
        share=quota_share(denominator),
        without_positive=without,
        switches_into=sum(1 for d in switches if d.decision == "assign"),
        switches_out=sum(1 for d in switches if d.decision != "assign"),
        corrections_in_time=corrections.count("in_time"),
        corrections_late=corrections.count("late"),
        corrections_open=corrections.count("open"),
        provisional=quota_share(running),
        provisional_numbers=[s.number for s in running],
    )
