"""Progress of stays against the therapy bars (5.1–5.3, 6.1, 7.1, topics), for the case overview, "My day" and the
compliance dashboard. The numbers come from the pure rules in ``therapy.rules``; this module only gathers the facts,
in a constant number of queries however many stays or sessions there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Min, Prefetch, Sum
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from diagnostics.models import PlannedTherapy
from patients.models import Stay, StayStatus
from patients.selectors import stays_visible_to
from screening.models import AssignmentDecision
from therapy import rules
from therapy.models import Attendance, SessionKind, SessionStatus, TherapySession, TrainingPlan
from therapy.selectors import named_stay_ids
from wmr.indicators import IndicatorResult

# What each bar is called on the page, with its recommendation.
BAR_TITLES = {
    "counseling_total_90min": ("5.1", _("Psychosocial counseling in total")),
    "counseling_individual_60min": ("5.2", _("Individual counseling")),
    "first_counseling_within_14d": ("5.3", _("First individual counseling by day 14")),
    "work_groups_240min": ("6.1", _("Work-related groups")),
    "workplace_training_360min": ("7.1", _("Workplace training")),
}


# --- facts of many stays -----------------------------------------------------------------------------------------


def _decisions(stay_ids: list[int]) -> dict[int, list[rules.DecisionFact]]:
    decisions: dict[int, list[rules.DecisionFact]] = {}
    rows = (
        AssignmentDecision.objects.filter(stay_id__in=stay_ids)
        .order_by("decided_on", "id")
        .values_list("stay_id", "decision", "decided_on", "effective_from")
    )
    for stay_id, decision, decided_on, effective_from in rows:
        decisions.setdefault(stay_id, []).append(rules.DecisionFact(decision, decided_on, effective_from))
    return decisions


def _attendance_facts(stay_ids: list[int]) -> dict[int, list[rules.AttendanceFact]]:
    """One aggregate query: the attendance minutes per stay, grouped by what the rules distinguish (kind, status,
    presence, topics, planned therapy), with the earliest date of each group."""
    facts: dict[int, list[rules.AttendanceFact]] = {}
    rows = (
        Attendance.objects.filter(stay_id__in=stay_ids)
        .order_by()  # no Meta ordering in the GROUP BY
        .values(
            "stay_id",
            "session__kind",
            "session__status",
            "present",
            "session__topics",
            "session__planned_therapy_id",
        )
        .annotate(total=Sum("minutes"), first_on=Min("session__held_on"))
    )
    for row in rows:
        facts.setdefault(row["stay_id"], []).append(
            rules.AttendanceFact(
                kind=row["session__kind"],
                status=row["session__status"],
                present=row["present"],
                minutes=row["total"] or 0,
                held_on=row["first_on"],
                topics=tuple(row["session__topics"] or ()),
                planned_therapy_id=row["session__planned_therapy_id"],
            )
        )
    return facts


def stays_facts(stays: Iterable[Stay], today: dt.date) -> dict[int, rules.StayFacts]:
    """``rules.StayFacts`` of every stay, by stay id. Queries: 3 (decisions, training plans, attendance aggregate),
    whatever the number of stays and sessions."""
    stays = list(stays)
    ids = [stay.pk for stay in stays]
    if not ids:
        return {}
    decisions = _decisions(ids)
    planned = set(TrainingPlan.objects.filter(stay_id__in=ids).values_list("stay_id", flat=True))
    attendances = _attendance_facts(ids)
    return {
        stay.pk: rules.StayFacts(
            admission=stay.admission_date,
            wmr=rules.wmr_applicability(decisions.get(stay.pk, []), today),
            attendances=tuple(attendances.get(stay.pk, ())),
            discharged_on=stay.discharge_date if stay.status == StayStatus.DISCHARGED else None,
            planned_discharge=stay.discharge_date,
            training_planned=stay.pk in planned,
        )
        for stay in stays
    }


@dataclass
class StayProgress:
    """A stay's therapy indicators on ``today`` (by measure key) and its urgency on "My day" (None: nothing open)."""

    stay: Stay
    facts: rules.StayFacts
    indicators: dict[str, IndicatorResult]
    urgency: rules.Urgency | None
    day: int  # day of the stay on ``today`` (day 1 = admission day)


