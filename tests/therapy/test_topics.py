"""The topic catalogue against the project copy of the recommendations, both ways."""

import csv
from pathlib import Path

import pytest

from therapy import topics
from therapy.models import SessionKind

CSV = Path(__file__).resolve().parents[2] / "wmr" / "data" / "recommendations.csv"


def topic_rows() -> list[dict]:
    with CSV.open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["kind"] == "topic"]


def test_every_topic_row_of_the_recommendations_has_an_entry_and_every_entry_a_row():
    in_csv = {row["measure"] for row in topic_rows()}
    in_catalogue = {topic.code for topic in topics.TOPICS}
    assert in_csv - in_catalogue == set(), "topic rows without a catalogue entry"
    assert in_catalogue - in_csv == set(), "catalogue entries without a topic row"


@pytest.mark.parametrize("row", topic_rows(), ids=lambda row: row["id"])
def test_each_entry_carries_the_recommendation_id_section_and_grade_of_its_row(row):
    topic = topics.topic(row["measure"])
    assert (topic.recommendation, topic.section, topic.grade) == (row["id"], row["section"], row["grade"])
    assert topic.label_de and topic.label_en


def test_codes_are_unique_and_labels_are_short():
    assert len({t.code for t in topics.TOPICS}) == len(topics.TOPICS)
    assert all(len(t.label_de) <= 80 and len(t.label_en) <= 80 for t in topics.TOPICS)


def test_counseling_topics_are_offered_for_the_counseling_kinds_and_information_sessions_only():
    codes = {t.code for t in topics.topics_for_kind(SessionKind.INDIVIDUAL_COUNSELING)}
    assert "severe_disability" in codes
    assert codes == {t.code for t in topics.topics_of_section(topics.COUNSELING)}
    for kind in (SessionKind.SMALL_GROUP_COUNSELING, SessionKind.GROUP_COUNSELING, SessionKind.INFORMATION):
        assert {t.code for t in topics.topics_for_kind(kind)} == codes
    assert topics.invalid_topics(["severe_disability"], SessionKind.WORK_GROUP) == ["severe_disability"]


def test_group_topics_belong_to_work_groups_and_training_topics_to_workplace_training():
    assert {t.section for t in topics.topics_for_kind(SessionKind.WORK_GROUP)} == {topics.WORK_GROUPS}
    assert {t.section for t in topics.topics_for_kind(SessionKind.WORKPLACE_TRAINING)} == {topics.WORKPLACE_TRAINING}
    assert topics.topics_for_kind(SessionKind.OTHER) == ()


def test_every_session_kind_named_in_the_catalogue_exists():
    named = set().union(*topics.KINDS_OF_SECTION.values())
    assert named <= set(SessionKind.values)


def test_unknown_codes_are_invalid_and_clean_topics_orders_by_catalogue():
    assert topics.invalid_topics(["nonsense", "aftercare"], SessionKind.INDIVIDUAL_COUNSELING) == ["nonsense"]
    assert topics.clean_topics(["aftercare", "career_prospects", "aftercare"]) == ["career_prospects", "aftercare"]


def test_the_label_follows_the_language():
    topic = topics.topic("vocational_rehabilitation")
    assert topic.label("de") == "Leistungen zur Teilhabe am Arbeitsleben (LTA)"
    assert topic.label("en") == "Vocational rehabilitation (LTA)"
    assert topic.required and not topics.topic("aftercare").required
