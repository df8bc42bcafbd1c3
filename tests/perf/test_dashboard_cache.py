"""Issue 10: the compliance dashboard's aggregates over stays come from Django's cache (``compliance.dashboard_cache``),
stale-while-revalidate: after a write to one of the facility's stays the next read is served the previous figures,
marked "being updated" with the time they were computed, while ``compliance.tasks.rebuild_dashboard`` (queue
``reports``, one pending per facility) rebuilds them; only a read that finds nothing cached computes in the request.
An entry is never served for another facility, period, filter or language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from compliance import dashboard_cache, tasks
from compliance.models import StayIndicator
from compliance.periods import parse_period
from compliance.selectors import Filters, IndicatorRow, facility_dashboard
from tests.compliance.test_query_budget import build
from tests.conftest import login
from tests.therapy.conftest import assign_wmr
from therapy.models import SessionKind
from therapy.services.sessions import session_log
from wmr.indicators import IndicatorState
from wmr.models import OutboxMessage, OutboxStatus

TODAY = dt.date(2026, 12, 5)
Q4 = parse_period("2026-Q4")
MEASURE = "counseling_individual_60min"
REBUILD = "compliance.tasks.rebuild_dashboard"


def row(dashboard, measure: str) -> IndicatorRow:
    return next(r for block in dashboard.sections for r in block.indicators if r.recommendation.measure == measure)


def board(facility, today=TODAY, filters: Filters | None = None):
    return facility_dashboard(facility=facility, period=Q4, filters=filters or Filters(), today=today)


@pytest.fixture
def eager():
    """Tasks run in-process (the PostgreSQL leg of CI has a broker, so Celery is not eager there by default)."""
    from wmr.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def worker_away(monkeypatch):
    """A broker that takes the task and a ``reports`` worker that has not run it yet: the outbox row stays pending."""
    from wmr import outbox
    from wmr.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    monkeypatch.setattr(outbox, "deliver", lambda pk: None)
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def queued(monkeypatch):
    """The rebuilds queued (facility ids), none run."""
    from wmr import outbox

    calls: list[int] = []
    monkeypatch.setattr(outbox, "enqueue", lambda name, args, *, key: calls.append((name, *args, key)))
    return calls


def pending_rebuilds(facility) -> int:
    return OutboxMessage.objects.filter(task_name=REBUILD, args=[facility.pk], status=OutboxStatus.PENDING).count()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_write_to_a_stay_changes_what_the_cached_dashboard_shows(
    stay, facility, treating_psychologist, treating_physician, social_worker, eager
):
    """Without a broker (eager) a write only marks the figures stale (rebuilding every dashboard in the writing
    process would cost every write seconds); the next read rebuilds them once and is fresh."""
    today = dt.date(2026, 11, 10)
    with freeze_time("2026-11-10 09:00:00"):
        assign_wmr(stay, psychologist=treating_psychologist, physician=treating_physician)  # commits, refreshes
        before = board(facility, today)
        assert row(board(facility, today), MEASURE).rate == row(before, MEASURE).rate  # read again: from the cache
        session_log(
            by=social_worker,
            stay=stay,
            kind=SessionKind.INDIVIDUAL_COUNSELING,
            held_on=dt.date(2026, 11, 9),
            minutes=60,
            today=today,
        )  # the audit hook refreshes the stay after the commit, which bumps the version (no rebuild in-process)
        assert pending_rebuilds(facility) == 0
        with CaptureQueriesContext(connection) as read:
            after = board(facility, today)
    assert (row(before, MEASURE).rate.numerator, row(after, MEASURE).rate.numerator) == (0, 1)
    assert row(after, MEASURE).rate.denominator == 1
    assert after.updating is False
    assert any("therapy_attendance" in q["sql"] for q in read.captured_queries)  # rebuilt by this read, once


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_a_worker_the_read_after_a_write_shows_the_previous_figures_marked_until_the_rebuild(
    stay, facility, treating_psychologist, treating_physician, social_worker, manager, worker_away
):
    today = dt.date(2026, 11, 10)
    with freeze_time("2026-11-10 09:00:00"):
        assign_wmr(stay, psychologist=treating_psychologist, physician=treating_physician)
        tasks.refresh_stay(stay.pk)  # the worker's job (nobody runs the queued one here)
        before = board(facility, today)  # nothing cached: computed in the request
        assert before.updating is False and row(before, MEASURE).rate.numerator == 0
    with freeze_time("2026-11-10 09:30:00"):
        for held_on in (dt.date(2026, 11, 9), dt.date(2026, 11, 10)):
            session_log(
                by=social_worker,
                stay=stay,
                kind=SessionKind.INDIVIDUAL_COUNSELING,
                held_on=held_on,
                minutes=60,
                today=today,
            )
            tasks.refresh_stay(stay.pk)  # the default queue's worker refreshed the stay; its rebuild is queued
        assert pending_rebuilds(facility) == 1  # two writes, one rebuild waiting (debounced per facility)
        with CaptureQueriesContext(connection) as read:
            stale = board(facility, today)
        assert stale.updating is True
        assert row(stale, MEASURE).rate.numerator == 0  # the previous figures, not recomputed in the request
        assert stale.as_of == before.as_of
        assert not any("therapy_attendance" in q["sql"] for q in read.captured_queries)
        assert pending_rebuilds(facility) == 1  # the stale read queued nothing more
        # the clinic's language: the stale entry above was built in it (each language has its own entry)
        page = login(manager).get(reverse("compliance:dashboard")).content.decode()
        assert 'data-updating="true"' in page and "Wird aktualisiert" in page and "10:00" in page  # Berlin time
    with freeze_time("2026-11-10 09:31:00"):
        assert tasks.rebuild_dashboard(facility.pk) >= 1  # the reports worker
        fresh = board(facility, today)
        assert fresh.updating is False and row(fresh, MEASURE).rate.numerator == 1
        assert fresh.as_of > before.as_of
        assert tasks.rebuild_dashboard(facility.pk) == 0  # a duplicate run finds everything fresh
        page = login(manager).get(reverse("compliance:dashboard")).content.decode()
        assert 'data-updating="false"' in page and "10:31" in page


@freeze_time("2026-12-05 10:00:00")
def test_a_changed_facility_is_served_stale_once_and_rebuilt_in_the_background(facility, queued):
    build(facility, 8)
    first = board(facility)
    assert first.updating is False
    with CaptureQueriesContext(connection) as warm:
        assert board(facility).updating is False  # warm: the aggregates come from the cache
    assert queued == []
    StayIndicator.objects.filter(facility=facility, measure=MEASURE).update(state=IndicatorState.MET)
    dashboard_cache.bump(facility.pk)  # what refresh_stay does after its commit
    with CaptureQueriesContext(connection) as stale_read:
        stale = board(facility)
    assert stale.updating is True and row(stale, MEASURE).rate == row(first, MEASURE).rate
    assert len(stale_read) == len(warm)  # served, not recomputed
    assert board(facility).updating is True
    assert queued == [(REBUILD, facility.pk, f"{REBUILD}:{facility.pk}")]  # one rebuild, however many reads
    assert tasks.rebuild_dashboard(facility.pk) == 1
    shown = row(board(facility), MEASURE).rate
    assert shown.numerator == shown.denominator > row(first, MEASURE).rate.numerator
    assert board(facility).updating is False


@freeze_time("2026-12-05 10:00:00")
def test_rows_stored_without_a_refresh_make_the_figures_stale(facility, queued):
    """A bulk load (the synthetic seeder, a test's factory) bypasses refresh_stay: the fingerprint (the facility's
    newest row) still changes."""
    build(facility, 4)  # one of every four stays is admitted in the fourth quarter
    assert board(facility).stays == 1
    build(facility, 4, offset=4)
    assert (board(facility).stays, board(facility).updating) == (1, True)
    tasks.rebuild_dashboard(facility.pk)
    assert (board(facility).stays, board(facility).updating) == (2, False)


@freeze_time("2026-12-05 10:00:00")
def test_a_new_day_serves_yesterdays_figures_marked_until_rebuilt(facility, queued):
    build(facility, 4)
    board(facility, today=TODAY)
    tomorrow = board(facility, today=TODAY + dt.timedelta(days=1))
    assert tomorrow.updating is True and tomorrow.today == TODAY + dt.timedelta(days=1)
    assert len(queued) == 1


@freeze_time("2026-12-05 10:00:00")
def test_other_facilities_filters_and_languages_do_not_share_an_entry(facility, other_facility, queued):
    build(facility, 4)
    build(other_facility, 8, offset=4)
    assert (board(facility).stays, board(other_facility).stays) == (1, 2)
    assert board(facility, filters=Filters(department="3100")).stays == 0
    assert board(facility, filters=Filters(wmr=False)).stays == 0
    assert board(facility).stays == 1
    with translation.override("en"):
        english = row(board(facility), "positive_screening_share").reason
    with translation.override("de"):
        german = row(board(facility), "positive_screening_share").reason
    assert english != german
    # a write in the other clinic leaves this one's figures fresh
    build(other_facility, 4, offset=20)
    dashboard_cache.bump(other_facility.pk)
    assert board(facility).updating is False and board(other_facility).updating is True


@freeze_time("2026-12-05 10:00:00")
def test_the_rebuild_builds_only_what_readers_asked_for_in_their_language(facility, queued):
    build(facility, 8)
    with translation.override("en"):
        board(facility, filters=Filters(wmr=True))
    assert tasks.rebuild_dashboard(facility.pk) == 0  # fresh
    StayIndicator.objects.filter(facility=facility).update(state=IndicatorState.MET)
    dashboard_cache.bump(facility.pk)
    assert tasks.rebuild_dashboard(facility.pk) == 1  # the one combination read: English, WMR only
    full = dashboard_cache.full_parts((Q4.code, None, True, None), "en")
    found = dashboard_cache.entry(facility.pk, full)
    assert found is not None and found.parts == full
    assert dashboard_cache.entry(facility.pk, dashboard_cache.full_parts((Q4.code, None, True, None), "de")) is None
    assert dashboard_cache.entry(facility.pk, dashboard_cache.full_parts((Q4.code, None, None, None), "en")) is None


@freeze_time("2026-12-05 10:00:00")
def test_an_entry_under_the_wrong_key_is_never_served(facility, other_facility, queued):
    """Defence in depth: an entry carries its parts and is only served for exactly them."""
    build(facility, 4)
    build(other_facility, 8, offset=4)
    board(other_facility)
    theirs = dashboard_cache.full_parts((Q4.code, None, None, None))
    mine = dashboard_cache._key(facility.pk, theirs)
    found = dashboard_cache.entry(other_facility.pk, theirs)
    cache.set(mine, found)  # their entry under my key (what a digest collision would look like)
    assert dashboard_cache.entry(facility.pk, theirs) is None
    assert board(facility).stays == 1  # not theirs (2): nothing usable cached, computed for this facility
    forged = dashboard_cache.Entry(
        facility.pk, ("xx", *theirs[1:]), found.version, found.fingerprint, found.today, found.built_at, 1
    )
    cache.set(mine, forged)  # another language's entry under my key
    assert dashboard_cache.entry(facility.pk, theirs) is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_nightly_refresh_queues_one_rebuild_per_facility(facility, stay, queued):
    from compliance.services import refresh_facility

    with freeze_time("2026-11-10 03:30:00"):
        refresh_facility(facility, today=dt.date(2026, 11, 10))
    assert [call for call in queued if call[0] == REBUILD] == [(REBUILD, facility.pk, f"{REBUILD}:{facility.pk}")]
