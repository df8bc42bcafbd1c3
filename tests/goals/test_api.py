"""The goals API: a stay's goal agreement as JSON (all versions, goals, reviews, outcomes), the UI's permissions,
an audit row per read, constant queries, and its place in the OpenAPI schema."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals import services
from tests.goals.conftest import DAY2, TODAY, goal_values
from wmr.models import AuditEntry


def api(stay):
    return reverse("api:stay-goals", args=[stay.pk])


def _changed_in_review(agreed, by):
    return services.review_record(
        by=by,
        agreement=agreed,
        occasion="after_diagnostics",
        reviewed_on=dt.date(2026, 11, 16),
        outcomes={g.pk: ("changed" if g.position == 1 else "achieved", "") for g in agreed.goals.all()},
        today=TODAY,
    )


def test_the_api_returns_versions_goals_reviews_and_the_state(agreed, stay, treating_psychologist, client_for):
    _changed_in_review(agreed, treating_psychologist)
    response = client_for(treating_psychologist).get(api(stay))
    assert response.status_code == 200
    body = response.json()
    assert body["first_week_state"] == "met"
    assert (body["agreed_version"], body["draft_version"]) == (1, 2)
    assert body["current"]["version"] == 2 and body["current"]["previous_version"] == 1
    assert [v["version"] for v in body["versions"]] == [2, 1]
    v1 = body["versions"][1]
    assert v1["goals"][0]["text"] == "Wieder vier Stunden am Stück am Schreibtisch arbeiten"
    assert v1["goals"][0]["review_on"] == "2026-11-16"
    assert [o["outcome"] for o in v1["reviews"][0]["outcomes"]] == ["changed", "achieved"]
    assert v1["reviews"][0]["new_version"] == 2
    assert body["reviewed_after_diagnostics"] is True


def test_an_api_read_is_audited(agreed, stay, social_worker, client_for):
    client_for(social_worker).get(api(stay))
    assert AuditEntry.objects.filter(action="goals.agreement.api_viewed", user=social_worker, stay_id=stay.pk).exists()


def test_a_stay_without_agreement_answers_with_an_empty_state(stay, treating_psychologist, client_for):
    body = client_for(treating_psychologist).get(api(stay)).json()
    assert body["current"] is None and body["versions"] == [] and body["first_week_state"] in {"open", "overdue"}


def test_outside_the_care_team_the_api_answers_404(agreed, stay, other_team_clinician, manager, client_for):
    assert client_for(other_team_clinician).get(api(stay)).status_code == 404
    assert client_for(manager).get(api(stay)).status_code == 404


def test_the_api_costs_the_same_queries_for_1_and_for_20_goals(make_stay, treating_psychologist, client_for):
    def with_goals(count):
        stay = make_stay()
        agreement = services.agreement_start(by=treating_psychologist, stay=stay, written_on=DAY2, today=TODAY)
        for n in range(count):
            services.goal_add(by=treating_psychologist, agreement=agreement, **goal_values(text=f"Ziel {n}"))
        services.agreement_agree(
            by=treating_psychologist, agreement=agreement, agreed_on=DAY2, agreed_how="signed", today=TODAY
        )
        _changed_in_review(agreement, treating_psychologist)
        return stay

    client = client_for(treating_psychologist)

    def count(stay):
        client.get(api(stay))
        with CaptureQueriesContext(connection) as captured:
            client.get(api(stay))
        return len(captured)

    assert count(with_goals(1)) == count(with_goals(20))


def test_the_goals_path_is_in_the_schema_with_its_own_enums(tmp_path):
    """Warnings of the whole schema are tests/patients/test_api.py's concern; this checks the goals part."""
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--file", str(target))
    schema = target.read_text()
    assert "/api/v1/stays/{stay_pk}/goals/:" in schema
    assert "GoalAgreementStatusEnum:" in schema and "OutcomeEnum:" in schema
