"""Server errors the fuzz suite found, each pinned by a plain test (the fuzz run is random within its bounds)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from screening.models import InstrumentVersion
from tests.conftest import login
from tests.fuzz.conftest import changed_tables, fingerprint


@pytest.mark.parametrize(
    "text",
    [
        "code: x\nvalid_from: 2026-02-31\n",  # YAML reads it as a date: day out of range
        "released: 0000-00-00\n",  # year 0
        "[" * 5_000,  # JSON nested too deeply
        "a: " + "[" * 3_000,  # YAML nested too deeply
    ],
    ids=["yaml-date-out-of-range", "yaml-year-0", "json-nested", "yaml-nested"],
)
def test_an_unreadable_instrument_definition_is_refused_with_a_message(admin_user, text):
    client = login(admin_user, language="en")
    before = fingerprint()
    response = client.post(reverse("screening:instrument-import"), {"text": text})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert changed_tables(before, fingerprint()) == []
    assert not InstrumentVersion.objects.filter(code="x").exists()


def test_a_nul_character_in_a_logged_query_string_is_stored_as_a_replacement_character(stay, treating_psychologist):
    """PostgreSQL's JSON column refuses U+0000: the stays list logs its query, so ``?search=a%00b`` answered 500."""
    from wmr.models import AuditEntry

    response = login(treating_psychologist).get(reverse("api:stay-list"), {"search": "a\x00b"})
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="patients.stay.api_listed").latest("id")
    assert entry.data["query"] == {"search": "a\ufffdb"}
