"""The morning run: idempotency (two runs the same day, the next day), snooze, closing what is met, who gets what,
e-mail only to opted-in users, query count, the beat entry and the task through the project's Celery conventions."""

from __future__ import annotations

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reminders import services
from reminders.models import ClosedReason, Reminder, ReminderPreference, ReminderState
from tests.reminders.conftest import day
from therapy.models import SessionKind
from therapy.services.sessions import session_log


def rows(**filters):
    return list(Reminder.objects.filter(**filters).order_by("user_id", "kind").values_list("user__username", "kind"))


def test_who_is_reminded_of_what(team_stay, run):
    report = run(day(team_stay, 15))
    # social worker: first counseling; physician: department code (overdue since day 7)
    assert sorted(rows()) == [("doc", "department_code"), ("social", "first_counseling")]
    assert report.total("created") == 2
    assert report.created["KaK", "first_counseling"] == 1


def test_two_runs_the_same_day_create_nothing_the_second_time(team_stay, run):
    today = day(team_stay, 15)
    first = run(today)
    second = run(today)
    assert first.total("created") == 2
    assert second.total("created") == 0
    assert second.total("existing") == 2
    assert first.due == second.due
    assert Reminder.objects.count() == 2
    assert Reminder.objects.filter(state=ReminderState.OPEN).count() == 2


def test_a_reminder_marked_done_is_not_made_again_the_same_day(team_stay, run, social_worker):
    today = day(team_stay, 15)
    run(today)
    reminder = Reminder.objects.get(user=social_worker)
    services.reminder_done(by=social_worker, reminder=reminder)
    assert run(today).total("created") == 0
    assert Reminder.objects.get(pk=reminder.pk).state == ReminderState.DONE


def test_the_next_day_replaces_yesterdays_open_reminder(team_stay, run):
    run(day(team_stay, 15))
    report = run(day(team_stay, 16))
    assert report.total("created") == 2
    assert report.total("closed") == 2
    assert Reminder.objects.filter(state=ReminderState.OPEN, created_for=day(team_stay, 16)).count() == 2
    old = Reminder.objects.filter(created_for=day(team_stay, 15))
    assert {r.state for r in old} == {ReminderState.CLOSED}
    assert {r.closed_reason for r in old} == {ClosedReason.SUPERSEDED}
    assert run(day(team_stay, 16)).total("created") == 0  # and that day is idempotent as well


def test_the_database_refuses_a_second_reminder_of_the_same_item_and_day(team_stay, run, social_worker):
    import pytest
    from django.db import IntegrityError, transaction

    run(day(team_stay, 15))
    existing = Reminder.objects.get(user=social_worker)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            user=social_worker,
            stay=team_stay,
            kind=existing.kind,
            item_key=existing.item_key,
            due_on=existing.due_on,
            created_for=existing.created_for,
        )


def test_a_snoozed_reminder_does_not_come_back_before_its_date(team_stay, run, social_worker):
    run(day(team_stay, 15))
    reminder = Reminder.objects.get(user=social_worker)
    until = day(team_stay, 18)
    services.reminder_snooze(
        by=social_worker, reminder=reminder, until=until, reason="Patient krank", today=day(team_stay, 15)
    )
    for n in (16, 17):
        report = run(day(team_stay, n))
        assert report.snoozed["KaK", "first_counseling"] == 1
        assert not Reminder.objects.filter(user=social_worker, state=ReminderState.OPEN).exists()
    report = run(until)
    assert report.created["KaK", "first_counseling"] == 1
    back = Reminder.objects.get(user=social_worker, state=ReminderState.OPEN)
    assert back.created_for == until
    assert Reminder.objects.get(pk=reminder.pk).state == ReminderState.CLOSED  # the snoozed one is history


def test_a_met_item_is_closed_on_the_next_run(team_stay, run, social_worker):
    run(day(team_stay, 15))
    session_log(
        by=social_worker,
        stay=team_stay,
        kind=SessionKind.INDIVIDUAL_COUNSELING,
        held_on=day(team_stay, 15),
        minutes=50,
        today=day(team_stay, 15),
    )
    report = run(day(team_stay, 16))
    assert report.closed["KaK", "first_counseling"] == 1
    closed = Reminder.objects.get(user=social_worker)
    assert (closed.state, closed.closed_reason) == (ReminderState.CLOSED, ClosedReason.RESOLVED)
    assert not Reminder.objects.filter(user=social_worker, created_for=day(team_stay, 16)).exists()


def test_a_snoozed_item_that_is_met_meanwhile_is_closed(team_stay, run, social_worker):
    run(day(team_stay, 15))
    reminder = Reminder.objects.get(user=social_worker)
    services.reminder_snooze(
        by=social_worker, reminder=reminder, until=day(team_stay, 20), reason="wartet", today=day(team_stay, 15)
    )
    session_log(
        by=social_worker,
        stay=team_stay,
        kind=SessionKind.INDIVIDUAL_COUNSELING,
        held_on=day(team_stay, 16),
        minutes=50,
        today=day(team_stay, 16),
    )
    run(day(team_stay, 17))
    assert Reminder.objects.get(pk=reminder.pk).state == ReminderState.CLOSED


def test_leaving_the_care_team_closes_ones_reminders(team_stay, run, social_worker):
    from patients import services as patient_services

    run(day(team_stay, 15))
    membership = team_stay.care_team.get(user=social_worker)
    patient_services.careteam_remove(by=social_worker, membership=membership)
    run(day(team_stay, 16))
    assert not Reminder.objects.filter(user=social_worker, state=ReminderState.OPEN).exists()


