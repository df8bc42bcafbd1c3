"""The catalogue pages: every logged-in staff member reads them; German by default, English when the UI is English;
search and filters; bad input shows a message, never an error page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from compliance import catalogue

URL = reverse("compliance:catalogue")


def _rows(response) -> list[str]:
    content = response.content.decode()
    return [rec.id for rec in catalogue.recommendations() if f'data-rec="{rec.id}"' in content]


def test_the_catalogue_lists_all_106_recommendations_in_german(client_for, treating_psychologist):
    response = client_for(treating_psychologist).get(URL)
    assert response.status_code == 200
    assert len(_rows(response)) == 106
    content = response.content.decode()
    assert "Alle Patient:innen erhalten eine Kopie der Zielvereinbarung." in content
    assert "Every patient receives a copy of the goal agreement." not in content


def test_the_catalogue_shows_english_summaries_when_the_ui_is_english(client_for, treating_psychologist):
    content = client_for(treating_psychologist, language="en").get(URL).content.decode()
    assert "Every patient receives a copy of the goal agreement." in content
    assert "Alle Patient:innen erhalten eine Kopie der Zielvereinbarung." not in content
    assert "Return-to-work management" in content  # a section heading


def test_the_catalogue_shows_grade_consensus_kind_and_measure_key(client_for, manager):
    content = client_for(manager, language="en").get(URL).content.decode()
    assert "<code>first_counseling_within_14d</code>" in content
    assert "majority agreement (64.3 %)" in content  # 4.4
    assert "strong consensus (100 %)" in content


def test_the_search_finds_by_word_and_the_count_says_so(client_for, social_worker):
    response = client_for(social_worker, language="en").get(URL, {"q": "Zielvereinbarung"})
    assert _rows(response) == ["3.7", "3.8", "3.9"]
    assert "3 of 106 recommendations" in response.content.decode()


def test_the_filters_select_section_grade_and_kind(client_for, social_worker):
    client = client_for(social_worker)
    assert len(_rows(client.get(URL, {"kind": "self_assessment"}))) == 17
    assert _rows(client.get(URL, {"grade": "may"})) == ["4.4", "8.18"]
    assert len(_rows(client.get(URL, {"section": "team", "kind": "self_assessment", "grade": "should"}))) == 5


def test_a_search_without_result_says_so(client_for, social_worker):
    response = client_for(social_worker, language="en").get(URL, {"q": "xylophon"})
    assert response.status_code == 200
    assert "No recommendation matches the search." in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"section": "screening"}, "There is no such section; showing all sections."),
        ({"grade": "must"}, "Please choose the grade shall, should or may; showing all grades."),
        ({"kind": "everything"}, "There is no such kind; showing all kinds."),
        ({"q": "x" * 201}, "Please search with at most 200 characters."),
        ({"q": "BEM\x00"}, "Null characters are not allowed."),
    ],
)
def test_a_bad_filter_value_is_named_and_left_out(client_for, social_worker, params, message):
    response = client_for(social_worker, language="en").get(URL, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert len(_rows(response)) == 106


def test_a_bad_filter_value_keeps_the_good_ones(client_for, social_worker):
    response = client_for(social_worker).get(URL, {"grade": "must", "kind": "self_assessment"})
    assert len(_rows(response)) == 17


def test_a_search_of_exactly_200_characters_is_accepted(client_for, social_worker):
    response = client_for(social_worker, language="en").get(URL, {"q": "x" * 200})
    assert "at most 200 characters" not in response.content.decode()
    assert _rows(response) == []


def test_the_catalogue_costs_no_query_beyond_the_session_and_the_user(
    client_for, social_worker, django_assert_max_num_queries
):
    client = client_for(social_worker)
    # session read, user, and the session's save (savepoint, update, release): the middleware's, not the page's.
    # The catalogue itself is read from the csv files once per process.
    with django_assert_max_num_queries(5):
        client.get(URL, {"q": "BEM"})


def test_the_detail_page_shows_both_summaries_and_the_measure_key(client_for, privacy_officer):
    response = client_for(privacy_officer, language="en").get(reverse("compliance:recommendation", args=["8.12"]))
    assert response.status_code == 200
    content = response.content.decode()
    rec = catalogue.by_id()["8.12"]
    assert rec.summary_de in content and rec.summary_en in content
    assert '<code data-testid="measure">sociomedical_appraisal_when_limited</code>' in content
    assert "Return-to-work management" in content


def test_the_detail_page_of_a_self_assessment_row_offers_management_the_answer_link(client_for, manager):
    content = client_for(manager).get(reverse("compliance:recommendation", args=["9.2"])).content.decode()
    assert reverse("compliance:self-assessment") in content


def test_the_detail_page_offers_a_clinician_no_self_assessment_link(client_for, social_worker):
    content = client_for(social_worker).get(reverse("compliance:recommendation", args=["9.2"])).content.decode()
    assert reverse("compliance:self-assessment") not in content


@pytest.mark.parametrize("rec_id", ["8.19", "11.1", "0.0", "abc", "8.12x", "8"])
def test_an_unknown_recommendation_answers_404(client_for, social_worker, rec_id):
    assert client_for(social_worker).get(reverse("compliance:recommendation", args=[rec_id])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login(client):
    assert client.get(URL).status_code == 302
    assert client.get(reverse("compliance:recommendation", args=["1.1"])).status_code == 302


def test_the_null_character_message_is_the_one_django_gives():
    from django.core.validators import ProhibitNullCharactersValidator

    with translation.override("en"):
        assert str(ProhibitNullCharactersValidator.message) == "Null characters are not allowed."
