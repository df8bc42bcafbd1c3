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
