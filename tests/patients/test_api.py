"""The REST API under /api/v1/: the UI's permissions per persona, 404 outside the care team, validation as 400 with
field errors, the duplicate check as 409, audit rows for every read, constant queries per page, a valid schema and an
offline docs page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from patients.models import CareTeamMembership, DepartmentCode, Patient, Stay, StayStatus, TeamFunction
from tests.factories import FacilityFactory, PatientFactory
from wmr.models import AuditEntry

STAYS = reverse("api:stay-list")
PATIENTS = reverse("api:patient-list")

ON_THE_TEAM = ["treating_psychologist", "social_worker"]
OFF_THE_TEAM = ["other_team_clinician", "manager", "privacy_officer", "admin_user"]
CREATORS = ["treating_psychologist", "social_worker", "other_team_clinician"]
NOT_CREATORS = ["manager", "privacy_officer", "admin_user"]


def stay_url(stay_id: int) -> str:
    return reverse("api:stay-detail", args=[stay_id])


def patient_url(patient_id: int) -> str:
    return reverse("api:patient-detail", args=[patient_id])


@pytest.fixture
def api_as(request, client_for):
    """A logged-in client for the persona fixture of that name."""

    def make(persona: str) -> Client:
        return client_for(request.getfixturevalue(persona))

    return make


def audit_rows(action: str):
    return AuditEntry.objects.filter(action=action).order_by("pk")


# --- anonymous ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_of", [lambda s: STAYS, lambda s: stay_url(s.pk), lambda s: PATIENTS, lambda s: patient_url(s.patient_id)]
)
def test_anonymous_gets_no_data(stay, url_of):
    response = Client().get(url_of(stay))
    assert response.status_code in (401, 403)
    body = response.content.decode()
    assert "results" not in response.json()
    assert stay.patient.last_name not in body
    assert not AuditEntry.objects.filter(action__contains="api_").exists()


def test_anonymous_cannot_create(facility):
    response = Client().post(STAYS, {}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert Stay.objects.count() == 0


# --- stays: list and retrieve per persona ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ON_THE_TEAM)
def test_a_care_team_member_lists_and_reads_the_stay(persona, api_as, stay):
    client = api_as(persona)
    listed = client.get(STAYS)
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [stay.pk]
    row = listed.json()["results"][0]
    assert row["number"] == stay.number
    assert row["patient"] == {
        "id": stay.patient_id,
        "last_name": stay.patient.last_name,
        "first_name": stay.patient.first_name,
        "birth_date": stay.patient.birth_date.isoformat(),
    }
    assert row["facility"]["id"] == stay.facility_id
    detail = client.get(stay_url(stay.pk))
    assert detail.status_code == 200
    assert detail.json()["id"] == stay.pk


@pytest.mark.parametrize("persona", OFF_THE_TEAM)
def test_nobody_else_sees_the_stay_not_even_management_privacy_officer_or_admin(persona, api_as, stay):
    client = api_as(persona)
    listed = client.get(STAYS)
    assert listed.status_code == 200
    assert listed.json()["count"] == 0
    assert listed.json()["results"] == []
    assert client.get(stay_url(stay.pk)).status_code == 404


def test_a_stay_of_another_team_answers_404_like_a_missing_one(
    make_stay, other_team_clinician, treating_psychologist, client_for
):
    theirs = make_stay(team=[(other_team_clinician, TeamFunction.PHYSICIAN)])
    client = client_for(treating_psychologist)
    assert client.get(stay_url(theirs.pk)).status_code == 404
    assert client.get(stay_url(theirs.pk + 1000)).status_code == 404
    assert client.get("/api/v1/stays/abc/").status_code == 404
    assert not audit_rows("patients.stay.api_viewed").exists()


def test_management_on_the_care_team_sees_that_stay_as_in_the_ui(make_stay, manager, client_for):
    mine = make_stay(team=[(manager, TeamFunction.PHYSICIAN)])
    make_stay()  # a stay of the clinicians' team, not the manager's
    client = client_for(manager)
    assert [row["id"] for row in client.get(STAYS).json()["results"]] == [mine.pk]
    assert client.get(stay_url(mine.pk)).status_code == 200


def test_removing_someone_from_the_care_team_ends_their_api_access_at_once(stay, social_worker, client_for):
    from patients import services

    client = client_for(social_worker)
    assert client.get(stay_url(stay.pk)).status_code == 200
    membership = CareTeamMembership.objects.get(stay=stay, user=social_worker)
    services.careteam_remove(by=social_worker, membership=membership)
    assert client.get(stay_url(stay.pk)).status_code == 404
    assert client.get(STAYS).json()["count"] == 0


# --- stays: filters and pagination -------------------------------------------------------------------------------


def test_the_stay_list_filters_by_status_department_and_admission_dates(make_stay, treating_psychologist, client_for):
    early = make_stay(
        status=StayStatus.DISCHARGED, admission_date=dt.date(2026, 1, 5), discharge_date=dt.date(2026, 2, 9)
    )
    wmr = make_stay(
        department_code=DepartmentCode.WMR_INPATIENT,
        admission_date=dt.date(2026, 6, 1),
        discharge_date=dt.date(2026, 7, 6),
    )
    invited = make_stay(status=StayStatus.INVITED, admission_date=dt.date(2026, 11, 2))
    client = client_for(treating_psychologist)

    def ids(**params) -> set[int]:
        response = client.get(STAYS, params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {early.pk, wmr.pk, invited.pk}
    assert ids(status="discharged") == {early.pk}
    assert ids(status="invited") == {invited.pk}
    assert ids(department_code="3197") == {wmr.pk}
    assert ids(admission_from="2026-06-01") == {wmr.pk, invited.pk}
    assert ids(admission_to="2026-06-01") == {early.pk, wmr.pk}
    assert ids(admission_from="2026-02-01", admission_to="2026-10-31") == {wmr.pk}


@pytest.mark.parametrize("params", [{"status": "lost"}, {"department_code": "9999"}, {"admission_from": "gestern"}])
def test_a_bad_filter_value_answers_400_not_500(params, stay, treating_psychologist, client_for):
    response = client_for(treating_psychologist).get(STAYS, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_the_stay_list_is_paginated_by_50(make_stay, treating_psychologist, client_for):
    for _ in range(51):
        make_stay(team=[(treating_psychologist, TeamFunction.PRIMARY_THERAPIST)])
    client = client_for(treating_psychologist)
    first = client.get(STAYS).json()
    assert first["count"] == 51
    assert len(first["results"]) == 50
    assert first["next"]
    second = client.get(STAYS, {"page": 2}).json()
    assert len(second["results"]) == 1
    assert {row["id"] for row in first["results"]}.isdisjoint({row["id"] for row in second["results"]})


def test_the_stay_list_costs_the_same_queries_for_1_and_for_30_stays(
    make_stay, treating_psychologist, client_for, django_assert_max_num_queries
):
    make_stay()
    client = client_for(treating_psychologist)
    client.get(STAYS)  # warms the content-type cache, as any running server has it warm
    cache.clear()  # the list is cached until a stay changes (patients.list_cache): count the read that builds it
    # session, user, count, page (patient and facility joined), audit row, session save (savepoint, update, release)
    with django_assert_max_num_queries(8) as one:
        response = client.get(STAYS)
    assert response.json()["count"] == 1
    for _ in range(29):
        make_stay()
    with django_assert_max_num_queries(8) as thirty:
        response = client.get(STAYS)
    assert response.json()["count"] == 30
    assert len(thirty) == len(one)


def test_the_patient_list_costs_the_same_queries_for_1_and_for_30_patients(
    make_stay, treating_psychologist, client_for, django_assert_max_num_queries
):
    make_stay()
    client = client_for(treating_psychologist)
    client.get(PATIENTS)
    cache.clear()  # the list is cached until a stay changes (patients.list_cache): count the read that builds it
    # session, user, count, page, the page's visible stays (prefetch), audit row, session save (3 statements)
    with django_assert_max_num_queries(9) as one:
        response = client.get(PATIENTS)
    assert response.json()["count"] == 1
    for _ in range(29):
        make_stay()
    with django_assert_max_num_queries(9) as thirty:
        response = client.get(PATIENTS)
    assert response.json()["count"] == 30
    assert len(thirty) == len(one)


# --- patients -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ON_THE_TEAM)
def test_a_care_team_member_lists_and_reads_the_patient(persona, api_as, stay):
    client = api_as(persona)
    listed = client.get(PATIENTS)
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [stay.patient_id]
    detail = client.get(patient_url(stay.patient_id))
    assert detail.status_code == 200
    assert detail.json()["last_name"] == stay.patient.last_name
    assert detail.json()["stays"] == [stay.pk]


@pytest.mark.parametrize("persona", OFF_THE_TEAM)
def test_nobody_else_sees_the_patient(persona, api_as, stay):
    client = api_as(persona)
    assert client.get(PATIENTS).json()["results"] == []
    assert client.get(patient_url(stay.patient_id)).status_code == 404


def test_a_patient_with_two_visible_stays_is_listed_once_and_shows_only_visible_stays(
    make_stay, treating_psychologist, other_team_clinician, client_for
):
    first = make_stay(admission_date=dt.date(2025, 3, 3), discharge_date=dt.date(2025, 4, 7))
    second = make_stay(patient=first.patient)
    hidden = make_stay(patient=first.patient, team=[(other_team_clinician, TeamFunction.PHYSICIAN)])
    client = client_for(treating_psychologist)
    listed = client.get(PATIENTS).json()
    assert listed["count"] == 1
    assert listed["results"][0]["stays"] == [second.pk, first.pk]
    assert hidden.pk not in client.get(patient_url(first.patient_id)).json()["stays"]


def test_a_patient_without_a_visible_stay_answers_404(
    make_stay, treating_psychologist, other_team_clinician, client_for
):
    theirs = make_stay(team=[(other_team_clinician, TeamFunction.PHYSICIAN)])
    lonely = PatientFactory()
    client = client_for(treating_psychologist)
    assert client.get(patient_url(theirs.patient_id)).status_code == 404
    assert client.get(patient_url(lonely.pk)).status_code == 404
    assert client.get(PATIENTS).json()["count"] == 0


# --- audit --------------------------------------------------------------------------------------------------------


def test_reading_a_stay_writes_an_audit_row(stay, treating_psychologist, client_for):
    client_for(treating_psychologist).get(stay_url(stay.pk))
    (row,) = audit_rows("patients.stay.api_viewed")
    assert row.user == treating_psychologist
    assert row.stay_id == stay.pk
    assert row.patient_id == stay.patient_id
    assert row.path == stay_url(stay.pk)


def test_reading_a_patient_writes_an_audit_row(stay, treating_psychologist, client_for):
    client_for(treating_psychologist).get(patient_url(stay.patient_id))
    (row,) = audit_rows("patients.patient.api_viewed")
    assert row.user == treating_psychologist
    assert row.patient_id == stay.patient_id


def test_a_stay_list_writes_one_audit_row_with_the_ids_returned(make_stay, treating_psychologist, client_for):
    stays = [make_stay() for _ in range(3)]
    response = client_for(treating_psychologist).get(STAYS, {"status": "admitted"})
    (row,) = audit_rows("patients.stay.api_listed")
    assert row.user == treating_psychologist
    assert row.data["ids"] == [r["id"] for r in response.json()["results"]]
    assert sorted(row.data["ids"]) == sorted(s.pk for s in stays)
    assert row.data["query"] == {"status": "admitted"}
    assert not audit_rows("patients.stay.api_viewed").exists()


def test_a_patient_list_writes_one_audit_row_with_the_ids_returned(make_stay, treating_psychologist, client_for):
    stays = [make_stay() for _ in range(2)]
    client_for(treating_psychologist).get(PATIENTS)
    (row,) = audit_rows("patients.patient.api_listed")
    assert sorted(row.data["ids"]) == sorted(s.patient_id for s in stays)


def test_an_empty_list_is_audited_too_and_a_refused_read_is_not(stay, other_team_clinician, client_for):
    client = client_for(other_team_clinician)
    client.get(STAYS)
    client.get(stay_url(stay.pk))
    (row,) = audit_rows("patients.stay.api_listed")
    assert row.data["ids"] == []
    assert not audit_rows("patients.stay.api_viewed").exists()


# --- create -------------------------------------------------------------------------------------------------------


def payload(facility, /, **changes) -> dict:
    data = {
        "patient": {
            "last_name": "Neumann",
            "first_name": "Helen",
            "birth_date": "1980-05-17",
            "sex": "f",
            "kvnr": "A123456780",
            "pension_insurance_number": "65170839J003",
        },
        "facility": facility.pk,
        "admission_date": "2026-12-01",
        "discharge_date": "2027-01-05",
        "department_code": "3197",
        "team_function": "primary_therapist",
    }
    patient_changes = changes.pop("patient", {})
    data["patient"].update(patient_changes)
    data.update(changes)
    return data


def post(client: Client, data: dict):
    return client.post(STAYS, data, content_type="application/json")


@pytest.mark.parametrize("persona", CREATORS)
def test_a_clinician_creates_a_patient_with_a_planned_stay_and_is_on_its_care_team(persona, api_as, request, facility):
    user = request.getfixturevalue(persona)
    client = api_as(persona)
    response = post(client, payload(facility, team_function="social_worker"))
    assert response.status_code == 201, response.json()
    stay = Stay.objects.get(pk=response.json()["id"])
    assert stay.status == StayStatus.INVITED
    assert stay.created_by == user
    assert stay.patient.kvnr == "A123456780"
    assert stay.patient.facility == facility
    assert CareTeamMembership.objects.get(stay=stay).function == TeamFunction.SOCIAL_WORKER
    assert audit_rows("patients.stay.created").count() == 1
    assert client.get(stay_url(stay.pk)).status_code == 200


@pytest.mark.parametrize("persona", NOT_CREATORS)
def test_management_privacy_officer_and_admin_may_not_create(persona, api_as, facility):
    response = post(api_as(persona), payload(facility))
    assert response.status_code == 403
    assert Patient.objects.count() == 0
    assert Stay.objects.count() == 0


def test_a_post_without_the_csrf_token_is_refused(treating_psychologist, facility):
    client = Client(enforce_csrf_checks=True)
    client.force_login(treating_psychologist, backend="django.contrib.auth.backends.ModelBackend")
    assert post(client, payload(facility)).status_code == 403
    assert Stay.objects.count() == 0


def test_identifiers_are_normalised_as_in_the_ui(treating_psychologist, facility, client_for):
    data = payload(facility, patient={"kvnr": "a 123 456 780", "pension_insurance_number": "65 170839 j003"})
    response = post(client_for(treating_psychologist), data)
    assert response.status_code == 201, response.json()
    patient = Patient.objects.get()
    assert (patient.kvnr, patient.pension_insurance_number) == ("A123456780", "65170839J003")


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"patient": {"kvnr": "A12345678"}}, ("patient", "kvnr")),
        ({"patient": {"kvnr": "A123456781"}}, ("patient", "kvnr")),
        ({"patient": {"pension_insurance_number": "65170839J00"}}, ("patient", "pension_insurance_number")),
        ({"patient": {"pension_insurance_number": "65170839J004"}}, ("patient", "pension_insurance_number")),
        ({"patient": {"birth_date": "2999-01-01"}}, ("patient", "birth_date")),
        ({"patient": {"birth_date": "1900-01-01"}}, ("patient", "birth_date")),
        ({"patient": {"birth_date": "17.05.1980x"}}, ("patient", "birth_date")),
        ({"patient": {"last_name": ""}}, ("patient", "last_name")),
        ({"discharge_date": "2026-11-30"}, ("discharge_date",)),
        ({"admission_date": "irgendwann"}, ("admission_date",)),
        ({"team_function": "chief"}, ("team_function",)),
        ({"department_code": "1234"}, ("department_code",)),
        ({"facility": 999999}, ("facility",)),
        ({"facility": "KaK"}, ("facility",)),
        ({"existing_patient": "zwei"}, ("existing_patient",)),
    ],
)
def test_bad_input_answers_400_with_the_field_error(changes, path, treating_psychologist, facility, client_for):
    response = post(client_for(treating_psychologist), payload(facility, **changes))
    assert response.status_code == 400
    errors = response.json()
    for key in path:
        errors = errors[key]
    assert errors and all(isinstance(message, str) and message for message in errors)
    assert Patient.objects.count() == 0
    assert Stay.objects.count() == 0


def test_the_team_function_is_required(treating_psychologist, facility, client_for):
    data = payload(facility)
    del data["team_function"]
    response = post(client_for(treating_psychologist), data)
    assert response.status_code == 400
    assert "team_function" in response.json()


def test_the_facility_must_be_one_of_my_facilities(treating_psychologist, other_facility, client_for):
    response = post(client_for(treating_psychologist), payload(other_facility))
    assert response.status_code == 400
    assert "facility" in response.json()
    assert Stay.objects.count() == 0


def test_the_create_takes_json_only(treating_psychologist, facility, client_for):
    response = client_for(treating_psychologist).post(STAYS, {"facility": facility.pk})
    assert response.status_code == 415
    assert Stay.objects.count() == 0


def test_a_body_that_is_no_json_object_answers_400(treating_psychologist, facility, client_for):
    client = client_for(treating_psychologist)
    assert client.post(STAYS, "{not json", content_type="application/json").status_code == 400
    assert client.post(STAYS, [], content_type="application/json").status_code == 400
    assert post(client, {**payload(facility), "patient": None}).status_code == 400
    assert post(client, {**payload(facility), "patient": "Neumann"}).status_code == 400


# --- create: the duplicate check ----------------------------------------------------------------------------------


@pytest.fixture
def existing(facility):
    """A patient already in the clinic, on nobody's care team the creator is on."""
    return PatientFactory(facility=facility, last_name="Neumann", first_name="Helene", birth_date=dt.date(1980, 5, 17))


