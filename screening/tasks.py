"""Celery tasks of the screening app: thin, idempotent adapters over the services (STYLE.md 7)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from patients.models import Facility
from screening import quota
from screening.services.reports import report_build
from wmr.celery import RELIABLE_TASK


@shared_task(name="screening.tasks.build_quota_report", **RELIABLE_TASK)
def build_quota_report(facility_id: int, year: int, quarter: int) -> int:
    """Build (once) one facility's screening-quota report (PDF + CSV); returns the report's id.

    Idempotent: one report per facility and quarter (unique), locked while it is built; a report that is done is
    returned unchanged, so a redelivered or retried message stores and notifies nothing again. A failed build is
    marked failed and, for a database error, retried (``RELIABLE_TASK``)."""
    facility = Facility.objects.get(pk=facility_id)
    return report_build(facility=facility, year=year, quarter=quarter).pk


@shared_task(name="screening.tasks.build_last_quarter_reports", **RELIABLE_TASK)
def build_last_quarter_reports() -> list[int]:
    """Beat, first day of each quarter 06:00 Europe/Berlin (Q-6): last quarter's report for every facility.

    Idempotent like ``build_quota_report``: a second run finds every report done."""
    year, quarter = quota.previous_quarter(timezone.localdate())
    return [
        build_quota_report(pk, year, quarter) for pk in Facility.objects.order_by("pk").values_list("pk", flat=True)
    ]
