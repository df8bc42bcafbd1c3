"""A lost database connection during a request answers a friendly 503 page (issue 9): German first, translatable,
``Retry-After``, no stack trace, never a 500; JSON under /api/; logged once. Whether the error comes from a view or
from a middleware (session loading), from a refused connection or from a backend killed mid-request, and in a real
gunicorn started against a closed port.

The database is made unreachable for real: the connection is dropped and its settings point at a closed port
(PostgreSQL) or an unopenable file (SQLite), then restored. Transactional tests, since the test's own transaction
does not survive a lost connection."""

from __future__ import annotations

import contextlib
import logging
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.conftest import login
from tests.ops.support import REPO, clean_environment
from wmr.views import DATABASE_RETRY_AFTER, server_error

pytestmark = pytest.mark.django_db(transaction=True)

FRIENDLY = 'data-testid="database-unavailable"'


@contextlib.contextmanager
def unreachable_database():
    """The default connection dropped and pointed at a server that is not there, restored afterwards."""
    saved = dict(connection.settings_dict)
    if connection.vendor == "postgresql":
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
        try:
            yield
        finally:
            connection.settings_dict.update(saved)
            connection.close()
    else:
        # SQLite's test database lives in memory: closing its only connection would destroy it (Django ignores the
        # close). So the live connection is parked, and the next query opens a file that cannot be opened.
        parked = connection.connection
        connection.connection = None
        connection.settings_dict["NAME"] = "/nonexistent-directory/wmr-unreachable.sqlite3"
        try:
            yield
        finally:
            connection.settings_dict.update(saved)
            connection.connection = parked


def _client(user=None, language=None):
    client = login(user, language=language) if user else Client()
    if language and not user:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    # a handler500 response also re-raises in Django's test client unless told not to
    client.raise_request_exception = False
    return client


def assert_friendly_503(response, *, through_middleware: bool = True) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == str(DATABASE_RETRY_AFTER)
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"
    if through_middleware:
        assert "script-src 'self'" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert FRIENDLY in html
    for leak in ("Traceback", "OperationalError", "InterfaceError", "psycopg", "sqlite3", "127.0.0.1", 'File "'):
        assert leak not in html
    return html


def _link_token(user, stay) -> str:
    from patients.models import LinkPurpose
    from patients.services import patient_link_create

    return patient_link_create(by=user, stay=stay, purpose=LinkPurpose.PRE_ADMISSION)[1]


def test_a_view_whose_query_fails_answers_the_friendly_page_in_german(treating_psychologist, stay):
    token = _link_token(treating_psychologist, stay)  # the patient link page reads the link in its view
    client = _client()
    with unreachable_database():
        response = client.get(f"/p/{token}/")
    html = assert_friendly_503(response)
    assert '<html lang="de">' in html
    assert response["Content-Language"] == "de"


def test_the_page_is_in_english_when_the_user_chose_english(treating_psychologist, stay):
    token = _link_token(treating_psychologist, stay)
    client = _client(language="en")
    with unreachable_database():
        response = client.get(f"/p/{token}/")
    html = assert_friendly_503(response)
    assert '<html lang="en">' in html
    assert "Temporarily unavailable" in html
    assert "The database is not reachable at the moment. Please try again in a minute." in html


def test_a_failure_while_a_middleware_loads_the_session_answers_the_friendly_page_not_a_500(
    treating_psychologist, stay
):
    client = _client(treating_psychologist, language="en")  # the session row exists; loading it needs the database
    with unreachable_database():
        response = client.get(reverse("cases:worklist"))
    html = assert_friendly_503(response)
    assert "Temporarily unavailable" in html
    assert "My worklist" not in html  # no navigation: rendering it would need the user, i.e. the database


def test_an_api_request_gets_json(treating_psychologist, stay):
    client = _client(treating_psychologist, language="en")
    with unreachable_database():
        response = client.get("/api/v1/stays/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response["Retry-After"] == str(DATABASE_RETRY_AFTER)
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The database is not reachable at the moment. Please try again in a minute.",
        "code": "database_unavailable",
    }


