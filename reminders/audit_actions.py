"""Audit action codes of this app and their labels (registered with wmr.audit in AppConfig.ready)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "reminders.reminder.listed": _("Own reminders listed (stays shown)"),
    "reminders.reminder.api_listed": _("Own reminders listed through the API"),
    "reminders.reminder.viewed": _("Reminder read (snooze form)"),
    "reminders.reminder.snoozed": _("Reminder snoozed"),
    "reminders.reminder.done": _("Reminder marked done"),
    "reminders.preference.changed": _("Reminder e-mail preference changed"),
}
