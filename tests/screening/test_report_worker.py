"""The quarterly task through a real Celery worker and the real Redis (issue 4, "Tests that must exist"): queue,
the worker builds, the report is stored once; a second run stores nothing new.

Runs in the PostgreSQL leg of CI (`make test-pg`: CELERY_BROKER_URL points at Redis); skips elsewhere, and fails
instead of skipping under WMR_REQUIRE_SERVICES=1 (tests/ops/support.py)."""

from __future__ import annotations

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection

from screening.models import QuotaReport, ReportStatus
from screening.tasks import build_quota_report
from tests.ops.support import services_or_skip
from wmr.celery import app

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DONE_WITHIN_SECONDS = 60


@pytest.fixture
def real_worker():
    services_or_skip()
    if connection.vendor != "postgresql":
        reason = "the real-worker test runs on PostgreSQL (`make test-pg`)"
        if os.environ.get("WMR_REQUIRE_SERVICES") == "1":
            pytest.fail(f"WMR_REQUIRE_SERVICES=1 but {reason}")
        pytest.skip(reason)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    # solo pool in a thread of this process: it uses the test database this process created
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker
    app.conf.task_always_eager = eager


def _wait_done(facility) -> QuotaReport:
    deadline = time.monotonic() + DONE_WITHIN_SECONDS
    while time.monotonic() < deadline:
        report = QuotaReport.objects.filter(facility=facility, year=2025, quarter=4).first()
        if report is not None and report.status in {ReportStatus.DONE, ReportStatus.FAILED}:
            return report
        time.sleep(0.2)
    pytest.fail(f"the worker did not finish the report within {DONE_WITHIN_SECONDS} s")


def test_the_worker_builds_the_report_once(real_worker, facility, stay, manager):
    result = build_quota_report.delay(facility.pk, 2025, 4)
    report = _wait_done(facility)
    assert report.status == ReportStatus.DONE, report.error
    assert result.get(timeout=DONE_WITHIN_SECONDS) == report.pk
    hashes = (report.pdf_sha256, report.csv_sha256)
    assert all(hashes)

    again = build_quota_report.delay(facility.pk, 2025, 4)
    assert again.get(timeout=DONE_WITHIN_SECONDS) == report.pk
    assert QuotaReport.objects.count() == 1
    report.refresh_from_db()
    assert (report.pdf_sha256, report.csv_sha256) == hashes
    # the manager was notified once, however often the task ran
    assert manager.notifications.filter(key=f"quota-report-{report.pk}").count() == 1
