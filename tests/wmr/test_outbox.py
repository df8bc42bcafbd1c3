"""The transactional outbox (wmr.outbox) against real brokers: a private redis-server that is up, and a Redis URL
nobody listens on (redis://127.0.0.1:1/0). Nothing of ours is mocked."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from compliance.models import StayIndicator
from screening.models import QuotaReport, ReportStatus
from screening.services.reports import report_queue_key
from screening.tasks import build_quota_report
from tests.conftest import login
from tests.ops.redis_server import RedisServer, private_redis  # noqa: F401 - the fixture
from wmr import outbox
from wmr.celery import app
from wmr.models import OutboxMessage, OutboxStatus

DEAD_BROKER = "redis://127.0.0.1:1/0"  # port 1 on loopback: connection refused at once
TASK = "compliance.tasks.refresh_stay"

committing = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def broker():
    """Celery not eager, publishing to the URL given (``broker(url)``); the app's settings come back afterwards."""
    eager = app.conf.task_always_eager

    def point_at(url: str) -> None:
        app.conf.task_always_eager = False
        app.conf.broker_write_url = url

    yield point_at
    app.conf.task_always_eager = eager
    app.conf.broker_write_url = None


def queued(server: RedisServer) -> list[dict]:
    """The messages waiting in the private Redis's queues (default, reports, pdf: the routes in the settings), each
    queue oldest first (kombu LPUSHes, workers BRPOP)."""
    raw = [item for queue in ("default", "reports", "pdf") for item in reversed(server.client().lrange(queue, 0, -1))]
    return [json.loads(item)["headers"] for item in raw]


def test_the_same_key_queued_twice_while_it_waits_is_one_row(db, broker):
    broker(DEAD_BROKER)
    with transaction.atomic():
        first = outbox.enqueue(TASK, [7], key="compliance.refresh_stay:7")
        second = outbox.enqueue(TASK, [7], key="compliance.refresh_stay:7")
        other = outbox.enqueue(TASK, [8], key="compliance.refresh_stay:8")
    assert first.pk == second.pk != other.pk
    assert OutboxMessage.objects.filter(key="compliance.refresh_stay:7").count() == 1


def test_a_key_that_was_sent_may_be_queued_again(db, broker):
    """Only a waiting message absorbs a second one: a later write needs its own refresh."""
    broker(DEAD_BROKER)
    first = outbox.enqueue(TASK, [7], key="k")
    OutboxMessage.objects.filter(pk=first.pk).update(status=OutboxStatus.SENT, sent_at=timezone.now())
    second = outbox.enqueue(TASK, [7], key="k")
    assert second.pk != first.pk
    assert second.status == OutboxStatus.PENDING


def test_an_unknown_task_is_refused_when_it_is_queued(db, broker):
    broker(DEAD_BROKER)
    with pytest.raises(LookupError):
        outbox.enqueue("no.such.task", [], key="x")
    assert not OutboxMessage.objects.exists()


@committing
def test_a_committed_enqueue_is_sent_and_marked_sent(private_redis, broker):  # noqa: F811
    broker(private_redis.url())
    with transaction.atomic():
        message = outbox.enqueue(TASK, [41], key="compliance.refresh_stay:41")
        assert private_redis.queue_length() == 0  # nothing leaves before the commit
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.sent_at is not None
    assert message.attempts == 0
    headers = queued(private_redis)
    assert [(h["task"], h["outbox_key"]) for h in headers] == [(TASK, "compliance.refresh_stay:41")]


@committing
def test_a_rolled_back_transaction_leaves_no_row_and_sends_nothing(private_redis, broker):  # noqa: F811
    broker(private_redis.url())
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(TASK, [42], key="compliance.refresh_stay:42")
        raise RuntimeError("the write failed after queuing")
    assert not OutboxMessage.objects.exists()
    assert private_redis.queue_length() == 0
    # the same call committed does send: the check above would have seen a message
    outbox.enqueue(TASK, [42], key="compliance.refresh_stay:42")
    assert private_redis.queue_length() == 1


@committing
def test_an_unreachable_broker_leaves_the_row_pending_with_the_error(broker):
    broker(DEAD_BROKER)
    before = timezone.now()
    with transaction.atomic():
        message = outbox.enqueue(TASK, [43], key="compliance.refresh_stay:43")
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert "Connection refused" in message.last_error or "111" in message.last_error
    assert message.next_attempt_at >= before + dt.timedelta(minutes=1)
    assert outbox.is_pending("compliance.refresh_stay:43")


@committing
def test_the_flush_sends_pending_rows_oldest_first_and_marks_them_sent(private_redis, broker):  # noqa: F811
    broker(DEAD_BROKER)
    for stay_id in (1, 2, 3):
        outbox.enqueue(TASK, [stay_id], key=f"compliance.refresh_stay:{stay_id}")
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 3

    broker(private_redis.url())
    later = timezone.now() + dt.timedelta(minutes=2)  # past the first backoff
    assert outbox.flush(now=later) == (3, 0)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert [h["outbox_key"] for h in queued(private_redis)] == [f"compliance.refresh_stay:{i}" for i in (1, 2, 3)]
    # a second flush sends nothing again
    assert outbox.flush(now=later) == (0, 0)
    assert private_redis.queue_length() == 3