def stays_progress(stays: Iterable[Stay], today: dt.date) -> dict[int, StayProgress]:
    """The therapy indicators of many stays, by stay id, in a constant number of queries (3; see ``stays_facts``).
    The dashboard and "My day" read this; the case overview reads the same rules through ``stay_therapy_state``."""
    stays = list(stays)
    facts = stays_facts(stays, today)
    return {
        stay.pk: StayProgress(
            stay=stay,
            facts=facts[stay.pk],
            indicators=rules.indicators(facts[stay.pk], today),
            urgency=rules.counseling_urgency(facts[stay.pk], today),
            day=rules.day_of(stay.admission_date, today),
        )
        for stay in stays
    }


# --- the case overview -------------------------------------------------------------------------------------------


@dataclass
class Bar:
    """One progress bar of the case overview."""

    key: str
    recommendation: str
    title: str
    result: IndicatorResult

    @property
    def is_minutes(self) -> bool:
        return self.key != "first_counseling_within_14d"


@dataclass
class PlannedTherapyRow:
    planned: PlannedTherapy
    name: str
    minutes: int  # counted minutes of sessions logged against it


@dataclass
class TherapyState:
    """What the case overview shows of a stay's counseling, groups and workplace training."""

    facts: rules.StayFacts
    bars: list[Bar]
    topics: tuple[rules.TopicSection, ...]
    planned: list[PlannedTherapyRow]
    minutes: list[tuple[str, int]] = field(default_factory=list)  # (kind label, counted minutes) of every kind


def stay_therapy_state(stay: Stay, today: dt.date) -> TherapyState:
    """The progress bars (5.1–5.3, 6.1, 7.1), topics covered / still open per section, the planned therapies of
    the team conference with the minutes logged against them, and the counted minutes per kind.

    Queries: 4 — decisions, training plan, attendance aggregate (``stays_facts``), planned therapies with their
    catalogue item.
    """
    facts = stays_facts([stay], today)[stay.pk]
    results = rules.indicators(facts, today)
    language = (translation.get_language() or "de")[:2]
    by_planned = rules.minutes_by_planned_therapy(facts.attendances)
    planned = [
        PlannedTherapyRow(planned=p, name=p.item.name(language), minutes=by_planned.get(p.pk, 0))
        for p in PlannedTherapy.objects.filter(stay=stay).select_related("item").order_by("id")
    ]
    totals = facts.totals
    return TherapyState(
        facts=facts,
        bars=[Bar(key, *BAR_TITLES[key], result) for key, result in results.items()],
        topics=rules.topics_progress(facts, today),
        planned=planned,
        minutes=[(label, totals[kind]) for kind, label in SessionKind.choices if totals.get(kind)],
    )


# --- My day ------------------------------------------------------------------------------------------------------


@dataclass
class PlannedSessionRow:
    session: TherapySession
    patients: list[str]  # names of the participants on the user's care teams
    others: int  # participants the user may not see by name


def my_planned_sessions(user, today: dt.date) -> list[PlannedSessionRow]:
    """The user's planned sessions of ``today`` (staff = the user), by start time, with the participants the user
    may see by name (their care teams; the others are only counted). Queries: 3 (sessions with group, attendance
    with stay and patient, the visible stays)."""
    sessions = list(
        TherapySession.objects.filter(staff=user, status=SessionStatus.PLANNED, held_on=today)
        .select_related("group")
        .prefetch_related(Prefetch("attendances", queryset=Attendance.objects.select_related("stay__patient")))
        .order_by("start", "id")
    )
    named = named_stay_ids(user, (a.stay_id for s in sessions for a in s.attendances.all()))
    rows = []
    for session in sessions:
        attendances = list(session.attendances.all())
        rows.append(
            PlannedSessionRow(
                session=session,
                patients=[a.stay.patient.full_name for a in attendances if a.stay_id in named],
                others=sum(1 for a in attendances if a.stay_id not in named),
            )
        )
    return rows


def my_planned_session(user, today: dt.date, session_id: int) -> TherapySession | None:
    """One planned session of today whose staff is the user (None otherwise: the view answers 404)."""
    return (
        TherapySession.objects.filter(pk=session_id, staff=user, status=SessionStatus.PLANNED, held_on=today)
        .select_related("group")
        .first()
    )


def my_open_counseling(user, today: dt.date) -> list[StayProgress]:
    """The current stays (admitted) of the user's care teams with an open counseling bar (5.1–5.3), most urgent
    first (``rules.counseling_urgency``). Queries: 4 (stays, then ``stays_progress``), however many stays."""
    stays = stays_visible_to(user).filter(status=StayStatus.ADMITTED).select_related("patient")
    progress = [p for p in stays_progress(stays, today).values() if p.urgency is not None]
    return sorted(progress, key=lambda p: (*p.urgency.sort_key, p.stay.number))
