"""The counseling and group part of the demo clinic, logged by the demo social worker through the services.

- a work-related group "Arbeit und Gesundheit" (Mondays and Thursdays 10:00, 90 minutes) whose members are the
  admitted WMR stays of the social worker's care teams (from their admission), with every past session logged
  (one participant now and then 15 minutes late), topics ticked in turn;
- individual counselings: the longest-running of those stays meets every counseling bar (60 minutes one-to-one on
  day 3, a small-group counseling of 45 minutes on day 8); the next one with day 15 reached has its first individual
  counseling late, on day 15; the others have one of 50 minutes on day 3 (where reached).

Runs after ``patients.demo`` and ``screening.demo`` (the stays must be WMR by then). Idempotent: when the demo group
exists nothing is written. The notes are German, as the clinic staff would have typed them.
"""

from __future__ import annotations

import datetime as dt

from patients.demo import FACILITIES
from patients.models import Facility, Stay, StayStatus
from screening.models import Decision
from screening.selectors_assignment import stay_assignment
from staff.models import User
from therapy import topics as catalogue
from therapy.models import SessionKind, WorkGroup
from therapy.services import groups, sessions

DEMO_SOCIAL_WORKER = "sozialarbeit"
DEMO_GROUP = "Arbeit und Gesundheit"
GROUP_DAYS = (0, 3)  # Monday, Thursday
GROUP_START = dt.time(10, 0)
GROUP_MINUTES = 90
GROUP_TOPICS = [t.code for t in catalogue.topics_of_section(catalogue.WORK_GROUPS)]


def _day(stay: Stay, n: int) -> dt.date:
    return stay.admission_date + dt.timedelta(days=n - 1)


def _wmr_stays(social_worker: User, facility: Facility, today: dt.date) -> list[Stay]:
    """Admitted WMR stays of the social worker's care teams in the facility, longest-running first."""
    stays = (
        Stay.objects.filter(facility=facility, status=StayStatus.ADMITTED, admission_date__lte=today)
        .select_related("patient")
        .order_by("admission_date", "number")
    )
    wmr = []
    for stay in stays:
        if not sessions.may_log_for_stay(social_worker, stay):
            continue
        decision = stay_assignment(stay, today).current_decision
        if decision is not None and decision.decision == Decision.ASSIGN:
            wmr.append(stay)
    return wmr


def load_therapy_demo(today: dt.date) -> int:
    """Log the demo group and counselings; returns how many sessions were logged (0 when already loaded)."""
    facility = Facility.objects.filter(ik_number=FACILITIES[0].ik_number).first()
    social_worker = User.objects.filter(username=DEMO_SOCIAL_WORKER).first()
    if facility is None or social_worker is None:
        return 0
    if WorkGroup.objects.filter(facility=facility, name=DEMO_GROUP).exists():
        return 0
    stays = _wmr_stays(social_worker, facility, today)
    if not stays:
        return 0
    logged = _group_demo(social_worker, facility, stays, today)
    logged += _counseling_demo(social_worker, stays, today)
    return logged


def _group_demo(social_worker: User, facility: Facility, stays: list[Stay], today: dt.date) -> int:
    start = min(s.admission_date for s in stays)
    group = groups.group_create(
        by=social_worker,
        facility=facility,
        name=DEMO_GROUP,
        starts_on=start,
        default_start=GROUP_START,
        default_minutes=GROUP_MINUTES,
    )
    for stay in stays:
        groups.membership_add(by=social_worker, group=group, stay=stay, starts_on=stay.admission_date)
    logged = 0
    day = start
    while day < today:
        if day.weekday() in GROUP_DAYS:
            present = [s for s in stays if s.admission_date <= day]
            if present:
                attendees = [
                    sessions.Attendee(s, late_minutes=15 if (logged + i) % 7 == 3 else 0) for i, s in enumerate(present)
                ]
                sessions.group_session_log(
                    by=social_worker,
                    group=group,
                    held_on=day,
                    start=GROUP_START,
                    minutes=GROUP_MINUTES,
                    attendees=attendees,
                    topics=[GROUP_TOPICS[logged % len(GROUP_TOPICS)], GROUP_TOPICS[(logged + 1) % len(GROUP_TOPICS)]],
                    note="Gruppenarbeit und Rollenspiel.",
                    today=today,
                )
                logged += 1
        day += dt.timedelta(days=1)
    return logged


def _counseling_demo(social_worker: User, stays: list[Stay], today: dt.date) -> int:
    def log(stay: Stay, n: int, minutes: int, topics: list[str], note: str, kind=SessionKind.INDIVIDUAL_COUNSELING):
        sessions.session_log(
            by=social_worker,
            stay=stay,
            kind=kind,
            held_on=_day(stay, n),
            start=dt.time(14, 0),
            minutes=minutes,
            topics=topics,
            note=note,
            today=today,
        )
        return 1

    logged = 0
    all_bars, rest = stays[0], stays[1:]
    reached = all_bars.day(today) or 0
    if reached >= 8:
        logged += log(
            all_bars,
            3,
            60,
            ["career_prospects", "graded_return_to_work", "workplace_conflicts"],
            "Erstberatung: berufliche Situation, Konflikt mit Vorgesetztem, stufenweise Wiedereingliederung.",
        )
        logged += log(
            all_bars,
            8,
            45,
            ["vocational_rehabilitation", "aftercare"],
            "Kleingruppe: LTA und Nachsorge.",
            kind=SessionKind.SMALL_GROUP_COUNSELING,
        )
    late = next((s for s in rest if (s.day(today) or 0) >= 15), None)
    if late is not None:
        logged += log(late, 15, 30, ["severe_disability"], "Erstes Einzelgespräch (verspätet, Termin verschoben).")
    for stay in rest:
        if stay is not late and (stay.day(today) or 0) >= 3:
            logged += log(stay, 3, 50, ["career_prospects"], "Erstberatung zur beruflichen Perspektive.")
    return logged