@committing
def test_the_flush_waits_out_each_rows_backoff(broker):
    broker(DEAD_BROKER)
    message = outbox.enqueue(TASK, [44], key="k44")  # first attempt fails at once: next in 1 min
    message.refresh_from_db()
    failed_at = message.next_attempt_at - dt.timedelta(minutes=1)

    outbox.flush(now=failed_at + dt.timedelta(seconds=30))  # not due yet: not tried
    message.refresh_from_db()
    assert message.attempts == 1

    due = failed_at + dt.timedelta(minutes=1, seconds=1)
    outbox.flush(now=due)  # tried, failed again: next in 2 min
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at == due + dt.timedelta(minutes=2)


@committing
def test_the_flush_stops_at_the_first_broker_error(broker):
    broker(DEAD_BROKER)
    for stay_id in (1, 2, 3):
        outbox.enqueue(TASK, [stay_id], key=f"k{stay_id}")
    outbox.flush(now=timezone.now() + dt.timedelta(minutes=5))
    attempts = list(OutboxMessage.objects.order_by("created_at", "id").values_list("attempts", flat=True))
    assert attempts == [2, 1, 1]


def test_the_backoff_doubles_from_one_minute_up_to_an_hour():
    minutes = [outbox.backoff(n) / dt.timedelta(minutes=1) for n in range(1, 10)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert outbox.backoff(0) == dt.timedelta(0)
    assert outbox.backoff(10_000) == dt.timedelta(hours=1)


@committing
def test_the_flush_deletes_sent_rows_after_a_week_and_keeps_pending_ones(broker):
    broker(DEAD_BROKER)
    now = timezone.now()
    old = OutboxMessage.objects.create(
        key="old", task_name=TASK, args=[1], status="sent", sent_at=now - dt.timedelta(8)
    )
    recent = OutboxMessage.objects.create(key="new", task_name=TASK, args=[1], status="sent", sent_at=now)
    waiting = OutboxMessage.objects.create(
        key="w", task_name=TASK, args=[1], created_at=now - dt.timedelta(30), next_attempt_at=now + dt.timedelta(1)
    )
    outbox.flush(now=now)
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()


@committing
def test_the_command_sends_what_waits_once_the_broker_is_back(private_redis, broker, capsys):  # noqa: F811
    broker(DEAD_BROKER)
    outbox.enqueue(TASK, [45], key="k45")
    broker(private_redis.url())
    call_command("flush_outbox")  # the row backs off for a minute
    assert "0 sent, 1 pending" in capsys.readouterr().out
    call_command("flush_outbox", "--all")
    assert "1 sent, 0 pending" in capsys.readouterr().out
    assert private_redis.queue_length() == 1


@committing
def test_eager_mode_runs_the_task_in_process_after_commit_and_keeps_no_row(stay):
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        StayIndicator.objects.filter(stay=stay).delete()  # the fixture's writes refreshed it already
        before = set(OutboxMessage.objects.values_list("pk", flat=True))  # (through the broker when not eager)
        with transaction.atomic():
            assert outbox.enqueue(TASK, [stay.pk], key=f"compliance.refresh_stay:{stay.pk}") is None
            assert not StayIndicator.objects.filter(stay=stay).exists()  # not before the commit
        assert StayIndicator.objects.filter(stay=stay).exists()
        assert set(OutboxMessage.objects.values_list("pk", flat=True)) == before
    finally:
        app.conf.task_always_eager = eager


@committing
def test_build_now_with_the_broker_down_says_the_report_is_queued_for_later(manager, facility, broker):
    broker(DEAD_BROKER)
    response = login(manager, language="en").post(
        reverse("screening:report-build"), {"facility": facility.pk, "year": 2025, "quarter": 4}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("screening:report-detail", args=[QuotaReport.objects.get().pk])
    assert "The task queue is not reachable; the report is queued and will be built as soon as it is back." in (
        response.content.decode()
    )
    assert QuotaReport.objects.get().status == ReportStatus.QUEUED
    assert outbox.is_pending(report_queue_key(facility.pk, 2025, 4))


@committing
def test_build_now_with_the_broker_up_says_queued_without_a_warning(manager, facility, private_redis, broker):  # noqa: F811
    broker(private_redis.url())
    response = login(manager, language="en").post(
        reverse("screening:report-build"), {"facility": facility.pk, "year": 2025, "quarter": 4}, follow=True
    )
    assert "The report is queued; this page shows when it is done." in response.content.decode()
    assert "task queue is not reachable" not in response.content.decode()
    assert [h["task"] for h in queued(private_redis)] == ["screening.tasks.build_quota_report"]


@pytest.mark.parametrize(
    "task_name",
    [
        "screening.tasks.build_quota_report",
        "screening.tasks.build_last_quarter_reports",
        "compliance.tasks.refresh_stay",
        "compliance.tasks.refresh_all",
        "reintegration.tasks.check_open_interruptions",
    ],
)
def test_report_and_refresh_tasks_are_acknowledged_late_and_retried_on_database_errors(task_name):
    from django.db import InterfaceError, OperationalError

    import compliance.tasks
    import reintegration.tasks
    import screening.tasks

    assert compliance.tasks and reintegration.tasks and screening.tasks  # imported: their tasks are registered
    task = app.tasks[task_name]
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert set(task.autoretry_for) == {OperationalError, InterfaceError}
    assert task.retry_backoff is True
    assert task.retry_backoff_max == 600
    assert task.max_retries == 5


def test_build_quota_report_is_registered_under_the_name_the_outbox_stores():
    assert build_quota_report.name in app.tasks
