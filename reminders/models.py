"""In-app reminders of what is due today or overdue on a clinician's stays (issue 11).

The morning job (``reminders.services.reminders_run``) writes one ``Reminder`` per staff member, item and day: the
item is what a reminder is about (``item_key``: the kind, and for goal reviews the review date), the day the run it
came from (``created_for``). A unique constraint keeps a second run of the same day from adding anything. A
reminder is a work item of the staff member, not a clinical record: no simple-history; snoozing records who, when,
until when and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patients.models import Stay


class ReminderKind(models.TextChoices):
    FIRST_COUNSELING = "first_counseling", _("First individual counseling (by day 14)")
    DEPARTMENT_CODE = "department_code", _("Department code correction (by day 7)")
    GOAL_REVIEW = "goal_review", _("Goal review")
    DISCHARGE_LETTER = "discharge_letter", _("Discharge letter not signed (5 days after discharge)")
    GRADED_RETURN = "graded_return", _("Graded return: submit so it starts within 28 days of discharge")


class ReminderState(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    SNOOZED = "snoozed", _("snoozed")
    CLOSED = "closed", _("closed by the daily run")


class ClosedReason(models.TextChoices):
    RESOLVED = "resolved", _("no longer due (met, or no longer on the care team)")
    SUPERSEDED = "superseded", _("replaced by the reminder of a later day")


class Reminder(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="reminders"
    )
    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    item_key = models.CharField(_("item"), max_length=60)
    measure = models.CharField(_("indicator"), max_length=60, blank=True)
    due_on = models.DateField(_("due on"))
    created_for = models.DateField(_("reminder of the day"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    state = models.CharField(_("state"), max_length=10, choices=ReminderState.choices, default=ReminderState.OPEN)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    snooze_reason = models.CharField(_("reason for snoozing"), max_length=300, blank=True)
    snoozed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("snoozed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    snoozed_at = models.DateTimeField(_("snoozed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_reason = models.CharField(_("why closed"), max_length=12, choices=ClosedReason.choices, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_on", "stay_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "stay", "item_key", "created_for"], name="reminder_once_per_item_and_day"
            ),
            models.CheckConstraint(
                condition=~Q(state="snoozed") | (Q(snoozed_until__isnull=False) & ~Q(snooze_reason="")),
                name="reminder_snooze_has_date_and_reason",
            ),
        ]
        indexes = [models.Index(fields=["user", "state"]), models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.due_on:%d.%m.%Y}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id

    @property
    def key(self) -> tuple[int, int, str]:
        return self.user_id, self.stay_id, self.item_key


class ReminderPreference(models.Model):
    """A staff member's choice to get the morning's new reminders by e-mail too (off by default)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="reminder_preference",
    )
    email = models.BooleanField(_("also by e-mail"), default=False)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return f"{self.user} · {self.email}"
