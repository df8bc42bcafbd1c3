"""The API's list endpoints read plain rows (``patients.api_lean``, issue 10) and must answer exactly what the
serializers answer: the same fields in the same order with the same values, the same pagination contract (DRF's
page numbers, its 404 for a page that does not exist), the same audit row, in a constant number of queries."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from patients import api_lean, selectors
from patients.api import PatientSerializer, StaySerializer
from patients.models import Patient, Stay, TeamFunction
from tests.factories import PatientFactory
from therapy.api_sessions import SessionSerializer
from therapy.selectors import stay_sessions_for_api
from therapy.services.groups import group_create, membership_add
from therapy.services.sessions import Attendee, group_session_log, session_log
from wmr.models import AuditEntry

STAYS = reverse("api:stay-list")
PATIENTS = reverse("api:patient-list")


def as_json(data) -> object:
    """What a client receives for ``data`` (the renderer's bytes, parsed)."""
    return json.loads(JSONRenderer().render(data))


def full(serializer_class, objects) -> list[dict]:
    """The serializer's own answer for these objects, as the list endpoints gave it before the lean path."""
    return as_json(serializer_class(objects, many=True).data)


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    # key order too: a client comparing raw bodies or printing them sees the serializer's order
    return json.loads(response.content)["results"]


@pytest.fixture
def varied_stays(make_stay, facility):
    """Stays whose values exercise every converter: with and without discharge date, other choices, free text with
    umlauts, a creation time in winter and one in summer time (rendered in Europe/Berlin)."""
    first = make_stay(
        number="2026-000101",
        status="invited",
        admission_date=dt.date(2026, 12, 1),
        discharge_date=None,
        payer_reference="Az. 12/345-Ä",
        occupation="Lagerlogistik (Fachkraft)",
        created_at=dt.datetime(2026, 1, 15, 7, 30, 5, 123456, tzinfo=dt.UTC),
    )
    second = make_stay(
        number="2026-000102",
        admission_date=dt.date(2026, 11, 2),
        discharge_date=dt.date(2026, 12, 7),
        created_at=dt.datetime(2026, 7, 1, 22, 0, tzinfo=dt.UTC),
    )
    third = make_stay(number="2026-000103", admission_date=dt.date(2026, 11, 2), discharge_date=dt.date(2026, 12, 7))
    return [first, second, third]


# --- the same JSON as the serializers -----------------------------------------------------------------------------


def test_the_stay_list_is_the_serializers_json_row_for_row(varied_stays, treating_psychologist, client_for):
    got = results(client_for(treating_psychologist).get(STAYS))
    expected_order = (
        Stay.objects.filter(pk__in=[s.pk for s in varied_stays])
        .select_related("patient", "facility")
        .order_by("-admission_date", "number")
    )
    assert got == full(StaySerializer, expected_order)
    assert [list(row) for row in got] == [list(row) for row in full(StaySerializer, expected_order)]
    assert [list(row["patient"]) for row in got] == [["id", "last_name", "first_name", "birth_date"]] * 3


def test_a_stay_row_is_pinned_field_by_field(varied_stays, treating_psychologist, client_for, facility):
    stay = varied_stays[0]
    row = results(client_for(treating_psychologist).get(STAYS))[0]
    assert row == {
        "id": stay.pk,
        "number": "2026-000101",
        "patient": {
            "id": stay.patient_id,
            "last_name": stay.patient.last_name,
            "first_name": stay.patient.first_name,
            "birth_date": stay.patient.birth_date.isoformat(),
        },
        "facility": {"id": facility.pk, "name": "Klinik am Kurpark", "short_name": "KaK"},
        "status": "invited",
        "admission_date": "2026-12-01",
        "discharge_date": None,
        "department_code": stay.department_code,
        "payer": stay.payer,
        "payer_reference": "Az. 12/345-Ä",
        "employment_status": stay.employment_status,
        "occupation": "Lagerlogistik (Fachkraft)",
        "created_at": "2026-01-15T08:30:05.123456+01:00",  # Europe/Berlin, as DRF's DateTimeField writes it
    }


def test_the_patient_list_is_the_serializers_json_with_only_the_visible_stays(
    make_stay, facility, treating_psychologist, other_team_clinician, client_for
):
    patient = PatientFactory(facility=facility, email="", kvnr="A123456780", sex="f")
    older = make_stay(patient=patient, admission_date=dt.date(2025, 3, 3), discharge_date=dt.date(2025, 4, 7))
    newer = make_stay(patient=patient)
    make_stay(patient=patient, team=[(other_team_clinician, TeamFunction.PRIMARY_THERAPIST)])  # not on our team
    other = make_stay(patient=PatientFactory(facility=facility, email="a@example.org"))
    make_stay(team=[(other_team_clinician, TeamFunction.PRIMARY_THERAPIST)])  # a patient we must not see

    client = client_for(treating_psychologist)
    got = results(client.get(PATIENTS))
    patients = (
        Patient.objects.filter(pk__in=[patient.pk, other.patient_id])
        .prefetch_related(
            # what PatientViewSet.retrieve prefetches: the stays of the user's care teams, newest first
            Prefetch(
                "stays",
                queryset=selectors.stays_visible_to(treating_psychologist).order_by("-admission_date", "number"),
                to_attr="visible_stays",
            )
        )
        .order_by("last_name", "first_name", "birth_date", "pk")
    )
    assert got == full(PatientSerializer, patients)
    assert [list(row) for row in got] == [list(row) for row in full(PatientSerializer, patients)]
    mine = next(row for row in got if row["id"] == patient.pk)
    assert mine["stays"] == [newer.pk, older.pk]
    assert (mine["kvnr"], mine["email"], mine["facility"]) == ("A123456780", "", facility.pk)
    # each listed patient is the same as their detail answer
    for row in got:
        assert client.get(reverse("api:patient-detail", args=[row["id"]])).json() == row


def test_the_stay_list_row_equals_the_stays_detail(varied_stays, treating_psychologist, client_for):
    client = client_for(treating_psychologist)
    for row in results(client.get(STAYS)):
        assert client.get(reverse("api:stay-detail", args=[row["id"]])).json() == row


def test_a_stays_sessions_are_the_serializers_json_with_only_that_stays_attendance(
    make_stay, facility, social_worker, treating_psychologist, client_for
):
    stays = [make_stay() for _ in range(3)]
    group = group_create(
        by=social_worker, facility=facility, name="Arbeit und Gesundheit", leader=social_worker,
        starts_on=dt.date(2026, 10, 1),
    )  # fmt: skip
    for stay in stays:
        membership_add(by=social_worker, group=group, stay=stay, starts_on=dt.date(2026, 11, 2))
    today = dt.date(2026, 11, 20)
    group_session_log(
        by=social_worker, group=group, held_on=dt.date(2026, 11, 10), start=dt.time(10), minutes=90,
        attendees=[Attendee(stays[0], late_minutes=5), Attendee(stays[1]), Attendee(stays[2], present=False)],
        today=today,
    )  # fmt: skip
    session_log(
        by=social_worker, stay=stays[0], kind="individual_counseling", held_on=dt.date(2026, 11, 5), minutes=30,
        topics=["aftercare"], note="Gespräch über Rückkehr", today=today,
    )  # fmt: skip
    session_log(
        by=social_worker, stay=stays[0], kind="individual_counseling", held_on=dt.date(2026, 11, 25), minutes=50,
        status="planned", today=today,
    )  # fmt: skip
    url = reverse("api:therapy-stay-sessions", args=[stays[0].pk])
    got = results(client_for(treating_psychologist).get(url))
    expected = full(SessionSerializer, stay_sessions_for_api(stays[0]))
    assert len(got) == 3
    assert got == expected
    assert [list(row) for row in got] == [list(row) for row in expected]
    assert [[a["stay"] for a in row["attendances"]] for row in got] == [[stays[0].pk]] * 3


# --- the pagination contract --------------------------------------------------------------------------------------


@pytest.fixture
def fifty_one(make_stay):
    return [make_stay(admission_date=dt.date(2026, 11, 2) - dt.timedelta(days=i)) for i in range(51)]


def test_pages_count_next_and_previous_are_drfs(fifty_one, treating_psychologist, client_for):
    client = client_for(treating_psychologist)
    first = client.get(STAYS).json()
    assert (first["count"], first["next"], first["previous"], len(first["results"])) == (
        51,
        "http://testserver/api/v1/stays/?page=2",
        None,
        50,
    )
    second = client.get(STAYS, {"page": 2}).json()
    assert (second["count"], second["next"], second["previous"], len(second["results"])) == (
        51,
        None,
        "http://testserver/api/v1/stays/",
        1,
    )
    assert second["results"][0]["id"] == fifty_one[-1].pk  # the oldest admission comes last
    assert client.get(STAYS, {"page": "last"}).json() == second  # DRF's "last", through DRF's own paginator
    filtered = client.get(STAYS, {"status": "admitted", "page": 1}).json()
    assert filtered["count"] == 51
    assert filtered["next"] == "http://testserver/api/v1/stays/?page=2&status=admitted"


@pytest.mark.parametrize("page", ["3", "0", "-1", "x", "2.0", "99999999999"])
def test_a_page_that_does_not_exist_is_drfs_404(fifty_one, treating_psychologist, client_for, page):
    response = client_for(treating_psychologist, "en").get(STAYS, {"page": page})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_an_empty_list_is_one_page_with_count_zero(treating_psychologist, client_for):
    body = client_for(treating_psychologist).get(PATIENTS).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
    assert client_for(treating_psychologist).get(PATIENTS, {"page": 2}).status_code == 404


def test_the_patient_list_audit_row_has_the_ids_of_the_page(make_stay, treating_psychologist, client_for):
    stays = [make_stay() for _ in range(3)]
    listed = [row["id"] for row in results(client_for(treating_psychologist).get(PATIENTS))]
    assert sorted(listed) == sorted(s.patient_id for s in stays)
    row = AuditEntry.objects.get(action="patients.patient.api_listed")
    assert row.data == {"ids": listed}


# --- queries ------------------------------------------------------------------------------------------------------

# session, user, the page with its count (window), [the page's visible stays], audit row, session save (3 statements)
QUERIES = {STAYS: 7, PATIENTS: 8}


@pytest.mark.parametrize("url", [STAYS, PATIENTS])
def test_a_list_costs_the_same_few_queries_for_1_and_for_60_rows(make_stay, treating_psychologist, client_for, url):
    make_stay()
    client = client_for(treating_psychologist)
    client.get(url)  # warms the content-type cache, as any running server has it warm
    cache.clear()  # the list is cached until a stay changes (patients.list_cache): count the read that builds it
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).json()["count"] == 1
    for _ in range(59):
        make_stay()
    with CaptureQueriesContext(connection) as sixty:
        assert client.get(url).json()["count"] == 60
    assert len(one) == len(sixty) == QUERIES[url]
    assert not [q for q in sixty.captured_queries if q["sql"].lstrip().upper().startswith("SELECT COUNT")]


