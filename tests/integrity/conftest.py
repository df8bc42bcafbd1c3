"""Shared pieces of the integrity tests: tampering as someone with database rights would (raw SQL; on PostgreSQL
the append-only triggers are switched off for the statement, in the same transaction, and on again)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from patients import services as patient_services
from patients.services import RenderedDocument
from wmr import audit

POSTGRESQL = connection.vendor == "postgresql"
postgresql_only = pytest.mark.skipif(not POSTGRESQL, reason="PostgreSQL only (advisory lock, triggers)")


def tamper(table: str, sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if POSTGRESQL:
            # the test's own transaction holds deferred foreign-key checks; ALTER TABLE needs them done first
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if POSTGRESQL:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def run_verify(*args: str) -> tuple[bool, str]:
    """``manage.py verify_integrity``: (exit status zero, printed output)."""
    out = StringIO()
    try:
        call_command("verify_integrity", *args, stdout=out)
    except CommandError:
        return False, out.getvalue()
    return True, out.getvalue()


@pytest.fixture
def entries(stay, treating_psychologist):
    """Five audit rows about the stay (the fixtures wrote some before)."""
    return [
        audit.log(stay, "patients.stay.viewed", user=treating_psychologist, data={"tab": n, "ü": "ß"}) for n in range(5)
    ]


@pytest.fixture
def store_document(treating_psychologist):
    def store(stay, content: bytes = b"%PDF-1.7 signed letter", kind: str = "discharge_letter"):
        rendered = RenderedDocument(filename="letter.pdf", content_type="application/pdf", content=content)
        return patient_services.document_store(by=treating_psychologist, stay=stay, kind=kind, rendered=rendered)

    return store