def test_a_dry_run_writes_nothing_and_counts_the_same(team_stay, run):
    dry = run(day(team_stay, 15), dry_run=True)
    assert Reminder.objects.count() == 0
    assert dry.created == run(day(team_stay, 15)).created


def test_the_indicators_of_a_stay_are_computed_once_whatever_the_team_size(make_team_stay, run, facility):
    from patients import services as patient_services
    from tests.factories import UserFactory

    stay = make_team_stay()
    today = day(stay, 15)
    with CaptureQueriesContext(connection) as small:
        run(today, dry_run=True)
    for n in range(4):
        user = UserFactory(username=f"extra{n}", facilities=[facility])
        patient_services.careteam_add(by=user, stay=stay, user=user, function="physiotherapist")
    with CaptureQueriesContext(connection) as large:
        run(today, dry_run=True)
    assert len(large) == len(small)


def test_queries_grow_linearly_in_the_stays(make_team_stay, run):
    first = make_team_stay()
    today = day(first, 15)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            run(today, dry_run=True)
        return len(queries)

    one = count()
    make_team_stay()
    two = count()
    make_team_stay()
    three = count()
    per_stay = two - one
    assert three - two == per_stay  # linear: each stay adds the same
    assert per_stay <= 20  # department code 9 + goals 3 (+ letter 6 once discharged); counseling is batched


def test_email_goes_only_to_opted_in_users_and_names_no_patient(
    team_stay, run, social_worker, treating_physician, django_capture_on_commit_callbacks, eager
):
    social_worker.email = "sozial@klinik.example"
    social_worker.save()
    treating_physician.email = "doc@klinik.example"
    treating_physician.save()
    ReminderPreference.objects.create(user=social_worker, email=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # eager Celery: the task runs after the commit
        report = run(day(team_stay, 15))
    assert report.mailed_users == 1
    assert [m.to for m in mail.outbox] == [["sozial@klinik.example"]]
    message = mail.outbox[0]
    patient = team_stay.patient
    for text in (message.subject, message.body):
        assert patient.last_name not in text
        assert patient.first_name not in text
    assert team_stay.number in message.body
    assert f"/cases/stays/{team_stay.pk}/#therapy" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        run(day(team_stay, 15))  # a second run the same day sends nothing again
    assert len(mail.outbox) == 1
    assert Reminder.objects.get(user=social_worker).emailed_at is not None


def test_the_mail_task_sends_nothing_twice(team_stay, run, social_worker, django_capture_on_commit_callbacks, eager):
    from reminders.tasks import mail_reminders

    social_worker.email = "sozial@klinik.example"
    social_worker.save()
    ReminderPreference.objects.create(user=social_worker, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        run(day(team_stay, 15))
    assert len(mail.outbox) == 1
    mail.outbox.clear()
    assert mail_reminders.apply(args=[social_worker.pk, day(team_stay, 15).isoformat()]).get() == 0
    assert mail.outbox == []


def test_the_beat_runs_the_task_each_morning_in_berlin():
    entry = settings.CELERY_BEAT_SCHEDULE["reminders-morning"]
    assert entry["task"] == "reminders.tasks.send_reminders"
    schedule = entry["schedule"]
    assert schedule.hour == {6} and schedule.minute == {20}
    assert schedule.day_of_week == set(range(7))
    assert settings.CELERY_TIMEZONE == "Europe/Berlin"
    assert settings.CELERY_TASK_ROUTES["reminders.tasks.send_reminders"] == {"queue": "default"}
    assert settings.CELERY_TASK_ROUTES["reminders.tasks.mail_reminders"] == {"queue": "default"}


def test_the_tasks_follow_the_reliable_task_conventions():
    from reminders.tasks import mail_reminders, send_reminders

    for task in (send_reminders, mail_reminders):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True


def test_the_task_runs_today_and_queues_mails_through_the_outbox(team_stay, social_worker, settings, monkeypatch):
    """With a broker configured (not eager) the mail is an outbox row written in the run's transaction."""
    from freezegun import freeze_time

    from reminders.tasks import send_reminders
    from wmr import outbox
    from wmr.models import OutboxMessage

    social_worker.email = "sozial@klinik.example"
    social_worker.save()
    ReminderPreference.objects.create(user=social_worker, email=True)
    monkeypatch.setattr(outbox, "is_eager", lambda: False)
    monkeypatch.setattr(outbox, "deliver", lambda pk: None)  # no broker in the test: the row stays pending
    with freeze_time("2026-11-16 05:20:00"):  # 06:20 in Berlin, day 15
        created = send_reminders.apply().get()
    assert created == 2
    message = OutboxMessage.objects.get(task_name="reminders.tasks.mail_reminders")
    assert message.args == [social_worker.pk, "2026-11-16"]
    assert message.key == f"reminders-mail-{social_worker.pk}-2026-11-16"


def test_the_command_prints_counts_per_kind_and_facility(team_stay, capsys):
    call_command("send_reminders", "--today", day(team_stay, 15).isoformat(), "--dry-run")
    out = capsys.readouterr().out
    assert "dry run" in out
    assert "KaK" in out and "first_counseling" in out and "department_code" in out
    assert "created per facility: KaK 2" in out
    assert Reminder.objects.count() == 0
    call_command("send_reminders", "--today", day(team_stay, 15).isoformat())
    call_command("send_reminders", "--today", day(team_stay, 15).isoformat())
    out = capsys.readouterr().out
    assert out.count("created per facility: KaK 2") == 1
    assert "created per facility: –" in out
    assert Reminder.objects.count() == 2


def test_the_command_refuses_a_bad_date():
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("send_reminders", "--today", "16.11.2026")
