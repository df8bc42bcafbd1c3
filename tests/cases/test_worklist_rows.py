"""The worklist's rows built in Python (cases/templatetags/worklist.py) equal the template loop they replaced."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from cases import selectors
from cases.templatetags.worklist import worklist_rows
from patients.models import StayStatus
from tests.factories import PatientFactory

REFERENCE = Template((Path(__file__).parent / "worklist_row_reference.html").read_text())

pytestmark = pytest.mark.django_db


def _markup(html) -> str:
    """The markup without the whitespace between tags (the template's indentation)."""
    return re.sub(r">\s+<", "><", str(html)).strip()


def _reference(stays) -> str:
    return _markup(REFERENCE.render(Context({"page": stays})))


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_rows_equal_the_template_for_every_status_and_awkward_names(
    make_stay, facility, treating_psychologist, language
):
    facility.short_name = 'Klinik "Am See" & <Co>'
    facility.save()
    names = ['<script>alert("x")</script>', "O'Brien & Söhne", "Müller-Lüdenscheidt"]
    for i, status in enumerate(StayStatus.values):
        discharge = dt.date(2026, 11, 20) if status == "discharged" else None
        patient = PatientFactory(facility=facility, last_name=names[i % 3], first_name=f"Vor{i}")
        make_stay(patient=patient, status=status, discharge_date=discharge, admission_date=dt.date(2026, 10, 1 + i))
    stays = list(selectors.worklist(treating_psychologist))
    assert len(stays) == len(StayStatus.values)
    with translation.override(language):
        assert _markup(worklist_rows(stays)) == _reference(stays)
    assert "<script>" not in str(worklist_rows(stays))


def test_no_stays_gives_the_empty_row():
    with translation.override("en"):
        assert _markup(worklist_rows([])) == _reference([])
        assert "No stays match." in str(worklist_rows([]))
