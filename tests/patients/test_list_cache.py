"""The API's stay and patient lists cached per reader and query (patients/list_cache.py): rebuilt after every write to
a stay, patient, facility or care team; every read still audit-logged with the ids it showed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patients import services
from wmr.models import AuditEntry

STAYS = "/api/v1/stays/"
PATIENTS = "/api/v1/patients/"
HIT_QUERIES = 6  # session, user, the audit row, the session's renewal (savepoint, update, release)

pytestmark = pytest.mark.django_db


def _get(client, url, **params) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return response.json(), len(captured)


@pytest.mark.parametrize("url", [STAYS, PATIENTS])
def test_a_second_read_is_cached_and_still_logged_with_its_ids(make_stay, treating_psychologist, client_for, url):
    stay = make_stay()
    client = client_for(treating_psychologist)
    first, built = _get(client, url)
    before = AuditEntry.objects.filter(action__endswith="api_listed").count()
    second, cached = _get(client, url)
    assert cached <= HIT_QUERIES
    assert cached < built
    assert second == first
    row = AuditEntry.objects.filter(action__endswith="api_listed").latest("pk")
    assert AuditEntry.objects.filter(action__endswith="api_listed").count() == before + 1
    assert row.data["ids"] == [stay.pk if url == STAYS else stay.patient_id]


def test_a_new_stay_and_a_discharge_show_at_once(make_stay, treating_psychologist, client_for):
    stay = make_stay()
    client = client_for(treating_psychologist)
    _get(client, STAYS)
    new = make_stay()
    services.stay_update(
        by=treating_psychologist, stay=stay, data={"status": "discharged", "discharge_date": dt.date(2026, 12, 5)}
    )
    data, _ = _get(client, STAYS)
    rows = {row["id"]: row for row in data["results"]}
    assert set(rows) == {stay.pk, new.pk}
    assert rows[stay.pk]["status"] == "discharged"


def test_leaving_the_care_team_removes_the_stay_and_its_patient_at_once(make_stay, treating_psychologist, client_for):
    stay = make_stay()
    client = client_for(treating_psychologist)
    assert _get(client, STAYS)[0]["count"] == 1
    assert _get(client, PATIENTS)[0]["count"] == 1
    services.careteam_remove(by=treating_psychologist, membership=stay.care_team.get(user=treating_psychologist))
    assert _get(client, STAYS)[0]["count"] == 0
    assert _get(client, PATIENTS)[0]["count"] == 0


def test_a_renamed_patient_shows_at_once(make_stay, treating_psychologist, client_for):
    stay = make_stay()
    client = client_for(treating_psychologist)
    _get(client, PATIENTS)
    patient = stay.patient
    patient.last_name = "Umbenannt"
    patient.save()
    assert _get(client, PATIENTS)[0]["results"][0]["last_name"] == "Umbenannt"


def test_each_reader_and_filter_has_its_own_entry(make_stay, treating_psychologist, other_team_clinician, client_for):
    from patients.models import TeamFunction

    mine = make_stay()
    theirs = make_stay(team=[(other_team_clinician, TeamFunction.PHYSICIAN)])
    assert [row["id"] for row in _get(client_for(treating_psychologist), STAYS)[0]["results"]] == [mine.pk]
    assert [row["id"] for row in _get(client_for(other_team_clinician), STAYS)[0]["results"]] == [theirs.pk]
    assert _get(client_for(treating_psychologist), STAYS, status="invited")[0]["count"] == 0
