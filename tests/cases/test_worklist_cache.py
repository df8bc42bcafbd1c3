"""The worklist's cached content (cases/overview_cache.py): rebuilt after every committed write to a stay, patient,
facility or care team; never cached with a search term; per reader, language and query."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from patients import services
from patients.models import TeamFunction
from tests.conftest import login

WORKLIST = reverse("cases:worklist")
HIT_QUERIES = 5  # session, user, the session's renewal: what the trivial view costs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_frozen")]


@pytest.fixture
def _frozen():
    with freeze_time("2026-12-06 10:00:00+01:00"):
        yield


def _read(client, query=None) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(WORKLIST, query or {})
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def test_a_second_read_is_served_from_the_cache(make_stay, treating_psychologist):
    stay = make_stay()
    client = login(treating_psychologist)
    first, composed = _read(client)
    second, cached = _read(client)
    assert cached <= HIT_QUERIES < composed
    assert stay.number in second
    assert first.count("<tr>") == second.count("<tr>")


def test_a_new_stay_on_my_care_team_shows_at_once(make_stay, treating_psychologist):
    make_stay()
    client = login(treating_psychologist)
    _read(client)
    new = make_stay()
    assert new.number in _read(client)[0]


def test_leaving_a_care_team_removes_the_stay_at_once(make_stay, treating_psychologist):
    stay = make_stay()
    client = login(treating_psychologist)
    assert stay.number in _read(client)[0]
    membership = stay.care_team.get(user=treating_psychologist)
    services.careteam_remove(by=treating_psychologist, membership=membership)
    assert stay.number not in _read(client)[0]


def test_a_discharge_and_a_renamed_patient_show_at_once(make_stay, treating_psychologist):
    stay = make_stay()
    client = login(treating_psychologist, language="en")
    _read(client)
    services.stay_update(
        by=treating_psychologist, stay=stay, data={"status": "discharged", "discharge_date": dt.date(2026, 12, 5)}
    )
    patient = stay.patient
    patient.last_name = "Neuname"
    patient.save()
    html, _ = _read(client)
    assert "Neuname" in html
    assert "05.12.2026" in html


def test_writes_inside_a_stay_keep_the_worklist_cached(make_stay, treating_psychologist, social_worker):
    stay = make_stay()
    client = login(treating_psychologist)
    _read(client)
    services.consent_give(by=social_worker, stay=stay, kind="employer", given_on=dt.date(2026, 12, 6))
    _html, queries = _read(client)
    assert queries <= HIT_QUERIES


def test_another_readers_worklist_is_their_own(make_stay, treating_psychologist, other_team_clinician):
    mine = make_stay()
    theirs = make_stay(team=[(other_team_clinician, TeamFunction.PHYSICIAN)])
    _read(login(treating_psychologist))
    html, _ = _read(login(other_team_clinician))
    assert theirs.number in html
    assert mine.number not in html


def test_each_filter_and_page_has_its_own_entry(make_stay, treating_psychologist):
    invited = make_stay(status="invited", admission_date=dt.date(2026, 12, 20), discharge_date=None)
    admitted = make_stay()
    client = login(treating_psychologist)
    html, _ = _read(client, {"status": "invited"})
    assert invited.number in html and admitted.number not in html
    html, _ = _read(client, {"status": "admitted"})
    assert admitted.number in html and invited.number not in html


def test_a_search_term_is_never_cached(make_stay, treating_psychologist):
    make_stay()
    client = login(treating_psychologist)
    _read(client, {"q": "Berger"})
    _html, queries = _read(client, {"q": "Berger"})
    assert queries > HIT_QUERIES
    assert not any("Berger" in str(key) for key in getattr(cache, "_cache", {}))


def test_bad_filter_input_keeps_its_message_when_read_again(make_stay, treating_psychologist):
    make_stay()
    client = login(treating_psychologist, language="en")
    first, _ = _read(client, {"admission_from": "31.02.2026"})
    second, _ = _read(client, {"admission_from": "31.02.2026"})
    assert 'data-testid="filter-error"' in first
    assert 'data-testid="filter-error"' in second
    assert 'value="31.02.2026"' in second
