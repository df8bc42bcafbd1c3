"""A private, throw-away redis-server for the reliability tests: started on a free loopback port without persistence
(``--save "" --appendonly no``), stopped and started again at will, killed at the end.

Skips when the redis-server binary is missing; with WMR_REQUIRE_SERVICES=1 (CI's PostgreSQL run) that is a failure.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis

STARTED_WITHIN_SECONDS = 10


def redis_binary_or_skip() -> str:
    binary = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else "")
    if binary:
        return binary
    reason = "the redis-server binary is not installed (Debian: apt-get install redis-server)"
    if os.environ.get("WMR_REQUIRE_SERVICES") == "1":
        pytest.fail(f"WMR_REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """One redis-server process on ``port``; ``url(db)`` is its address for Celery and the cache."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis.from_url(self.url(db), socket_connect_timeout=2, socket_timeout=5)

    def start(self) -> None:
        log = (self.directory / "redis.log").open("a", encoding="utf-8")
        self.process = subprocess.Popen(  # noqa: S603 - the system's redis-server, fixed arguments
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        deadline = time.monotonic() + STARTED_WITHIN_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"redis-server exited with {self.process.returncode}: {self.log()}")
            with contextlib.suppress(redis.exceptions.ConnectionError):
                if self.client().ping():
                    return
            time.sleep(0.05)
        pytest.fail(f"redis-server did not answer within {STARTED_WITHIN_SECONDS} s: {self.log()}")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL); its port refuses connections afterwards."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def queue_length(self, queue: str | None = None, db: int = 0) -> int:
        """Messages waiting in a Celery queue, or in all of them (default, reports, pdf: CELERY_TASK_QUEUES) when
        none is named (kombu's Redis transport keeps a queue as a list)."""
        from django.conf import settings

        queues = [queue] if queue else [q.name for q in settings.CELERY_TASK_QUEUES]
        return sum(int(self.client(db).llen(name)) for name in queues)

    def log(self) -> str:
        path = self.directory / "redis.log"
        return path.read_text(encoding="utf-8", errors="replace")[-2000:] if path.exists() else ""


@pytest.fixture
def private_redis(tmp_path_factory) -> RedisServer:
    """A started private redis-server, stopped at the end of the test."""
    server = RedisServer(redis_binary_or_skip(), tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()
