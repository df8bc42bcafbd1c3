"""Project-wide Celery tasks: thin, idempotent adapters (STYLE.md 7)."""

from __future__ import annotations

from celery import shared_task


@shared_task(bind=True, name="wmr.tasks.ping")
def ping(self) -> str:
    """Answer ``"pong from <worker hostname>"``.

    Proves that a worker consumes the broker's queue and that results come back through the result backend (the
    production smoke test queues it). It reads and writes nothing, so running it any number of times is harmless.
    """
    return f"pong from {self.request.hostname or 'unknown'}"


@shared_task(name="wmr.tasks.flush_outbox")
def flush_outbox() -> int:
    """Send again what waits in the outbox because the broker was down (filled by the reliability part)."""
    raise NotImplementedError
