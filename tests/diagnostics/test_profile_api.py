"""The profiles and sessions API: per-dimension results, same permissions as the UI, audit-logged, in the schema."""

import datetime as dt

from django.urls import reverse

from diagnostics.services.profiles import RatingEntry, profile_create, rating_record
from diagnostics.services.sessions import session_record
from patients.models import TeamFunction
from tests.diagnostics.conftest import WORKED_I
from wmr.models import AuditEntry

ON = dt.date(2026, 11, 3)


def test_the_profiles_of_a_stay_come_with_per_dimension_results_and_aggregates(
    stay, treating_psychologist, social_worker, mini_icf, client_for
):
    profile = profile_create(
        by=treating_psychologist,
        stay=stay,
        kind="capacity",
        instrument=mini_icf,
        reference_context="concrete_job",
        rated_on=ON,
    )
    ratings = {code: RatingEntry(value=v) for code, v in WORKED_I.items() if code != "mobility"}
    ratings["contact"] = RatingEntry(not_assessable=True, reason="no observation yet")
    rating_record(by=treating_psychologist, profile=profile, ratings=ratings)
    rating_record(by=social_worker, profile=profile, ratings={"endurance": RatingEntry(value=2, anchor="observed")})
    response = client_for(treating_psychologist).get(reverse("api:stay-profiles", args=[stay.pk]))
    assert response.status_code == 200
    [data] = response.json()
    dims = {d["code"]: d for d in data["dimensions"]}
    assert len(dims) == 13
    assert dims["mobility"]["state"] == "not_rated" and dims["mobility"]["value"] is None
    assert dims["contact"]["state"] == "not_assessable" and dims["contact"]["reason"] == "no observation yet"
    assert (dims["endurance"]["value"], dims["endurance"]["profession"], dims["endurance"]["entries"]) == (
        2,
        "social_worker",
        2,
    )
    assert data["aggregates"] == {"dimensions": 13, "rated": 11, "mean": "1.27", "total": None}
    assert data["interprofessional_warning"] is None
    assert {c["profession"] for c in data["contributors"]} == {"psychologist", "social_worker"}
    assert AuditEntry.objects.filter(action="diagnostics.profile.api_listed", stay_id=stay.pk).count() == 1


def test_the_sessions_of_a_stay_come_with_the_4_1_state(stay, treating_psychologist, social_worker, client_for):
    session_record(by=social_worker, stay=stay, held_on=ON, minutes=60, professions=["social_worker"])
    session_record(by=treating_psychologist, stay=stay, held_on=ON, minutes=30, professions=["psychologist"])
    data = client_for(treating_psychologist).get(reverse("api:stay-diagnostic-sessions", args=[stay.pk])).json()
    assert data["diagnostics_at_start"]["state"] == "met"
    assert data["diagnostics_at_start"]["minutes"] == 90
    assert [s["minutes"] for s in data["sessions"]] == [60, 30]
    assert AuditEntry.objects.filter(action="diagnostics.session.api_listed", stay_id=stay.pk).count() == 1


def test_a_stay_outside_my_care_teams_answers_404_and_logs_nothing(
    make_stay, other_team_clinician, treating_psychologist, client_for
):
    theirs = make_stay(team=[(other_team_clinician, TeamFunction.PHYSICIAN)])
    client = client_for(treating_psychologist)
    assert client.get(reverse("api:stay-profiles", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("api:stay-diagnostic-sessions", args=[theirs.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action__startswith="diagnostics.").exists()


def test_both_endpoints_are_in_the_openapi_schema(treating_psychologist, client_for):
    schema = client_for(treating_psychologist).get(reverse("api:schema")).content.decode()
    assert "/api/v1/stays/{stay_pk}/profiles/" in schema
    assert "/api/v1/stays/{stay_pk}/diagnostic-sessions/" in schema
    assert "interprofessional_warning" in schema
