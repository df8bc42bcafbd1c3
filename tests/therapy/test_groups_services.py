"""Groups, memberships and group sessions logged once for all participants (services)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from patients.errors import NotAllowed
from patients.services import stay_update
from staff.models import Profession
from tests.factories import FacilityFactory, UserFactory
from therapy.models import Attendance, GroupMembership, SessionStatus, TherapySession
from therapy.services.groups import GroupRefused, group_change, group_create, membership_add, membership_end
from therapy.services.sessions import (
    Attendee,
    SessionConflict,
    SessionRefused,
    group_session_log,
    session_cancel,
    session_change,
)
from wmr.models import AuditEntry

ADMISSION = dt.date(2026, 11, 2)
SESSION_DAY = dt.date(2026, 11, 10)
TODAY = dt.date(2026, 11, 20)
TEN = dt.time(10, 0)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def members(make_stay, work_group, social_worker):
    stays = [make_stay() for _ in range(3)]
    for stay in stays:
        membership_add(by=social_worker, group=work_group, stay=stay, starts_on=ADMISSION)
    return stays


def log(group, by, attendees, **kwargs):
    values = {"held_on": SESSION_DAY, "start": TEN, "minutes": 90, "today": TODAY}
    return group_session_log(by=by, group=group, attendees=attendees, **{**values, **kwargs})


def refused(group, by, attendees, **kwargs) -> SessionRefused:
    with pytest.raises(SessionRefused) as caught:
        log(group, by, attendees, **kwargs)
    assert not TherapySession.objects.exists()
    assert not Attendance.objects.exists()
    return caught.value


# --- groups and members --------------------------------------------------------------------------------------------


def test_a_group_is_created_with_me_as_leader_and_an_audit_row(facility, social_worker):
    group = group_create(by=social_worker, facility=facility, name=" Stress am Arbeitsplatz ", starts_on=ADMISSION)
    assert (group.name, group.leader, group.kind) == ("Stress am Arbeitsplatz", social_worker, "work_group")
    assert AuditEntry.objects.filter(action="therapy.group.created", object_id=str(group.pk)).count() == 1


def test_only_clinicians_of_the_facility_create_groups_and_lead_them(facility, manager, social_worker):
    with pytest.raises(NotAllowed):
        group_create(by=manager, facility=facility, name="G", starts_on=ADMISSION)
    stranger = UserFactory(facilities=[FacilityFactory()])
    with pytest.raises(NotAllowed):
        group_create(by=stranger, facility=facility, name="G", starts_on=ADMISSION)
    with pytest.raises(GroupRefused) as caught:
        group_create(by=social_worker, facility=facility, name="G", starts_on=ADMISSION, leader=stranger)
    assert caught.value.field == "leader"


def test_a_group_cannot_end_before_it_starts_nor_be_individual_counseling(facility, social_worker):
    with pytest.raises(GroupRefused) as caught:
        group_create(
            by=social_worker, facility=facility, name="G", starts_on=ADMISSION, ends_on=ADMISSION - dt.timedelta(1)
        )
    assert caught.value.field == "ends_on"
    with pytest.raises(GroupRefused):
        group_create(by=social_worker, facility=facility, name="G", starts_on=ADMISSION, kind="individual_counseling")


def test_a_group_change_keeps_the_earlier_version(work_group, social_worker, treating_psychologist):
    group_change(
        by=treating_psychologist,
        group=work_group,
        name="Neu",
        starts_on=work_group.starts_on,
        leader=treating_psychologist,
        kind=work_group.kind,
    )
    assert list(work_group.history.order_by("history_date").values_list("name", flat=True)) == [
        "Arbeit und Gesundheit",
        "Neu",
    ]


def test_the_kind_of_a_group_with_sessions_cannot_change(work_group, members, social_worker):
    log(work_group, social_worker, [Attendee(members[0])])
    with pytest.raises(GroupRefused):
        group_change(
            by=social_worker,
            group=work_group,
            name=work_group.name,
            starts_on=work_group.starts_on,
            leader=social_worker,
            kind="group_counseling",
        )


def test_a_member_is_added_by_the_stays_care_team_only(work_group, stay, social_worker, other_team_clinician):
    with pytest.raises(NotAllowed):
        membership_add(by=other_team_clinician, group=work_group, stay=stay, starts_on=ADMISSION)
    membership = membership_add(by=social_worker, group=work_group, stay=stay, starts_on=ADMISSION)
    assert membership.ends_on is None
    assert AuditEntry.objects.get(action="therapy.membership.added").stay_id == stay.pk


def test_a_membership_cannot_start_before_admission_or_overlap(work_group, stay, social_worker):
    with pytest.raises(GroupRefused) as caught:
        membership_add(by=social_worker, group=work_group, stay=stay, starts_on=ADMISSION - dt.timedelta(days=1))
    assert caught.value.field == "starts_on"
    membership_add(by=social_worker, group=work_group, stay=stay, starts_on=ADMISSION)
    with pytest.raises(GroupRefused) as caught:
        membership_add(by=social_worker, group=work_group, stay=stay, starts_on=SESSION_DAY)
    assert "already a member" in caught.value.message


def test_a_stay_of_another_facility_cannot_join(work_group, make_stay, social_worker, other_facility):
    foreign = make_stay(facility=other_facility)
    with pytest.raises(GroupRefused):
        membership_add(by=social_worker, group=work_group, stay=foreign, starts_on=ADMISSION)


def test_ending_a_membership_keeps_it_and_a_second_end_is_refused(work_group, members, other_team_clinician):
    membership = GroupMembership.objects.get(stay=members[0])
    membership_end(by=other_team_clinician, membership=membership, ends_on=SESSION_DAY)  # a clinic colleague
    membership.refresh_from_db()
    assert membership.ends_on == SESSION_DAY
    with pytest.raises(GroupRefused):
        membership_end(by=other_team_clinician, membership=membership, ends_on=TODAY)


def test_after_an_ended_membership_the_stay_may_join_again(work_group, members, social_worker):
    membership = GroupMembership.objects.get(stay=members[0])
    membership_end(by=social_worker, membership=membership, ends_on=SESSION_DAY)
    again = membership_add(by=social_worker, group=work_group, stay=members[0], starts_on=SESSION_DAY + dt.timedelta(1))
    assert again.pk != membership.pk


# --- group sessions ------------------------------------------------------------------------------------------------


def test_one_group_session_gives_every_participant_their_minutes(work_group, members, social_worker):
    a, b, c = members
    session = log(
        work_group,
        social_worker,
        [Attendee(a), Attendee(b, late_minutes=10, left_early_minutes=5), Attendee(c, present=False)],
        topics=["job_anxiety"],
    )
    minutes = {row.stay_id: (row.present, row.minutes) for row in session.attendances.all()}
    assert minutes == {a.pk: (True, 90), b.pk: (True, 75), c.pk: (False, 0)}
    assert (session.kind, session.group, session.facility_id) == ("work_group", work_group, work_group.facility_id)
    # one entry for the session, one per participant's stay (each patient's trail shows it)
    assert AuditEntry.objects.filter(action="therapy.group_session.logged", object_id=str(session.pk)).count() == 1
    trail = AuditEntry.objects.filter(action="therapy.attendance.logged")
    assert sorted(trail.values_list("stay_id", flat=True)) == sorted(s.pk for s in members)
    assert {e.patient_id for e in trail} == {s.patient_id for s in members}
    assert all(e.user == social_worker for e in trail)
    # the attendance rows have their first version in the history
    assert Attendance.history.filter(session_id=session.pk, history_type="+").count() == 3


def test_a_clinician_of_the_facility_not_on_the_teams_may_log_the_group(work_group, members, other_team_clinician):
    session = log(work_group, other_team_clinician, [Attendee(s) for s in members])
    assert session.attendances.count() == 3


def test_a_manager_or_a_clinician_of_another_clinic_may_not_log_the_group(work_group, members, manager):
    stranger = UserFactory(profession=Profession.SOCIAL_WORKER, facilities=[FacilityFactory()])
    for user in (manager, stranger):
        with pytest.raises(NotAllowed):
            log(work_group, user, [Attendee(members[0])])
    assert not TherapySession.objects.exists()


def test_a_participant_not_in_the_group_is_refused_and_nothing_is_stored(work_group, members, make_stay, social_worker):
    outsider = make_stay()
    error = refused(work_group, social_worker, [Attendee(members[0]), Attendee(outsider)])
    assert error.field == "attendees"
    assert f"{outsider.number} is not a member of the group on 10.11.2026" in error.message
    assert not AuditEntry.objects.filter(action__startswith="therapy.attendance").exists()


def test_membership_counts_on_the_session_date_inclusive(work_group, members, social_worker):
    membership = GroupMembership.objects.get(stay=members[0])
    membership_end(by=social_worker, membership=membership, ends_on=SESSION_DAY)
    assert log(work_group, social_worker, [Attendee(members[0])]).attendances.count() == 1  # last day as a member
    error = refused_after_clear(
        work_group, social_worker, [Attendee(members[0])], held_on=SESSION_DAY + dt.timedelta(1)
    )
    assert "not a member" in error.message


def refused_after_clear(group, by, attendees, **kwargs):
    TherapySession.objects.all().delete()
    return refused(group, by, attendees, **kwargs)


def test_a_member_from_a_later_date_cannot_attend_before(work_group, make_stay, social_worker):
    late_joiner = make_stay()
    membership_add(by=social_worker, group=work_group, stay=late_joiner, starts_on=SESSION_DAY + dt.timedelta(1))
    assert "not a member" in refused(work_group, social_worker, [Attendee(late_joiner)]).message


def test_the_same_group_date_and_start_twice_is_refused_unless_the_first_was_cancelled(
    work_group, members, social_worker
):
    first = log(work_group, social_worker, [Attendee(members[0])])
    with pytest.raises(SessionRefused) as caught:
        log(work_group, social_worker, [Attendee(members[1])])
    assert "already been logged" in caught.value.message and "10.11.2026, 10:00" in caught.value.message
    assert TherapySession.objects.count() == 1
    assert log(work_group, social_worker, [Attendee(members[1])], start=dt.time(14, 0)).pk != first.pk
    session_cancel(by=social_worker, session=first, reason="wrong participants")
    assert log(work_group, social_worker, [Attendee(members[1])]).pk != first.pk


def test_a_participants_stay_dates_are_checked_and_nothing_is_stored_half(work_group, members, social_worker):
    stay_update(
        by=social_worker, stay=members[2], data={"status": "discharged", "discharge_date": dt.date(2026, 11, 9)}
    )
    error = refused(work_group, social_worker, [Attendee(s) for s in members])
    assert "after the discharge of" in error.message and members[2].number in error.message


def test_late_and_early_minutes_that_leave_nothing_are_refused(work_group, members, social_worker):
    error = refused(work_group, social_worker, [Attendee(members[0], late_minutes=60, left_early_minutes=30)])
    assert "leave no minutes attended" in error.message
    one_minute = log(work_group, social_worker, [Attendee(members[0], late_minutes=60, left_early_minutes=29)])
    assert one_minute.attendances.get().minutes == 1


@pytest.mark.parametrize(
    ("attendees", "message"),
    [
        ([], "at least one participant"),
        (["absent"], "at least one participant who was present"),
        (["twice"], "listed twice"),
        (["negative"], "from 0 to 600"),
    ],
)
def test_wrong_attendance_lists_are_refused(work_group, members, social_worker, attendees, message):
    shapes = {
        "absent": [Attendee(members[0], present=False)],
        "twice": [Attendee(members[0]), Attendee(members[0].pk)],
        "negative": [Attendee(members[0], late_minutes=-1)],
    }
    wanted = shapes[attendees[0]] if attendees else []
    assert message in refused(work_group, social_worker, wanted).message


def test_a_group_session_needs_a_start_and_a_date_while_the_group_runs(work_group, members, social_worker):
    assert refused(work_group, social_worker, [Attendee(members[0])], start=None).field == "start"
    assert refused(work_group, social_worker, [Attendee(members[0])], held_on=dt.date(2026, 9, 30)).field == "held_on"


def test_group_topics_must_fit_the_groups_kind(work_group, members, social_worker):
    assert refused(work_group, social_worker, [Attendee(members[0])], topics=["severe_disability"]).field == "topics"


def test_logging_for_twenty_attendees_costs_the_same_queries_as_for_two(
    make_stay, work_group, social_worker, django_assert_max_num_queries
):
    stays = [make_stay(team=[(social_worker, "social_worker")]) for _ in range(22)]
    for stay in stays:
        membership_add(by=social_worker, group=work_group, stay=stay, starts_on=ADMISSION)
    # Expected queries, whatever the number of attendees (the leader logs, so no facility lookup):
    #  1 the members on the date (with stay and patient)   2 the duplicate check (same group, date, start)
    #  3 savepoint                                          4-7 full_clean of the session: facility, group, staff
    #                                                           and created_by exist
    #  8 INSERT session                                     9 INSERT its history row
    # 10 INSERT attendances (bulk)                         11 INSERT their history rows (bulk)
    # 12 INSERT the session's audit row                    13 INSERT the attendees' audit rows (bulk)
    # 14 release savepoint
    with CaptureQueriesContext(connection) as two:
        log(work_group, social_worker, [Attendee(s) for s in stays[:2]])
    with django_assert_max_num_queries(14):
        log(work_group, social_worker, [Attendee(s) for s in stays[2:]], start=dt.time(14, 0))
    with CaptureQueriesContext(connection) as twenty:
        log(work_group, social_worker, [Attendee(s) for s in stays[2:]], start=dt.time(16, 0))
    assert len(twenty) == len(two)
    assert Attendance.objects.filter(session__start=dt.time(16, 0)).count() == 20
    assert AuditEntry.objects.filter(action="therapy.attendance.logged").count() == 42


# --- change and cancel of a group session -------------------------------------------------------------------------


def change(session, by, **kwargs):
    values = {
        "version": session.version,
        "held_on": session.held_on,
        "minutes": session.minutes,
        "start": session.start,
        "status": session.status,
        "topics": session.topics,
        "note": session.note,
        "today": TODAY,
    }
    return session_change(by=by, session=session, **{**values, **kwargs})


def test_changing_the_minutes_of_a_group_session_moves_every_participants_minutes(work_group, members, social_worker):
    session = log(work_group, social_worker, [Attendee(members[0], late_minutes=15), Attendee(members[1])])
    change(session, social_worker, minutes=60)
    assert sorted(session.attendances.values_list("minutes", flat=True)) == [45, 60]
    assert AuditEntry.objects.filter(action="therapy.attendance.changed").count() == 2


def test_unticking_a_participant_afterwards_keeps_the_row_as_absent(work_group, members, social_worker):
    a, b, c = members
    session = log(work_group, social_worker, [Attendee(a), Attendee(b)])
    change(session, social_worker, attendees=[Attendee(a), Attendee(c, late_minutes=30)])
    rows = {row.stay_id: (row.present, row.minutes) for row in session.attendances.all()}
    assert rows == {a.pk: (True, 90), b.pk: (False, 0), c.pk: (True, 60)}
    assert Attendance.history.filter(stay_id=b.pk).count() == 2  # present, then absent


def test_a_stale_group_session_edit_is_refused(work_group, members, social_worker, other_team_clinician):
    session = log(work_group, social_worker, [Attendee(members[0])])
    stale = TherapySession.objects.get(pk=session.pk)
    change(TherapySession.objects.get(pk=session.pk), other_team_clinician, minutes=45)
    with pytest.raises(SessionConflict):
        change(stale, social_worker, minutes=30, version=1)
    assert session.attendances.get().minutes == 45


def test_moving_a_group_session_onto_another_of_the_same_start_is_refused(work_group, members, social_worker):
    log(work_group, social_worker, [Attendee(members[0])])
    other = log(work_group, social_worker, [Attendee(members[0])], start=dt.time(14, 0))
    with pytest.raises(SessionRefused) as caught:
        change(other, social_worker, start=TEN)
    assert "already been logged" in caught.value.message


def test_cancelling_a_group_session_tells_every_participants_trail(work_group, members, social_worker):
    session = log(work_group, social_worker, [Attendee(s) for s in members])
    session_cancel(by=social_worker, session=session, reason="room not available")
    assert session.status == SessionStatus.CANCELLED
    trail = AuditEntry.objects.filter(action="therapy.attendance.cancelled")
    assert sorted(trail.values_list("stay_id", flat=True)) == sorted(s.pk for s in members)


def test_the_shared_log_group_fixture_makes_members_and_logs_them(work_group, make_stay, log_group):
    stays = [make_stay(), make_stay()]
    session = log_group(work_group, stays, day=3, minutes=120)
    assert session.held_on == dt.date(2026, 11, 4)
    assert sorted(session.attendances.values_list("minutes", flat=True)) == [120, 120]
