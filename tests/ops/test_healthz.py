"""/healthz tells a load balancer or a monitoring system whether the database and the broker answer."""

from __future__ import annotations

import json
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from django.db import connection


def test_healthz_reports_the_database_and_the_broker_as_json(client, db, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "database": {"ok": True, "detail": connection.vendor},
        "broker": {"ok": True, "detail": "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "redis"},
    }


def test_healthz_needs_no_login_and_is_never_cached(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_healthz_answers_503_with_broker_not_ok_when_the_broker_is_unreachable(live_server, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Celery reads CELERY_BROKER_URL from the environment before its configuration. Port 9 (discard) is closed.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:9/0")
    # A real HTTP request with a client-side timeout: a health check that hangs on a dead broker fails here.
    with pytest.raises(HTTPError) as answer:
        urlopen(f"{live_server.url}/healthz", timeout=20)  # noqa: S310 - our own live server
    assert answer.value.code == 503
    body = json.load(answer.value)
    assert body["status"] == "error"
    assert body["broker"]["ok"] is False
    assert body["database"]["ok"] is True
