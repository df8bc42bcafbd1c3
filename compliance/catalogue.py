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

DATA = Path(settings.BASE_DIR) / "wmr" / "data"


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
