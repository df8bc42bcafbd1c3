"""The transactional outbox: background work survives a broker (Redis) outage, and the web app never waits on it.

``enqueue(task_name, args, key=...)`` writes an ``OutboxMessage`` in the caller's transaction. After the commit it
tries to publish the task once, with a short connect timeout and no retries; a broker error leaves the row pending
with the error, its attempt count and the time of the next attempt. ``flush`` (the beat task
``wmr.tasks.flush_outbox`` every minute, and ``manage.py flush_outbox``) sends the pending rows oldest first, with an
exponential backoff per row. A rolled-back transaction leaves no row and sends nothing. Why an outbox and not only
a "queued later" message: docs/reliability.md.

In eager mode (the embedded default: no broker) no row is written; the task runs in-process after the commit, as
before, and its failure is logged, never raised into the request.

Delivery is at least once (a publish may succeed and the process die before the row is marked sent), so every task
queued here must be idempotent; docs/reliability.md states how each one is.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import logging
from collections.abc import Sequence

import kombu
import kombu.exceptions
import redis.exceptions
from django.db import IntegrityError, transaction
from django.utils import timezone

from wmr.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

# The web process publishes with these bounds, so a dead or unreachable Redis costs a request well under a second
# (measured in tests/ops/test_redis_down.py): one connect attempt, no publish retries.
CONNECT_TIMEOUT_SECONDS = 0.5
SOCKET_TIMEOUT_SECONDS = 1.0
# Backoff per row after a failed attempt: 1, 2, 4, … minutes, at most one hour (the beat flush runs every minute).
BACKOFF_FIRST = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(hours=1)
# Sent rows are kept this long (to see what went out), then the flush deletes them.
KEEP_SENT = dt.timedelta(days=7)
FLUSH_BATCH = 500

# What a broker outage raises: kombu wraps most connection errors in its OperationalError; redis-py's own errors,
# socket errors (ConnectionError, TimeoutError are OSErrors) come through when kombu does not wrap them.
BROKER_ERRORS: tuple[type[BaseException], ...] = (
    kombu.exceptions.OperationalError,
    kombu.exceptions.KombuError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionError,
    TimeoutError,
    OSError,
)


def _app():
    from wmr.celery import app

    return app


def is_eager() -> bool:
    return bool(_app().conf.task_always_eager)


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next attempt after ``attempts`` failed ones (1 → 1 min, 2 → 2 min, 3 → 4 min, … ≤ 1 h)."""
    if attempts < 1:
        return dt.timedelta(0)
    return min(BACKOFF_FIRST * 2 ** min(attempts - 1, 20), BACKOFF_MAX)


def enqueue(task_name: str, args: Sequence = (), *, key: str) -> OutboxMessage | None:
    """Queue ``task_name(*args)`` once the current transaction commits; return its outbox row (``None`` when eager).

    ``args`` must be JSON values (ids, not model instances). ``key`` is the idempotency key: while a row with this key
    is pending, queuing it again returns that row. Never raises a broker error; the request is never held longer
    than ``CONNECT_TIMEOUT_SECONDS`` + ``SOCKET_TIMEOUT_SECONDS`` by the broker.
    """
    _task(task_name)  # fails loudly on a misspelt name, before anything is written
    args = list(args)
    if is_eager():
        transaction.on_commit(lambda: _run_in_process(task_name, args), robust=True)
        return None
    message = _pending_row(task_name, args, key)
    transaction.on_commit(lambda: deliver(message.pk), robust=True)
    return message


def _task(task_name: str):
    """The registered task of that name; its module (``app.tasks.name``) is imported first, since the web process
    does not autodiscover tasks (only workers do)."""
    app = _app()
    if task_name not in app.tasks:
        with contextlib.suppress(ImportError):
            importlib.import_module(task_name.rpartition(".")[0])
    if task_name not in app.tasks:
        raise LookupError(f"unknown task {task_name!r}")
    return app.tasks[task_name]


