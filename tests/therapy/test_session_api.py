"""The session API: a stay's sessions and a group's sessions (bulk attendance in one request), same permissions as
the pages, refusals as 400 with the message, audit-logged, in the OpenAPI schema."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from therapy.models import Attendance, TherapySession
from therapy.services.groups import membership_add
from therapy.services.sessions import Attendee, group_session_log, session_log
from wmr.models import AuditEntry

ADMISSION = dt.date(2026, 11, 2)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def members(make_stay, work_group, social_worker):
    stays = [make_stay() for _ in range(3)]
    for stay in stays:
        membership_add(by=social_worker, group=work_group, stay=stay, starts_on=ADMISSION)
    return stays


def stay_url(stay):
    return reverse("api:therapy-stay-sessions", args=[stay.pk])


def group_url(group):
    return reverse("api:therapy-group-sessions", args=[group.pk])


ONE = {
    "kind": "individual_counseling",
    "held_on": "2026-11-05",
    "start": "09:00",
    "minutes": 50,
    "topics": ["aftercare"],
}


def test_a_scheduling_system_pushes_one_held_session_for_a_stay(stay, social_worker):
    response = post(api(social_worker), stay_url(stay), ONE)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["minutes"], body["status"], body["staff"], body["topics"]) == (
        50,
        "held",
        social_worker.pk,
        ["aftercare"],
    )
    assert body["attendances"] == [
        {"stay": stay.pk, "present": True, "late_minutes": 0, "left_early_minutes": 0, "minutes": 50, "note": ""}
    ]
    assert AuditEntry.objects.filter(action="therapy.session.logged", stay_id=stay.pk).count() == 1


def test_the_stays_sessions_are_listed_and_the_read_is_logged(stay, social_worker, treating_psychologist):
    session_log(by=social_worker, stay=stay, kind="individual_counseling", held_on=dt.date(2026, 11, 5), minutes=30)
    response = api(treating_psychologist).get(stay_url(stay))
    assert response.status_code == 200
    assert [row["minutes"] for row in response.json()["results"]] == [30]
    assert AuditEntry.objects.filter(action="therapy.sessions.api_listed", stay_id=stay.pk).count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"minutes": 0}, "minutes", "greater than or equal to 1"),
        ({"minutes": 601}, "minutes", "less than or equal to 600"),
        ({"held_on": "2026-11-01"}, "held_on", "before the admission of"),
        ({"held_on": "2099-01-01"}, "held_on", "future cannot be marked as held"),
        ({"topics": ["job_anxiety"]}, "topics", "not offered for a session of this kind"),
        ({"topics": ["nonsense"]}, "topics", "not a valid choice"),
    ],
)
def test_bad_input_is_a_400_with_the_message_at_the_field(stay, social_worker, change, field, message):
    response = post(api(social_worker), stay_url(stay), {**ONE, **change})
    assert response.status_code == 400
    assert message in json.dumps(response.json()[field])
    assert not TherapySession.objects.exists()


def test_a_staff_member_of_another_facility_is_refused(stay, social_worker, other_facility):
    from tests.factories import UserFactory

    stranger = UserFactory(facilities=[other_facility])
    response = post(api(social_worker), stay_url(stay), {**ONE, "staff": stranger.pk})
    assert response.status_code == 400 and "staff" in response.json()


@pytest.mark.parametrize("persona", ["other_team_clinician", "manager", "privacy_officer"])
def test_outside_the_care_team_the_stays_sessions_answer_404(request, stay, persona):
    user = request.getfixturevalue(persona)
    assert api(user).get(stay_url(stay)).status_code == 404
    assert post(api(user), stay_url(stay), ONE).status_code == 404
    assert not TherapySession.objects.exists()


def test_anonymous_gets_403(stay):
    assert post(api(), stay_url(stay), ONE).status_code == 403


def test_a_group_session_with_bulk_attendance_in_one_request(work_group, members, other_team_clinician):
    a, b, c = members
    data = {
        "held_on": "2026-11-10",
        "start": "10:00",
        "minutes": 90,
        "topics": ["job_anxiety"],
        "attendees": [
            {"stay": a.pk},
            {"stay": b.pk, "late_minutes": 10, "left_early_minutes": 5},
            {"stay": c.pk, "present": False},
        ],
    }
    response = post(api(other_team_clinician), group_url(work_group), data)  # a clinician of the facility
    assert response.status_code == 201, response.content
    minutes = {row["stay"]: row["minutes"] for row in response.json()["attendances"]}
    assert minutes == {a.pk: 90, b.pk: 75, c.pk: 0}
    assert Attendance.objects.count() == 3
    assert AuditEntry.objects.filter(action="therapy.attendance.logged").count() == 3


def test_a_non_member_in_the_bulk_request_is_a_400_and_nothing_is_stored(work_group, members, make_stay, social_worker):
    outsider = make_stay()
    data = {
        "held_on": "2026-11-10",
        "start": "10:00",
        "minutes": 90,
        "attendees": [{"stay": members[0].pk}, {"stay": outsider.pk}],
    }
    response = post(api(social_worker), group_url(work_group), data)
    assert response.status_code == 400
    assert "is not a member of the group on 10.11.2026" in response.json()["attendees"][0]
    assert not TherapySession.objects.exists() and not Attendance.objects.exists()


def test_the_same_group_session_pushed_twice_is_a_400(work_group, members, social_worker):
    data = {"held_on": "2026-11-10", "start": "10:00", "minutes": 90, "attendees": [{"stay": members[0].pk}]}
    assert post(api(social_worker), group_url(work_group), data).status_code == 201
    response = post(api(social_worker), group_url(work_group), data)
    assert response.status_code == 400
    assert "already been logged" in response.json()["start"][0]
    assert TherapySession.objects.count() == 1


def test_the_groups_sessions_are_listed_for_the_facilitys_clinicians(work_group, members, social_worker, manager):
    group_session_log(
        by=social_worker,
        group=work_group,
        held_on=dt.date(2026, 11, 10),
        start=dt.time(10),
        minutes=90,
        attendees=[Attendee(s) for s in members],
    )
    response = api(social_worker).get(group_url(work_group))
    assert response.status_code == 200
    assert len(response.json()["results"][0]["attendances"]) == 3
    assert AuditEntry.objects.filter(action="therapy.group_sessions.api_listed").count() == 1
    assert api(manager).get(group_url(work_group)).status_code == 404


def test_a_stays_list_shows_only_that_stays_attendance_of_a_group_session(work_group, members, social_worker):
    group_session_log(
        by=social_worker,
        group=work_group,
        held_on=dt.date(2026, 11, 10),
        start=dt.time(10),
        minutes=90,
        attendees=[Attendee(s) for s in members],
    )
    rows = api(social_worker).get(stay_url(members[0])).json()["results"]
    assert [a["stay"] for a in rows[0]["attendances"]] == [members[0].pk]


def test_both_paths_are_in_the_openapi_schema(social_worker):
    response = api(social_worker).get(reverse("api:schema"), {"format": "json"})
    paths = json.loads(response.content)["paths"]
    assert "post" in paths["/api/v1/stays/{stay_pk}/sessions/"]
    assert "post" in paths["/api/v1/groups/{group_pk}/sessions/"]
