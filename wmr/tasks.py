"""Project-wide Celery tasks: thin, idempotent adapters (STYLE.md 7)."""

from __future__ import annotations

from celery import shared_task

from wmr import outbox


@shared_task(bind=True, name="wmr.tasks.ping")
def ping(self) -> str:
    """Answer ``"pong from <worker hostname>"``.

    Proves that a worker consumes the broker's queue and that results come back through the result backend (the
    production smoke test queues it). It reads and writes nothing, so running it any number of times is harmless.
    """
    return f"pong from {self.request.hostname or 'unknown'}"


# Beat queues this every minute; a message older than 50 s is dropped rather than run late (the next one comes), so
# a worker that was down does not run a pile of flushes. No autoretry: the next minute's run is the retry.
@shared_task(name="wmr.tasks.flush_outbox", acks_late=True, reject_on_worker_lost=True, expires=50)
def flush_outbox() -> int:
    """Send the outbox rows that wait because the broker was not reachable (``wmr.outbox.flush``); returns how many
    were sent. Idempotent: a sent row is never sent again by a flush, and concurrent flushes skip each other's rows."""
    sent, _pending = outbox.flush()
    return sent
