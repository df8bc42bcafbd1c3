"""The load test's users: demo clinicians who log in through the login form, then open the worklist, the case
overview of one of their stays and the API lists, with a clinician's pause between clicks.

Run by ``bench/loadtest/run.py`` (``make loadtest``) against gunicorn with production settings on plain http on
127.0.0.1. Production marks its cookies Secure and trusts ``X-Forwarded-Proto: https`` from the clinic's TLS proxy;
each user sends that header, as the proxy would, and returns its Secure cookies over the loopback (requests sends a
Secure cookie over https only, and copies the jar per request, so a cookie policy would not survive: the flag is
cleared in the jar before each request).

By default ``run.py`` logs the 50 users in through the login form before the timed run (one PBKDF2 hash each, about
half a second of CPU by design: 50 of them in the ramp-up would measure the password hasher, not the pages) and
hands their sessions over in the file named by LOADTEST_SESSIONS: one session per user. Without that file (or with
``run.py --login-in-run``) each user logs in through the form itself at its start.

Every page must answer 200 itself: a redirect (to the login page, say) counts as a failure, not as a fast page.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from collections import defaultdict
from pathlib import Path

from locust import HttpUser, between, events, task

DEMO_CLINICIANS = "psychologin,psychologe,aerztin,sozialarbeit,ergotherapie,physiotherapie,pflege"
USERNAMES = itertools.cycle(os.environ.get("LOADTEST_USERNAMES", DEMO_CLINICIANS).split(","))
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "Demo-Klinik-2026")
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Every response time (ms) and whether it failed, per "METHOD name": exact percentiles for the report, and a total
# without the logins (bench/loadtest/run.py reads the file named by LOADTEST_SAMPLES when locust quits).
SAMPLES: dict[str, list[tuple[float, bool]]] = defaultdict(list)
SESSIONS = (
    iter(json.loads(Path(os.environ["LOADTEST_SESSIONS"]).read_text(encoding="utf-8")))
    if os.environ.get("LOADTEST_SESSIONS")
    else None
)


@events.request.add_listener
def _record(request_type, name, response_time, exception, **kwargs) -> None:
    SAMPLES[f"{request_type} {name}"].append((response_time, exception is not None))


@events.quitting.add_listener
def _write_samples(environment, **kwargs) -> None:
    if os.environ.get("LOADTEST_SAMPLES"):
        Path(os.environ["LOADTEST_SAMPLES"]).write_text(json.dumps(SAMPLES), encoding="utf-8")


class Clinician(HttpUser):
    wait_time = between(1, 2)

    def on_start(self) -> None:
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.origin = "https://" + self.host.split("://", 1)[1].rstrip("/")
        self.stay_ids: list[int] = []
        session = next(SESSIONS, None) if SESSIONS is not None else None
        if session is None:
            self.username = next(USERNAMES)
            self.log_in()
        else:
            self.username = session["username"]
            for name, value in session["cookies"].items():
                self.client.cookies.set(name, value)
        with self._get("/api/v1/stays/", "/api/v1/stays/") as response:
            if response.status_code == 200:
                self.stay_ids = [stay["id"] for stay in response.json()["results"]]

    def _cookies_over_loopback(self) -> None:
        for cookie in self.client.cookies:
            cookie.secure = False

    def log_in(self) -> None:
        with self._get("/login/", "/login/ (form)") as form:
            found = CSRF_TOKEN.search(form.text or "")
            if not found:
                form.failure("no CSRF token on the login form")
                return
        self._cookies_over_loopback()
        with self.client.post(
            "/login/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": found.group(1)},
            headers={"Origin": self.origin, "Referer": f"{self.origin}/login/"},
            allow_redirects=False,
            name="/login/ (post)",
            catch_response=True,
        ) as answer:
            location = answer.headers.get("Location", "")
            if answer.status_code != 302 or "/login/" in location:
                answer.failure(f"login of {self.username} refused: {answer.status_code} {location}")

    def _get(self, path: str, name: str):
        """A GET that must answer 200 itself (no redirect followed)."""
        self._cookies_over_loopback()
        response = self.client.get(path, name=name, allow_redirects=False, catch_response=True)
        return _Expect200(response)

    @task(3)
    def worklist(self) -> None:
        with self._get("/cases/", "/cases/ (worklist)"):
            pass

    @task(3)
    def case_overview(self) -> None:
        if self.stay_ids:
            with self._get(f"/cases/stays/{random.choice(self.stay_ids)}/", "/cases/stays/[id]/ (overview)"):
                pass

    @task(2)
    def api_stays(self) -> None:
        with self._get("/api/v1/stays/", "/api/v1/stays/"):
            pass

    @task(2)
    def api_patients(self) -> None:
        with self._get("/api/v1/patients/", "/api/v1/patients/"):
            pass


class _Expect200:
    """``catch_response`` context that fails anything but a 200."""

    def __init__(self, context):
        self.context = context

    def __enter__(self):
        self.response = self.context.__enter__()
        return self.response

    def __exit__(self, *exc_info):
        if exc_info[0] is None and self.response.status_code != 200:
            self.response.failure(f"{self.response.status_code} {self.response.headers.get('Location', '')}".strip())
        return self.context.__exit__(*exc_info)
