"""Reads of the discharge letter (recommendations 8.6, 8.12, 8.17), for its page, its API and the case overview.

``stay_letter_state`` reads every version and every stored PDF of the letter in two queries, whatever their number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from patients.models import Document, DocumentKind, Stay
from reintegration.models import DischargeLetter, LetterStatus

COPIES_REQUIRED = 2  # rec 8.17


def stay_letters(stay: Stay):
    """All versions of the stay's discharge letter, newest first, with their authors (the PDFs are not loaded)."""
    return (
        DischargeLetter.objects.filter(stay=stay)
        .select_related("previous", "created_by", "signed_by", "copies_handed_over_by")
        .order_by("-version")
    )


def stay_letter_documents(stay: Stay):
    """The stored letters and patient's copies of the stay, newest first, without their bytes."""
    return (
        Document.objects.filter(stay=stay, kind__in=[DocumentKind.DISCHARGE_LETTER, DocumentKind.DISCHARGE_LETTER_COPY])
        .select_related("created_by")
        .defer("content")
        .order_by("-created_at", "-id")
    )


@dataclass
class LetterVersion:
    """One version with its stored PDFs: the signed letter and the patient's copies made of it."""

    letter: DischargeLetter
    document: Document | None = None
    copies: list[Document] = field(default_factory=list)

    @property
    def copies_made(self) -> int:
        """Separate copies made (copy 1 and copy 2 count once each, however often they were reprinted)."""
        return len({d.facts.get("copy") for d in self.copies})


@dataclass
class LetterState:
    """What the letter page and the case overview show of a stay's discharge letter."""

    versions: list[LetterVersion]  # newest first
    current: LetterVersion | None  # the newest version (a draft being corrected, or the signed one)
    signed: LetterVersion | None  # the signed version in force
    draft: LetterVersion | None

    @property
    def copies_made(self) -> int:
        return self.signed.copies_made if self.signed else 0

    @property
    def copies_complete(self) -> bool:
        return self.copies_made >= COPIES_REQUIRED

    @property
    def copies_handed_over_on(self) -> dt.date | None:
        return self.signed.letter.copies_handed_over_on if self.signed else None


def letter_state(letters: list[DischargeLetter], documents: list[Document]) -> LetterState:
    """The state from the letters (newest first) and the stay's letter documents; no further queries."""
    by_id = {d.pk: d for d in documents}
    versions = []
    for letter in letters:
        copies = [
            d
            for d in documents
            if d.kind == DocumentKind.DISCHARGE_LETTER_COPY and d.facts.get("letter_id") == letter.pk
        ]
        versions.append(LetterVersion(letter=letter, document=by_id.get(letter.document_id), copies=copies))
    return LetterState(
        versions=versions,
        current=versions[0] if versions else None,
        signed=next((v for v in versions if v.letter.status == LetterStatus.SIGNED), None),
        draft=next((v for v in versions if v.letter.status == LetterStatus.DRAFT), None),
    )


def stay_letter_state(stay: Stay, today: dt.date) -> LetterState:
    """Versions, the signed one in force, the draft and the copies (8.17), in two queries: letters (with authors),
    documents (without their bytes)."""
    return letter_state(list(stay_letters(stay)), list(stay_letter_documents(stay)))


def stay_letter_history(stay: Stay) -> list:
    """Every recorded state of the stay's letter versions (simple-history), newest first, with what changed: the
    edits of a draft stay readable. One query."""
    from patients.history import history_entries

    records = (
        DischargeLetter.history.filter(stay_id=stay.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    entries = history_entries(records, str(DischargeLetter._meta.verbose_name))
    # The record kept at signing is the signed PDF's content (chart included): the PDF shows it, not the diff.
    snapshot = str(DischargeLetter._meta.get_field("record_snapshot").verbose_name)
    for entry in entries:
        entry.changes = [change for change in entry.changes if change[0] != snapshot]
    return sorted(entries, key=lambda e: e.when, reverse=True)
