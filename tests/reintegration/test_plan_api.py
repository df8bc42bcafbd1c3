"""The graded plan's API: check a draft plan sent as JSON without saving anything (Helen's plan with the figures of
hamburg_model.md §11.1, the worked cases H1, H3, H6, P1/P2; bad input as 400 with the field at fault), and read a
stay's plan with its computed dates, payer, findings, consents and interruptions. Same permissions as the pages,
audit-logged, in the OpenAPI schema.

Helen's stay: a DRV rehab discharged on Friday 13.02.2026; the plan starts on Monday 02.03.2026. Assumptions of the
worked case: the 4-hour step lasts 2 weeks; the remaining days keep the previous step's level.
"""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from patients.models import Payer
from reintegration.models import GradedReturnPlan
from reintegration.services import plan as services
from tests.reintegration.matrix_plan import HELEN_START, HELEN_STEPS, approve_and_start, make_plan
from wmr.models import AuditEntry

HELEN = {
    "starts_on": "2026-03-02",
    "working_days_per_week": 5,
    "hours_per_day": "8",
    "steps": [
        {"weeks": weeks, "pattern": [{"days": days, "hours": hours} for days, hours in rows]}
        for weeks, rows in HELEN_STEPS
    ],
    "vacations": [],
    "submitted_on": "2026-02-16",
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def helen_stay(make_stay):
    return make_stay(
        admission_date=dt.date(2026, 1, 12),
        discharge_date=dt.date(2026, 2, 13),
        status="discharged",
        payer=Payer.DRV_BUND,
    )


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def validate(client, stay, body, *, raw: str | None = None):
    return client.post(
        reverse("api:reintegration-plan-validate", args=[stay.pk]),
        raw if raw is not None else json.dumps(body),
        content_type="application/json",
    )


def helen(**changes) -> dict:
    body = copy.deepcopy(HELEN)
    body.update(changes)
    return body


# --- validate ------------------------------------------------------------------------------------------------------


def test_helens_plan_checks_out_with_the_figures_of_the_worked_case(helen_stay, social_worker):
    response = validate(api(social_worker), helen_stay, HELEN)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["valid"] is True
    assert body["findings"] == []  # submitted by 16.02.2026: no warnings (91 days < 6 months)
    plan = body["computed"]
    assert [(s["starts_on"], s["ends_on"]) for s in plan["steps"]] == [
        ("2026-03-02", "2026-03-15"),
        ("2026-03-16", "2026-03-29"),
        ("2026-03-30", "2026-04-12"),
        ("2026-04-13", "2026-04-26"),
        ("2026-04-27", "2026-05-10"),
        ("2026-05-11", "2026-05-31"),
    ]
    assert [s["weekly_hours"] for s in plan["steps"]] == ["10.00", "15.00", "20.00", "26.00", "30.00", "34.00"]
    assert [s["step_hours"] for s in plan["steps"]] == ["20.00", "30.00", "40.00", "52.00", "60.00", "102.00"]
    assert plan["steps"][3]["pattern_text"] == "3 × 6 h + 2 × 4 h"
    assert (plan["last_day"], plan["full_time_from"]) == ("2026-05-31", "2026-06-01")
    assert (plan["total_days"], plan["total_weeks"], plan["total_hours"]) == (91, "13.00", "304.00")
    assert (body["payer"]["payer"], body["payer"]["row"]) == ("pension", 3)  # 17 days after the discharge (F-1)


def test_the_wednesday_variant_ends_on_2_june(helen_stay, social_worker):
    body = validate(api(social_worker), helen_stay, helen(starts_on="2026-03-04", submitted_on=None)).json()
    assert (body["computed"]["last_day"], body["computed"]["full_time_from"]) == ("2026-06-02", "2026-06-03")


def test_checking_a_draft_stores_nothing_and_is_audited(helen_stay, social_worker):
    validate(api(social_worker), helen_stay, HELEN)
    assert not GradedReturnPlan.objects.exists()
    assert AuditEntry.objects.filter(
        action="reintegration.plan.api_validated", user=social_worker, stay_id=helen_stay.pk
    ).exists()


def test_h1_ten_days_lead_time_is_a_v8_warning(helen_stay, social_worker):
    body = validate(api(social_worker), helen_stay, helen(submitted_on="2026-02-20")).json()
    assert body["valid"] is True
    assert [(f["code"], f["level"]) for f in body["findings"]] == [("V-8", "warning")]


def test_h3_nine_hours_against_an_eight_hour_contract_is_a_v4_error(helen_stay, social_worker):
    draft = helen()
    draft["steps"][5]["pattern"] = [{"days": 2, "hours": "9"}, {"days": 3, "hours": "6"}]
    body = validate(api(social_worker), helen_stay, draft).json()
    assert body["valid"] is False
    assert [(f["code"], f["level"], f["step"]) for f in body["findings"]] == [("V-4", "error", 6)]


def test_h2_one_and_a_half_hours_is_a_v3_error(helen_stay, social_worker):
    draft = helen()
    draft["steps"][0]["pattern"] = [{"days": 5, "hours": "1.5"}]
    body = validate(api(social_worker), helen_stay, draft).json()
    assert ("V-3", "error", 1) in [(f["code"], f["level"], f["step"]) for f in body["findings"]]


def test_h6_a_27_week_plan_needs_a_justification(helen_stay, social_worker):
    draft = helen(steps=[{"weeks": 27, "pattern": [{"days": 5, "hours": "4"}]}])
    body = validate(api(social_worker), helen_stay, draft).json()
    assert body["computed"]["last_day"] == "2026-09-06"
    [finding] = body["findings"]
    assert (finding["code"], finding["needs_reason"], finding["justified"]) == ("V-5", True, False)


def test_p2_after_day_28_the_health_insurance_pays_unless_reason_and_reference_are_sent(helen_stay, social_worker):
    late = validate(api(social_worker), helen_stay, helen(starts_on="2026-03-16", submitted_on=None)).json()
    assert late["payer"]["payer"] == "health"
    assert [w["code"] for w in late["payer"]["warnings"]] == ["W-DRV-28"]
    kept = helen(starts_on="2026-03-16", submitted_on=None, payer_override_reason="Nachsorge", payer_reference="R-1")
    assert validate(api(social_worker), helen_stay, kept).json()["payer"]["payer"] == "pension"


BAD = [
    pytest.param(None, "{not json", "detail", id="malformed-json"),
    pytest.param(None, "[1, 2]", "non_field_errors", id="a-list"),
    pytest.param({"starts_on": None}, None, "starts_on", id="no-start"),
    pytest.param({"starts_on": "2026-02-30"}, None, "starts_on", id="no-such-date"),
    pytest.param({"starts_on": "9999-12-01"}, None, "starts_on", id="start-out-of-range"),
    pytest.param({"steps": "six"}, None, "steps", id="steps-not-a-list"),
    pytest.param({"steps": [{"weeks": "zwei", "pattern": [{"days": 5, "hours": "2"}]}]}, None, "steps", id="weeks"),
    pytest.param({"steps": [{"weeks": 2, "pattern": [{"days": 5, "hours": "abc"}]}]}, None, "steps", id="hours"),
    pytest.param({"steps": [{"weeks": 2, "pattern": []}]}, None, "steps", id="empty-pattern"),
    pytest.param({"steps": [{"weeks": 2, "pattern": [{"days": 5, "hours": "-2"}]}]}, None, "steps", id="negative"),
    pytest.param({"steps": [{"weeks": 999, "pattern": [{"days": 5, "hours": "2"}]}]}, None, "steps", id="too-long"),
    pytest.param({"hours_per_day": "0"}, None, "hours_per_day", id="no-contract-hours"),
    pytest.param(
        {"vacations": [{"starts_on": "2026-05-08", "ends_on": "2026-05-04"}]}, None, "vacations", id="vacation-end"
    ),
]


@pytest.mark.parametrize(("change", "raw", "field"), BAD)
def test_bad_input_answers_400_at_the_field_at_fault(helen_stay, social_worker, change, raw, field):
    response = validate(api(social_worker), helen_stay, helen(**(change or {})), raw=raw)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not GradedReturnPlan.objects.exists()


def test_a_step_that_is_only_a_finding_answers_200_with_the_finding(helen_stay, social_worker):
    """0 hours on every day is a plan the rules judge (V-3), not malformed input."""
    draft = helen(steps=[{"weeks": 2, "pattern": [{"days": 5, "hours": "0"}]}])
    body = validate(api(social_worker), helen_stay, draft).json()
    assert body["valid"] is False
    assert [f["code"] for f in body["findings"]] == ["V-3"]


def test_outside_the_care_team_validate_answers_404_and_anonymous_403(
    helen_stay, other_team_clinician, manager, privacy_officer
):
    for user in (other_team_clinician, manager, privacy_officer):
        assert validate(api(user), helen_stay, HELEN).status_code == 404
    assert validate(APIClient(), helen_stay, HELEN).status_code == 403


# --- read ----------------------------------------------------------------------------------------------------------


def read(client, stay):
    return client.get(reverse("api:reintegration-plan", args=[stay.pk]))


def test_a_stay_without_plan_answers_with_an_empty_state(stay, social_worker):
    assert read(api(social_worker), stay).json() == {"plan": None, "versions": []}


def test_the_api_reads_the_current_plan_with_computed_dates_payer_findings_and_versions(
    helen_stay, social_worker, treating_physician
):
    plan = make_plan(helen_stay, social_worker, starts_on=HELEN_START, today=dt.date(2026, 2, 10))
    plan = approve_and_start(plan, by=social_worker, physician=treating_physician, today=dt.date(2026, 2, 16))
    services.interruption_record(
        by=social_worker,
        plan=plan,
        first_missed_day=dt.date(2026, 4, 14),
        last_missed_day=dt.date(2026, 4, 20),
        today=dt.date(2026, 4, 22),
    )
    body = read(api(social_worker), helen_stay).json()
    current = body["plan"]
    assert (current["version"], current["status"], current["actual_start"]) == (1, "running", "2026-03-02")
    assert current["computed"]["last_day"] == "2026-05-31"
    assert current["computed"]["total_hours"] == "304.00"
    assert (current["payer"]["payer"], current["payer"]["row"]) == ("pension", 3)
    assert current["payer"]["reason"]
    assert [f["level"] for f in current["findings"]].count("error") == 0
    assert {c["party"]: c["state"] for c in current["consents"]} == {
        "employee": "given",
        "employer": "given",
        "physician": "given",
        "occupational_physician": None,
    }
    [interruption] = current["interruptions"]
    assert (interruption["verdict"]["length_days"], interruption["verdict"]["failed"]) == (7, False)
    assert [p["code"] for p in current["prerequisites"]] == ["P-1", "P-2", "P-3", "P-4", "P-5", "P-6", "P-7"]
    assert [v["version"] for v in body["versions"]] == [1]


def test_the_api_read_is_audited_and_outside_the_team_answers_404(
    helen_stay, social_worker, other_team_clinician, manager
):
    make_plan(helen_stay, social_worker, starts_on=HELEN_START)
    read(api(social_worker), helen_stay)
    assert AuditEntry.objects.filter(action="reintegration.plan.api_viewed", stay_id=helen_stay.pk).count() == 1
    for user in (other_team_clinician, manager):
        assert read(api(user), helen_stay).status_code == 404
    assert read(APIClient(), helen_stay).status_code == 403


def test_the_schema_lists_both_paths_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", "/dev/null")
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert "/api/v1/stays/{stay_pk}/graded-return/" in paths
    assert "post" in paths["/api/v1/stays/{stay_pk}/graded-return/validate/"]
