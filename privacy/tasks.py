"""Celery tasks of the privacy app: thin adapters over privacy.services (STYLE.md 7)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="privacy.tasks.erase_expired")
def erase_expired() -> int:
    """Anonymise the records whose retention period has ended (filled by the privacy part)."""
    raise NotImplementedError
