"""The therapy part of the demo clinic: a group with its sessions, counselings meeting the bars and one late."""

import datetime as dt

from patients.demo import load_demo
from screening.demo import load_screening_demo
from therapy.demo import DEMO_GROUP, load_therapy_demo
from therapy.models import Attendance, SessionKind, TherapySession, WorkGroup

TODAY = dt.date(2026, 11, 23)


def individual(stay):
    return Attendance.objects.filter(stay=stay, session__kind=SessionKind.INDIVIDUAL_COUNSELING, present=True)


def test_the_demo_logs_a_group_and_counselings_once(db):
    load_demo(today=TODAY)
    load_screening_demo(today=TODAY)
    logged = load_therapy_demo(TODAY)
    assert logged == TherapySession.objects.count() > 0
    assert load_therapy_demo(TODAY) == 0  # idempotent
    assert TherapySession.objects.count() == logged

    group = WorkGroup.objects.get(name=DEMO_GROUP)
    stays = [m.stay for m in group.memberships.select_related("stay").order_by("stay__admission_date", "stay__number")]
    assert len(stays) >= 2
    assert group.sessions.exists() and all(s.held_on < TODAY for s in group.sessions.all())

    first = stays[0]
    one_to_one = individual(first)
    assert sum(a.minutes for a in one_to_one) >= 60
    assert min(a.session.held_on for a in one_to_one) <= first.admission_date + dt.timedelta(days=13)
    counseling = Attendance.objects.filter(
        stay=first,
        present=True,
        session__kind__in=[SessionKind.INDIVIDUAL_COUNSELING, SessionKind.SMALL_GROUP_COUNSELING],
    )
    assert sum(a.minutes for a in counseling) >= 90
    assert sum(a.minutes for a in Attendance.objects.filter(stay=first, session__group=group)) >= 240

    late = [
        s
        for s in stays[1:]
        if individual(s).exists() and individual(s).first().session.held_on > s.admission_date + dt.timedelta(days=13)
    ]
    assert len(late) == 1
    assert any(s.topics for s in TherapySession.objects.all())
