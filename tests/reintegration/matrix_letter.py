"""Permission-matrix rows of the discharge letter (collected by tests/test_permission_matrix.py).

The letter's pages are the care team's to read; drafting, editing, the copies and their handover are its clinicians';
signing and correcting are the physician's — the matrix personas on the team are a psychologist and a social worker,
so those rows answer 302 with the refusal as a message (not a 404: the letter is theirs to read). A signed letter is
made without rendering (the matrix tests access, not the PDF).
"""

from __future__ import annotations

import datetime as dt

from tests.permissions import API_TEAM, POST_ONLY_GET, TEAM_READ, TEAM_WRITE_FORM, TEAM_WRITE_POST, Row, stay

SIGNED_ON = dt.date(2026, 12, 4)


def _draft(o):
    from reintegration.models import DischargeLetter
    from reintegration.services.letter import letter_draft

    letter = DischargeLetter.objects.filter(stay=o["stay"], status="draft").first()
    return letter or letter_draft(by=o["membership"].user, stay=o["stay"], today=SIGNED_ON)


def _signed(o):
    from patients.models import DocumentKind
    from patients.services import RenderedDocument, document_store
    from reintegration.models import DischargeLetter

    letter = DischargeLetter.objects.filter(stay=o["stay"], status="signed").first()
    if letter is None:
        document = document_store(
            by=None,
            stay=o["stay"],
            kind=DocumentKind.DISCHARGE_LETTER,
            rendered=RenderedDocument(filename="brief.pdf", content_type="application/pdf", content=b"%PDF-1.7\n"),
        )
        letter = DischargeLetter.objects.create(
            stay=o["stay"],
            version=1,
            status="signed",
            signed_on=SIGNED_ON,
            document=document,
            diagnoses=[{"code": "F43.2", "text": "Anpassungsstörung"}],
            ability_last_job="6_plus",
            ability_general_market="6_plus",
        )
    return letter


def with_draft(o) -> list:
    _draft(o)
    return [o["stay"].pk]


def with_signed(o) -> list:
    _signed(o)
    return [o["stay"].pk]


def draft_letter(o) -> list:
    return [o["stay"].pk, _draft(o).pk]


def signed_letter(o) -> list:
    return [o["stay"].pk, _signed(o).pk]


def _edit_data(o) -> dict:
    return {"diagnoses": "F43.2 Anpassungsstörung", "course": "Verlauf", "ability_last_job": "6_plus"}


ROWS: list[Row] = [
    Row("reintegration:letter", "get", stay, TEAM_READ),
    Row("reintegration:letter", "get", with_draft, TEAM_READ),
    Row("reintegration:letter", "get", with_signed, TEAM_READ),
    Row("reintegration:letter-versions", "get", with_signed, TEAM_READ),
    Row("reintegration:letter-draft", "post", stay, TEAM_WRITE_POST),
    Row("reintegration:letter-draft", "get", stay, POST_ONLY_GET),
    Row("reintegration:letter-edit", "get", with_draft, TEAM_WRITE_FORM),
    Row("reintegration:letter-edit", "post", with_draft, TEAM_WRITE_POST, data=_edit_data),
    Row("reintegration:letter-preview", "get", with_draft, TEAM_READ),
    Row("reintegration:letter-sign", "post", with_draft, TEAM_WRITE_POST),  # refused: not a physician
    Row("reintegration:letter-sign", "get", with_draft, POST_ONLY_GET),
    Row("reintegration:letter-revise", "post", with_signed, TEAM_WRITE_POST),  # refused: not a physician
    Row("reintegration:letter-revise", "get", with_signed, POST_ONLY_GET),
    Row("reintegration:letter-copies", "post", draft_letter, TEAM_WRITE_POST),  # refused: a draft has no copies
    Row("reintegration:letter-copies", "get", signed_letter, POST_ONLY_GET),
    Row("reintegration:letter-handed-over", "get", signed_letter, TEAM_WRITE_FORM),
    Row("api:stay-discharge-letter", "get", with_signed, API_TEAM),
]
