"""Celery tasks of the privacy app: thin adapters over privacy.services (STYLE.md 7)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(name="privacy.tasks.erase_expired", acks_late=True, reject_on_worker_lost=True)
def erase_expired(today: str | None = None) -> dict:
    """Erase the patients whose retention period ended before ``today`` (ISO date; default: the clinic's today;
    nightly, 02:30). Idempotent: an erased patient is gone, a rerun (after a lost worker) finds nothing more to do."""
    import datetime as dt

    from privacy import services

    run = services.erase_expired(today=dt.date.fromisoformat(today) if today else timezone.localdate())
    return {"erased": [record.former_patient_id for record in run.erased], "failed": run.failed, "rows": run.rows}
