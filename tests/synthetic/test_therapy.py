"""The synthetic generator's therapy part: groups and members, sessions with one attendance per participant, workplace
training; nothing after a stay's last day, nothing for invited stays, deterministic, and the app's pages and
services work on the rows (issue 10)."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from patients.models import Stay
from synthetic import therapy as synthetic_therapy
from tests.synthetic.conftest import TODAY
from therapy import topics as catalogue
from therapy.models import Attendance, GroupMembership, TherapySession, TrainingPlan, WorkGroup
from therapy.selectors_progress import stays_progress
from therapy.services.sessions import Attendee, group_session_log, members_on

pytestmark = pytest.mark.django_db


def _last_day(stay: Stay) -> datetime.date:
    return (
        stay.discharge_date
        if stay.status == "discharged"
        else min(TODAY - datetime.timedelta(days=1), stay.discharge_date)
    )


def test_groups_sessions_and_attendance(synthetic_small):
    groups = WorkGroup.objects.filter(facility__name__startswith="Synthetische Klinik")
    assert groups.filter(kind="work_group").count() >= 2 and groups.filter(kind="group_counseling").count() >= 2
    sessions = TherapySession.objects.filter(facility__name__startswith="Synthetische Klinik")
    assert sessions.filter(group__isnull=False).exists()
    assert set(sessions.values_list("kind", flat=True)) >= {
        "individual_counseling",
        "group_counseling",
        "work_group",
        "workplace_training",
        "other",
    }
    for session in sessions.prefetch_related("attendances__stay"):
        attendances = list(session.attendances.all())
        assert attendances, session
        assert session.version == 1 and 1 <= session.minutes <= 600
        assert not catalogue.invalid_topics(session.topics, session.kind)
        for attendance in attendances:
            assert attendance.stay.facility_id == session.facility_id
            expected = max(0, session.minutes - attendance.late_minutes) if attendance.present else 0
            assert attendance.minutes == expected
        if session.group_id is None:
            assert len(attendances) == 1
        else:
            members = {m.stay_id for m in members_on(session.group, session.held_on)}
            assert {a.stay_id for a in attendances} <= members
    # many rows per discharged WMR stay
    discharged_wmr = Stay.objects.filter(status="discharged", department_code="3197")
    per_stay = Attendance.objects.filter(stay__in=discharged_wmr).count() / max(1, discharged_wmr.count())
    assert 20 <= per_stay <= 60


def test_nothing_after_the_last_day_and_nothing_for_invited(synthetic_small):
    stays = {s.pk: s for s in Stay.objects.filter(facility__name__startswith="Synthetische Klinik")}
    invited = [pk for pk, s in stays.items() if s.status == "invited"]
    assert invited
    assert not Attendance.objects.filter(stay_id__in=invited).exists()
    assert not GroupMembership.objects.filter(stay_id__in=invited).exists()
    assert not TrainingPlan.objects.filter(stay_id__in=invited).exists()
    for stay_id, held_on in Attendance.objects.values_list("stay_id", "session__held_on"):
        stay = stays[stay_id]
        assert stay.admission_date <= held_on <= _last_day(stay)
    for membership in GroupMembership.objects.all():
        stay = stays[membership.stay_id]
        assert stay.admission_date <= membership.starts_on <= _last_day(stay)
        assert membership.ends_on == (stay.discharge_date if stay.status == "discharged" else None)
    for plan in TrainingPlan.objects.prefetch_related("subgoals", "situations", "strategies"):
        stay, last = stays[plan.stay_id], _last_day(stays[plan.stay_id])
        assert stay.admission_date <= plan.starts_on <= last
        assert len(plan.subgoals.all()) == 3
        for subgoal in plan.subgoals.all():
            assert subgoal.assessed_on is None or subgoal.assessed_on <= last
            assert (subgoal.result == "open") == (subgoal.assessed_on is None)
        assert all(s.practised_on <= last for s in plan.situations.all())
        assert all(s.written_on <= last for s in plan.strategies.all())


def _summary() -> list[tuple]:
    return sorted(
        Attendance.objects.values_list(
            "stay__number", "session__kind", "session__held_on", "session__start", "minutes", "present"
        )
    )


def test_same_seed_same_sessions(db):
    summaries = []
    for _ in range(2):
        with transaction.atomic():
            call_command("seed_synthetic", stays=30, facilities=1, seed=5, per_year=120, today=TODAY, verbosity=0)
            summaries.append(_summary())
            transaction.set_rollback(True)
    assert summaries[0] and summaries[0] == summaries[1]


def test_progress_bars_vary_and_pages_answer(client, synthetic_small):
    stays = list(Stay.objects.filter(facility__name__startswith="Synthetische Klinik").exclude(status="invited"))
    progress = stays_progress(stays, TODAY)
    states = {str(p.indicators[key].state) for p in progress.values() for key in p.indicators}
    assert len(states) >= 3  # met, not met, not yet due / not applicable
    stay = next(s for s in stays if s.attendances.exists() and s.department_code == "3197")
    member = stay.care_team.get(function="occupational_therapist").user
    client.force_login(member)
    for url in (
        reverse("therapy:session-list", args=[stay.pk]),
        reverse("cases:overview", args=[stay.pk]),
        reverse("therapy:group-detail", args=[stay.group_memberships.first().group_id]),
    ):
        assert client.get(url).status_code == 200, url
    trained = TrainingPlan.objects.filter(stay__in=stays).first()
    if trained is not None:
        member = trained.stay.care_team.get(function="occupational_therapist").user
        client.force_login(member)
        assert client.get(reverse("therapy:training", args=[trained.stay_id])).status_code == 200


def test_a_group_session_can_be_logged_today_for_the_current_members(synthetic_small):
    facility = WorkGroup.objects.filter(facility__name__startswith="Synthetische Klinik").first().facility
    group, stays = synthetic_therapy.logging_group(facility)
    assert group is not None and stays
    assert all(s.status == "admitted" for s in stays)
    session = group_session_log(
        by=group.leader,
        group=group,
        held_on=TODAY,
        start=group.default_start,
        minutes=group.default_minutes,
        attendees=[Attendee(stay=s) for s in stays],
        today=TODAY,
    )
    assert session.attendances.count() == len(stays)


def test_group_count_fits_the_house():
    from synthetic.core import Options

    options = Options(stays=50_000, facilities=1, seed=1, today=TODAY)
    # 6,000 admissions a year: about 345 WMR patients in the house, about 24 in each group
    assert synthetic_therapy.group_count(options) == 14
