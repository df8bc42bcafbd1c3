"""The goal agreement in the browser: the case overview section, the agreement page and its form pages, the
versions page. Refused input keeps what was typed with a clear message; objects of another stay answer 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from goals import documents, services
from goals.models import GoalAgreement, GoalReview
from goals.selectors import stay_goals_state
from tests.goals.conftest import DAY2, TODAY, goal_values
from wmr.models import AuditEntry


def overview(client, stay) -> str:
    response = client.get(reverse("cases:overview", args=[stay.pk]))
    assert response.status_code == 200
    return response.content.decode()


def url(name, stay, *args):
    return reverse(f"goals:{name}", args=[stay.pk, *args])


# --- case overview (rec 3.8: the team sees the agreement) ----------------------------------------------------------


@freeze_time("2026-11-08 12:00")  # day 7
def test_without_goals_the_overview_shows_the_first_week_goals_as_due_until_day_7(
    stay, treating_psychologist, client_for
):
    html = overview(client_for(treating_psychologist), stay)
    assert 'data-testid="goals-first-week" data-state="open"' in html
    assert url("start", stay) in html


@freeze_time("2026-11-09 12:00")  # day 8
def test_without_goals_the_overview_shows_them_overdue_on_day_8(stay, treating_psychologist, client_for):
    assert 'data-testid="goals-first-week" data-state="overdue"' in overview(client_for(treating_psychologist), stay)


def test_the_whole_team_sees_the_agreed_goals_on_the_overview(agreed, stay, social_worker, client_for):
    html = overview(client_for(social_worker), stay)
    assert 'data-testid="goals-first-week" data-state="met"' in html
    assert 'data-testid="goals-agreed" data-state="yes"' in html
    assert 'data-testid="goals-copy" data-state="no"' in html
    assert "Wieder vier Stunden am Stück am Schreibtisch arbeiten" in html
    assert "Frau Hartmann (Ergotherapie)" in html
    assert url("agreement", stay) in html


def test_goals_written_on_day_8_show_as_late(stay, treating_psychologist, client_for):
    agreement = services.agreement_start(
        by=treating_psychologist, stay=stay, written_on=dt.date(2026, 11, 9), today=TODAY
    )
    services.goal_add(by=treating_psychologist, agreement=agreement, **goal_values())
    assert 'data-testid="goals-first-week" data-state="late"' in overview(client_for(treating_psychologist), stay)


def test_an_empty_draft_does_not_count_as_goals_written(stay, treating_psychologist):
    services.agreement_start(by=treating_psychologist, stay=stay, written_on=DAY2, today=TODAY)
    assert stay_goals_state(stay, dt.date(2026, 11, 9)).first_week_state == "overdue"


def test_the_next_review_is_overdue_after_the_earliest_review_date_until_a_review_covers_it(
    agreed, stay, treating_psychologist
):
    state = stay_goals_state(stay, dt.date(2026, 11, 17))
    assert (state.next_review_on, state.next_review_state) == (dt.date(2026, 11, 16), "overdue")
    assert stay_goals_state(stay, dt.date(2026, 11, 16)).next_review_state == "due"
    assert stay_goals_state(stay, dt.date(2026, 11, 15)).next_review_state == "upcoming"
    goals = agreed.goals.all()
    services.review_record(
        by=treating_psychologist,
        agreement=agreed,
        occasion="after_diagnostics",
        reviewed_on=dt.date(2026, 11, 16),
        outcomes={g.pk: ("partly", "") for g in goals},
        today=TODAY,
    )
    state = stay_goals_state(stay, dt.date(2026, 11, 17))
    assert state.next_review_state == "none"
    assert state.reviewed_after_diagnostics is not None and state.reviewed_at_discharge is None
    assert state.discharge_review_state == "upcoming"  # planned discharge 7.12.2026
    assert stay_goals_state(stay, dt.date(2026, 12, 8)).discharge_review_state == "overdue"


def _many_goals(stay, by, count):
    agreement = services.agreement_start(by=by, stay=stay, written_on=DAY2, today=TODAY)
    for n in range(count):
        services.goal_add(by=by, agreement=agreement, **goal_values(text=f"Ziel {n}"))
    services.agreement_agree(by=by, agreement=agreement, agreed_on=DAY2, agreed_how="signed", today=TODAY)
    services.review_record(
        by=by,
        agreement=agreement,
        occasion="after_diagnostics",
        reviewed_on=dt.date(2026, 11, 10),
        outcomes={g.pk: ("changed", "") for g in agreement.goals.all()},
        today=TODAY,
    )


def _queries(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_overview_costs_the_same_queries_for_1_goal_and_for_30_goals_in_two_versions(
    make_stay, treating_psychologist, client_for
):
    one, many = make_stay(), make_stay()
    _many_goals(one, treating_psychologist, 1)
    _many_goals(many, treating_psychologist, 30)
    client = client_for(treating_psychologist)
    overview_of = lambda s: reverse("cases:overview", args=[s.pk])  # noqa: E731
    assert _queries(client, overview_of(one)) == _queries(client, overview_of(many))
    assert _queries(client, url("agreement", one)) == _queries(client, url("agreement", many))
    assert _queries(client, url("versions", one)) == _queries(client, url("versions", many))


def test_the_goals_section_costs_three_queries(agreed, stay, django_assert_num_queries):
    with django_assert_num_queries(3):  # agreements, goals (with "reviewed"), reviews
        state = stay_goals_state(stay, TODAY)
        [goal.text for goal in state.goals]


# --- writing goals -------------------------------------------------------------------------------------------------


def test_a_clinician_writes_goals_keyboard_style_save_and_add_another(stay, treating_psychologist, client_for):
    client = client_for(treating_psychologist)
    response = client.post(url("start", stay), {"written_on": "2026-11-03", "note": ""})
    assert response.status_code == 302 and response["Location"] == url("agreement", stay)
    data = goal_values(review_on="2026-11-16") | {"save_and_add": "1"}
    response = client.post(url("goal-add", stay), data)
    assert response["Location"] == url("goal-add", stay)
    response = client.post(url("goal-add", stay), goal_values(text="Zweites Ziel", review_on="2026-11-16"))
    assert response["Location"] == url("agreement", stay)
    agreement = GoalAgreement.objects.get(stay=stay)
    assert list(agreement.goals.values_list("text", flat=True)) == [
        "Wieder vier Stunden am Stück am Schreibtisch arbeiten",
        "Zweites Ziel",
    ]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("target", "Please give a measurable target: how will you know the goal is reached?"),
        ("review_on", "Please give a review date."),
    ],
)
def test_a_goal_without_target_or_review_date_keeps_the_input_and_says_what_is_missing(
    draft, stay, treating_psychologist, client_for, field, message
):
    data = goal_values(text="Mein getipptes Ziel", review_on="2026-11-16") | {field: ""}
    with translation.override("en"):
        response = client_for(treating_psychologist, language="en").post(
            url("goal-add", stay), data, HTTP_ACCEPT_LANGUAGE="en"
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Mein getipptes Ziel" in html
    assert draft.goals.count() == 2


def test_garbage_dates_never_answer_500(draft, agreed, stay, treating_psychologist, client_for):
    client = client_for(treating_psychologist)
    assert client.post(url("goal-edit", stay, agreed.goals.first().pk), {"review_on": "31.02.x"}).status_code == 302
    assert client.post(url("review", stay), {"reviewed_on": "nonsense", "occasion": "x"}).status_code == 200
    assert client.post(url("handed-over", stay, agreed.pk), {"handed_over_on": "2026-13-45"}).status_code == 200
    assert client.post(url("start", stay), {"written_on": "gestern"}).status_code == 200


def test_editing_a_goal_of_an_agreed_version_is_refused_with_a_hint_to_make_a_new_version(
    agreed, stay, treating_psychologist, client_for
):
    goal = agreed.goals.get(position=1)
    response = client_for(treating_psychologist).post(
        url("goal-edit", stay, goal.pk), goal_values(text="überschrieben", review_on="2026-11-16")
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.text == "Wieder vier Stunden am Stück am Schreibtisch arbeiten"


def test_a_draft_goal_is_changed_on_its_page(draft, stay, treating_psychologist, client_for):
    goal = draft.goals.get(position=1)
    data = goal_values(text="Geändertes Ziel", review_on="2026-11-17")
    assert client_for(treating_psychologist).post(url("goal-edit", stay, goal.pk), data).status_code == 302
    goal.refresh_from_db()
    assert (goal.text, goal.review_on) == ("Geändertes Ziel", dt.date(2026, 11, 17))


def test_marking_as_agreed_on_the_page(draft, stay, treating_psychologist, client_for):
    response = client_for(treating_psychologist).post(
        url("agree", stay), {"agreed_on": "2026-11-04", "agreed_how": "signed", "note": ""}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.agreed_on, draft.agreed_how) == ("agreed", dt.date(2026, 11, 4), "signed")


def test_agreeing_before_the_goals_were_written_keeps_the_input_with_the_message(
    draft, stay, treating_psychologist, client_for
):
    with translation.override("en"):
        response = client_for(treating_psychologist, language="en").post(
            url("agree", stay),
            {"agreed_on": "2026-11-02", "agreed_how": "other", "note": "am Telefon"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The goals cannot be agreed before they were written (03.11.2026)." in html
    assert "am Telefon" in html
    draft.refresh_from_db()
    assert draft.status == "draft"


# --- reviews and versions ------------------------------------------------------------------------------------------


def _review_data(agreement, outcome, *, on="2026-11-16", occasion="after_diagnostics"):
    data = {"occasion": occasion, "reviewed_on": on, "note": ""}
    for goal in agreement.goals.all():
        data[f"outcome_{goal.pk}"] = outcome
        data[f"outcome_note_{goal.pk}"] = "Notiz"
    return data


def test_a_review_before_the_agreement_date_shows_the_message_and_stores_nothing(
    agreed, stay, treating_psychologist, client_for
):
    with translation.override("en"):
        response = client_for(treating_psychologist, language="en").post(
            url("review", stay), _review_data(agreed, "changed", on="2026-11-03"), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    assert "A review cannot lie before the agreement of 04.11.2026." in response.content.decode()
    assert not GoalReview.objects.exists()
    assert GoalAgreement.objects.filter(stay=stay).count() == 1


def test_a_review_form_without_an_outcome_for_a_goal_says_so(agreed, stay, treating_psychologist, client_for):
    data = _review_data(agreed, "achieved")
    del data[f"outcome_{agreed.goals.get(position=2).pk}"]
    with translation.override("en"):
        response = client_for(treating_psychologist, language="en").post(
            url("review", stay), data, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert "Please choose an outcome for this goal." in response.content.decode()
    assert not GoalReview.objects.exists()


def test_a_change_in_a_review_makes_version_2_and_the_versions_page_shows_both(
    agreed, stay, treating_psychologist, social_worker, client_for
):
    response = client_for(treating_psychologist).post(url("review", stay), _review_data(agreed, "changed"))
    assert response.status_code == 302
    v2 = GoalAgreement.objects.get(stay=stay, version=2)
    services.goal_update(
        by=treating_psychologist, goal=v2.goals.get(position=1), **goal_values(text="Neu gefasstes Ziel")
    )
    services.agreement_agree(by=treating_psychologist, agreement=v2, agreed_on=TODAY, agreed_how="signed", today=TODAY)
    html = client_for(social_worker).get(url("versions", stay)).content.decode()
    assert 'data-version="2" data-status="agreed"' in html
    assert 'data-version="1" data-status="superseded"' in html
    assert "Wieder vier Stunden am Stück am Schreibtisch arbeiten" in html  # the earlier version stays readable
    assert "Neu gefasstes Ziel" in html
    assert 'data-outcome="changed"' in html
    assert AuditEntry.objects.filter(action="goals.agreement.versions_viewed", user=social_worker).count() == 1


def test_the_agreement_page_read_is_audited(agreed, stay, social_worker, client_for):
    assert client_for(social_worker).get(url("agreement", stay)).status_code == 200
    assert AuditEntry.objects.filter(action="goals.agreement.viewed", stay_id=stay.pk).count() == 1


def test_changing_agreed_goals_on_the_page_starts_a_draft_and_the_agreed_version_stays(
    agreed, stay, treating_psychologist, client_for
):
    client = client_for(treating_psychologist)
    assert client.post(url("revise", stay)).status_code == 302
    html = client.get(url("agreement", stay)).content.decode()
    assert 'data-testid="draft"' in html and 'data-testid="agreed"' in html
    assert 'data-testid="draft-pending"' in html


def test_the_handover_is_recorded_on_its_page(agreed, stay, treating_psychologist, client_for):
    documents.copy_create(by=treating_psychologist, agreement=agreed)
    client = client_for(treating_psychologist)
    response = client.post(url("handed-over", stay, agreed.pk), {"handed_over_on": "2026-11-05"})
    assert response.status_code == 302
    assert 'data-testid="goals-copy" data-state="yes"' in overview(client, stay)


# --- objects of another stay ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "method"), [("goal-edit", "get"), ("goal-remove", "post")])
def test_a_goal_of_another_stay_under_my_stays_url_answers_404(
    draft, stay, make_stay, treating_psychologist, client_for, name, method
):
    other = make_stay()
    foreign = services.agreement_start(by=treating_psychologist, stay=other, written_on=DAY2, today=TODAY)
    goal = services.goal_add(by=treating_psychologist, agreement=foreign, **goal_values())
    response = getattr(client_for(treating_psychologist), method)(url(name, stay, goal.pk))
    assert response.status_code == 404
    assert foreign.goals.count() == 1


@pytest.mark.parametrize(("name", "method"), [("copy-create", "post"), ("handed-over", "get")])
def test_an_agreement_of_another_stay_under_my_stays_url_answers_404(
    agreed, stay, make_stay, treating_psychologist, client_for, name, method
):
    other = make_stay()
    foreign = services.agreement_start(by=treating_psychologist, stay=other, written_on=DAY2, today=TODAY)
    response = getattr(client_for(treating_psychologist), method)(url(name, stay, foreign.pk))
    assert response.status_code == 404
    assert not other.documents.exists()


def test_management_sees_no_write_buttons_because_it_is_never_on_the_page(agreed, stay, manager, client_for):
    assert client_for(manager).get(url("agreement", stay)).status_code == 404


def test_the_versions_page_keeps_the_earlier_wording_of_a_draft_goal_readable(
    draft, stay, treating_psychologist, client_for
):
    goal = draft.goals.get(position=1)
    services.goal_update(by=treating_psychologist, goal=goal, **goal_values(text="Später umformuliert"))
    html = client_for(treating_psychologist).get(url("versions", stay)).content.decode()
    assert "<del>Wieder vier Stunden am Stück am Schreibtisch arbeiten</del>" in html
    assert "Später umformuliert" in html
