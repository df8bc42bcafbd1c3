"""The 106 recommendations (MBOR-PRIME 2024) from the project's copy ``wmr/data/recommendations.csv`` (id, section,
grade, consensus, scope, kind, measure, English summary) and the German summaries ``wmr/data/recommendations_de.csv``.
Read once per process; pure data, no database."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

DATA = Path(settings.BASE_DIR) / "wmr" / "data"

# The csv's section keys in catalogue order, with their labels (the dashboard shows the same labels).
SECTIONS = {
    "preparation": _("Preparing the stay"),
    "assignment": _("Access and assignment to WMR"),
    "goal_setting": _("Goal setting"),
    "diagnostics": _("Work-related diagnostics"),
    "counseling": _("Psychosocial counseling"),
    "work_groups": _("Work-related groups"),
    "workplace_training": _("Workplace training"),
    "rtw_management": _("Return-to-work management"),
    "team": _("Team and organisation"),
    "cooperation": _("Cooperation with external stakeholders"),
}
GRADES = {"shall": _("shall"), "should": _("should"), "may": _("may")}
KINDS = {
    "indicator": _("indicator"),
    "topic": _("topic"),
    "workflow": _("workflow"),
    "self_assessment": _("self-assessment"),
}
CONSENSUS = {"strong": _("strong consensus"), "consensus": _("consensus"), "majority": _("majority agreement")}
SCOPES = {"patient": _("per patient"), "facility": _("per facility"), "aggregate": _("over all patients")}


@dataclass(frozen=True)
class Recommendation:
    id: str  # "8.12"
    section: str  # "rtw_management"
    grade: str  # shall / should / may
    consent_pct: str
    consensus: str
    scope: str  # patient / facility
    kind: str  # indicator / topic / workflow / self_assessment
    measure: str  # the indicator's measure key ("" unless kind == indicator)
    summary_en: str
    summary_de: str

    @property
    def summary(self) -> str:
        """In the active language (German unless the user switched to English)."""
        return self.summary_en if (get_language() or "de").startswith("en") else (self.summary_de or self.summary_en)

    @property
    def section_label(self) -> str:
        return str(SECTIONS.get(self.section, self.section))

    @property
    def grade_label(self) -> str:
        return str(GRADES.get(self.grade, self.grade))

    @property
    def kind_label(self) -> str:
        return str(KINDS.get(self.kind, self.kind))

    @property
    def consensus_label(self) -> str:
        return str(CONSENSUS.get(self.consensus, self.consensus))

    @property
    def scope_label(self) -> str:
        return str(SCOPES.get(self.scope, self.scope))

    @property
    def sort_key(self) -> tuple[int, int]:
        major, minor = self.id.split(".")
        return int(major), int(minor)


@cache
def recommendations() -> tuple[Recommendation, ...]:
    german = {}
    path_de = DATA / "recommendations_de.csv"
    if path_de.exists():
        with open(path_de, encoding="utf-8") as f:
            german = {row["id"]: row["summary_de"] for row in csv.DictReader(f)}
    with open(DATA / "recommendations.csv", encoding="utf-8") as f:
        rows = [
            Recommendation(
                id=row["id"],
                section=row["section"],
                grade=row["grade"],
                consent_pct=row["consent_pct"],
                consensus=row["consensus"],
                scope=row["scope"],
                kind=row["kind"],
                measure=row["measure"],
                summary_en=row["summary"],
                summary_de=german.get(row["id"], ""),
            )
            for row in csv.DictReader(f)
        ]
    return tuple(sorted(rows, key=lambda r: r.sort_key))


@cache
def by_id() -> dict[str, Recommendation]:
    return {r.id: r for r in recommendations()}


@cache
def by_measure() -> dict[str, Recommendation]:
    return {r.measure: r for r in recommendations() if r.kind == "indicator"}


def search(*, text: str = "", section: str = "", grade: str = "", kind: str = "") -> list[Recommendation]:
    """The recommendations matching every given filter, in catalogue order.

    ``text``: each word must occur (case-insensitive, ß = ss) in the id, the measure key or either summary; a text
    that is exactly an id puts that recommendation first. Empty filters match everything; an unknown section, grade
    or kind matches nothing (the form refuses them before)."""
    terms = text.casefold().split()
    wanted = text.strip()
    found = []
    for rec in recommendations():
        if (section and rec.section != section) or (grade and rec.grade != grade) or (kind and rec.kind != kind):
            continue
        haystack = " ".join((rec.id, rec.measure, rec.summary_en, rec.summary_de)).casefold()
        if all(term in haystack for term in terms):
            found.append(rec)
    return sorted(found, key=lambda r: r.id != wanted)  # stable: catalogue order otherwise
