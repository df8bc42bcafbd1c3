"""The per-stay indicator results: stored by ``refresh_stay``, refreshed after every write to the stay (the audit hook)
and nightly (``refresh_facility``), with the real services of the other apps."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from freezegun import freeze_time

from compliance import registry, services, tasks
from compliance.catalogue import by_measure
from compliance.indicators import existing
from compliance.models import StayIndicator
from patients import services as patient_services
from patients.models import StayStatus
from tests.factories import StayFactory
from tests.therapy.conftest import assign_wmr
from therapy.models import SessionKind
from therapy.services.sessions import session_log
from wmr import audit
from wmr.indicators import IndicatorState

TODAY = dt.date(2026, 12, 5)  # the fixture stay: admitted 02.11.2026 (day 1), planned discharge 07.12.2026
COUNSELING = (
    "counseling_total_90min",
    "counseling_individual_60min",
    "first_counseling_within_14d",
)


def rows(stay) -> dict[str, StayIndicator]:
    return {row.measure: row for row in StayIndicator.objects.filter(stay=stay)}


@pytest.fixture
def wmr_stay(stay, treating_psychologist, treating_physician):
    assign_wmr(stay, psychologist=treating_psychologist, physician=treating_physician)
    return stay


def refresh_callbacks(callbacks, stay_id=None) -> list:
    found = [c for c in callbacks if getattr(c, "compliance_stay_id", None) is not None]
    return [c for c in found if stay_id is None or c.compliance_stay_id == stay_id]


# --- refresh_stay -------------------------------------------------------------------------------------------------


def test_a_refresh_stores_one_row_per_measure_with_the_stays_facts(stay):
    stored = services.refresh_stay(stay, today=TODAY)
    found = rows(stay)
    assert stored == len(found)
    assert set(found) == set(registry.stay_results(stay, TODAY))
    assert set(existing.STAY_BASIS) <= set(found)
    for key, row in found.items():
        assert row.recommendation == by_measure()[key].id
        assert row.facility_id == stay.facility_id
        assert row.department_code == "3100"
        assert row.is_wmr is False
        assert row.computed_on == TODAY
        expected = stay.admission_date if registry.stay_basis()[key] == registry.ADMISSION else stay.discharge_date
        assert row.period_date == expected, key


def test_an_outcome_indicator_counts_in_the_period_of_the_planned_discharge_then_the_admission(make_stay):
    planned = make_stay(discharge_date=dt.date(2027, 1, 8))
    unplanned = make_stay(discharge_date=None)
    services.refresh_stay(planned, today=TODAY)
    services.refresh_stay(unplanned, today=TODAY)
    assert rows(planned)["counseling_total_90min"].period_date == dt.date(2027, 1, 8)
    assert rows(unplanned)["counseling_total_90min"].period_date == unplanned.admission_date


def test_the_result_of_a_wmr_stay_is_stored_with_state_value_and_target(wmr_stay):
    services.refresh_stay(wmr_stay, today=TODAY)
    found = rows(wmr_stay)
    assert all(row.is_wmr for row in found.values())
    total = found["counseling_total_90min"]
    assert (total.state, total.value, total.target) == (IndicatorState.NOT_YET_DUE, 0, 90)
    first = found["first_counseling_within_14d"]  # day 14 was 15.11.2026: no counseling by then
    assert (first.state, first.value, first.target) == (IndicatorState.NOT_MET, None, 14)


def test_a_second_refresh_updates_the_rows_in_place(wmr_stay):
    services.refresh_stay(wmr_stay, today=TODAY)
    before = {key: row.pk for key, row in rows(wmr_stay).items()}
    services.refresh_stay(wmr_stay, today=TODAY + dt.timedelta(days=1))
    after = rows(wmr_stay)
    assert {key: row.pk for key, row in after.items()} == before
    assert {row.computed_on for row in after.values()} == {TODAY + dt.timedelta(days=1)}


def test_rows_of_measures_no_longer_answered_are_deleted_and_other_stays_kept(stay, make_stay):
    other = make_stay()
    services.refresh_stay(other, today=TODAY)
    StayIndicator.objects.create(
        stay=stay,
        measure="retired_measure",
        recommendation="9.9",
        state=IndicatorState.MET,
        period_date=TODAY,
        facility=stay.facility,
        department_code="3100",
        is_wmr=False,
        computed_on=TODAY,
    )
    services.refresh_stay(stay, today=TODAY)
    assert "retired_measure" not in rows(stay)
    assert len(rows(other)) == len(rows(stay))


def test_a_changed_department_code_reaches_the_rows(wmr_stay, treating_psychologist):
    services.refresh_stay(wmr_stay, today=TODAY)
    patient_services.stay_update(by=treating_psychologist, stay=wmr_stay, data={"department_code": "3197"})
    services.refresh_stay(wmr_stay, today=TODAY)
    assert {row.department_code for row in rows(wmr_stay).values()} == {"3197"}


# --- the write hook -----------------------------------------------------------------------------------------------


@pytest.fixture
def eager():
    """Tasks run in-process (the PostgreSQL leg of CI has a broker, so Celery is not eager there by default)."""
    from wmr.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


# These tests commit for real (a transactional test): in production every service call is its own transaction, and
# the refresh runs when it commits. In an ordinary test the whole test is one transaction whose callbacks never run.
committing = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@committing
def test_logging_a_counseling_session_refreshes_the_stays_counseling_rows(
    stay, treating_psychologist, treating_physician, social_worker, eager
):
    with freeze_time("2026-11-10 09:00:00"):
        assign_wmr(stay, psychologist=treating_psychologist, physician=treating_physician)
        before = rows(stay)  # the WMR decision's commit refreshed the stay already
        assert before["counseling_individual_60min"].is_wmr
        assert before["counseling_individual_60min"].value == 0
        assert before["first_counseling_within_14d"].state == IndicatorState.NOT_YET_DUE

        session_log(
            by=social_worker,
            stay=stay,
            kind=SessionKind.INDIVIDUAL_COUNSELING,
            held_on=dt.date(2026, 11, 9),  # day 8
            minutes=60,
            today=dt.date(2026, 11, 10),
        )
    after = rows(stay)
    assert (after["counseling_individual_60min"].value, after["counseling_individual_60min"].state) == (60, "met")
    assert (after["counseling_total_90min"].value, after["counseling_total_90min"].state) == (60, "not_yet_due")
    assert (after["first_counseling_within_14d"].value, after["first_counseling_within_14d"].state) == (8, "met")
    assert after["counseling_total_90min"].computed_on == dt.date(2026, 11, 10)


@committing
def test_each_commit_of_the_same_stay_refreshes_again(
    stay, treating_psychologist, treating_physician, social_worker, eager
):
    with freeze_time("2026-11-20 09:00:00"):
        assign_wmr(stay, psychologist=treating_psychologist, physician=treating_physician)
        for day, total in ((dt.date(2026, 11, 9), 30), (dt.date(2026, 11, 16), 60)):
            session_log(
                by=social_worker,
                stay=stay,
                kind=SessionKind.INDIVIDUAL_COUNSELING,
                held_on=day,
                minutes=30,
                today=dt.date(2026, 11, 20),
            )
            assert rows(stay)["counseling_individual_60min"].value == total


@committing
def test_a_rolled_back_write_refreshes_nothing(make_stay, manager, eager):
    quiet = make_stay(team=[])  # a stay made without a logged write
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.log(quiet, "patients.stay.changed", user=manager)
        raise RuntimeError("the form failed after the audit row")
    assert not rows(quiet)
    audit.log(quiet, "patients.stay.changed", user=manager)  # autocommit: refreshed at once
    assert rows(quiet)


def test_one_refresh_per_stay_per_commit(make_stay, manager, django_capture_on_commit_callbacks):
    stay, other = make_stay(team=[]), make_stay(team=[])  # made without a logged write
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        patient_services.stay_update(by=manager, stay=stay, data={"occupation": "Erzieherin"})
        patient_services.stay_update(by=manager, stay=stay, data={"occupation": "Lehrerin"})
        patient_services.consent_give(by=manager, stay=stay, kind="employer", given_on=TODAY)
        patient_services.stay_update(by=manager, stay=other, data={"occupation": "Koch"})
    assert len(refresh_callbacks(callbacks, stay.pk)) == 1
    assert len(refresh_callbacks(callbacks, other.pk)) == 1


def test_a_write_after_a_rolled_back_savepoint_queues_the_refresh_again(
    make_stay, manager, django_capture_on_commit_callbacks, eager
):
    stay = make_stay(team=[])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            audit.log(stay, "patients.stay.changed", user=manager)
            raise RuntimeError("the form failed after the audit row")
        audit.log(stay, "patients.stay.changed", user=manager)
    assert len(refresh_callbacks(callbacks, stay.pk)) == 1
    assert rows(stay)


def test_reads_and_the_apps_own_actions_queue_no_refresh(make_stay, manager, django_capture_on_commit_callbacks):
    stay = make_stay(team=[])
    with django_capture_on_commit_callbacks() as callbacks:
        for action in (
            "patients.stay.viewed",
            "patients.stay.api_listed",
            "patients.document.downloaded",
            "compliance.dashboard.viewed",
            "compliance.indicators.refreshed",
        ):
            audit.log(stay, action, user=manager)
    assert refresh_callbacks(callbacks) == []


def test_log_many_tells_the_listeners_each_stay_once(stay, make_stay, manager):
    other = make_stay()
    heard: list[tuple[int, str]] = []

    def listener(stay_id, action):
        heard.append((stay_id, action))

    audit.on_stay_write(listener)
    try:
        audit.log_many([stay, other, stay], "patients.stay.changed", user=manager)
        audit.log_many([stay, other], "patients.stay.api_listed", user=manager)
        audit.log(None, "staff.logout", user=manager)
    finally:
        audit._stay_listeners.remove(listener)
    assert heard == [(stay.pk, "patients.stay.changed"), (other.pk, "patients.stay.changed")]


@pytest.mark.parametrize(
    ("action", "read"),
    [
        ("patients.stay.viewed", True),
        ("patients.stay.history_viewed", True),
        ("screening.report.downloaded", True),
        ("reintegration.letter.previewed", True),
        ("wmr.audit.exported", True),
        ("patients.stay.api_listed", True),
        ("patients.stay.changed", False),
        ("therapy.session.logged", False),
        ("screening.report.shared", False),
    ],
)
def test_a_code_whose_last_segment_ends_in_a_read_verb_is_a_read(action, read):
    assert audit.is_read(action) is read


def test_the_task_ignores_a_stay_deleted_in_the_meantime(stay):
    assert tasks.refresh_stay(stay.pk + 1000) == 0


@freeze_time("2026-12-05 12:00:00")
def test_the_task_refreshes_the_stay_on_todays_date(stay):
    assert tasks.refresh_stay(stay.pk) == len(rows(stay)) > 0
    assert {row.computed_on for row in rows(stay).values()} == {TODAY}


# --- nightly ------------------------------------------------------------------------------------------------------


def test_a_discharge_flips_not_yet_due_to_not_met_after_the_nightly_refresh(wmr_stay, facility, treating_psychologist):
    services.refresh_facility(facility, today=TODAY)
    assert rows(wmr_stay)["counseling_total_90min"].state == IndicatorState.NOT_YET_DUE

    patient_services.stay_update(
        by=treating_psychologist, stay=wmr_stay, data={"status": StayStatus.DISCHARGED, "discharge_date": TODAY}
    )
    services.refresh_facility(facility, today=TODAY + dt.timedelta(days=1))
    found = rows(wmr_stay)
    assert found["counseling_total_90min"].state == IndicatorState.NOT_MET
    assert found["counseling_total_90min"].period_date == TODAY


def test_the_nightly_refresh_takes_the_stays_of_the_last_five_quarters_of_the_facility(
    facility, other_facility, make_stay
):
    assert services.nightly_since(TODAY) == dt.date(2025, 10, 1)  # Q4 2025 … Q4 2026
    recent = make_stay(admission_date=dt.date(2025, 10, 1), discharge_date=dt.date(2025, 11, 5), status="discharged")
    discharged_in = make_stay(
        admission_date=dt.date(2025, 9, 1), discharge_date=dt.date(2025, 10, 1), status="discharged"
    )
    old = make_stay(admission_date=dt.date(2025, 8, 1), discharge_date=dt.date(2025, 9, 30), status="discharged")
    long_running = make_stay(admission_date=dt.date(2025, 6, 2), discharge_date=None, status="admitted")
    elsewhere = StayFactory(patient__facility=other_facility)
    assert services.refresh_facility(facility, today=TODAY) == 3
    assert rows(recent) and rows(discharged_in) and rows(long_running)
    assert not rows(old)
    assert not rows(elsewhere)


def test_the_nightly_refresh_from_a_given_day(facility, make_stay):
    make_stay(admission_date=dt.date(2026, 11, 2))
    make_stay(admission_date=dt.date(2026, 10, 1), discharge_date=dt.date(2026, 10, 30), status="discharged")
    assert services.refresh_facility(facility, today=TODAY, since=dt.date(2026, 11, 1)) == 1


@freeze_time("2026-12-05 03:30:00")
def test_the_nightly_task_refreshes_every_facility(stay, other_facility):
    elsewhere = StayFactory(patient__facility=other_facility)
    assert tasks.refresh_all() == 2
    assert rows(stay) and rows(elsewhere)


def test_the_nightly_task_runs_at_half_past_three_berlin_time():
    entry = settings.CELERY_BEAT_SCHEDULE["compliance-refresh-all"]
    assert entry["task"] == "compliance.tasks.refresh_all"
    assert entry["schedule"].hour == {3}
    assert entry["schedule"].minute == {30}
    assert settings.CELERY_TIMEZONE == "Europe/Berlin"


def test_the_command_refreshes_now(stay, facility, other_facility):
    out = StringIO()
    call_command("compliance_refresh", "--facility", str(facility.pk), "--since", "2026-01-01", stdout=out)
    assert "1 stays refreshed" in out.getvalue()
    assert rows(stay)
    with pytest.raises(CommandError, match="not a date"):
        call_command("compliance_refresh", "--since", "2026-13-01")
    with pytest.raises(CommandError, match="no facility"):
        call_command("compliance_refresh", "--facility", str(other_facility.pk + 100))
