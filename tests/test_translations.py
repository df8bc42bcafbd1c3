"""The German translation is complete (STYLE.md 13): every entry of locale/de/LC_MESSAGES/django.po is translated and
none is fuzzy (Django ignores fuzzy entries), placeholders survive, and the compiled django.mo holds exactly what the
.po says, so a .po edited without `compilemessages` fails here."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

LC_MESSAGES = Path(__file__).resolve().parent.parent / "locale" / "de" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{.*?\}\}")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def parse_po(path: Path) -> list[Entry]:
    """A small .po reader: enough for the files makemessages writes (no obsolete entries, UTF-8)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, target = None, None
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if match:
            target = (match.group(1), int(match.group(2) or 0))
            text = ast.literal_eval(match.group(3))
        else:
            text = ast.literal_eval(line)
        kind, index = target
        if kind == "msgstr":
            entry.msgstr[index] = entry.msgstr.get(index, "") + text
        else:
            setattr(entry, kind, (getattr(entry, kind) or "") + text)
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return [entry for entry in parse_po(PO) if entry.msgid]


def test_the_german_catalogue_has_entries(entries):
    assert len(entries) > 100


def test_every_german_entry_is_translated(entries):
    untranslated = [
        f"line {entry.line}: {entry.msgid!r}" for entry in entries if not all(entry.msgstr.values()) or not entry.msgstr
    ]
    assert untranslated == []


def test_no_german_entry_is_fuzzy():
    fuzzy = [f"line {entry.line}: {entry.msgid!r}" for entry in parse_po(PO) if "fuzzy" in entry.flags]
    assert fuzzy == []


def test_plural_entries_have_both_german_forms(entries):
    plurals = [entry for entry in entries if entry.msgid_plural is not None]
    assert plurals
    assert all(sorted(entry.msgstr) == [0, 1] for entry in plurals)


def test_translations_keep_every_placeholder(entries):
    broken = []
    for entry in entries:
        expected = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in entry.msgstr.values():
            if sorted(PLACEHOLDER.findall(text)) != expected:
                broken.append(f"line {entry.line}: {entry.msgid!r} -> {text!r}")
    assert broken == []


def test_the_compiled_mo_is_not_older_than_the_po(entries):
    """Compared by content, not by file times: a checkout gives both files arbitrary mtimes, and makemessages
    rewrites the .po (a newer mtime) even when no string changed."""
    with MO.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    stale = []
    for entry in entries:
        if entry.msgid_plural is None:
            if catalog.get(entry.key) != entry.msgstr[0]:
                stale.append(entry.msgid)
        elif any(catalog.get((entry.key, index)) != text for index, text in entry.msgstr.items()):
            stale.append(entry.msgid)
    assert stale == [], "django.mo is older than django.po: run `manage.py compilemessages -l de`"


@pytest.mark.parametrize(
    ("english", "german"),
    [
        ("The discharge date lies before the admission date.", "Das Entlassungsdatum liegt vor dem Aufnahmedatum."),
        ("Contact with the employer", "Kontakt mit dem Arbeitgeber"),
        ("Primary therapist", "Bezugstherapeut:in"),
    ],
)
def test_django_serves_the_german_text(english, german):
    with translation.override("de"):
        assert _(english) == german
