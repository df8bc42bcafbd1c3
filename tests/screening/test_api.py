"""Screening API: the UI's permissions, the same scoring, clear 400s for bad answers, audit rows."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from screening.instruments import loader
from screening.models import InstrumentVersion, QuotaReport, ScreeningResult, ScreeningSetting
from tests.two_factor_support import mark_verified
from wmr.models import AuditEntry

# T1 of screening.md (SIMBO-C DEMO-1): 8+15+10+15+14+15+10 = 87 → positive with simbo_27
T1 = {
    "age": 52,
    "employment_status": "unemployed",
    "sick_leave_now": "yes",
    "sick_leave_12m": "3_to_6_months",
    "limitation": 7,
    "prognosis": "unemployment_or_pension",
    "motivation": "yes",
}


@pytest.fixture
def simbo(stay):
    definition = loader.load_definition("simbo_c_demo_1")
    instrument, _ = InstrumentVersion.objects.get_or_create(
        code=definition["code"],
        version=definition["version"],
        defaults={
            "variant": definition.get("variant", ""),
            "name_de": definition["name_de"],
            "name_en": definition["name_en"],
            "is_official": False,
            "definition": definition,
        },
    )
    from screening.instruments import preset_rule

    ScreeningSetting.objects.create(
        facility=stay.facility,
        department_code=stay.department_code,
        instrument=instrument,
        preset_code="simbo_27",
        rule=preset_rule(instrument.definition, "simbo_27"),
        effective_from=dt.date(2020, 1, 1),
    )
    return instrument


def api(user):
    client = APIClient()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    mark_verified(client, user)  # issue 9: roles that must use two factors have a verified session
    return client


def screenings_url(stay):
    return reverse("api:stay-screenings", args=[stay.pk])


def test_a_clinician_submits_a_screening_and_gets_the_engines_score(stay, simbo, treating_psychologist):
    answers = dict(T1)
    valid_options = {
        o["code"] for i in simbo.definition["items"] if i["code"] == "sick_leave_12m" for o in i["options"]
    }
    assert answers["sick_leave_12m"] in valid_options, valid_options
    response = api(treating_psychologist).post(
        screenings_url(stay), {"answers": answers, "channel": "paper"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["total"] == "87.0"
    assert response.json()["status"] == "positive"
    result = ScreeningResult.objects.get()
    assert (result.channel, result.entered_by) == ("paper", treating_psychologist)
    assert result.rule["threshold"]["value"] == 27


def test_an_answer_outside_the_range_is_a_400_on_that_item_and_nothing_is_stored(stay, simbo, treating_psychologist):
    response = api(treating_psychologist).post(
        screenings_url(stay), {"answers": dict(T1, limitation=11)}, format="json"
    )
    assert response.status_code == 400
    assert "limitation" in response.json()["answers"]
    assert ScreeningResult.objects.count() == 0


def test_without_a_setting_the_submission_is_refused_with_a_message(stay, treating_psychologist):
    response = api(treating_psychologist).post(screenings_url(stay), {"answers": T1}, format="json")
    assert response.status_code == 400
    assert ScreeningResult.objects.count() == 0


@pytest.mark.parametrize("persona", ["other_team_clinician", "manager", "privacy_officer", "admin_user"])
def test_outside_the_care_team_screenings_and_assignment_answer_404(request, stay, simbo, persona):
    client = api(request.getfixturevalue(persona))
    assert client.get(screenings_url(stay)).status_code == 404
    assert client.post(screenings_url(stay), {"answers": T1}, format="json").status_code == 404
    assert client.get(reverse("api:stay-assignment", args=[stay.pk])).status_code == 404
    assert ScreeningResult.objects.count() == 0


def test_reading_results_and_assignment_is_audit_logged(stay, simbo, social_worker):
    client = api(social_worker)
    assert client.get(screenings_url(stay)).status_code == 200
    state = client.get(reverse("api:stay-assignment", args=[stay.pk]))
    assert state.status_code == 200
    assert state.json()["current_decision"] is None
    assert state.json()["department_code"] == stay.department_code
    actions = set(AuditEntry.objects.filter(stay_id=stay.pk).values_list("action", flat=True))
    assert {"screening.result.api_listed", "screening.assignment.api_viewed"} <= actions


def test_quota_reports_are_listed_for_the_users_facilities_only(facility, other_facility, manager, privacy_officer):
    mine = QuotaReport.objects.create(facility=facility, year=2026, quarter=3, status="done")
    QuotaReport.objects.create(facility=other_facility, year=2026, quarter=3, status="done")
    response = api(manager).get(reverse("api:quota-report-list"))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]
    assert api(privacy_officer).get(reverse("api:quota-report-list")).status_code == 403
