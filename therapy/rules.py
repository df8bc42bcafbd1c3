"""Pure rules of the therapy bars: minute totals, the WMR indicators 5.1–5.3, 6.1, 7.1, topics covered, and the
urgency order of "My day".

No ORM, no clock: ``today`` is always a parameter. Day counting (ARCHITECTURE.md): the admission day is day 1, so
day n is ``admission + (n - 1)`` days; "within 14 days" means on or before day 14.

Contract for the compliance dashboard (a later issue) and the case overview — both call the same functions:

- build one ``StayFacts`` per stay (``therapy.selectors_progress.stays_progress`` does that for many stays in a
  constant number of queries);
- call the indicator functions by their measure key (``INDICATORS``); each returns a
  ``wmr.indicators.IndicatorResult`` with the state, the reason in words (translated when called), and
  ``value``/``target`` where there is a bar.

States of the minute bars (5.1, 5.2, 6.1, 7.1): ``met`` as soon as the minutes reach the bar; otherwise judged at
discharge — ``not_yet_due`` (with the progress so far) until the stay is discharged, ``not_met`` from the discharge
date on. ``not_applicable`` for a stay that is not WMR on ``today`` (no decision, decided against, or switched out
of WMR from the switch's effective date), and for 7.1 where no workplace training is provided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

from screening import rules as screening_rules
from therapy import topics as catalogue
from wmr.indicators import IndicatorResult, IndicatorState

# Session kinds and statuses (= therapy.models.SessionKind / SessionStatus values), written out to stay ORM-free.
INDIVIDUAL_COUNSELING = "individual_counseling"
SMALL_GROUP_COUNSELING = "small_group_counseling"
GROUP_COUNSELING = "group_counseling"
WORK_GROUP = "work_group"
WORKPLACE_TRAINING = "workplace_training"
COUNSELING_KINDS = frozenset({INDIVIDUAL_COUNSELING, SMALL_GROUP_COUNSELING, GROUP_COUNSELING})
HELD = "held"
CANCELLED = "cancelled"

# Rec 5.1: psychosocial counseling, individual plus small-group or group, at least 90 minutes.
COUNSELING_TOTAL_MINUTES = 90
# Rec 5.2: at least 60 minutes of one-to-one psychosocial counseling.
COUNSELING_INDIVIDUAL_MINUTES = 60
# Rec 5.3: a first individual counseling within the first two weeks = on or before day 14.
FIRST_COUNSELING_DUE_DAY = 14
# Rec 6.1: work-related groups at least 240 minutes.
WORK_GROUPS_MINUTES = 240
# Rec 7.1: where workplace training is provided, at least 360 minutes.
WORKPLACE_TRAINING_MINUTES = 360

# "My day" (PRODUCT CHOICE): from day 10 a missing first individual counseling is "due soon"; a discharge within
# 7 days makes a missing minute bar urgent.
FIRST_COUNSELING_WARN_DAY = 10
DISCHARGE_NEAR_DAYS = 7


def day_date(admission: dt.date, day: int) -> dt.date:
    """The calendar date of day ``day`` of the stay (day 1 = admission day)."""
    return admission + dt.timedelta(days=day - 1)


def day_of(admission: dt.date, on: dt.date) -> int:
    """The day of the stay ``on`` falls on (day 1 = admission day; 0 or less before admission)."""
    return (on - admission).days + 1


def _d(on: dt.date) -> str:
    return f"{on:%d.%m.%Y}"


# --- minute totals -----------------------------------------------------------------------------------------------


def attended_minutes(session_minutes: int, late_minutes: int = 0, left_early_minutes: int = 0) -> int:
    """The minutes of a session that count for one participant: the session's minutes less late arrival and early
    leaving, never below 0."""
    return max(0, session_minutes - late_minutes - left_early_minutes)


@dataclass(frozen=True)
class AttendanceFact:
    """One attendance of a stay — or a bundle of attendances with the same kind/status/presence, as an aggregate
    query delivers them: then ``minutes`` is their sum and ``held_on`` the earliest date.

    ``minutes`` are the attendance minutes that count for the patient (session minutes less late/left early, see
    ``attended_minutes``).
    """

    kind: str
    status: str
    present: bool
    minutes: int
    held_on: dt.date | None = None
    topics: tuple[str, ...] = ()
    planned_therapy_id: int | None = None


def counts(fact: AttendanceFact) -> bool:
    """Only held sessions the patient attended count: a cancelled (or merely planned) session and an absence do not."""
    return fact.status == HELD and fact.present


def minutes_by_kind(facts: Iterable[AttendanceFact]) -> dict[str, int]:
    """The counted minutes per session kind."""
    totals: dict[str, int] = {}
    for fact in facts:
        if counts(fact):
            totals[fact.kind] = totals.get(fact.kind, 0) + fact.minutes
    return totals


def counseling_minutes(totals: Mapping[str, int]) -> int:
    """Rec 5.1: individual + small-group + group counseling minutes."""
    return sum(totals.get(kind, 0) for kind in COUNSELING_KINDS)


def first_held_on(facts: Iterable[AttendanceFact], kind: str) -> dt.date | None:
    """The date of the first counted session of ``kind`` (None if there is none)."""
    dates = [f.held_on for f in facts if counts(f) and f.kind == kind and f.held_on is not None]
    return min(dates) if dates else None


def covered_topics(facts: Iterable[AttendanceFact]) -> frozenset[str]:
    """The topic codes of the counted sessions."""
    return frozenset(code for f in facts if counts(f) for code in f.topics)


def minutes_by_planned_therapy(facts: Iterable[AttendanceFact]) -> dict[int, int]:
    """Counted minutes of sessions logged against a planned therapy of the team conference, per planned therapy."""
    totals: dict[int, int] = {}
    for fact in facts:
        if counts(fact) and fact.planned_therapy_id is not None:
            totals[fact.planned_therapy_id] = totals.get(fact.planned_therapy_id, 0) + fact.minutes
    return totals


# --- is the stay WMR? (screening owns the rule; re-exported here for the indicator facts) --------------------------

DecisionFact = screening_rules.DecisionFact
Applicability = screening_rules.Applicability
wmr_applicability = screening_rules.wmr_applicability


# --- the facts of a stay and its indicators ------------------------------------------------------------------------


@dataclass(frozen=True)
class StayFacts:
    """Everything the therapy indicators need of one stay.

    ``discharged_on`` is the actual discharge date (None while the patient is still in the clinic; a planned
    discharge date does not count). ``planned_discharge`` is only used to rank urgency on "My day".
    ``training_planned``: the stay has a workplace-training plan.
    """

    admission: dt.date
    wmr: Applicability
    attendances: tuple[AttendanceFact, ...] = ()
    discharged_on: dt.date | None = None
    planned_discharge: dt.date | None = None
    training_planned: bool = False

    @cached_property
    def totals(self) -> dict[str, int]:
        """Counted minutes per kind."""
        return minutes_by_kind(self.attendances)

    def minutes(self, *kinds: str) -> int:
        return sum(self.totals.get(kind, 0) for kind in kinds)

    def judged(self, today: dt.date) -> bool:
        """The minute bars are judged at discharge."""
        return self.discharged_on is not None and today >= self.discharged_on

    @property
    def training_provided(self) -> bool:
        """Rec 7.1 "where workplace training is provided": a training plan or any workplace-training session that
        counts."""
        return self.training_planned or self.minutes(WORKPLACE_TRAINING) > 0


def _not_applicable(reason: str, target: int | None = None) -> IndicatorResult:
    return IndicatorResult(IndicatorState.NOT_APPLICABLE, reason, None, target)


def _minute_bar(facts: StayFacts, today: dt.date, value: int, target: int, what: str) -> IndicatorResult:
    if not facts.wmr.applies:
        return _not_applicable(facts.wmr.reason, target)
    figures = {"value": value, "target": target, "what": what}
    if value >= target:
        reason = _("%(value)d of %(target)d minutes of %(what)s.") % figures
        return IndicatorResult(IndicatorState.MET, reason, value, target)
    if facts.judged(today):
        reason = _("Only %(value)d of %(target)d minutes of %(what)s by discharge on %(date)s.") % {
            **figures,
            "date": _d(facts.discharged_on),
        }
        return IndicatorResult(IndicatorState.NOT_MET, reason, value, target)
    reason = _("%(value)d of %(target)d minutes of %(what)s so far; %(missing)d to go before discharge.") % {
        **figures,
        "missing": target - value,
    }
    return IndicatorResult(IndicatorState.NOT_YET_DUE, reason, value, target)


def counseling_total_90min(facts: StayFacts, today: dt.date) -> IndicatorResult:
    """Rec 5.1: individual + small-group + group psychosocial counseling total at least 90 minutes."""
    value = facts.minutes(*COUNSELING_KINDS)
    return _minute_bar(facts, today, value, COUNSELING_TOTAL_MINUTES, _("psychosocial counseling"))


def counseling_individual_60min(facts: StayFacts, today: dt.date) -> IndicatorResult:
    """Rec 5.2: at least 60 minutes of individual (one-to-one) psychosocial counseling."""
    value = facts.minutes(INDIVIDUAL_COUNSELING)
    return _minute_bar(facts, today, value, COUNSELING_INDIVIDUAL_MINUTES, _("individual counseling"))


def work_groups_240min(facts: StayFacts, today: dt.date) -> IndicatorResult:
    """Rec 6.1: work-related groups total at least 240 minutes."""
    return _minute_bar(facts, today, facts.minutes(WORK_GROUP), WORK_GROUPS_MINUTES, _("work-related groups"))


def workplace_training_360min(facts: StayFacts, today: dt.date) -> IndicatorResult:
    """Rec 7.1: where workplace training is provided (a training plan or a counted training session), at least 360
    minutes; not applicable otherwise."""
    if facts.wmr.applies and not facts.training_provided:
        return _not_applicable(_("No workplace training provided."), WORKPLACE_TRAINING_MINUTES)
    value = facts.minutes(WORKPLACE_TRAINING)
    return _minute_bar(facts, today, value, WORKPLACE_TRAINING_MINUTES, _("workplace training"))


def first_counseling_within_14d(facts: StayFacts, today: dt.date) -> IndicatorResult:
    """Rec 5.3: the first held individual counseling on or before day 14.

    ``value`` is the day of the stay of the first individual counseling (None while there is none), ``target`` 14.
    Met when it was on or before day 14; not met when it came later ("first individual counseling on day 16, due by
    day 14"), or when none was held by the end of day 14 (or by a discharge before then); not yet due while
    ``today`` is on or before day 14 and none was held.
    """
    if not facts.wmr.applies:
        return _not_applicable(facts.wmr.reason, FIRST_COUNSELING_DUE_DAY)
    due = day_date(facts.admission, FIRST_COUNSELING_DUE_DAY)
    first = first_held_on(facts.attendances, INDIVIDUAL_COUNSELING)
    if first is not None:
        day = day_of(facts.admission, first)
        figures = {"day": day, "date": _d(first), "due": FIRST_COUNSELING_DUE_DAY}
        if first <= due:
            reason = _("First individual counseling on day %(day)d (%(date)s), due by day %(due)d.") % figures
            return IndicatorResult(IndicatorState.MET, reason, day, FIRST_COUNSELING_DUE_DAY)
        reason = _("First individual counseling on day %(day)d, due by day %(due)d.") % figures
        return IndicatorResult(IndicatorState.NOT_MET, reason, day, FIRST_COUNSELING_DUE_DAY)
    figures = {"due": FIRST_COUNSELING_DUE_DAY, "date": _d(due)}
    if today > due or facts.judged(today):
        reason = _("No individual counseling by day %(due)d (%(date)s).") % figures
        return IndicatorResult(IndicatorState.NOT_MET, reason, None, FIRST_COUNSELING_DUE_DAY)
    reason = _("No individual counseling yet; due by day %(due)d (%(date)s).") % figures
    return IndicatorResult(IndicatorState.NOT_YET_DUE, reason, None, FIRST_COUNSELING_DUE_DAY)


# The indicator functions by their measure key in wmr/data/recommendations.csv (stable names for compliance/).
INDICATORS: dict[str, Callable[[StayFacts, dt.date], IndicatorResult]] = {
    "counseling_total_90min": counseling_total_90min,
    "counseling_individual_60min": counseling_individual_60min,
    "first_counseling_within_14d": first_counseling_within_14d,
    "work_groups_240min": work_groups_240min,
    "workplace_training_360min": workplace_training_360min,
}


def indicators(facts: StayFacts, today: dt.date) -> dict[str, IndicatorResult]:
    """Every therapy indicator of a stay, by measure key, in the order of the recommendations."""
    return {key: function(facts, today) for key, function in INDICATORS.items()}


# --- topics ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicSection:
    """The topics of one section (counseling 5.x, work-related groups 6.x, workplace training 7.x) of a stay.

    ``result`` is the bar of the required ("shall") topics: value = covered required topics, target = all required
    topics of the section; met when all are covered, otherwise judged at discharge like the minute bars;
    not applicable for a non-WMR stay and, for workplace training, where no training is provided.
    """

    section: str
    covered: tuple[catalogue.Topic, ...]
    open_required: tuple[catalogue.Topic, ...]
    open_recommended: tuple[catalogue.Topic, ...]
    result: IndicatorResult


def _section_title(section: str) -> str:
    return {
        catalogue.COUNSELING: _("Counseling topics"),
        catalogue.WORK_GROUPS: _("Work-related group topics"),
        catalogue.WORKPLACE_TRAINING: _("Workplace-training topics"),
    }[section]


def topics_section(facts: StayFacts, section: str, today: dt.date) -> TopicSection:
    """Topics of ``section`` covered (in counted sessions) and still open, with the bar of the required ones."""
    covered_codes = covered_topics(facts.attendances)
    topics = catalogue.topics_of_section(section)
    covered = tuple(t for t in topics if t.code in covered_codes)
    open_required = tuple(t for t in topics if t.required and t.code not in covered_codes)
    open_recommended = tuple(t for t in topics if not t.required and t.code not in covered_codes)
    target = sum(1 for t in topics if t.required)
    value = target - len(open_required)
    figures = {"value": value, "target": target, "title": _section_title(section)}
    if not facts.wmr.applies:
        result = _not_applicable(facts.wmr.reason, target)
    elif section == catalogue.WORKPLACE_TRAINING and not facts.training_provided:
        result = _not_applicable(_("No workplace training provided."), target)
    elif not open_required:
        result = IndicatorResult(
            IndicatorState.MET, _("%(title)s: all %(target)d required topics covered.") % figures, value, target
        )
    elif facts.judged(today):
        reason = _("%(title)s: %(value)d of %(target)d required topics covered by discharge.") % figures
        result = IndicatorResult(IndicatorState.NOT_MET, reason, value, target)
    else:
        reason = _("%(title)s: %(value)d of %(target)d required topics covered so far.") % figures
        result = IndicatorResult(IndicatorState.NOT_YET_DUE, reason, value, target)
    return TopicSection(section, covered, open_required, open_recommended, result)


def topics_progress(facts: StayFacts, today: dt.date) -> tuple[TopicSection, ...]:
    """The three topic sections in the order of the recommendations."""
    return tuple(
        topics_section(facts, section, today)
        for section in (catalogue.COUNSELING, catalogue.WORK_GROUPS, catalogue.WORKPLACE_TRAINING)
    )


# --- "My day": which stays need counseling first --------------------------------------------------------------------

# Urgency tiers, most urgent first (PRODUCT CHOICE, explained on the page).
OVERDUE_FIRST = 1  # no individual counseling and day 14 has passed
DUE_SOON_FIRST = 2  # no individual counseling, day 10–14
INDIVIDUAL_SHORT_NEAR_DISCHARGE = 3  # < 60 individual minutes, discharge within 7 days
TOTAL_SHORT_NEAR_DISCHARGE = 4  # < 90 counseling minutes, discharge within 7 days
FIRST_NOT_YET_DUE = 5  # no individual counseling yet, before day 10
MINUTES_SHORT = 6  # a counseling minute bar not reached, discharge further away (or not planned)


@dataclass(frozen=True)
class Urgency:
    """Why a stay is on "My day" and how urgent it is: lower ``tier`` first, then ``days_left`` (to the deadline
    of that tier: day 14 for the first counseling, the planned discharge for the minute bars; overdue is
    negative)."""

    tier: int
    days_left: int | None
    label: str

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.tier, self.days_left if self.days_left is not None else 10_000)


def counseling_urgency(facts: StayFacts, today: dt.date) -> Urgency | None:
    """The urgency of a stay's open counseling bars (5.1–5.3) on ``today``; None when all are met, none can still
    be reached (a late first counseling is closed), or WMR does not apply."""
    if not facts.wmr.applies or facts.judged(today):
        return None
    due = day_date(facts.admission, FIRST_COUNSELING_DUE_DAY)
    day = day_of(facts.admission, today)
    first_missing = first_held_on(facts.attendances, INDIVIDUAL_COUNSELING) is None
    if first_missing and today > due:
        return Urgency(
            OVERDUE_FIRST,
            (due - today).days,
            _("First individual counseling overdue (due by day %(due)d, today is day %(day)d).")
            % {"due": FIRST_COUNSELING_DUE_DAY, "day": day},
        )
    if first_missing and day >= FIRST_COUNSELING_WARN_DAY:
        return Urgency(
            DUE_SOON_FIRST,
            (due - today).days,
            _("First individual counseling due by day %(due)d (%(date)s); today is day %(day)d.")
            % {"due": FIRST_COUNSELING_DUE_DAY, "date": _d(due), "day": day},
        )
    individual = facts.minutes(INDIVIDUAL_COUNSELING)
    total = facts.minutes(*COUNSELING_KINDS)
    to_discharge = (facts.planned_discharge - today).days if facts.planned_discharge else None
    near = to_discharge is not None and to_discharge <= DISCHARGE_NEAR_DAYS
    short = {
        "individual": individual,
        "total": total,
        "individual_target": COUNSELING_INDIVIDUAL_MINUTES,
        "total_target": COUNSELING_TOTAL_MINUTES,
    }
    if near and individual < COUNSELING_INDIVIDUAL_MINUTES:
        return Urgency(
            INDIVIDUAL_SHORT_NEAR_DISCHARGE,
            to_discharge,
            _("Discharge on %(date)s: %(individual)d of %(individual_target)d minutes of individual counseling.")
            % {**short, "date": _d(facts.planned_discharge)},
        )
    if near and total < COUNSELING_TOTAL_MINUTES:
        return Urgency(
            TOTAL_SHORT_NEAR_DISCHARGE,
            to_discharge,
            _("Discharge on %(date)s: %(total)d of %(total_target)d minutes of counseling.")
            % {**short, "date": _d(facts.planned_discharge)},
        )
    if first_missing:
        return Urgency(
            FIRST_NOT_YET_DUE,
            (due - today).days,
            _("No individual counseling yet; due by day %(due)d (%(date)s).")
            % {"due": FIRST_COUNSELING_DUE_DAY, "date": _d(due)},
        )
    if individual < COUNSELING_INDIVIDUAL_MINUTES or total < COUNSELING_TOTAL_MINUTES:
        return Urgency(
            MINUTES_SHORT,
            to_discharge,
            _(
                "%(individual)d of %(individual_target)d minutes of individual counseling, %(total)d of "
                "%(total_target)d minutes of counseling."
            )
            % short,
        )
    return None