def test_a_likely_duplicate_answers_409_with_the_candidates(existing, treating_psychologist, facility, client_for):
    response = post(client_for(treating_psychologist), payload(facility, patient={"last_name": "neumann "}))
    assert response.status_code == 409
    body = response.json()
    assert body["detail"]
    assert body["candidates"] == [
        {"id": existing.pk, "last_name": "Neumann", "first_name": "Helene", "birth_date": "1980-05-17"}
    ]
    assert Patient.objects.count() == 1
    assert Stay.objects.count() == 0


def test_offering_a_candidate_is_audited_because_it_shows_a_patient(
    existing, treating_psychologist, facility, client_for
):
    post(client_for(treating_psychologist), payload(facility))
    (row,) = audit_rows("patients.patient.duplicate_offered")
    assert row.user == treating_psychologist
    assert row.patient_id == existing.pk


def test_the_same_insurance_number_is_a_likely_duplicate(facility, treating_psychologist, client_for):
    other = PatientFactory(facility=facility, last_name="Berger", kvnr="A123456780")
    response = post(client_for(treating_psychologist), payload(facility))
    assert response.status_code == 409
    assert [c["id"] for c in response.json()["candidates"]] == [other.pk]


def test_confirm_new_creates_a_second_patient(existing, treating_psychologist, facility, client_for):
    response = post(client_for(treating_psychologist), payload(facility, confirm_new=True))
    assert response.status_code == 201
    assert Patient.objects.count() == 2
    assert Stay.objects.get().patient.first_name == "Helen"