# --- the plan refuses what it cannot build from a column ------------------------------------------------------------


class _WithProperty(serializers.ModelSerializer):
    label = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Stay
        fields = ["id", "label"]


class _WithDottedSource(serializers.ModelSerializer):
    patient_name = serializers.CharField(source="patient.last_name", read_only=True)

    class Meta:
        model = Stay
        fields = ["id", "patient_name"]


@pytest.mark.parametrize("serializer_class", [_WithProperty, _WithDottedSource])
def test_the_plan_refuses_a_field_that_is_not_a_column(serializer_class):
    with pytest.raises(api_lean.LeanPlanError):
        api_lean.plan_for(serializer_class)


def test_the_plan_wants_every_computed_field():
    with pytest.raises(api_lean.LeanPlanError, match="stays"):
        api_lean.plan_for(PatientSerializer).represent([])


def test_the_plans_columns_follow_the_serializers_fields():
    assert api_lean.plan_for(StaySerializer).lookups == (
        "id",
        "number",
        "patient",  # also the nested patient's id: the relation's column
        "patient__last_name",
        "patient__first_name",
        "patient__birth_date",
        "facility",
        "facility__name",
        "facility__short_name",
        "status",
        "admission_date",
        "discharge_date",
        "department_code",
        "payer",
        "payer_reference",
        "employment_status",
        "occupation",
        "created_at",
    )
