"""The catalogue data: the German summaries complete for all 106 recommendations, the labels, and the search."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from compliance import catalogue

DATA = Path(settings.BASE_DIR) / "wmr" / "data"


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_german_file_has_the_106_ids_of_the_english_file_in_the_same_order():
    english = [row["id"] for row in _rows("recommendations.csv")]
    german = [row["id"] for row in _rows("recommendations_de.csv")]
    assert len(english) == 106
    assert german == english


def test_the_german_file_has_exactly_the_columns_id_and_summary_de():
    with open(DATA / "recommendations_de.csv", encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == ["id", "summary_de"]


def test_no_german_summary_is_empty_or_a_copy_of_the_english_one():
    english = {row["id"]: row["summary"] for row in _rows("recommendations.csv")}
    for row in _rows("recommendations_de.csv"):
        assert row["summary_de"].strip(), row["id"]
        assert row["summary_de"] != english[row["id"]], row["id"]
        assert row["summary_de"] == row["summary_de"].strip(), row["id"]


def test_the_german_summaries_speak_of_mbor_never_of_wmr():
    german = " ".join(row["summary_de"] for row in _rows("recommendations_de.csv"))
    assert "WMR" not in german
    assert "MBOR" in german
    assert "stufenweise" in german and "betriebliches Eingliederungsmanagement (BEM)" in german
    assert "Entlassungsbericht" in german and "sozialmedizinische Beurteilung" in german


def test_every_recommendation_is_loaded_with_both_summaries():
    recs = catalogue.recommendations()
    assert len(recs) == 106
    assert all(rec.summary_en and rec.summary_de for rec in recs)
    assert catalogue.by_id()["8.12"].summary_de.startswith("Der Entlassungsbericht enthält")


def test_the_summary_follows_the_language_german_by_default():
    rec = catalogue.by_id()["3.9"]
    with translation.override("de"):
        assert rec.summary == "Alle Patient:innen erhalten eine Kopie der Zielvereinbarung."
    with translation.override("en"):
        assert rec.summary == "Every patient receives a copy of the goal agreement."


def test_every_section_grade_kind_consensus_and_scope_of_the_csv_has_a_label():
    rows = _rows("recommendations.csv")
    assert {row["section"] for row in rows} == set(catalogue.SECTIONS)
    assert {row["grade"] for row in rows} == set(catalogue.GRADES)
    assert {row["kind"] for row in rows} == set(catalogue.KINDS)
    assert {row["consensus"] for row in rows} <= set(catalogue.CONSENSUS)
    assert {row["scope"] for row in rows} <= set(catalogue.SCOPES)


def test_the_sections_are_listed_in_catalogue_order():
    first_seen = list(dict.fromkeys(rec.section for rec in catalogue.recommendations()))
    assert list(catalogue.SECTIONS) == first_seen


def test_section_labels_are_translated_lazily():
    rec = catalogue.by_id()["9.2"]
    with translation.override("en"):
        assert rec.section_label == "Team and organisation"
        assert rec.grade_label == "should"
        assert rec.kind_label == "self-assessment"


def _ids(**filters) -> list[str]:
    return [rec.id for rec in catalogue.search(**filters)]


def test_an_empty_search_finds_all_106_in_catalogue_order():
    assert _ids() == [rec.id for rec in catalogue.recommendations()]
    assert _ids(text="   ") == _ids()


def test_a_search_for_an_exact_id_puts_that_recommendation_first():
    found = _ids(text="8.1")
    assert found[0] == "8.1"
    assert set(found) >= {"8.1", "8.10", "8.18"}
    assert _ids(text=" 10.8 ")[0] == "10.8"


def test_a_search_finds_words_of_the_german_summary():
    assert _ids(text="Zielvereinbarung") == ["3.7", "3.8", "3.9"]


def test_a_search_finds_words_of_the_english_summary_whatever_the_case():
    assert _ids(text="GOAL AGREEMENT") == ["3.7", "3.8", "3.9"]


def test_a_search_finds_the_measure_key():
    assert _ids(text="first_counseling_within_14d") == ["5.3"]


def test_every_word_of_a_search_must_match():
    assert "8.2" in _ids(text="BEM")
    assert _ids(text="BEM sechs Wochen") == ["8.2"]
    assert _ids(text="BEM Zielvereinbarung") == []


def test_a_search_treats_sharp_s_and_ss_alike():
    assert "8.5" in _ids(text="Massnahmen")
    assert "8.5" in _ids(text="Maßnahmen")


@pytest.mark.parametrize(
    ("filters", "count"),
    [
        ({"kind": "self_assessment"}, 17),
        ({"kind": "indicator"}, 28),
        ({"kind": "topic"}, 25),
        ({"kind": "workflow"}, 36),
        ({"grade": "shall"}, 80),
        ({"grade": "should"}, 24),
        ({"grade": "may"}, 2),
        ({"section": "team"}, 14),
        ({"section": "preparation"}, 4),
        ({"section": "team", "kind": "self_assessment"}, 12),
        ({"section": "team", "kind": "self_assessment", "grade": "should"}, 5),
    ],
)
def test_the_filters_select_by_section_grade_and_kind(filters, count):
    found = catalogue.search(**filters)
    assert len(found) == count
    for name, value in filters.items():
        assert all(getattr(rec, name) == value for rec in found)


def test_the_may_recommendations_are_4_4_and_8_18():
    assert _ids(grade="may") == ["4.4", "8.18"]


def test_an_unknown_filter_value_matches_nothing():
    assert _ids(section="screening") == []
    assert _ids(grade="must") == []
