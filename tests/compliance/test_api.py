"""The compliance API: a facility's aggregates (management of that facility) and a stay's indicators (its care team),
both audit-logged, both in the OpenAPI schema; bad parameters answer 400 with the message, never 500."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from compliance import exports, selectors
from compliance.catalogue import by_measure
from compliance.forms_dashboard import DashboardFilterForm
from tests.compliance.exports_data import COUNSELING, GROUPS, PERIOD, build_quarter
from tests.factories import UserFactory
from wmr.indicators import IndicatorState
from wmr.models import AuditEntry


def api(user=None, language: str = "en") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_authenticate(user)
    return client


def aggregates(client, facility_id: int, **params):
    params.setdefault("period", PERIOD)
    return client.get(reverse("api:compliance-facility-indicators", args=[facility_id]), params)


def stay_indicators(client, stay):
    return client.get(reverse("api:stay-indicators", args=[stay.pk]))


@pytest.fixture
def quarter(make_stay):
    return build_quarter(make_stay)


# --- aggregates per facility and period ----------------------------------------------------------------------------


def test_management_reads_the_aggregates_of_its_facility_as_the_exports_show_them(quarter, manager, facility):
    response = aggregates(api(manager), facility.pk)
    assert response.status_code == 200
    body = response.json()
    assert body["facility"] == {"id": facility.pk, "name": facility.name}
    assert body["period"] == {"code": PERIOD, "label": "Q4 2026", "start": "2026-10-01", "end": "2026-12-31"}
    assert body["filters"] == {"department": None, "wmr": None, "team": None}
    rows = {row["recommendation"]: row for row in body["indicators"]}
    counseling, groups = rows["5.3"], rows["6.1"]
    assert (counseling["numerator"], counseling["denominator"], counseling["rate"]) == (2, 3, 66.7)
    assert (counseling["grade"], counseling["light"], counseling["not_applicable"]) == ("shall", "red", 1)
    assert (groups["numerator"], groups["denominator"], groups["rate"], groups["not_yet_due"]) == (1, 2, 50.0, 1)
    assert [point["period"] for point in counseling["trend"]] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert counseling["trend"][2:] == [{"period": "2026-Q3", "rate": 100.0}, {"period": "2026-Q4", "rate": 66.7}]
    assert counseling["trend"][0]["rate"] is None  # a quarter without stays is no data, never 0 %
    entry = AuditEntry.objects.get(action="compliance.api.facility_viewed")
    assert (entry.user, entry.object_id, entry.data["period"]) == (manager, str(facility.pk), PERIOD)


def test_the_api_rows_are_the_export_rows(quarter, manager, facility):
    body = aggregates(api(manager), facility.pk, wmr="yes").json()
    today = timezone.localdate()  # the day the view computes for (the weekly conference 9.12 counts weeks to it)
    form = DashboardFilterForm(QueryDict(f"facility={facility.pk}&period={PERIOD}&wmr=yes"), user=manager, today=today)
    assert form.is_valid(), form.errors
    board = selectors.facility_dashboard(
        facility=facility, period=form.cleaned_data["period"], filters=form.filters, today=today
    )
    expected = [(r.recommendation, r.numerator, r.denominator, r.rate) for r in exports.dashboard_rows(board)]
    got = [
        (r["recommendation"], r["numerator"], r["denominator"], None if r["rate"] is None else Decimal(str(r["rate"])))
        for r in body["indicators"]
    ]
    assert got == expected
    assert body["filters"]["wmr"] is True


def test_a_month_is_a_period_too(quarter, manager, facility):
    body = aggregates(api(manager), facility.pk, period="2026-11").json()
    assert body["period"]["code"] == "2026-11"
    counseling = next(row for row in body["indicators"] if row["recommendation"] == "5.3")
    assert (counseling["numerator"], counseling["denominator"]) == (2, 3)


def test_no_name_or_birth_date_in_the_aggregates(quarter, manager, facility):
    text = aggregates(api(manager), facility.pk).content.decode()
    for stay in quarter.stays:
        patient = stay.patient
        for secret in (patient.last_name, patient.first_name, patient.birth_date.isoformat()):
            assert secret not in text


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"period": "2026-Q5"}, "period", "2026-Q5"),
        ({"period": "Q3"}, "period", "Q3"),
        ({"department": "9999"}, "department", "9999"),
        ({"wmr": "maybe"}, "wmr", "maybe"),
        ({"team": "999999"}, "team", ""),
        ({"team": "abc"}, "team", ""),
    ],
)
def test_a_bad_parameter_answers_400_with_a_clear_message(params, field, words, manager, facility):
    with translation.override("en"):
        response = aggregates(api(manager), facility.pk, **params)
    assert response.status_code == 400
    messages = response.json()[field]
    assert messages and all(isinstance(m, str) and m for m in messages)
    assert not words or any(words in m for m in messages), messages
    assert not AuditEntry.objects.filter(action="compliance.api.facility_viewed").exists()


def test_a_clinician_of_another_clinic_as_team_filter_is_refused(manager, facility, other_facility):
    elsewhere = UserFactory(username="far", facilities=[other_facility])
    assert aggregates(api(manager), facility.pk, team=str(elsewhere.pk)).status_code == 400


def test_the_aggregates_are_management_of_that_facility_only(
    quarter, manager, facility, other_facility, treating_psychologist, privacy_officer
):
    boss_elsewhere = UserFactory(username="boss2", role="management", facilities=[other_facility])
    assert aggregates(api(boss_elsewhere), facility.pk).status_code == 404
    assert aggregates(api(manager), other_facility.pk).status_code == 404
    assert aggregates(api(manager), 987654).status_code == 404  # unknown: the same answer as another clinic's
    for user in (treating_psychologist, privacy_officer):
        assert aggregates(api(user), facility.pk).status_code == 404
    assert aggregates(api(), facility.pk).status_code == 403
    assert not AuditEntry.objects.filter(action="compliance.api.facility_viewed").exists()


def test_a_period_without_stays_is_no_data_never_zero_percent(manager, facility):
    body = aggregates(api(manager), facility.pk, period="2025-Q1").json()
    assert body["stays"] == 0
    assert all(
        row["rate"] is None and row["light"] == "none" for row in body["indicators"] if not row["facility_level"]
    )


# --- the indicators of one stay ------------------------------------------------------------------------------------


def test_the_care_team_reads_every_indicator_of_its_stay_with_the_reason(stay, treating_psychologist):
    response = stay_indicators(api(treating_psychologist), stay)
    assert response.status_code == 200
    body = response.json()
    assert body["stay"] == stay.pk
    results = body["results"]
    assert results, "every stay-level indicator of the catalogue"
    assert [r["recommendation"] for r in results] == sorted(
        (r["recommendation"] for r in results), key=lambda rid: tuple(int(p) for p in rid.split("."))
    )
    catalogue = by_measure()
    for result in results:
        assert result["state"] in IndicatorState.values
        assert result["recommendation"] == catalogue[result["measure"]].id
        assert result["reason"]
    assert {COUNSELING, GROUPS} <= {r["measure"] for r in results}
    entry = AuditEntry.objects.get(action="compliance.api.stay_viewed")
    assert (entry.user, entry.stay_id) == (treating_psychologist, stay.pk)


def test_a_stay_is_its_care_teams_only_management_reads_aggregates(
    stay, manager, other_team_clinician, privacy_officer
):
    for user in (manager, other_team_clinician, privacy_officer):
        assert stay_indicators(api(user), stay).status_code == 404
    assert stay_indicators(api(), stay).status_code == 403
    assert api(manager).get("/api/v1/stays/abc/indicators/").status_code == 404
    assert not AuditEntry.objects.filter(action="compliance.api.stay_viewed").exists()


# --- the schema ----------------------------------------------------------------------------------------------------


def test_the_schema_lists_both_paths_without_warnings():
    out = io.StringIO()
    call_command("spectacular", "--fail-on-warn", "--file", "/dev/null", stdout=out, stderr=out)
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    facility_path = "/api/v1/compliance/facilities/{facility_pk}/indicators/"
    assert {facility_path, "/api/v1/stays/{stay_pk}/indicators/"} <= set(paths)
    names = {p["name"] for p in paths[facility_path]["get"]["parameters"]}
    assert {"facility_pk", "period", "department", "wmr", "team"} <= names
    assert "ComplianceFacilityIndicators" in schema["components"]["schemas"]
