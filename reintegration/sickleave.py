"""The sick-leave history and what it triggers, as pure rules: no ORM, no clock, no request.

Specification: ../shared/domain/hamburg_model.md §10 (B-1 … B-7) and §9 K-1; the rule ids are cited where they bind.

- B-2 counted absences: certified AU, sick days without a certificate, cure/rehab stays (every ``AbsenceFact``).
- B-3 window: the 12 months ending on the reference date, from (reference − 12 calendar months + 1 day) through the
  reference date. The formula is applied literally, with the month end clipped (a reference of 28.02.2025 gives a
  window from 29.02.2024: 366 days; 29.02.2024 gives 01.03.2023). Episodes crossing the boundary count only inside
  it; overlapping episodes count once; an open episode runs to the reference date.
- B-4 calendar rule: BEM when the absence days in the window total **more than 42**.
- B-5 working-day rule: BEM when the absence days that are contractual working days total more than 6 × working days
  per week. ASSUMPTION (the sources are silent): an n-day week works Monday to the n-th weekday (5 days: Mon–Fri,
  3 days: Mon–Wed, 2 days: Mon–Tue); the working days are not recorded per patient. PRODUCT CHOICE (B-5): flag when
  either rule is exceeded and say which.
- K-1 (rec 8.4): examining a graded return is due when the absence days in the window are **at least** 90
  (``grtw_min_days``, the setting ``GRTW_EXAMINE_MIN_DAYS``). PRODUCT CHOICE: the same count as B-3 (every kind of
  B-2; during an earlier rehab stay the patient was on AU too).
- B-6 the clinic's view: reference date = the day before admission; also the projected status at the planned
  discharge, counting the rehab stay itself as an absence (B-2).
- B-7 §74 SGB V check (L-2): a current continuous AU episode of **at least** 42 days makes the physician's assessment
  due, from the episode's 42nd day. Continuous: periods that overlap or follow each other without a free day.
  PRODUCT CHOICE: certified AU and rehab stays form the episode (the AU goes on during a rehab stay); sick days
  without a certificate are no AU episode. Current: the episode includes the reference date.
"""

from __future__ import annotations

import calendar
import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)

BEM_CALENDAR_LIMIT = 42  # B-4: more than six weeks
BEM_WEEKS = 6  # B-5: more than 6 × working days per week
GRTW_EXAMINE_MIN_DAYS = 90  # K-1: "3 months" = at least 90 calendar days (the setting's default)
S74_MIN_DAYS = 42  # B-7 / L-2: from six weeks

# AbsenceKind values (reintegration.models) the rules tell apart.
CERTIFIED = "certified"
UNCERTIFIED = "uncertified"
REHAB = "rehab"
AU_EPISODE_KINDS = frozenset({CERTIFIED, REHAB})  # B-7

# Which rule of B-4 / B-5 fired.
RULE_NONE = ""
RULE_CALENDAR = "calendar"
RULE_WORKING_DAYS = "working_days"
RULE_BOTH = "both"


@dataclass(frozen=True)
class AbsenceFact:
    """One period of absence (B-2): first and last day inclusive; ``ends_on`` None while it goes on."""

    starts_on: dt.date
    ends_on: dt.date | None = None
    kind: str = CERTIFIED

    def last_day(self, reference: dt.date) -> dt.date:
        """The last day that counts on ``reference``: an open period runs to the reference date (B-3)."""
        return reference if self.ends_on is None else min(self.ends_on, reference)


@dataclass(frozen=True)
class SickLeaveVerdict:
    """What the absences mean on one reference date."""

    reference: dt.date
    window_start: dt.date  # B-3
    window_end: dt.date  # = reference
    calendar_days: int  # B-4: distinct absence days in the window
    working_days: int  # B-5: of those, the contractual working days
    working_days_per_week: int
    working_day_limit: int  # 6 × working days per week
    bem: bool  # B-4 or B-5 exceeded
    bem_rule: str  # RULE_NONE / RULE_CALENDAR / RULE_WORKING_DAYS / RULE_BOTH
    bem_since: dt.date | None  # the day the threshold was crossed (start of the flagged run that reaches the reference)
    grtw_min_days: int
    grtw_due: bool  # K-1
    episode_start: dt.date | None  # B-7: the current continuous AU episode (None: no AU on the reference date)
    episode_days: int
    s74_due: bool  # B-7: episode ≥ 42 days
    s74_due_from: dt.date | None  # the episode's 42nd day


@dataclass(frozen=True)
class StayVerdict:
    """B-6: the status the day before admission and the projection at the planned discharge (rehab stay counted)."""

    before_admission: SickLeaveVerdict
    at_discharge: SickLeaveVerdict | None  # None without a planned discharge date