def _pending_row(task_name: str, args: list, key: str) -> OutboxMessage:
    existing = OutboxMessage.objects.filter(key=key, status=OutboxStatus.PENDING).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():  # a savepoint: a concurrent insert of the same key must not spoil the caller's
            return OutboxMessage.objects.create(key=key, task_name=task_name, args=args)
    except IntegrityError:
        return OutboxMessage.objects.get(key=key, status=OutboxStatus.PENDING)


def _run_in_process(task_name: str, args: list) -> None:
    try:
        _task(task_name).apply(args=args, throw=True)
    except Exception:  # a failing task never fails the request that queued it; the task marks its own failure
        logger.exception("outbox: the in-process run of %s%r failed", task_name, args)


def is_pending(key: str) -> bool:
    """Whether a message with this key waits for the broker (the view tells the user that the work is deferred)."""
    return OutboxMessage.objects.filter(key=key, status=OutboxStatus.PENDING).exists()


def _connection() -> kombu.Connection:
    app = _app()
    options = dict(app.conf.broker_transport_options or {})
    options |= {
        "max_retries": 0,  # kombu's default_channel retries the connect otherwise
        "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "socket_timeout": SOCKET_TIMEOUT_SECONDS,
    }
    return kombu.Connection(
        app.conf.broker_write_url,  # falls back to broker_url
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        transport_options=options,
    )


def _send(message: OutboxMessage, connection: kombu.Connection) -> None:
    _app().send_task(
        message.task_name,
        args=message.args,
        connection=connection,
        retry=False,
        # Nobody waits on these results (the state lives in the database). Without this, Celery subscribes to the
        # result channel before publishing, and the Redis result backend retries that connection for ~20 s.
        ignore_result=True,
        headers={"outbox_key": message.key},
    )


def _attempt(pk: int, connection: kombu.Connection, *, now: dt.datetime) -> bool | None:
    """Send one pending row and mark it sent; on a broker error record it and back off. ``None``: nothing to send
    (sent meanwhile, or locked by a concurrent flush)."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=pk, status="pending").first()
        if message is None:
            return None
        try:
            _send(message, connection)
        except BROKER_ERRORS as exc:
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            message.next_attempt_at = now + backoff(message.attempts)
            message.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            logger.warning(
                "outbox: %s [%s] not sent (attempt %s): %s",
                message.task_name,
                message.key,
                message.attempts,
                message.last_error,
            )
            return False
        message.status = OutboxStatus.SENT
        message.sent_at = timezone.now()
        message.save(update_fields=["status", "sent_at"])
        return True


def deliver(pk: int) -> bool | None:
    """Try to send one row now (the ``on_commit`` of ``enqueue``). Never raises a broker error."""
    with _connection() as connection:
        return _attempt(pk, connection, now=timezone.now())


def flush(*, now: dt.datetime | None = None, ignore_backoff: bool = False, limit: int = FLUSH_BATCH) -> tuple[int, int]:
    """Send the pending rows that are due (every pending row with ``ignore_backoff``), oldest first; returns
    (sent, still pending).

    Stops at the first broker error (the broker is down: trying the others now would only wait on timeouts; that row
    backs off, the others keep their turn). Deletes sent rows older than ``KEEP_SENT``. Safe to run concurrently
    (rows are locked with SKIP LOCKED on PostgreSQL).
    """
    now = now or timezone.now()
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
    due = list(
        (pending if ignore_backoff else pending.filter(next_attempt_at__lte=now))
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    if due:
        with _connection() as connection:
            for pk in due:
                outcome = _attempt(pk, connection, now=now)
                if outcome is False:
                    break
                sent += bool(outcome)
    OutboxMessage.objects.filter(status=OutboxStatus.SENT, sent_at__lt=now - KEEP_SENT).delete()
    return sent, OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count()
