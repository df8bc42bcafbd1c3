"""Hostile values posted to every form of every page (issue 9, "Fuzzing bad input").

Discovery cannot miss a form: every GET row of the permission matrix (which itself covers every URL pattern, see
``test_every_url_pattern_is_in_the_matrix``) is opened by each persona that may open it — the care team's
psychologist, social worker and physician first, management, privacy officer and admin for their own pages — and
every ``<form>`` in the HTML is parsed. For each POST form Hypothesis posts hostile values (tests/fuzz/strategies.py);
GET forms (filters) get hostile query strings. Every answer must be no server error; a refused form (re-rendered with
errors, or a 4xx) must leave every table as it was and write no audit row of a change; the script payload must never
appear unescaped in an HTML answer, nor in the page a successful post redirects to.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import Resolver404, resolve
from hypothesis import given
from hypothesis import settings as hsettings

from tests.fuzz.conftest import (
    CI,
    FIGURES,
    MATRIX_PERSONA,
    PAGE_PERSONAS,
    changed_tables,
    fingerprint,
    last_audit_id,
    row_id,
    row_url,
    write_audits_since,
)
from tests.fuzz.strategies import UNESCAPED_MARKERS, Form, form_payload, parse_forms
from tests.test_permission_matrix import MATRIX

# Pages that show forms: every GET row some persona may open (Django's own admin aside: its forms are Django's).
PAGE_ROWS = [
    row for row in MATRIX if row.method == "get" and 200 in row.expected.values() and not row.name.startswith("admin:")
]
# Forms every page carries (the base template's language switch and logout): fuzzed once, on the home page's row.
CHROME_VIEWS = {"set_language", "logout"}
CHROME_ROW = "cases:worklist"

# The floor of discovered forms (what the suite found when written; a drop means a page or the parser broke).
MIN_FORMS = 110
MIN_PATTERNS_WITH_FORMS = 90


def _personas_for(row) -> list[str]:
    may = [p for p in PAGE_PERSONAS if row.expected[MATRIX_PERSONA.get(p, p)] == 200]
    if row.expected.get("anonymous") == 200:  # a public page (a patient link) is the same for everyone; the plan
        return may[:1]  # link is also bound to the first browser that opens it, so a second one must get 404
    team = [p for p in may if p in ("treating", "social_worker", "physician")]
    return team or may[:1]


def _view_name(url: str) -> str:
    try:
        return resolve(url.split("?")[0]).view_name
    except Resolver404:
        return f"unresolved:{url}"


def discover(row, objects, persona_client) -> list[tuple[str, Form, object]]:
    """The forms of ``row``'s page as each persona sees them: (persona, form, client), one per distinct form."""
    url = row_url(row, objects)
    found: dict[tuple, tuple[str, Form, object]] = {}
    for persona in _personas_for(row):
        client = persona_client(persona)
        response = client.get(url)
        assert response.status_code == 200, f"GET {url} as {persona}"
        FIGURES.pages += 1
        if "html" not in response.get("Content-Type", ""):
            continue
        for form in parse_forms(response.content.decode(), url):
            key = (form.method, form.action, tuple(sorted({f.name for f in form.fields})))
            found.setdefault(key, (persona, form, client))
    return list(found.values())


def _is_chrome(form: Form) -> bool:
    return _view_name(form.action) in CHROME_VIEWS


def _refused(response) -> bool:
    """A refused form: a 4xx, or the page again (200) with a bound form that has errors."""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code != 200:
        return False
    for ctx in response.context or []:
        for value in ctx.flatten().values() if hasattr(ctx, "flatten") else []:
            errors = getattr(value, "errors", None)
            if getattr(value, "is_bound", False) and errors:
                return True
    return False


def _assert_escaped(response, where: str):
    if "html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
        return
    body = response.content.decode(errors="replace")
    for marker in UNESCAPED_MARKERS:
        assert marker not in body, f"{where}: {marker!r} rendered unescaped"


def _send(client, form: Form, data: dict):
    if form.method == "post":
        return client.post(form.action, data)
    return client.get(form.action, {k: v for k, v in data.items() if not hasattr(v, "read")})


def fuzz(client, form: Form, label: str):
    @hsettings(CI)
    @given(data=form_payload(form))
    def run(data):
        before, audit_before = fingerprint(), last_audit_id()
        try:
            response = _send(client, form, data)
        except Exception as error:
            FIGURES.server_errors.append(f"{label}: {type(error).__name__}: {str(error)[:200]}")
            raise
        FIGURES.examples["form"] += 1
        assert response.status_code < 500, f"{label}: {response.status_code}"
        _assert_escaped(response, label)
        if form.method == "get" or _refused(response):
            FIGURES.rejected += form.method == "post"
            assert changed_tables(before, fingerprint()) == [], f"{label}: a refused request stored something"
            if form.method == "post":
                assert write_audits_since(audit_before) == [], f"{label}: a refused request wrote a change's audit"
        else:
            FIGURES.accepted += 1
            location = response.get("Location", "")
            if response.status_code in (301, 302, 303) and location.startswith("/"):
                _assert_escaped(client.get(location), f"{label} → {location}")

    run()


@pytest.mark.parametrize("row", PAGE_ROWS, ids=row_id)
def test_hostile_values_in_every_form_of_the_page(row, objects, persona_client):
    forms = discover(row, objects, persona_client)
    for persona, form, client in forms:
        if _is_chrome(form) and row.name != CHROME_ROW:
            continue
        FIGURES.forms.add((form.method, _view_name(form.action), tuple(sorted(f.name for f in form.fields))))
        FIGURES.patterns_with_forms.add(row.name)
        fuzz(client, form, f"{row.name} as {persona}: {form.describe()}")


class _RolledBack(Exception):
    pass


def test_form_discovery_finds_every_form(objects, persona_client):
    """Discovery over all pages at once: the number of distinct forms stays above the floor, and the list of URL
    patterns with forms is printed (``-s``) for the closing note."""
    forms: dict[tuple, str] = {}
    for persona in PAGE_PERSONAS:  # logged in outside the savepoints below, so the sessions stay
        persona_client(persona)
    for row in PAGE_ROWS:
        try:
            with transaction.atomic():  # each row's argument builder starts from the same objects
                for _persona, form, _client in discover(row, objects, persona_client):
                    key = (form.method, _view_name(form.action), tuple(sorted(f.name for f in form.fields)))
                    forms.setdefault(key, row.name)
                raise _RolledBack
        except _RolledBack:
            pass
    patterns = sorted(set(forms.values()))
    posts = [k for k in forms if k[0] == "post"]
    print(f"\nforms: {len(forms)} distinct ({len(posts)} POST) on {len(patterns)} URL patterns:")  # noqa: T201
    for name in patterns:
        print(f"  {name}: {sorted(k[1] for k, v in forms.items() if v == name)}")  # noqa: T201
    assert len(forms) >= MIN_FORMS
    assert len(patterns) >= MIN_PATTERNS_WITH_FORMS
    assert len([k for k in forms if k[1].startswith("unresolved:")]) == 0, "a form posts to a URL that does not exist"