def test_it_is_logged_once_in_one_line(treating_psychologist, stay, caplog):
    client = _client(treating_psychologist)
    with caplog.at_level(logging.INFO), unreachable_database():
        client.get(reverse("cases:worklist"))
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert errors[0].name == "wmr.database"
    assert errors[0].getMessage().startswith("database unavailable during GET /cases/: OperationalError")
    assert errors[0].exc_info is None  # one line, no traceback


def test_the_app_recovers_when_the_database_is_back(treating_psychologist, stay):
    client = _client(treating_psychologist)
    with unreachable_database():
        assert client.get(reverse("cases:worklist")).status_code == 503
    assert client.get(reverse("cases:worklist")).status_code == 200


def test_the_health_check_reports_the_database_down_consistently():
    client = _client()
    with unreachable_database():
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "detail": "OperationalError"}


def test_handler500_answers_503_for_a_database_error_and_500_for_anything_else():
    """handler500 runs inside Django's except block (the path of an error raised in a middleware)."""
    request = RequestFactory().get("/cases/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert_friendly_503(response, through_middleware=False)
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert FRIENDLY not in response.content.decode()


def test_a_backend_killed_mid_request_answers_the_friendly_page(treating_psychologist, stay):
    """PostgreSQL: the request's own server process is terminated (pg_terminate_backend from a second connection)
    after the request has started and before its first query."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend needs PostgreSQL (CI's PostgreSQL run)")
    import psycopg2
    from django.core.signals import request_started

    client = _client(treating_psychologist)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    killed = []

    def kill_backend(**kwargs):
        with contextlib.closing(psycopg2.connect(**connection.get_connection_params())) as other:
            other.autocommit = True
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
                killed.append(cursor.fetchone()[0])

    request_started.connect(kill_backend)
    try:
        response = client.get(reverse("cases:worklist"))
    finally:
        request_started.disconnect(kill_backend)
        connection.close()
    assert killed == [True]
    assert_friendly_503(response)
    assert client.get(reverse("cases:worklist")).status_code == 200  # a new connection serves again


# --- a real gunicorn whose database is not there ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn_without_database():
    port = _free_port()
    # port 1: privileged, nothing listens there (connection refused at once)
    env = clean_environment(DEBUG="false", DATABASE_URL="postgres://wmr@127.0.0.1:1/wmr", ALLOWED_HOSTS="127.0.0.1")
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn with fixed arguments
        [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "1", "wmr.wsgi:application"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"gunicorn stopped: {process.stderr.read()}")
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("gunicorn did not listen within 60 s")
    try:
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _request(opener, url: str, data: dict | None = None, headers: dict | None = None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310 - loopback only
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_gunicorn_against_a_closed_database_port_answers_the_friendly_503_for_a_login(gunicorn_without_database):
    base, process = gunicorn_without_database
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    # the login form itself needs no database; signing in does
    status, _headers, html = _request(opener, f"{base}/login/")
    assert status == 200
    csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    status, headers, html = _request(
        opener,
        f"{base}/login/",
        {"username": "psychologin", "password": "whatever", "csrfmiddlewaretoken": csrf},
        {"Referer": f"{base}/login/"},
    )
    assert status == 503
    assert headers["Retry-After"] == str(DATABASE_RETRY_AFTER)
    assert FRIENDLY in html
    assert '<html lang="de">' in html
    for leak in ("Traceback", "OperationalError", "psycopg", "Connection refused"):
        assert leak not in html
    # a request with a session cookie fails while a middleware loads the session: the same page
    status, _headers, html = _request(opener, f"{base}/cases/", headers={"Cookie": "sessionid=" + "a" * 32})
    assert status == 503
    assert FRIENDLY in html
    status, _headers, body = _request(opener, f"{base}/healthz")
    assert status == 503
    assert '"database": {"ok": false' in body
    assert process.poll() is None  # still serving
