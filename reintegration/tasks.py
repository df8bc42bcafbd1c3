"""Celery tasks of the return to work: thin, idempotent adapters over the services (STYLE.md 7)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from reintegration.services.plan import open_interruptions_check
from wmr.celery import RELIABLE_TASK


@shared_task(name="reintegration.tasks.check_open_interruptions", **RELIABLE_TASK)
def check_open_interruptions() -> int:
    """Beat, daily 06:15 Europe/Berlin (E-3, H11): a graded return interrupted for 8 days without a recorded end
    fails from the interruption's first day. Returns the number of plans failed now; a second run fails none."""
    return open_interruptions_check(today=timezone.localdate())
