"""Pages and API of the reminders: my own only (another user's id answers 404), grouped overdue / due today, snooze
with a required reason and a later date (bad input keeps the form), done, audit rows for reads and snoozes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from reminders.models import Reminder, ReminderPreference, ReminderState
from tests.reminders.conftest import day
from wmr.models import AuditEntry

TODAY = "2026-11-16 09:00:00"  # day 15 of the stay


@pytest.fixture
def reminders_of_today(team_stay, run):
    with freeze_time(TODAY):
        run(day(team_stay, 15))
    return Reminder.objects.all()


@pytest.fixture
def mine(reminders_of_today, social_worker):
    return reminders_of_today.get(user=social_worker)


@pytest.fixture
def physicians(reminders_of_today, treating_physician):
    return reminders_of_today.get(user=treating_physician)


@freeze_time(TODAY)
def test_my_reminders_lists_only_mine_grouped_with_a_link_to_the_section(mine, physicians, social_worker, client_for):
    response = client_for(social_worker, "en").get(reverse("reminders:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-reminder="{mine.pk}"' in html
    assert f'data-reminder="{physicians.pk}"' not in html
    assert response.context["overdue"] == [mine]  # due on day 14, today is day 15
    assert response.context["due_today"] == []
    assert f"/cases/stays/{mine.stay_id}/#therapy" in html
    assert mine.stay.number in html


@freeze_time(TODAY)
def test_listing_writes_one_audit_row_per_stay_shown(mine, social_worker, client_for):
    client_for(social_worker).get(reverse("reminders:list"))
    entry = AuditEntry.objects.get(action="reminders.reminder.listed")
    assert (entry.stay_id, entry.patient_id, entry.user) == (mine.stay_id, mine.stay.patient_id, social_worker)


@freeze_time(TODAY)
def test_an_empty_list_writes_no_audit_row(social_worker, client_for):
    response = client_for(social_worker, "en").get(reverse("reminders:list"))
    assert response.status_code == 200
    assert "Nothing overdue." in response.content.decode()
    assert not AuditEntry.objects.filter(action="reminders.reminder.listed").exists()


@freeze_time(TODAY)
def test_snoozing_needs_a_reason_and_keeps_the_input(mine, social_worker, client_for):
    client = client_for(social_worker, "en")
    url = reverse("reminders:snooze", args=[mine.pk])
    response = client.post(url, {"until": "2026-11-20", "reason": "   "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please give a reason for snoozing." in html
    assert 'value="2026-11-20"' in html
    assert Reminder.objects.get(pk=mine.pk).state == ReminderState.OPEN


@freeze_time(TODAY)
@pytest.mark.parametrize("until", ["2026-11-16", "2026-11-10", "2027-03-01", "kein Datum"])
def test_snoozing_needs_a_later_day_within_reach(mine, social_worker, client_for, until):
    response = client_for(social_worker, "en").post(
        reverse("reminders:snooze", args=[mine.pk]), {"until": until, "reason": "Urlaub"}
    )
    assert response.status_code == 200
    assert "Urlaub" in response.content.decode()  # the typed reason is kept
    assert Reminder.objects.get(pk=mine.pk).state == ReminderState.OPEN


@freeze_time(TODAY)
def test_snoozing_hides_the_reminder_until_the_date_and_is_audit_logged(mine, social_worker, client_for):
    client = client_for(social_worker, "en")
    response = client.post(reverse("reminders:snooze", args=[mine.pk]), {"until": "2026-11-19", "reason": "Urlaub"})
    assert response.status_code == 302
    snoozed = Reminder.objects.get(pk=mine.pk)
    assert (snoozed.state, snoozed.snoozed_until, snoozed.snooze_reason) == (
        ReminderState.SNOOZED,
        dt.date(2026, 11, 19),
        "Urlaub",
    )
    assert snoozed.snoozed_by == social_worker and snoozed.snoozed_at is not None
    entry = AuditEntry.objects.get(action="reminders.reminder.snoozed")
    assert entry.data == {"until": "2026-11-19", "reason": "Urlaub"}
    page = client.get(reverse("reminders:list"))
    assert page.context["overdue"] == [] and page.context["snoozed"] == [snoozed]


@freeze_time(TODAY)
def test_done_closes_my_reminder(mine, social_worker, client_for):
    response = client_for(social_worker).post(reverse("reminders:done", args=[mine.pk]))
    assert response.status_code == 302
    assert Reminder.objects.get(pk=mine.pk).state == ReminderState.DONE
    assert AuditEntry.objects.filter(action="reminders.reminder.done", stay_id=mine.stay_id).exists()


@freeze_time(TODAY)
@pytest.mark.parametrize("name", ["reminders:snooze", "reminders:done"])
def test_another_users_reminder_answers_404_and_stays_unchanged(physicians, social_worker, client_for, name):
    client = client_for(social_worker)
    response = client.post(reverse(name, args=[physicians.pk]), {"until": "2026-11-20", "reason": "x"})
    assert response.status_code == 404
    assert Reminder.objects.get(pk=physicians.pk).state == ReminderState.OPEN
    assert client.get(reverse("reminders:snooze", args=[physicians.pk])).status_code == 404


@freeze_time(TODAY)
def test_a_closed_reminder_cannot_be_snoozed(mine, social_worker, client_for):
    Reminder.objects.filter(pk=mine.pk).update(state=ReminderState.DONE)
    response = client_for(social_worker).post(
        reverse("reminders:snooze", args=[mine.pk]), {"until": "2026-11-20", "reason": "x"}
    )
    assert response.status_code == 302
    assert Reminder.objects.get(pk=mine.pk).state == ReminderState.DONE


@freeze_time(TODAY)
def test_the_email_preference_is_my_own(social_worker, client_for):
    client = client_for(social_worker)
    client.post(reverse("reminders:preferences"), {"email": "on"})
    assert ReminderPreference.objects.get(user=social_worker).email is True
    client.post(reverse("reminders:preferences"), {})
    assert ReminderPreference.objects.get(user=social_worker).email is False


@freeze_time(TODAY)
def test_the_nav_links_my_reminders_for_clinicians(social_worker, client_for):
    html = client_for(social_worker).get(reverse("reminders:list")).content.decode()
    assert 'data-testid="nav-reminders"' in html


# --- API -------------------------------------------------------------------------------------------------------------


@freeze_time(TODAY)
def test_api_lists_only_my_reminders_and_logs_the_read(mine, physicians, social_worker, client_for):
    response = client_for(social_worker).get(reverse("api:reminder-list"))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [mine.pk]
    assert results[0]["stay_number"] == mine.stay.number
    assert results[0]["kind"] == "first_counseling" and results[0]["measure"] == "first_counseling_within_14d"
    assert AuditEntry.objects.filter(action="reminders.reminder.api_listed", stay_id=mine.stay_id).count() == 1


@freeze_time(TODAY)
def test_api_snooze(mine, physicians, social_worker, client_for):
    client = client_for(social_worker)
    url = reverse("api:reminder-snooze", args=[mine.pk])
    bad = client.post(url, {"until": "2026-11-19", "reason": ""}, content_type="application/json")
    assert bad.status_code == 400 and "reason" in bad.json()
    past = client.post(url, {"until": "2026-11-16", "reason": "x"}, content_type="application/json")
    assert past.status_code == 400 and "until" in past.json()
    ok = client.post(url, {"until": "2026-11-19", "reason": "Urlaub"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["state"] == "snoozed"
    again = client.post(url, {"until": "2026-11-19", "reason": "Urlaub"}, content_type="application/json")
    assert again.status_code == 400
    other = client.post(
        reverse("api:reminder-snooze", args=[physicians.pk]),
        {"until": "2026-11-19", "reason": "x"},
        content_type="application/json",
    )
    assert other.status_code == 404
