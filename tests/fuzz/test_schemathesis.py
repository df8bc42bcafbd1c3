"""schemathesis 4 against the project's own OpenAPI schema (issue 9, "Fuzzing bad input").

The schema is read from ``/api/v1/schema/`` (for logged-in staff only) as a care-team clinician sees it. Every
generated request goes through the WSGI application with the session cookie of the persona the permission matrix
lets call the operation (the care team's psychologist; management for the facility's figures); unsafe methods carry
the CSRF cookie and header as a browser would. Path parameters point at real objects: each operation's path template
is matched against the concrete URLs the matrix builds for the ``api`` namespace, so ``{stay_pk}`` is the care
team's stay, not a random number that only ever answers 404. Each operation gets a bounded number of generated
requests, valid and invalid (positive and negative generation); checks: no server error for all of them, and for the
valid ones the content type and response body conform to the schema.

Figures: ``schemathesis: N operations, M calls, K checks passed`` at the end of the run.
"""

from __future__ import annotations

import json
import re

import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests.conftest import login
from tests.fuzz.conftest import FIGURES, api_pattern_names, row_url
from tests.test_permission_matrix import MATRIX
from wmr.wsgi import application

EXAMPLES_PER_OPERATION = 15
# Status-code conformance is left out: the schema documents the success answer of each operation, not every 400 of
# bad input or 404 of a page past the end (schema gaps, not faults; noted in the closing report).
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
# Negative cases are invalid on purpose: only "no server error" applies to them (the rest is about valid answers).
NEGATIVE_CHECKS = [not_a_server_error]
PROFILE = hsettings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _concrete_api_urls(objects) -> list[tuple[str, str]]:
    """(URL, persona who may call it) for every API row of the matrix: the care team, or management for the
    facility's figures."""
    names = set(api_pattern_names())
    return [
        (row_url(row, objects), "treating" if row.expected["treating"] != 404 else "manager")
        for row in MATRIX
        if row.name in names and (row.expected["treating"], row.expected["manager"]) != (404, 404)
    ]


def _path_parameters(path_template: str, urls: list[tuple[str, str]]) -> tuple[dict[str, str], str] | None:
    """The values of ``path_template``'s parameters in the first concrete URL that matches it, and its caller."""
    pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path_template)) + "$"
    for url, persona in urls:
        match = re.match(pattern, url.split("?")[0])
        if match:
            return match.groupdict(), persona
    return None


def _session(client) -> tuple[dict, dict]:
    csrf = _get_new_csrf_string()
    cookies = {
        settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
        settings.CSRF_COOKIE_NAME: csrf,
        settings.LANGUAGE_COOKIE_NAME: "en",
    }
    return cookies, {"X-CSRFToken": csrf}


def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(objects, treating_psychologist, manager):
    clients = {"treating": login(treating_psychologist, language="en"), "manager": login(manager, language="en")}
    sessions = {persona: _session(client) for persona, client in clients.items()}
    # The schema as the clinician's browser gets it (werkzeug's client would drop a hand-made Cookie header).
    answer = clients["treating"].get(reverse("api:schema"), {"format": "json"})
    assert answer.status_code == 200
    schema = schemathesis.openapi.from_dict(json.loads(answer.content))
    schema.app = application  # calls go through the WSGI app, in this test's database transaction
    urls = _concrete_api_urls(objects)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20, "the schema lost operations"

    failures = []
    # Like Django's test client: a request's end must not close the test's database connection (PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _run_all(operations, urls, sessions, failures)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert not failures, "\n\n".join(failures)


def _run_all(operations, urls, sessions, failures):
    for operation in operations:
        found = _path_parameters(operation.path, urls)
        assert found is not None, f"{operation.label}: no matrix row gives a real object (and a caller) for its path"
        params, persona = found
        cookies, headers = sessions[persona]
        FIGURES.schemathesis_operations += 1
        for mode, checks in ((GenerationMode.POSITIVE, CHECKS), (GenerationMode.NEGATIVE, NEGATIVE_CHECKS)):
            try:
                _exercise(operation, mode, checks, params, headers, cookies)
            except BaseException as error:  # every operation runs; the failures are listed together
                if not isinstance(error, Exception | BaseExceptionGroup):
                    raise
                failures.append(f"{operation.label} ({mode.value}) as {persona}: {str(error)[:1500]}")


def _exercise(operation, mode, checks, params, headers, cookies):
    @PROFILE
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=params or None))
    def run(case):
        response = case.call(headers=headers, cookies=cookies)
        FIGURES.schemathesis_calls += 1
        case.validate_response(response, checks=checks)
        FIGURES.schemathesis_checks += len(checks)

    run()
