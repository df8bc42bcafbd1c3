"""Helpers of the operations tests: the environment variables the settings read, a clean environment for
subprocesses, and the real services (Redis, PostgreSQL) the ``services`` tests need."""

from __future__ import annotations

import os
import re
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
_ENV_CALL = re.compile(r"""env_(?:str|bool|int|list)\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def settings_variables() -> list[str]:
    """Every environment variable ``wmr/settings.py`` reads through the ``wmr.env`` helpers, in order."""
    names = _ENV_CALL.findall((REPO / "wmr" / "settings.py").read_text(encoding="utf-8"))
    return list(dict.fromkeys(names))


def clean_environment(**overrides: str) -> dict[str, str]:
    """This process's environment without any setting of ours (nor its ``_FILE`` variant), plus ``overrides``.

    The virtual environment's ``bin`` comes first on PATH, so subprocesses find gunicorn, celery and honcho."""
    # Also without what test harnesses set in this process (Playwright's tests need Django's async-unsafe switch,
    # which production must never see: `check --deploy` reports it as async.E001).
    ours = set(settings_variables()) | {"DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ours and not (key.endswith("_FILE") and key.removesuffix("_FILE") in ours)
    }
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["DJANGO_SETTINGS_MODULE"] = "wmr.settings"
    env.update(overrides)
    return env


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=3):
            return True
    except OSError:
        return False


@dataclass(frozen=True)
class Services:
    broker_url: str
    postgres_url: str

    def database_url(self, name: str) -> str:
        """The PostgreSQL server's URL with another database name."""
        parts = urlsplit(self.postgres_url)
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def services_or_skip() -> Services:
    """The real Redis (CELERY_BROKER_URL) and PostgreSQL (DATABASE_URL if it is one, else the local server).

    Skips with the reason when they are not configured or not reachable; with WMR_REQUIRE_SERVICES=1 (CI's
    PostgreSQL run) that is a failure instead, so CI can never pass by skipping them."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    database = os.environ.get("DATABASE_URL", "")
    postgres = (
        database
        if database.startswith(("postgres://", "postgresql://"))
        else "postgres://postgres@127.0.0.1:5432/postgres"
    )
    if not broker:
        reason = "the service tests need a real Redis in CELERY_BROKER_URL (`make test-pg` sets it)"
    elif not _reachable(broker, 6379):
        reason = f"Redis is not reachable at {broker}"
    elif not _reachable(postgres, 5432):
        reason = f"PostgreSQL is not reachable at {postgres}"
    else:
        return Services(broker_url=broker, postgres_url=postgres)
    if os.environ.get("WMR_REQUIRE_SERVICES") == "1":
        pytest.fail(f"WMR_REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)
