"""Celery tasks of the reminders: thin, idempotent adapters over ``reminders.services`` (STYLE.md 7)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from reminders import services
from wmr.celery import RELIABLE_TASK


@shared_task(name="reminders.tasks.send_reminders", **RELIABLE_TASK)
def send_reminders() -> int:
    """Beat, each morning 06:20 Europe/Berlin: today's reminders (``services.reminders_run``); the e-mails go out
    through the outbox (``mail_reminders``). Returns the number of reminders created; a second run the same day
    creates none."""
    return services.reminders_run(today=timezone.localdate()).total("created")


@shared_task(name="reminders.tasks.mail_reminders", **RELIABLE_TASK)
def mail_reminders(user_id: int, day: str) -> int:
    """One e-mail with the user's new reminders of ``day`` (ISO date), queued by the run after its commit. Idempotent:
    a reminder already named in an e-mail is never sent again."""
    return services.reminders_mail(user_id=user_id, day=dt.date.fromisoformat(day))
