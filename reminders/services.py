"""Writes of the reminders app: the morning run, snoozing, marking done and the e-mail preference.

The run (``reminders_run``) is idempotent: one reminder per staff member, item and day (a unique constraint; the run
skips what exists and inserts with ``ignore_conflicts``, so a concurrent second run adds nothing either). It closes
what is no longer due (the indicator is met, the member left the team, the stay left the window) and the open
reminders of earlier days that today's reminder replaces; a snoozed item gets no new reminder before its date.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.errors import DomainError
from reminders import rules, selectors
from reminders.models import ClosedReason, Reminder, ReminderPreference, ReminderState
from wmr import audit
from wmr.outbox import enqueue

logger = logging.getLogger(__name__)

MAIL_TASK = "reminders.tasks.mail_reminders"
CHUNK = 500


class SnoozeRefused(DomainError):
    """A snooze without a reason, or with a date that is not a later day within reach; ``field`` names the input."""

    def __init__(self, message: str, field: str):
        self.field = field
        super().__init__(message)


class ReminderClosed(DomainError):
    default_message = gettext_lazy("This reminder is not open any more.")


@dataclass
class RunReport:
    """What a run found and did, counted per (facility short name, kind)."""

    today: dt.date
    dry_run: bool
    stays: int = 0
    due: Counter = field(default_factory=Counter)  # reminders wanted (member × item)
    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)  # already there today (a second run)
    snoozed: Counter = field(default_factory=Counter)  # skipped: snoozed until a later day
    closed: Counter = field(default_factory=Counter)  # closed: resolved or replaced
    without_recipient: Counter = field(default_factory=Counter)
    mailed_users: int = 0

    def total(self, name: str) -> int:
        return sum(getattr(self, name).values())


def _wanted(stays, items, teams) -> tuple[dict[tuple[int, int, str], rules.DueItem], Counter]:
    """Reminders wanted today by (user id, stay id, item key), and the items nobody on the team can be reminded of."""
    facility = {stay.pk: stay.facility.short_name for stay in stays}
    wanted, orphaned = {}, Counter()
    for item in items:
        users = rules.recipients(item.kind, teams.get(item.stay_id, []))
        if not users:
            orphaned[facility[item.stay_id], item.kind] += 1
        for user_id in users:
            wanted[user_id, item.stay_id, item.item_key] = item
    return wanted, orphaned


def reminders_run(*, today: dt.date, dry_run: bool = False, facility_ids=None) -> RunReport:
    """The morning run for ``today``: create the reminders due, close the resolved and replaced ones, queue the
    e-mails of opted-in users. With ``dry_run`` nothing is written; the counts say what would be.

    Queries: a constant number plus ``selectors.due_items`` (linear in the stays; the indicators of a stay are
    computed once, whatever the size of its care team)."""
    stays = selectors.stays_for_run(today, facility_ids)
    facility = {stay.pk: stay.facility.short_name for stay in stays}
    report = RunReport(today=today, dry_run=dry_run, stays=len(stays))
    items = selectors.due_items(stays, today)
    wanted, report.without_recipient = _wanted(stays, items, selectors.care_teams(list(facility)))
    for (_user, stay_id, _key), item in wanted.items():
        report.due[facility[stay_id], item.kind] += 1

    live = list(selectors.live_reminders(today).select_related("stay__facility"))
    if facility_ids is not None:
        live = [r for r in live if r.stay.facility_id in set(facility_ids)]
    today_keys = {r.key for r in live if r.created_for == today}
    snoozed_keys = {r.key for r in live if r.state == ReminderState.SNOOZED and r.snoozed_until > today}
    new = []
    for key, item in wanted.items():
        counted = (facility[item.stay_id], item.kind)
        if key in today_keys:
            report.existing[counted] += 1
        elif key in snoozed_keys:
            report.snoozed[counted] += 1
        else:
            report.created[counted] += 1
            new.append(_reminder(key, item, today))
    resolved, replaced = _to_close(live, wanted, snoozed_keys, today)
    for reminder in resolved + replaced:
        report.closed[reminder.stay.facility.short_name, reminder.kind] += 1
    if dry_run:
        return report
    with transaction.atomic():
        Reminder.objects.bulk_create(new, batch_size=CHUNK, ignore_conflicts=True)
        _close(resolved, ClosedReason.RESOLVED)
        _close(replaced, ClosedReason.SUPERSEDED)
        mail_to = selectors.email_users({r.user_id for r in new})
        for user_id in sorted(mail_to):
            enqueue(MAIL_TASK, [user_id, today.isoformat()], key=f"reminders-mail-{user_id}-{today.isoformat()}")
        report.mailed_users = len(mail_to)
    return report


def _reminder(key: tuple[int, int, str], item: rules.DueItem, today: dt.date) -> Reminder:
    user_id, stay_id, item_key = key
    return Reminder(
        user_id=user_id,
        stay_id=stay_id,
        kind=item.kind,
        item_key=item_key,
        measure=item.measure,
        due_on=item.due_on,
        created_for=today,
    )


def _to_close(live: list[Reminder], wanted, snoozed_keys: set, today: dt.date):
    """(no longer due: open or snoozed reminders whose item is not wanted today; replaced: open reminders of earlier
    days, and snoozed ones whose date has come, whose item gets today's reminder)."""
    resolved, replaced = [], []
    for reminder in live:
        if reminder.state not in (ReminderState.OPEN, ReminderState.SNOOZED):
            continue
        if reminder.key not in wanted:
            resolved.append(reminder)
        elif reminder.created_for < today and reminder.key not in snoozed_keys:
            replaced.append(reminder)
    return resolved, replaced


def _close(reminders: list[Reminder], reason: str) -> None:
    now = timezone.now()
    ids = [r.pk for r in reminders]
    for start in range(0, len(ids), CHUNK):
        Reminder.objects.filter(pk__in=ids[start : start + CHUNK]).update(
            state=ReminderState.CLOSED, closed_reason=reason, closed_at=now
        )


def reminder_snooze(*, by, reminder: Reminder, until: dt.date, reason: str, today: dt.date) -> Reminder:
    """Snooze the user's own open reminder until a later day (``rules.MAX_SNOOZE_DAYS`` at most) with a reason; no
    new reminder of its item is made before that day. One audit row."""
    reason = (reason or "").strip()
    if not reason:
        raise SnoozeRefused(_("Please give a reason for snoozing."), "reason")
    problem = rules.snooze_problem(until, today)
    if problem == "not_future":
        raise SnoozeRefused(_("Please choose a day after today."), "until")
    if problem == "too_far":
        message = _("Please choose a day within %(days)d days.") % {"days": rules.MAX_SNOOZE_DAYS}
        raise SnoozeRefused(message, "until")
    with transaction.atomic():
        locked = Reminder.objects.select_for_update().get(pk=reminder.pk)
        if locked.user_id != by.pk:
            raise ReminderClosed  # the views answer 404 before; a service never snoozes another's reminder
        if locked.state != ReminderState.OPEN:
            raise ReminderClosed
        now = timezone.now()
        Reminder.objects.filter(pk=locked.pk).update(
            state=ReminderState.SNOOZED, snoozed_until=until, snooze_reason=reason[:300], snoozed_by=by, snoozed_at=now
        )
        reminder.refresh_from_db()
        audit.log(reminder, "reminders.reminder.snoozed", user=by, data={"until": until.isoformat(), "reason": reason})
    return reminder


def reminder_done(*, by, reminder: Reminder) -> Reminder:
    """Mark the user's own open reminder done (if the item is still due tomorrow, tomorrow's run reminds again)."""
    with transaction.atomic():
        updated = Reminder.objects.filter(pk=reminder.pk, user=by, state=ReminderState.OPEN).update(
            state=ReminderState.DONE, done_at=timezone.now()
        )
        if not updated:
            raise ReminderClosed
        reminder.refresh_from_db()
        audit.log(reminder, "reminders.reminder.done", user=by)
    return reminder


def preference_set(*, by, email: bool) -> ReminderPreference:
    """The user's own choice to get new reminders by e-mail too. One audit row."""
    with transaction.atomic():
        preference, _created = ReminderPreference.objects.update_or_create(
            user=by, defaults={"email": bool(email), "changed_at": timezone.now()}
        )
        audit.log(preference, "reminders.preference.changed", user=by, data={"email": bool(email)})
    return preference


def reminders_mail(*, user_id: int, day: dt.date) -> int:
    """E-mail the user's open reminders of ``day`` that no e-mail has named yet, in one message, if the user opted in
    and has an address. The subject never names a patient; the body lists stay numbers and links only. Returns the
    number of reminders named. Idempotent: each reminder is claimed (``emailed_at``) before the message goes out, so a
    redelivered task sends nothing; a failed send gives the claim back (logged, never raised)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail
    from django.urls import reverse
    from django.utils import translation

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not selectors.preference_of(user):
        return 0
    pending = Reminder.objects.filter(user=user, created_for=day, state=ReminderState.OPEN, emailed_at__isnull=True)
    ids = list(pending.values_list("pk", flat=True))
    now = timezone.now()
    if not ids or not Reminder.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=now):
        return 0
    claimed = list(Reminder.objects.filter(pk__in=ids, emailed_at=now).select_related("stay").order_by("stay__number"))
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("WMR case management: %(count)d reminder(s) due today or overdue") % {"count": len(claimed)}
        lines = [_("Your reminders of %(day)s:") % {"day": f"{day:%d.%m.%Y}"}, ""]
        lines += [
            _("Stay %(number)s: %(link)s") % {"number": r.stay.number, "link": f"{base}{section_url(r)}"}
            for r in claimed
        ]
        lines += ["", _("All your reminders: %(link)s") % {"link": f"{base}{reverse('reminders:list')}"}]
    try:
        send_mail(subject, "\n".join(lines), None, [user.email])
    except Exception:  # a mail server outage: the reminders stay in the app; the claim is given back
        logger.exception("reminder e-mail to user %s failed", user_id)
        Reminder.objects.filter(pk__in=[r.pk for r in claimed]).update(emailed_at=None)
        return 0
    return len(claimed)


# Where each kind is dealt with: the section of the case overview (the letter has its own page).
SECTIONS = {
    rules.FIRST_COUNSELING: "therapy",
    rules.DEPARTMENT_CODE: "screening",
    rules.GOAL_REVIEW: "goals",
    rules.GRADED_RETURN: "reintegration",
}


def section_url(reminder: Reminder) -> str:
    """The page (and section) where the reminder's item is dealt with."""
    from django.urls import reverse

    if reminder.kind == rules.DISCHARGE_LETTER:
        return reverse("reintegration:letter", args=[reminder.stay_id])
    return f"{reverse('cases:overview', args=[reminder.stay_id])}#{SECTIONS[reminder.kind]}"