def test_choosing_an_offered_candidate_creates_the_stay_for_that_patient(
    existing, treating_psychologist, facility, client_for
):
    client = client_for(treating_psychologist)
    response = post(client, payload(facility, existing_patient=existing.pk))
    assert response.status_code == 201
    assert Patient.objects.count() == 1
    stay = Stay.objects.get()
    assert stay.patient == existing
    assert client.get(patient_url(existing.pk)).json()["stays"] == [stay.pk]


def test_a_patient_who_was_not_offered_cannot_be_chosen(existing, treating_psychologist, facility, client_for):
    stranger = PatientFactory(facility=facility, last_name="Fremd")
    client = client_for(treating_psychologist)
    for patient_id in (stranger.pk, 999999):
        response = post(client, payload(facility, existing_patient=patient_id))
        assert response.status_code == 400
        assert "existing_patient" in response.json()
    assert Stay.objects.count() == 0


def test_a_duplicate_patient_elsewhere_in_the_group_is_offered_too(treating_psychologist, facility, client_for):
    # The duplicate check is the UI's: over all patients, whichever clinic of the group they were admitted to.
    elsewhere = PatientFactory(facility=FacilityFactory(), last_name="Neumann", birth_date=dt.date(1980, 5, 17))
    response = post(client_for(treating_psychologist), payload(facility))
    assert response.status_code == 409
    assert [c["id"] for c in response.json()["candidates"]] == [elsewhere.pk]


# --- schema and docs ----------------------------------------------------------------------------------------------


def test_the_schema_generates_and_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    for path in ("/api/v1/stays/", "/api/v1/stays/{id}/", "/api/v1/patients/", "/api/v1/patients/{id}/"):
        assert f"{path}:" in schema
    assert "'409':" in schema


def test_the_schema_is_served(treating_psychologist, client_for):
    response = client_for(treating_psychologist).get(reverse("api:schema"))
    assert response.status_code == 200
    assert b"/api/v1/stays/" in response.content


@pytest.mark.parametrize("name", ["api:schema", "api:docs"])
def test_schema_and_docs_are_for_logged_in_staff_only(name, db):
    assert Client().get(reverse(name)).status_code == 403


def test_the_docs_page_loads_everything_from_our_own_static_files(treating_psychologist, client_for):
    response = client_for(treating_psychologist).get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r"https?://", html) == []
    assert re.findall(r"(?:src|href)\s*=\s*[\"']//", html) == []
    assets = re.findall(r"[\"'](/static/[^\"']+)[\"']", html)
    assert any(asset.endswith(".js") for asset in assets)
    assert any(asset.endswith(".css") for asset in assets)
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
