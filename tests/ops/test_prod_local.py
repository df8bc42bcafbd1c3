"""`make prod-local` end to end: the production topology (gunicorn, one Celery worker per queue, Celery beat under
honcho, see Procfile and scripts/prod-local) starts against a fresh PostgreSQL database and the real Redis, reports
healthy on /healthz, serves a page with its static files, its workers consume every queue and one runs a task queued
through the real broker."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

import pytest
from celery import Celery

from tests.ops.support import REPO, Services, clean_environment

pytestmark = pytest.mark.services

HOST, PORT = "127.0.0.1", 8001
BASE = f"http://{HOST}:{PORT}"
SCRIPT = str(REPO / "scripts" / "prod-local")
HEALTHY_WITHIN_SECONDS = 60
STOP_WITHIN_SECONDS = 30
STARTED = re.compile(r"\| ([\w-]+)\.\d+ started \(pid=(\d+)\)")  # honcho: "system | web.1 started (pid=123)"


@dataclass
class Stack:
    process: subprocess.Popen
    log: Path
    broker_url: str

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output().splitlines()[-lines:])


def _port_taken() -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((HOST, PORT)) == 0


def _stop(stack: Stack) -> None:
    """SIGTERM to honcho (it stops its children's process groups), then SIGKILL to whatever is left."""
    children = [int(pid) for _, pid in STARTED.findall(stack.output())]
    with contextlib.suppress(ProcessLookupError):
        os.killpg(stack.process.pid, signal.SIGTERM)
    try:
        stack.process.wait(timeout=STOP_WITHIN_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(stack.process.pid, signal.SIGKILL)
        stack.process.wait(timeout=10)
    for pid in children:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


@pytest.fixture
def smoke_database(services: Services):
    url = services.database_url("wmr_smoke")
    subprocess.run([sys.executable, "scripts/pg_database.py", "recreate", url], cwd=REPO, check=True, timeout=60)
    yield url
    subprocess.run([sys.executable, "scripts/pg_database.py", "drop", url], cwd=REPO, check=False, timeout=60)


@pytest.fixture
def prod_local(services: Services, smoke_database: str, tmp_path):
    if _port_taken():
        pytest.fail(f"port {PORT} is taken (a `make prod-local` still running?): the smoke test needs it")
    env = clean_environment(
        DATABASE_URL=smoke_database,
        CELERY_BROKER_URL=services.broker_url,
        WEB_BIND=f"{HOST}:{PORT}",
        CELERY_CONCURRENCY="1",
        CELERY_BEAT_SCHEDULE_FILE=str(tmp_path / "celerybeat-schedule"),
    )
    # Migrations and collectstatic first (collectstatic compresses every file once: about a minute on a cold clone).
    prepared = subprocess.run(
        [SCRIPT, "prepare"], cwd=REPO, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL
    )
    assert prepared.returncode == 0, prepared.stdout[-3000:] + prepared.stderr[-3000:]
    log = tmp_path / "honcho.log"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(  # noqa: S603 - our own script
            [SCRIPT, "start"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    stack = Stack(process=process, log=log, broker_url=services.broker_url)
    try:
        yield stack
    finally:
        _stop(stack)


def _get(path: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urlopen(f"{BASE}{path}", timeout=10) as response:  # noqa: S310 - our own server
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _wait_until_healthy(stack: Stack) -> tuple[int, dict]:
    """Polls /healthz until it answers 200, for at most HEALTHY_WITHIN_SECONDS; returns the last answer."""
    deadline = time.monotonic() + HEALTHY_WITHIN_SECONDS
    last: tuple[int, dict] = (0, {})
    while time.monotonic() < deadline:
        if stack.process.poll() is not None:
            pytest.fail(f"prod-local stopped (exit {stack.process.returncode}) before it was healthy:\n{stack.tail()}")
        try:
            status, _, body = _get("/healthz")
            last = (status, json.loads(body))
            if status == 200:
                return last
        except (URLError, ConnectionError, TimeoutError):
            pass  # gunicorn not listening yet
        time.sleep(0.5)
    pytest.fail(f"/healthz not healthy within {HEALTHY_WITHIN_SECONDS} s (last answer {last}):\n{stack.tail()}")


def test_prod_local_serves_a_healthy_app_whose_worker_runs_queued_tasks(prod_local: Stack):
    status, health = _wait_until_healthy(prod_local)
    assert status == 200
    assert health == {
        "status": "ok",
        "database": {"ok": True, "detail": "postgresql"},
        "broker": {"ok": True, "detail": "redis"},
    }

    # A page under production settings: hashed static files from the manifest, served by WhiteNoise.
    status, headers, body = _get("/login/")
    assert status == 200, body[:2000]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    stylesheet = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', body)
    assert stylesheet, "no hashed stylesheet on the login page"
    status, headers, _ = _get(stylesheet.group(1).decode())
    assert status == 200
    assert "immutable" in headers.get("Cache-Control", "")

    # A real task through the real broker; the worker's answer comes back through the Redis result backend.
    client = Celery(
        "smoke-test-client", broker=prod_local.broker_url, backend=prod_local.broker_url, set_as_current=False
    )
    try:
        # this bare client knows no routes: it names the queue CELERY_TASK_ROUTES gives ping
        answer = client.send_task("wmr.tasks.ping", queue="default").get(timeout=60)
        consumed = _consumed_queues(client)
    finally:
        client.close()
    assert answer.startswith("pong from default@")
    # issue 10: every queue a task is routed to has a worker (none is left unconsumed)
    assert consumed == {"default@": {"default"}, "reports@": {"reports"}, "pdf@": {"pdf"}}

    # honcho stops them all when one of them ends: still running means web, the three workers and beat are all up.
    assert prod_local.process.poll() is None, prod_local.tail()
    assert sorted(name for name, _ in STARTED.findall(prod_local.output())) == [
        "beat",
        "web",
        "worker-default",
        "worker-pdf",
        "worker-reports",
    ]


def _consumed_queues(client: Celery) -> dict[str, set[str]]:
    """The queues each running worker consumes, by node-name prefix (`default@host` → `default@`); waits until all
    three workers answer (each starts on its own, the ping only proves the default one)."""
    deadline = time.monotonic() + HEALTHY_WITHIN_SECONDS
    consumed: dict[str, set[str]] = {}
    while time.monotonic() < deadline:
        answers = client.control.inspect(timeout=2).active_queues() or {}
        consumed = {
            node.partition("@")[0] + "@": {queue["name"] for queue in queues} for node, queues in answers.items()
        }
        if len(consumed) >= 3:
            break
        time.sleep(1)
    return consumed
