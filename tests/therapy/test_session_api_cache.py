"""A stay's sessions over the API, cached per reader and URL under the stay's version tokens (wmr.stay_versions):
a session logged for the stay (alone or in a group) shows at once; every read is logged."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from therapy.services.groups import membership_add
from wmr.models import AuditEntry

ADMISSION = "2026-11-02"
ONE = {"kind": "individual_counseling", "held_on": "2026-11-05", "start": "09:00", "minutes": 50, "topics": []}

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _list(client, stay) -> tuple[list[int], int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("api:therapy-stay-sessions", args=[stay.pk]))
    assert response.status_code == 200
    return [row["minutes"] for row in response.json()["results"]], len(captured)


def test_a_second_read_is_cached_and_logged(stay, social_worker):
    client = _api(social_worker)
    client.post(reverse("api:therapy-stay-sessions", args=[stay.pk]), json.dumps(ONE), content_type="application/json")
    first, built = _list(client, stay)
    logged = AuditEntry.objects.filter(action="therapy.sessions.api_listed", stay_id=stay.pk).count()
    second, cached = _list(client, stay)
    assert first == second == [50]
    assert cached < built
    assert AuditEntry.objects.filter(action="therapy.sessions.api_listed", stay_id=stay.pk).count() == logged + 1


def test_a_new_session_and_a_group_sessions_attendance_show_at_once(stay, social_worker, work_group):
    import datetime as dt

    client = _api(social_worker)
    assert _list(client, stay)[0] == []
    url = reverse("api:therapy-stay-sessions", args=[stay.pk])
    assert client.post(url, json.dumps(ONE), content_type="application/json").status_code == 201
    assert _list(client, stay)[0] == [50]
    membership_add(by=social_worker, group=work_group, stay=stay, starts_on=dt.date(2026, 11, 2))
    group = {"held_on": "2026-11-10", "start": "10:00", "minutes": 90, "topics": [], "attendees": [{"stay": stay.pk}]}
    group_url = reverse("api:therapy-group-sessions", args=[work_group.pk])
    assert client.post(group_url, json.dumps(group), content_type="application/json").status_code == 201
    assert sorted(_list(client, stay)[0]) == [50, 90]


def test_another_reader_outside_the_team_still_gets_404(stay, social_worker, other_team_clinician):
    _list(_api(social_worker), stay)
    response = _api(other_team_clinician).get(reverse("api:therapy-stay-sessions", args=[stay.pk]))
    assert response.status_code == 404
