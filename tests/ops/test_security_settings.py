"""Production settings harden the transport and the cookies (issue 9): HSTS for at least a year with subdomains and
preload, HTTPS redirect, Secure + HttpOnly session cookie, Secure CSRF cookie, the CSP upgrades insecure requests;
and `manage.py check --deploy --fail-level WARNING` prints no warning. Each in a subprocess with the environment of
.ci/run's deploy_check (the settings are read once per process)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.ops.support import REPO
from tests.ops.test_settings import manage, production_environment

READ_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in [
    "DEBUG", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE",
    "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "CONTENT_SECURITY_POLICY"]}))
"""

# The login page needs no database, so a production process can answer it with the example's unreachable server.
# Its static file names come from the manifest that `collectstatic` writes at deployment (Dockerfile, prod-local);
# a fresh clone has none, so this process serves them unhashed: the storage is not what this test is about.
REQUEST_LOGIN = """
import json, django
django.setup()
from django.conf import settings
from django.test.utils import override_settings
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
from django.test import Client
client = Client(HTTP_HOST="wmr.example")
plain = client.get("/login/")
secure = client.get("/login/", secure=True)
print(json.dumps({
    "plain_status": plain.status_code, "plain_location": plain.get("Location", ""),
    "status": secure.status_code, "headers": dict(secure.headers),
    "csrf_cookie": secure.cookies["csrftoken"].output() if "csrftoken" in secure.cookies else "",
}))
"""


def _run(code: str, env: dict[str, str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production_settings() -> dict:
    return _run(READ_SETTINGS, production_environment())


def test_production_sends_hsts_for_at_least_a_year_with_subdomains_and_preload(production_settings):
    assert production_settings["DEBUG"] is False
    assert production_settings["SECURE_HSTS_SECONDS"] >= 31536000
    assert production_settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production_settings["SECURE_HSTS_PRELOAD"] is True
    assert production_settings["SECURE_SSL_REDIRECT"] is True
    assert production_settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_production_cookies_are_secure_and_the_session_cookie_httponly(production_settings):
    assert production_settings["SESSION_COOKIE_SECURE"] is True
    assert production_settings["SESSION_COOKIE_HTTPONLY"] is True
    assert production_settings["CSRF_COOKIE_SECURE"] is True


def test_production_keeps_the_strict_policy_and_upgrades_insecure_requests(production_settings):
    directives = production_settings["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["upgrade-insecure-requests"] is True
    assert production_settings["X_FRAME_OPTIONS"] == "DENY"
    assert production_settings["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production_settings["SECURE_REFERRER_POLICY"] == "same-origin"
    assert production_settings["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"


def test_development_settings_do_not_force_https():
    env = production_environment()
    env["WMR_ENV"] = "development"
    development = _run(READ_SETTINGS, env)
    assert development["SECURE_SSL_REDIRECT"] is False
    assert development["SECURE_HSTS_SECONDS"] == 0
    assert "upgrade-insecure-requests" not in development["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]


def test_production_refuses_an_hsts_time_below_a_year():
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS],
        cwd=REPO,
        env=production_environment(SECURE_HSTS_SECONDS="3600"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS must be at least one year" in result.stderr


def test_a_production_response_carries_hsts_and_secure_cookies_and_plain_http_is_redirected():
    answer = _run(REQUEST_LOGIN, production_environment())
    assert answer["plain_status"] == 301
    assert answer["plain_location"] == "https://wmr.example/login/"
    assert answer["status"] == 200
    headers = answer["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "upgrade-insecure-requests" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert "Secure" in answer["csrf_cookie"]


def test_check_deploy_under_production_settings_prints_no_warning():
    result = manage(production_environment(), "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output
    assert not re.search(r"\(\w+\.W\d+\)", output), output
    assert "System check identified no issues" in output
