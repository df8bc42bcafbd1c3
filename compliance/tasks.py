"""Celery tasks of the compliance core: thin, idempotent adapters over ``compliance.services`` (STYLE.md 7)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from compliance import services
from patients.models import Facility, Stay
from wmr.celery import RELIABLE_TASK


@shared_task(name="compliance.tasks.refresh_stay", **RELIABLE_TASK)
def refresh_stay(stay_id: int) -> int:
    """Recompute one stay's indicator results (queued after commit by every write to the stay). A stay deleted in the
    meantime is ignored. Returns the number of results stored.

    Idempotent: it recomputes the stay's rows from the record (upsert per stay × measure), so running it twice, late
    or out of order stores the same rows as running it once now."""
    stay = Stay.objects.filter(pk=stay_id).first()
    if stay is None:
        return 0
    return services.refresh_stay(stay, today=timezone.localdate())


@shared_task(name="compliance.tasks.refresh_all", **RELIABLE_TASK)
def refresh_all() -> int:
    """Beat, nightly 03:30 Europe/Berlin: every facility's stays of the last five quarters, so that results that
    change with the calendar alone ("not yet due" → "not met" after a deadline or the discharge) are current in the
    morning. Returns the number of stays refreshed. Idempotent like ``refresh_stay``."""
    today = timezone.localdate()
    return sum(
        services.refresh_facility(facility, today=today) for facility in Facility.objects.order_by("pk").iterator()
    )


@shared_task(name="compliance.tasks.rebuild_dashboard", **RELIABLE_TASK)
def rebuild_dashboard(facility_id: int) -> int:
    """Queue ``reports``: rebuild the facility's cached dashboard figures after its stays changed (queued by
    ``refresh_stay`` after commit and by a read that found them stale; one pending per facility). Meanwhile readers
    are served the previous figures marked "being updated". Returns the number of entries built.

    Idempotent: entries that are fresh already are skipped, so a duplicate or late run costs one query."""
    from compliance import selectors

    facility = Facility.objects.filter(pk=facility_id).first()
    if facility is None:
        return 0
    return selectors.rebuild_cached_figures(facility, today=timezone.localdate())
