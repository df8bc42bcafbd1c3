"""Shared pieces of the fuzz suite: the Hypothesis profile, the permission matrix's ``objects`` fixture, page
discovery per persona, a fingerprint of everything stored, and the figures printed when the session ends.

Figures: ``fuzz: N forms, M examples, K server errors`` (plus the API and schemathesis lines) at the end of the run.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, settings

from tests.conftest import login
from tests.test_permission_matrix import objects  # noqa: F401  (the matrix's shared objects, as a fixture here)
from wmr.models import AuditEntry

# Bounded and reproducible: the same examples on every run and on both CI legs.
settings.register_profile(
    "ci",
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
CI = settings.get_profile("ci")
API = settings(CI, max_examples=6)  # per endpoint and kind of request (query, JSON body, raw body)


@dataclass
class Figures:
    pages: int = 0
    forms: set = field(default_factory=set)
    patterns_with_forms: set = field(default_factory=set)
    examples: Counter = field(default_factory=Counter)
    server_errors: list = field(default_factory=list)
    rejected: int = 0
    accepted: int = 0
    schemathesis_operations: int = 0
    schemathesis_checks: int = 0
    schemathesis_calls: int = 0


FIGURES = Figures()


def pytest_terminal_summary(terminalreporter):
    f = FIGURES
    if not (f.examples or f.schemathesis_operations):
        return
    terminalreporter.write_line(
        f"fuzz: {len(f.forms)} forms on {len(f.patterns_with_forms)} URL patterns, "
        f"{f.examples['form']} form examples ({f.rejected} rejected, {f.accepted} accepted), "
        f"{f.examples['api']} API examples, {len(f.server_errors)} server errors"
    )
    if f.schemathesis_operations:
        terminalreporter.write_line(
            f"schemathesis: {f.schemathesis_operations} operations, {f.schemathesis_calls} calls, "
            f"{f.schemathesis_checks} checks passed"
        )
    for error in f.server_errors[:20]:
        terminalreporter.write_line(f"  server error: {error}")


# Tables whose rows change as a side effect of any request (sessions) or that are checked on their own (audit).
NOT_FINGERPRINTED = {
    "django_session",
    AuditEntry._meta.db_table,
    # Written by migrations only.
    "django_migrations",
    "django_content_type",
    "auth_permission",
}


def _normal(value):
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def fingerprint() -> dict[str, str]:
    """A digest of every row of every table: equal before and after means nothing was created, changed or deleted."""
    digests = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table in NOT_FINGERPRINTED:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608  (names from the schema)
            rows = sorted(repr(tuple(_normal(v) for v in row)) for row in cursor.fetchall())
            digests[table] = f"{len(rows)}:{hashlib.sha256(''.join(rows).encode()).hexdigest()[:16]}"
    return digests


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


# Audit codes a refused or re-rendered request may write: reads and refusals, never a change.
READ_VERBS = ("viewed", "listed", "exported", "downloaded", "refused", "rejected", "opened", "offered", "shown")


def last_audit_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def write_audits_since(audit_id: int) -> list[str]:
    actions = AuditEntry.objects.filter(id__gt=audit_id).values_list("action", flat=True)
    return [a for a in actions if not a.rsplit(".", 1)[-1].endswith(READ_VERBS)]


# Personas who open pages, in order: the care team first (psychologist, social worker, physician on the team),
# then the roles whose pages the care team cannot open.
PAGE_PERSONAS = {
    "treating": "treating_psychologist",
    "social_worker": "social_worker",
    "physician": "physician_on_team",
    "other_team": "other_team_clinician",
    "manager": "manager",
    "privacy_officer": "privacy_officer",
    "admin": "admin_user",
}
# The matrix has no physician persona: the physician on the team may open what the treating psychologist may.
MATRIX_PERSONA = {"physician": "treating"}


def row_url(row, objs: dict) -> str:
    """The URL of a permission-matrix row (rows of unnamed patterns carry their own path builder)."""
    url = getattr(row, "url", None)
    return url(objs) if callable(url) else reverse(row.name, args=row.args(objs))


def row_id(row) -> str:
    return getattr(row, "id", None) or f"{row.method}-{row.name}"


def api_pattern_names(patterns=None, namespace=None):
    """Every named URL pattern of the resolver in the ``api`` namespace."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            yield from api_pattern_names(pattern.url_patterns, inner or namespace)
        elif isinstance(pattern, URLPattern) and namespace == "api" and pattern.name:
            yield f"api:{pattern.name}"


@pytest.fixture
def persona_client(request):
    clients = {}

    def get(persona: str):
        if persona not in clients:
            clients[persona] = login(request.getfixturevalue(PAGE_PERSONAS[persona]), language="en")
        return clients[persona]

    return get
