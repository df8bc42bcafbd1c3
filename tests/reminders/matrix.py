"""Permission-matrix rows of the reminders app (issue 11).

"My reminders" is every clinician's own page; a reminder id is its owner's only, everyone else gets 404. The writes
use an open reminder of the stay's primary therapist (the treating psychologist: tests/test_idor.py swaps its id as
that persona). The snooze page's GET row uses the social worker's reminder instead: the form fuzzer
(tests/fuzz/test_forms_fuzz.py) opens a page the treating psychologist may open also as the team's physician, who
must not see another's reminder; as the social worker's page it is opened by its owner only.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reminders.models import Reminder
from tests.permissions import (
    API_LOGGED_IN,
    CLINICIANS,
    POST_ONLY_GET,
    Row,
    expect,
)

SOCIAL_WORKER_OWNS = expect(404, social_worker=200, anonymous=302)
OWNER_POST = expect(404, treating=302, anonymous=302)
OWNER_API = expect(404, treating=200, anonymous=403)
CLINICIAN_POST = expect(404, treating=302, social_worker=302, other_team=302, anonymous=302)


def _reminder(stay, user) -> list:
    today = timezone.localdate()
    reminder, _created = Reminder.objects.get_or_create(
        user=user,
        stay=stay,
        item_key="goal_review:2026-11-16",
        created_for=today,
        defaults={"kind": "goal_review", "due_on": today},
    )
    return [reminder.pk]


def reminder_of_lead(o) -> list:
    return _reminder(o["stay"], o["stay"].care_team.get(function="primary_therapist").user)


def reminder_of_social_worker(o) -> list:
    return _reminder(o["stay"], o["membership"].user)


def snooze_data(o) -> dict:
    return {"until": (timezone.localdate() + dt.timedelta(days=3)).isoformat(), "reason": "Patient im Urlaub"}


ROWS: list[Row] = [
    Row("reminders:list", "get", lambda o: [], CLINICIANS),
    Row("reminders:snooze", "get", reminder_of_social_worker, SOCIAL_WORKER_OWNS),
    Row("reminders:snooze", "post", reminder_of_lead, OWNER_POST, data=snooze_data),
    Row("reminders:done", "post", reminder_of_lead, OWNER_POST),
    Row("reminders:done", "get", reminder_of_lead, POST_ONLY_GET),
    Row("reminders:preferences", "post", lambda o: [], CLINICIAN_POST),  # no data: "no e-mail" (no ids to swap)
    Row("reminders:preferences", "get", lambda o: [], POST_ONLY_GET),
    Row("api:reminder-list", "get", lambda o: [], API_LOGGED_IN),
    Row("api:reminder-snooze", "post", reminder_of_lead, OWNER_API, data=snooze_data),
]
