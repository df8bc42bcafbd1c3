"""Issue 10: the compliance dashboard's aggregates over stays come from Django's cache (``compliance.dashboard_cache``)
until one of the facility's stays is refreshed — a write to a stay changes what the dashboard shows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from compliance import dashboard_cache
from compliance.models import StayIndicator
from compliance.periods import parse_period
from compliance.selectors import Filters, IndicatorRow, facility_dashboard
from tests.compliance.test_query_budget import build
from tests.therapy.conftest import assign_wmr
from therapy.models import SessionKind
from therapy.services.sessions import session_log
from wmr.indicators import IndicatorState

TODAY = dt.date(2026, 12, 5)
Q4 = parse_period("2026-Q4")
MEASURE = "counseling_individual_60min"


def row(dashboard, measure: str) -> IndicatorRow:
    return next(r for block in dashboard.sections for r in block.indicators if r.recommendation.measure == measure)


def board(facility, today=TODAY):
    return facility_dashboard(facility=facility, period=Q4, filters=Filters(), today=today)


@pytest.fixture
def eager():
    """Tasks run in-process (the PostgreSQL leg of CI has a broker, so Celery is not eager there by default)."""
    from wmr.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_write_to_a_stay_changes_what_the_cached_dashboard_shows(
    stay, facility, treating_psychologist, treating_physician, social_worker, eager
):
    today = dt.date(2026, 11, 10)
    with freeze_time("2026-11-10 09:00:00"):
        assign_wmr(stay, psychologist=treating_psychologist, physician=treating_physician)  # commits, refreshes
        before = row(board(facility, today), MEASURE).rate
        assert row(board(facility, today), MEASURE).rate == before  # read again: from the cache
        session_log(
            by=social_worker,
            stay=stay,
            kind=SessionKind.INDIVIDUAL_COUNSELING,
            held_on=dt.date(2026, 11, 9),
            minutes=60,
            today=today,
        )  # the audit hook refreshes the stay after the commit, which bumps the facility's version
        after = row(board(facility, today), MEASURE).rate
    assert (before.numerator, after.numerator) == (0, 1)
    assert after.denominator == 1


@freeze_time("2026-12-05 10:00:00")
def test_the_second_read_is_served_from_the_cache_until_the_facility_version_changes(facility):
    build(facility, 8)
    first = board(facility)
    with CaptureQueriesContext(connection) as cold:
        board(facility)  # warm: the aggregates come from the cache
    cache_hit = len(cold)
    StayIndicator.objects.filter(facility=facility, measure=MEASURE).update(state=IndicatorState.MET)
    assert row(board(facility), MEASURE).rate == row(first, MEASURE).rate  # same time, same rows: not seen yet
    dashboard_cache.bump(facility.pk)  # what refresh_stay does after its commit
    with CaptureQueriesContext(connection) as rebuilt:
        shown = row(board(facility), MEASURE).rate
    assert shown.numerator == shown.denominator > row(first, MEASURE).rate.numerator
    assert len(rebuilt) > cache_hit


@freeze_time("2026-12-05 10:00:00")
def test_rows_stored_without_a_refresh_are_seen_at_once(facility):
    """A bulk load (the synthetic seeder, a test's factory) bypasses refresh_stay: the key's fingerprint (newest row)
    still changes."""
    build(facility, 4)  # one of every four stays is admitted in the fourth quarter
    before = board(facility).stays
    build(facility, 4, offset=4)
    assert (before, board(facility).stays) == (1, 2)


@freeze_time("2026-12-05 10:00:00")
def test_other_facilities_filters_and_languages_do_not_share_an_entry(facility, other_facility):
    from django.utils import translation

    build(facility, 4)
    build(other_facility, 8, offset=4)
    assert (board(facility).stays, board(other_facility).stays) == (1, 2)
    only_3100 = facility_dashboard(facility=facility, period=Q4, filters=Filters(department="3100"), today=TODAY)
    assert only_3100.stays == 0
    with translation.override("en"):
        english = row(board(facility), "positive_screening_share").reason
    with translation.override("de"):
        german = row(board(facility), "positive_screening_share").reason
    assert english != german