def months_back(day: dt.date, months: int) -> dt.date:
    """``day`` minus ``months`` calendar months; a day the target month lacks becomes its last day (29.02 → 28.02)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def window(reference: dt.date) -> tuple[dt.date, dt.date]:
    """B-3: first and last day of the 12 months ending on ``reference``."""
    return months_back(reference, 12) + ONE_DAY, reference


def is_working_day(day: dt.date, working_days_per_week: int) -> bool:
    """B-5 ASSUMPTION: an n-day week works Monday to the n-th weekday."""
    return day.weekday() < working_days_per_week


def absence_days(facts: Iterable[AbsenceFact], start: dt.date, end: dt.date) -> list[dt.date]:
    """The distinct absence days from ``start`` through ``end``, sorted (B-3: clipped; overlaps count once; an open
    period runs to ``end``)."""
    days: set[dt.date] = set()
    for fact in facts:
        first = max(fact.starts_on, start)
        last = fact.last_day(end)
        day = first
        while day <= last:
            days.add(day)
            day += ONE_DAY
    return sorted(days)


def days_in_window(fact: AbsenceFact, reference: dt.date) -> int:
    """How many days of one period fall into the window of ``reference`` (before merging with the others)."""
    start, end = window(reference)
    first, last = max(fact.starts_on, start), fact.last_day(end)
    return max((last - first).days + 1, 0)


def _bem_rule(calendar_days: int, working_days: int, working_days_per_week: int) -> str:
    calendar_rule = calendar_days > BEM_CALENDAR_LIMIT  # B-4
    working_rule = working_days > BEM_WEEKS * working_days_per_week  # B-5
    if calendar_rule and working_rule:
        return RULE_BOTH
    if calendar_rule:
        return RULE_CALENDAR
    if working_rule:
        return RULE_WORKING_DAYS
    return RULE_NONE


class _Counter:
    """Calendar and working-day counts for any window, from the sorted absence days up to one reference."""

    def __init__(self, days: list[dt.date], working_days_per_week: int):
        self.days = days
        self.working = [d for d in days if is_working_day(d, working_days_per_week)]
        self.per_week = working_days_per_week

    @staticmethod
    def _between(days: list[dt.date], start: dt.date, end: dt.date) -> int:
        return bisect_right(days, end) - bisect_left(days, start)

    def counts(self, reference: dt.date) -> tuple[int, int]:
        start, end = window(reference)
        return self._between(self.days, start, end), self._between(self.working, start, end)

    def flagged(self, reference: dt.date) -> bool:
        return _bem_rule(*self.counts(reference), self.per_week) != RULE_NONE


def _bem_since(counter: _Counter, reference: dt.date) -> dt.date:
    """The first day of the run of flagged days that ends on ``reference`` (flagged): the day the threshold was
    crossed (TR2: the 43rd day). Between two absence days the counts can only fall (days leave the window, none
    enter), so when the day before ``since`` is flagged, every day back to the latest absence day is flagged too."""
    since = reference
    while True:
        previous = since - ONE_DAY
        if not counter.flagged(previous):
            return since
        since = counter.days[bisect_right(counter.days, previous) - 1]


def _current_episode(facts: Iterable[AbsenceFact], reference: dt.date) -> tuple[dt.date | None, int]:
    """B-7: first day and length of the continuous AU episode that includes ``reference`` (None, 0 without one)."""
    spans = sorted(
        (fact.starts_on, fact.last_day(reference))
        for fact in facts
        if fact.kind in AU_EPISODE_KINDS and fact.starts_on <= reference
    )
    start: dt.date | None = None
    end: dt.date | None = None
    for first, last in spans:
        if end is not None and first <= end + ONE_DAY:
            end = max(end, last)
        else:
            start, end = first, last
    if start is None or end != reference:
        return None, 0
    return start, (reference - start).days + 1


def judge(
    facts: Iterable[AbsenceFact],
    reference: dt.date,
    *,
    working_days_per_week: int = 5,
    grtw_min_days: int = GRTW_EXAMINE_MIN_DAYS,
) -> SickLeaveVerdict:
    """B-3 … B-5, B-7 and K-1 on ``reference``."""
    if not 1 <= working_days_per_week <= 7:
        raise ValueError("working_days_per_week must be 1 … 7")
    facts = [fact for fact in facts if fact.starts_on <= reference]
    start, end = window(reference)
    # All absence days up to the reference: the run back to the crossing day may look at earlier windows.
    earliest = min((fact.starts_on for fact in facts), default=start)
    counter = _Counter(absence_days(facts, min(earliest, start), end), working_days_per_week)
    calendar_days, working_days = counter.counts(reference)
    rule = _bem_rule(calendar_days, working_days, working_days_per_week)
    episode_start, episode_days = _current_episode(facts, reference)
    s74_due = episode_days >= S74_MIN_DAYS
    return SickLeaveVerdict(
        reference=reference,
        window_start=start,
        window_end=end,
        calendar_days=calendar_days,
        working_days=working_days,
        working_days_per_week=working_days_per_week,
        working_day_limit=BEM_WEEKS * working_days_per_week,
        bem=rule != RULE_NONE,
        bem_rule=rule,
        bem_since=_bem_since(counter, reference) if rule != RULE_NONE else None,
        grtw_min_days=grtw_min_days,
        grtw_due=calendar_days >= grtw_min_days,
        episode_start=episode_start,
        episode_days=episode_days,
        s74_due=s74_due,
        s74_due_from=episode_start + dt.timedelta(days=S74_MIN_DAYS - 1) if s74_due and episode_start else None,
    )


def judge_stay(
    facts: Iterable[AbsenceFact],
    *,
    admission: dt.date,
    discharge: dt.date | None,
    working_days_per_week: int = 5,
    grtw_min_days: int = GRTW_EXAMINE_MIN_DAYS,
) -> StayVerdict:
    """B-6: the verdict on the day before ``admission``, and at the planned ``discharge`` with the rehab stay itself
    (admission through discharge) counted as an absence (B-2)."""
    facts = list(facts)
    options = {"working_days_per_week": working_days_per_week, "grtw_min_days": grtw_min_days}
    before = judge(facts, admission - ONE_DAY, **options)
    projected = None
    if discharge is not None and discharge >= admission:
        projected = judge([*facts, AbsenceFact(admission, discharge, REHAB)], discharge, **options)
    return StayVerdict(before_admission=before, at_discharge=projected)
