"""``manage.py flush_outbox``: send the outbox rows that wait because the broker was not reachable (as the beat job
``wmr.tasks.flush_outbox`` does every minute). ``--all`` ignores the backoff and tries every pending row now."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from wmr import outbox
from wmr.models import OutboxMessage, OutboxStatus


class Command(BaseCommand):
    help = "Send the pending outbox messages (tasks queued while the broker was down), oldest first."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="try every pending message now, ignoring the backoff")

    def handle(self, *args, **options):
        if outbox.is_eager():
            self.stdout.write("Celery runs eagerly (no broker): nothing is kept in the outbox.")
        sent, pending = outbox.flush(ignore_backoff=options["all"])
        failed = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, attempts__gt=0).order_by("-id").first()
        self.stdout.write(f"Outbox: {sent} sent, {pending} pending.")
        if pending and failed is not None:
            self.stdout.write(f"Last error: {failed.last_error}")
