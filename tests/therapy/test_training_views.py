"""The workplace-training page and its forms: what the care team sees, refusals that keep the input, entries of
another stay under my stay's URL, versions on the page, the profile basis from the comparison, the query budget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from freezegun import freeze_time

from diagnostics.comparison import summary_text
from diagnostics.models import ProfileInstrument
from diagnostics.selectors_comparison import stay_comparisons
from tests.diagnostics.conftest import WORKED_D, WORKED_I, make_profile
from tests.therapy.matrix_training import training_plan
from therapy.models import TrainingSubGoal, TransferStrategy
from therapy.selectors_training import profile_basis_suggestion, stay_training_state
from therapy.services import training as services
from wmr.models import AuditEntry

TODAY = dt.date(2026, 11, 20)
DAY3 = dt.date(2026, 11, 4)


@pytest.fixture(autouse=True)
def _frozen():
    with freeze_time("2026-11-20 10:00:00"):
        yield


@pytest.fixture
def plan(stay, social_worker):
    return training_plan(stay, social_worker, starts_on=DAY3, profile_basis="Belastbar 4 h")


def add_subgoal(plan, by, text="Zwei Stunden Bildschirmarbeit", **kwargs):
    kwargs.setdefault("agreed_on", DAY3)
    return services.subgoal_add(by=by, plan=plan, text=text, verification="Pausenprotokoll", today=TODAY, **kwargs)


def add_strategy(plan, by, text="Erst Liste, dann E-Mails"):
    return services.strategy_add(
        by=by, plan=plan, situation="Montagmorgen im Büro", strategy=text, written_on=DAY3, today=TODAY
    )


def page(client, stay):
    with translation.override("en"):
        return client.get(reverse("therapy:training", args=[stay.pk]), HTTP_ACCEPT_LANGUAGE="en")


def test_the_page_shows_sub_goals_with_their_state_situations_and_strategies(
    client_for, plan, stay, social_worker, treating_psychologist
):
    done = add_subgoal(plan, social_worker, text="Telefonat mit Kunden")
    services.subgoal_assess(by=social_worker, subgoal=done, result="yes", assessed_on=TODAY, today=TODAY)
    add_subgoal(plan, social_worker, text="Pausen einhalten")
    services.situation_add(by=social_worker, plan=plan, description="Teambesprechung leiten", practised_on=DAY3)
    add_strategy(plan, social_worker)
    response = page(client_for(treating_psychologist, language="en"), stay)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-subgoal="{done.pk}" data-result="yes"' in html
    assert 'data-result="open"' in html
    assert "Teambesprechung leiten" in html and "Erst Liste, dann E-Mails" in html
    assert "2 in all: 1 achieved, 0 partly, 0 not achieved, 1 open" in html
    assert AuditEntry.objects.filter(action="therapy.training.viewed", stay_id=stay.pk).count() == 1


def test_a_stay_without_training_offers_the_start_form_with_the_latest_comparison(client_for, stay, social_worker):
    instrument = ProfileInstrument.objects.get(code="mini_icf_app", version="1")
    make_profile(stay, instrument, "capacity", WORKED_I)
    make_profile(stay, instrument, "demand", WORKED_D)
    suggestion = profile_basis_suggestion(stay)
    assert "05.11.2026" in suggestion
    assert summary_text(stay_comparisons(stay).admission.comparison, "de") in suggestion
    html = page(client_for(social_worker), stay).content.decode()
    assert 'data-testid="no-plan"' in html
    assert escape(suggestion) in html


def test_starting_without_a_typed_basis_stores_the_comparison_summary(stay, social_worker):
    instrument = ProfileInstrument.objects.get(code="mini_icf_app", version="1")
    make_profile(stay, instrument, "capacity", WORKED_I)
    make_profile(stay, instrument, "demand", WORKED_D)
    plan = services.training_plan_start(by=social_worker, stay=stay, starts_on=DAY3, profile_basis="")
    assert plan.profile_basis == profile_basis_suggestion(stay) != ""


def test_without_a_comparison_the_basis_stays_free_text(stay, social_worker):
    assert profile_basis_suggestion(stay) == ""
    plan = services.training_plan_start(by=social_worker, stay=stay, starts_on=DAY3, profile_basis="eigene Worte")
    assert plan.profile_basis == "eigene Worte"


def test_a_refused_sub_goal_keeps_what_was_typed_and_stores_nothing(client_for, plan, stay, social_worker):
    url = reverse("therapy:training-subgoal-add", args=[stay.pk])
    with translation.override("en"):
        response = client_for(social_worker, language="en").post(
            url,
            {"text": "Kundengespräch führen", "verification": "Rollenspiel", "agreed_on": "2026-11-03"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "A sub-goal cannot be agreed before the training starts (04.11.2026)." in html
    assert 'value="Kundengespräch führen"' in html and 'value="Rollenspiel"' in html
    assert not TrainingSubGoal.objects.exists()


def test_a_bad_date_is_a_form_message_not_a_500(client_for, plan, stay, social_worker):
    url = reverse("therapy:training-strategy-add", args=[stay.pk])
    response = client_for(social_worker).post(url, {"situation": "x", "strategy": "y", "written_on": "31.02.2026"})
    assert response.status_code == 200
    assert not TransferStrategy.objects.exists()


def test_assessing_through_the_page_stores_the_result_and_goes_back(client_for, plan, stay, social_worker):
    subgoal = add_subgoal(plan, social_worker)
    url = reverse("therapy:training-subgoal-assess", args=[stay.pk, subgoal.pk])
    client = client_for(social_worker)
    based_on = services.latest_version(subgoal)
    response = client.post(
        url, {"result": "partly", "note": "Pausen vergessen", "assessed_on": "2026-11-19", "based_on": based_on}
    )
    assert response.status_code == 302 and response["Location"].endswith("/training/#subgoals")
    subgoal.refresh_from_db()
    assert (subgoal.result, subgoal.result_note) == ("partly", "Pausen vergessen")


def test_a_second_save_from_an_older_form_is_refused_with_a_message(client_for, plan, stay, social_worker):
    strategy = add_strategy(plan, social_worker)
    url = reverse("therapy:training-strategy-change", args=[stay.pk, strategy.pk])
    seen = services.latest_version(strategy)
    first, second = client_for(social_worker, language="en"), client_for(social_worker, language="en")
    assert first.post(url, {"situation": "Montag", "strategy": "Fassung A", "based_on": seen}).status_code == 302
    with translation.override("en"):
        response = second.post(
            url, {"situation": "Montag", "strategy": "Fassung B", "based_on": seen}, HTTP_ACCEPT_LANGUAGE="en"
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Somebody else changed this entry in the meantime" in html
    assert "Fassung B" in html  # the input is kept
    strategy.refresh_from_db()
    assert strategy.strategy == "Fassung A"


def test_the_page_shows_the_earlier_wording_of_a_changed_strategy(client_for, plan, stay, social_worker):
    strategy = add_strategy(plan, social_worker, text="Alte Fassung der Strategie")
    services.strategy_change(by=social_worker, strategy=strategy, situation=strategy.situation, text="Neue Fassung")
    html = page(client_for(social_worker), stay).content.decode()
    assert "Neue Fassung" in html
    assert "<del>Alte Fassung der Strategie</del>" in html
    assert 'data-testid="changed"' in html


def test_a_sub_goal_of_another_stay_under_my_stays_url_answers_404(client_for, make_stay, plan, stay, social_worker):
    """Both stays are mine; the entry belongs to stay B, the URL names stay A: never served, never changed."""
    other_plan = training_plan(make_stay(), social_worker, starts_on=DAY3)
    foreign = add_subgoal(other_plan, social_worker)
    client = client_for(social_worker)
    url = reverse("therapy:training-subgoal-assess", args=[stay.pk, foreign.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"result": "yes", "assessed_on": "2026-11-19"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.result == "open"


def test_a_strategy_of_another_stay_under_my_stays_url_answers_404(client_for, make_stay, plan, stay, social_worker):
    other_plan = training_plan(make_stay(), social_worker, starts_on=DAY3)
    foreign = add_strategy(other_plan, social_worker)
    client = client_for(social_worker)
    url = reverse("therapy:training-strategy-change", args=[stay.pk, foreign.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"situation": "x", "strategy": "y"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.strategy == "Erst Liste, dann E-Mails"


def test_the_pdf_of_another_stay_is_never_made_under_my_stays_url(client_for, make_stay, stay, social_worker):
    other_plan = training_plan(make_stay(), social_worker, starts_on=DAY3)
    add_strategy(other_plan, social_worker)
    assert client_for(social_worker).post(reverse("therapy:training-pdf", args=[stay.pk])).status_code == 404


@pytest.mark.parametrize("name", ["training-subgoal-add", "training-situation-add", "training-strategy-add"])
def test_adding_to_a_stay_without_training_answers_404(client_for, stay, social_worker, name):
    assert client_for(social_worker).get(reverse(f"therapy:{name}", args=[stay.pk])).status_code == 404


def test_the_training_state_costs_the_same_queries_for_one_or_many_entries(
    plan, stay, social_worker, django_assert_num_queries
):
    add_subgoal(plan, social_worker)
    add_strategy(plan, social_worker)
    # plan (+ author), sub-goals, situations, strategies
    with django_assert_num_queries(4):
        assert len(stay_training_state(stay).subgoals) == 1
    for n in range(10):
        add_subgoal(plan, social_worker, text=f"Teilziel {n}")
        add_strategy(plan, social_worker, text=f"Strategie {n}")
        services.situation_add(by=social_worker, plan=plan, description=f"Situation {n}", practised_on=DAY3)
    with django_assert_num_queries(4):
        state = stay_training_state(stay)
    assert (state.counts.total, len(state.strategies), len(state.situations)) == (11, 11, 10)
    assert len(state.open_subgoals) == 11


def test_the_training_page_costs_the_same_queries_for_one_or_many_entries(
    client_for, plan, stay, social_worker, django_assert_max_num_queries
):
    add_subgoal(plan, social_worker)
    add_strategy(plan, social_worker)
    client = client_for(social_worker)
    with CaptureQueriesContext(connection) as one:
        assert page(client, stay).status_code == 200
    for n in range(10):
        strategy = add_strategy(plan, social_worker, text=f"Strategie {n}")
        services.strategy_change(by=social_worker, strategy=strategy, situation="anders", text=f"Neu {n}")
        add_subgoal(plan, social_worker, text=f"Teilziel {n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert page(client, stay).status_code == 200


def test_changing_the_plan_through_the_page_keeps_the_earlier_version(client_for, plan, stay, social_worker):
    url = reverse("therapy:training-change", args=[stay.pk])
    data = {"starts_on": "2026-11-03", "profile_basis": "Neu beschrieben", "based_on": services.latest_version(plan)}
    response = client_for(social_worker).post(url, data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.starts_on, plan.profile_basis) == (dt.date(2026, 11, 3), "Neu beschrieben")
    assert list(plan.history.order_by("history_id").values_list("profile_basis", flat=True)) == [
        "Belastbar 4 h",
        "Neu beschrieben",
    ]
