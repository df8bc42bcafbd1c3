"""Logging individual sessions, changing and cancelling them (services). The default stay is admitted Monday
2026-11-02 (day 1) with a planned discharge on 2026-12-07."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from patients.errors import NotAllowed
from patients.services import stay_update
from therapy.models import Attendance, SessionKind, SessionStatus, TherapySession
from therapy.services.sessions import SessionConflict, SessionRefused, session_cancel, session_change, session_log
from wmr.models import AuditEntry

ADMISSION = dt.date(2026, 11, 2)
TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def log(stay, by, **kwargs):
    values = {
        "kind": SessionKind.INDIVIDUAL_COUNSELING,
        "held_on": dt.date(2026, 11, 5),
        "minutes": 50,
        "today": TODAY,
    }
    return session_log(by=by, stay=stay, **{**values, **kwargs})


def refused(stay, by, **kwargs) -> SessionRefused:
    with pytest.raises(SessionRefused) as caught:
        log(stay, by, **kwargs)
    assert not TherapySession.objects.exists()
    assert not Attendance.objects.exists()
    return caught.value


def test_a_logged_session_lands_in_the_stays_record_with_its_minutes_and_one_audit_row(stay, social_worker):
    session = log(stay, social_worker, topics=["aftercare", "career_prospects"], note=" talked ")
    assert session.staff == social_worker  # defaults to me
    assert session.topics == ["career_prospects", "aftercare"]  # catalogue order
    assert session.note == "talked"
    assert session.version == 1
    attendance = session.attendances.get()
    assert (attendance.stay, attendance.present, attendance.minutes) == (stay, True, 50)
    entry = AuditEntry.objects.get(action="therapy.session.logged")
    assert (entry.object_id, entry.stay_id, entry.patient_id) == (str(session.pk), stay.pk, stay.patient_id)


@pytest.mark.parametrize("minutes", [1, 600])
def test_minutes_at_the_bounds_1_and_600_are_accepted(stay, social_worker, minutes):
    assert log(stay, social_worker, minutes=minutes).minutes == minutes


@pytest.mark.parametrize("minutes", [0, 601, -5])
def test_minutes_outside_1_to_600_are_refused_with_a_message(stay, social_worker, minutes):
    error = refused(stay, social_worker, minutes=minutes)
    assert error.field == "minutes"
    assert "from 1 to 600" in error.message


def test_a_held_session_today_is_fine_but_tomorrow_is_refused(stay, social_worker):
    assert log(stay, social_worker, held_on=TODAY).status == SessionStatus.HELD
    TherapySession.objects.all().delete()
    error = refused(stay, social_worker, held_on=TODAY + dt.timedelta(days=1))
    assert error.field == "held_on"
    assert "future cannot be marked as held" in error.message


def test_a_planned_session_may_lie_in_the_future(stay, social_worker):
    session = log(stay, social_worker, held_on=TODAY + dt.timedelta(days=3), status=SessionStatus.PLANNED)
    assert session.status == SessionStatus.PLANNED


def test_the_admission_day_is_accepted_and_the_day_before_refused(stay, social_worker):
    assert log(stay, social_worker, held_on=ADMISSION).held_on == ADMISSION
    TherapySession.objects.all().delete()
    error = refused(stay, social_worker, held_on=ADMISSION - dt.timedelta(days=1))
    assert error.field == "held_on"
    assert "before the admission of" in error.message and "02.11.2026" in error.message


def test_after_the_discharge_of_a_discharged_stay_is_refused_the_discharge_day_accepted(stay, social_worker):
    stay_update(by=social_worker, stay=stay, data={"status": "discharged", "discharge_date": dt.date(2026, 11, 18)})
    stay.refresh_from_db()
    assert log(stay, social_worker, held_on=dt.date(2026, 11, 18)).held_on == dt.date(2026, 11, 18)
    TherapySession.objects.all().delete()
    error = refused(stay, social_worker, held_on=dt.date(2026, 11, 19))
    assert "after the discharge of" in error.message and "18.11.2026" in error.message


def test_a_session_after_the_planned_discharge_of_a_stay_still_admitted_is_accepted(make_stay, social_worker):
    """The stay was extended in fact before reception changed the planned date: the session is real."""
    stay = make_stay(discharge_date=dt.date(2026, 11, 10))
    assert log(stay, social_worker, held_on=dt.date(2026, 11, 11)).minutes == 50


def test_a_held_session_for_a_patient_not_yet_admitted_is_refused_a_planned_one_accepted(make_stay, social_worker):
    stay = make_stay(status="invited")
    error = refused(stay, social_worker)
    assert error.field == "status" and "not been admitted yet" in error.message
    assert log(stay, social_worker, status=SessionStatus.PLANNED).status == SessionStatus.PLANNED


def test_a_topic_not_offered_for_the_kind_is_refused(stay, social_worker):
    error = refused(stay, social_worker, topics=["career_prospects", "job_anxiety"])
    assert error.field == "topics"
    assert "job_anxiety" in error.message and "career_prospects" not in error.message


def test_an_unknown_kind_is_refused(stay, social_worker):
    assert refused(stay, social_worker, kind="yoga").field == "kind"


def test_a_session_cannot_be_logged_as_cancelled(stay, social_worker):
    assert refused(stay, social_worker, status=SessionStatus.CANCELLED).field == "status"


def test_only_a_clinician_of_the_care_team_may_log(stay, other_team_clinician, manager):
    for user in (other_team_clinician, manager):
        with pytest.raises(NotAllowed):
            log(stay, user)
    assert not TherapySession.objects.exists()


def test_another_staff_member_may_be_named(stay, social_worker, treating_psychologist):
    assert log(stay, social_worker, staff=treating_psychologist).staff == treating_psychologist


# --- change (optimistic concurrency, versions) ---------------------------------------------------------------------


def change(session, by, version, **kwargs):
    values = {
        "held_on": session.held_on,
        "minutes": session.minutes,
        "start": session.start,
        "status": session.status,
        "staff": session.staff,
        "topics": session.topics,
        "note": session.note,
        "today": TODAY,
    }
    return session_change(by=by, session=session, version=version, **{**values, **kwargs})


def test_a_change_keeps_the_earlier_version_readable_and_moves_the_attendance_minutes(stay, social_worker):
    session = log(stay, social_worker, minutes=50)
    change(session, social_worker, 1, minutes=45, reason="typo")
    session.refresh_from_db()
    assert (session.minutes, session.version) == (45, 2)
    assert session.attendances.get().minutes == 45
    versions = list(session.history.order_by("history_date").values_list("minutes", "version"))
    assert versions == [(50, 1), (45, 2)]
    assert session.history.first().history_change_reason == "typo"
    entry = AuditEntry.objects.get(action="therapy.session.changed")
    assert entry.stay_id == stay.pk
    assert entry.data["before"]["minutes"] == 50 and entry.data["after"]["minutes"] == 45


def test_the_second_save_of_the_same_version_is_refused_and_loses_nothing(stay, social_worker, treating_psychologist):
    session = log(stay, social_worker, minutes=50)
    mine = TherapySession.objects.get(pk=session.pk)
    theirs = TherapySession.objects.get(pk=session.pk)
    change(theirs, treating_psychologist, 1, minutes=40)
    with pytest.raises(SessionConflict) as conflict:
        change(mine, social_worker, 1, minutes=55)
    assert "changed this session while you were editing" in conflict.value.message
    session.refresh_from_db()
    assert (session.minutes, session.version) == (40, 2)
    assert session.attendances.get().minutes == 40
    assert not AuditEntry.objects.filter(action="therapy.session.changed", user=social_worker).exists()


def test_a_change_obeys_the_same_rules_as_logging(stay, social_worker):
    session = log(stay, social_worker)
    with pytest.raises(SessionRefused) as caught:
        change(session, social_worker, 1, minutes=601)
    assert caught.value.field == "minutes"
    with pytest.raises(SessionRefused):
        change(session, social_worker, 1, held_on=ADMISSION - dt.timedelta(days=1))
    session.refresh_from_db()
    assert (session.minutes, session.version, session.held_on) == (50, 1, dt.date(2026, 11, 5))


def test_the_kind_of_an_individual_session_may_be_corrected(stay, social_worker):
    session = log(stay, social_worker)
    change(session, social_worker, 1, kind=SessionKind.SMALL_GROUP_COUNSELING)
    session.refresh_from_db()
    assert session.kind == SessionKind.SMALL_GROUP_COUNSELING


def test_someone_off_the_care_team_cannot_change_a_session(stay, social_worker, other_team_clinician):
    session = log(stay, social_worker)
    with pytest.raises(NotAllowed):
        change(session, other_team_clinician, 1, minutes=10)


# --- cancel --------------------------------------------------------------------------------------------------------


def test_a_cancelled_session_stays_readable_and_its_history_keeps_the_held_version(stay, social_worker):
    session = log(stay, social_worker)
    session_cancel(by=social_worker, session=session, reason="logged for the wrong patient", version=1)
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.cancel_reason == "logged for the wrong patient"
    assert list(session.history.order_by("history_date").values_list("status", flat=True)) == ["held", "cancelled"]
    assert AuditEntry.objects.filter(action="therapy.session.cancelled", stay_id=stay.pk).count() == 1


def test_a_cancellation_needs_a_reason(stay, social_worker):
    session = log(stay, social_worker)
    with pytest.raises(SessionRefused) as caught:
        session_cancel(by=social_worker, session=session, reason="  ")
    assert caught.value.field == "cancel_reason"
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD


def test_a_cancelled_session_cannot_be_cancelled_again_nor_changed(stay, social_worker):
    session = log(stay, social_worker)
    session_cancel(by=social_worker, session=session, reason="wrong")
    with pytest.raises(SessionRefused):
        session_cancel(by=social_worker, session=session, reason="again")
    with pytest.raises(SessionRefused):
        change(session, social_worker, session.version, minutes=10)


def test_cancelling_with_a_stale_version_is_refused(stay, social_worker):
    session = log(stay, social_worker)
    change(TherapySession.objects.get(pk=session.pk), social_worker, 1, minutes=30)
    with pytest.raises(SessionConflict):
        session_cancel(by=social_worker, session=session, reason="wrong", version=1)
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD


def test_the_shared_log_individual_fixture_dates_by_stay_day(wmr_stay, log_individual):
    session = log_individual(wmr_stay, 60, 14)
    assert session.held_on == dt.date(2026, 11, 15)  # day 14 = admission + 13 days
    assert session.attendances.get().minutes == 60


# --- planned therapies of the team conference ----------------------------------------------------------------------


@pytest.fixture
def plan(treating_psychologist):
    from diagnostics.models import PlannedTherapy, TherapyCatalogueItem

    item = TherapyCatalogueItem.objects.create(
        code="t-counsel", name_de="Sozialberatung", name_en="Social counseling", kind="individual_counseling"
    )

    def make(stay, *, planned_on=dt.date(2026, 11, 4), ended_on=None):
        return PlannedTherapy.objects.create(
            stay=stay,
            item=item,
            ended_on=ended_on,
            created_by=treating_psychologist,
            created_at=timezone.make_aware(dt.datetime.combine(planned_on, dt.time(12))),
        )

    return make


def test_a_session_is_linked_to_the_one_open_planned_therapy_of_its_kind(stay, social_worker, plan):
    planned = plan(stay)
    assert log(stay, social_worker, held_on=dt.date(2026, 11, 4)).planned_therapy == planned  # the planning day
    assert log(stay, social_worker, held_on=dt.date(2026, 11, 3)).planned_therapy is None  # before it was planned
    assert log(stay, social_worker, kind=SessionKind.WORK_GROUP).planned_therapy is None  # another kind
    assert log(stay, social_worker, planned_therapy=None).planned_therapy is None  # the caller says: none


def test_no_link_when_the_plan_ended_or_two_plans_fit(stay, social_worker, plan):
    plan(stay, ended_on=dt.date(2026, 11, 4))
    assert log(stay, social_worker, held_on=dt.date(2026, 11, 5)).planned_therapy is None  # ended the day before
    assert log(stay, social_worker, held_on=dt.date(2026, 11, 4)).planned_therapy is not None  # its last day
    plan(stay)
    plan(stay)
    assert log(stay, social_worker, held_on=dt.date(2026, 11, 6)).planned_therapy is None


def test_a_planned_therapy_of_another_stay_is_refused(stay, make_stay, social_worker, plan):
    foreign = plan(make_stay())
    assert refused(stay, social_worker, planned_therapy=foreign).field == "planned_therapy"


def test_a_change_keeps_the_link_unless_told_otherwise(stay, social_worker, plan):
    planned = plan(stay)
    session = log(stay, social_worker)
    change(session, social_worker, 1, minutes=40)
    assert session.planned_therapy == planned
    change(session, social_worker, 2, planned_therapy=None)
    session.refresh_from_db()
    assert session.planned_therapy is None
