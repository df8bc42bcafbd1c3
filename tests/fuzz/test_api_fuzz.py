"""Hostile requests to every endpoint of the REST API (``/api/v1/``; issue 9, "Fuzzing bad input").

Endpoints come from the URL resolver (every pattern in the ``api`` namespace) with the permission matrix's argument
builders, so a new endpoint is fuzzed without being listed here. Write methods (those the endpoint's ``Allow`` header
offers) get hostile JSON (wrong types, nested garbage, huge arrays, huge numbers), invalid JSON and wrong content
types; every endpoint gets hostile query parameters. Never a server error; a refused request (4xx) stores nothing and
writes no audit row of a change.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.fuzz.conftest import (
    API,
    FIGURES,
    api_pattern_names,
    changed_tables,
    fingerprint,
    last_audit_id,
    row_url,
    write_audits_since,
)
from tests.fuzz.strategies import HOSTILE_TEXT, JSON_VALUES, SCRIPT
from tests.test_permission_matrix import MATRIX

API_NAMES = sorted(set(api_pattern_names()))
NOT_FUZZED = {"api:schema", "api:docs"}  # the schema and its viewer take no input (schemathesis reads the schema)
ROW_OF = {}
for _row in MATRIX:
    if _row.name in API_NAMES:
        ROW_OF.setdefault(_row.name, _row)

# Who calls: a care-team clinician for the stay's endpoints, management for the facility's (matrix expectations).
CALLER = {"treating": "treating_psychologist", "manager": "manager"}

QUERY_KEYS = ["page", "page_size", "limit", "offset", "ordering", "search", "status", "q", "facility", "since", "date"]

BODY_FIELDS = st.sampled_from(
    [
        "id",
        "stay",
        "patient",
        "date",
        "status",
        "kind",
        "answers",
        "number",
        "last_name",
        "birth_date",
        "steps",
        "notes",
    ]
)
JSON_BODIES = st.one_of(
    st.dictionaries(BODY_FIELDS, JSON_VALUES, max_size=6),
    JSON_VALUES,
    st.just({"items": list(range(10_000))}),
    st.just([{"id": i} for i in range(2_000)]),
    st.just({"answers": {SCRIPT: 10**30}, "date": "99999-01-01", "number": 2**63}),
)
RAW_BODIES = [
    ("application/json", b"{not json"),
    ("application/json", b'{"a": "\\ud800"}'),
    ("application/json", b"\xff\xfe\x00"),
    ("application/json", b"[" * 5_000),
    ("application/json", b""),
    ("text/plain", b"hello"),
    ("application/xml", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>"),
    ("application/x-www-form-urlencoded", b"a=1&a=2&" + b"b=" + b"x" * 10_000),
    ("multipart/form-data; boundary=zz", b"--zz\r\nbroken"),
]


def _caller(row) -> str | None:
    return next((p for p in CALLER if row.expected[p] in (200, 201, 405, 415)), None)


def _check(client, method: str, url: str, label: str, **kwargs):
    before, audit_before = fingerprint(), last_audit_id()
    try:
        response = getattr(client, method)(url, **kwargs)
    except Exception as error:
        FIGURES.server_errors.append(f"{label}: {type(error).__name__}: {str(error)[:200]}")
        raise
    FIGURES.examples["api"] += 1
    assert response.status_code < 500, f"{label}: {response.status_code} {response.content[:300]!r}"
    if response.status_code >= 400 or method == "get":
        assert changed_tables(before, fingerprint()) == [], f"{label}: a refused request stored something"
        assert write_audits_since(audit_before) == [], f"{label}: a refused request wrote a change's audit"
    return response


# Findings in apps other helpers own right now, for the lead (/tmp/fuzz_findings.md); strict: fixed means remove.
KNOWN: dict[str, str] = {}  # URL name → reason, for a 500 found and not fixed yet (strict xfail)


def _param(name: str):
    reason = KNOWN.get(name)
    return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=reason)) if reason else name


@pytest.mark.parametrize("name", [_param(n) for n in API_NAMES if n not in NOT_FUZZED])
def test_hostile_requests_to_every_api_endpoint(name, objects, request):
    from tests.conftest import login

    row = ROW_OF.get(name)
    assert row is not None, f"{name} has no row in the permission matrix"
    caller = _caller(row)
    assert caller, f"{name}: no persona of {sorted(CALLER)} may call it"
    client = login(request.getfixturevalue(CALLER[caller]), language="en")
    url = row_url(row, objects)
    allowed = {m.strip().lower() for m in client.options(url).get("Allow", "GET").split(",")}
    writes = sorted(allowed & {"post", "put", "patch", "delete"})

    @hsettings(API)
    @given(params=st.dictionaries(st.sampled_from(QUERY_KEYS), st.one_of(HOSTILE_TEXT, st.lists(HOSTILE_TEXT))))
    def hostile_query(params):
        _check(client, "get", url, f"GET {url}?{params!r:.200}", data=params)

    @hsettings(API)
    @given(method=st.sampled_from(writes or ["post"]), body=JSON_BODIES)
    def hostile_json(method, body):
        _check(client, method, url, f"{method.upper()} {url}", data=json.dumps(body), content_type="application/json")

    def hostile_raw():  # every raw body with every write method: few enough to send them all
        for method in writes or ["post"]:
            for content_type, body in RAW_BODIES:
                label = f"{method.upper()} {url} as {content_type}"
                _check(client, method, url, label, data=body, content_type=content_type)

    if "get" in allowed:
        hostile_query()
    hostile_json()
    hostile_raw()


@pytest.mark.parametrize("name", ["api:stay-list", "api:stay-screenings", "api:therapy-stay-sessions"])
def test_a_deeply_nested_json_body_answers_400_not_500(name, objects, treating_psychologist):
    """Regression (found by this suite): DRF's JSONParser let RecursionError through; wmr.parsers.JSONParser refuses."""
    from tests.conftest import login

    url = row_url(ROW_OF[name], objects)
    client = login(treating_psychologist)
    before = fingerprint()
    response = client.post(url, data=b"[" * 5_000, content_type="application/json")
    assert response.status_code == 400
    assert changed_tables(before, fingerprint()) == []
