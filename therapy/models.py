"""Counseling logs, work-related groups and workplace training (recommendations 5.1–5.13, 6.1–6.11, 7.1–7.11).

One ``TherapySession`` is one held (or planned) event; every patient who took part has an ``Attendance`` row, so a group
session is logged once and lands in every participant's record. Minutes that count are the attendance minutes of
sessions that are not cancelled.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from diagnostics.models import PlannedTherapy, TherapyCatalogueItem, TherapyKind
from patients.models import Facility, Stay
from wmr.fields import author_field

# The session kinds are the therapy kinds the team conference plans with (diagnostics.TherapyKind).
SessionKind = TherapyKind

MINUTES_VALIDATORS = [MinValueValidator(1), MaxValueValidator(600)]


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


class WorkGroup(models.Model):
    """A work-related group (or counseling group) of a facility with its members over time."""

    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=SessionKind.choices, default=SessionKind.WORK_GROUP)
    catalogue_item = models.ForeignKey(
        TherapyCatalogueItem,
        verbose_name=_("therapy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leader = author_field(_("group leader"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    default_start = models.TimeField(_("usual start"), null=True, blank=True)
    default_minutes = models.PositiveSmallIntegerField(
        _("usual minutes"), null=True, blank=True, validators=MINUTES_VALIDATORS
    )
    created_by = author_field(_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    """A stay's membership of a group from ``starts_on`` to ``ends_on`` (open = still a member)."""

    group = models.ForeignKey(WorkGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="memberships")
    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="group_memberships")
    starts_on = models.DateField(_("member from"))
    ends_on = models.DateField(_("member until"), null=True, blank=True)
    created_by = author_field(_("added by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        ordering = ["group", "starts_on", "id"]
        indexes = [models.Index(fields=["stay", "group"])]

    def __str__(self) -> str:
        return f"{self.group} · {self.stay}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id


class TherapySession(models.Model):
    """One session: individual (one attendance) or group (one attendance per participant).

    Edits keep the earlier versions (simple-history); ``version`` is the optimistic-concurrency counter: a save based
    on an older version is refused. A cancelled session stays readable but no longer counts.
    """

    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=SessionKind.choices)
    group = models.ForeignKey(
        WorkGroup, verbose_name=_("group"), null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    planned_therapy = models.ForeignKey(
        PlannedTherapy,
        verbose_name=_("planned therapy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    held_on = models.DateField(_("date"))
    start = models.TimeField(_("start"), null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"), validators=MINUTES_VALIDATORS)
    status = models.CharField(_("status"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.HELD)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    topics = models.JSONField(_("topics"), default=list, blank=True, help_text=_("topic codes of the catalogue"))
    note = models.TextField(_("note"), blank=True)
    cancel_reason = models.CharField(_("why cancelled"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = author_field(_("logged by"))
    created_at = models.DateTimeField(_("logged"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-held_on", "-start", "-id"]
        indexes = [models.Index(fields=["facility", "held_on"]), models.Index(fields=["staff", "held_on"])]
        constraints = [
            # a group session is logged once per group and start time (cancelled ones may be logged again)
            models.UniqueConstraint(
                fields=["group", "held_on", "start"],
                condition=Q(group__isnull=False) & ~Q(status="cancelled"),
                name="group_session_once",
            ),
            models.CheckConstraint(condition=Q(minutes__gte=1) & Q(minutes__lte=600), name="session_minutes_1_600"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.held_on:%d.%m.%Y} · {self.minutes} min"


class Attendance(models.Model):
    """One patient's part in a session: the minutes that count for them (session minutes less late arrival and early
    leaving), or absent."""

    session = models.ForeignKey(
        TherapySession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendances"
    )
    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="attendances")
    present = models.BooleanField(_("present"), default=True)
    late_minutes = models.PositiveSmallIntegerField(_("minutes late"), default=0, validators=[MaxValueValidator(600)])
    left_early_minutes = models.PositiveSmallIntegerField(
        _("minutes left early"), default=0, validators=[MaxValueValidator(600)]
    )
    minutes = models.PositiveSmallIntegerField(_("minutes attended"), default=0, validators=[MaxValueValidator(600)])
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["session", "id"]
        indexes = [models.Index(fields=["stay", "session"])]
        constraints = [models.UniqueConstraint(fields=["session", "stay"], name="attendance_once_per_session")]

    def __str__(self) -> str:
        return f"{self.stay} · {self.minutes} min"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id


# --- workplace training (7.2–7.8) ----------------------------------------------------------------------------------


class TrainingPlan(models.Model):
    """The workplace training of a stay: started from the work-ability profile (7.2), with sub-goals (7.3), the work
    situations practised (7.4) and the patient's transfer strategies (7.7, 7.8)."""

    stay = models.OneToOneField(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="training_plan")
    starts_on = models.DateField(_("starts on"))
    profile_basis = models.TextField(_("work-ability profile it starts from"), blank=True)
    created_by = author_field(_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("workplace training")
        verbose_name_plural = _("workplace trainings")

    def __str__(self) -> str:
        return f"{self.stay} · {self.starts_on:%d.%m.%Y}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id


class SubGoalResult(models.TextChoices):
    OPEN = "open", _("open")
    YES = "yes", _("achieved")
    PARTLY = "partly", _("partly achieved")
    NO = "no", _("not achieved")


class TrainingSubGoal(models.Model):
    """A verifiable sub-goal agreed at the start of the workplace training (7.3)."""

    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("training"), on_delete=models.PROTECT, related_name="subgoals"
    )
    text = models.CharField(_("sub-goal"), max_length=500)
    verification = models.CharField(_("how it is checked"), max_length=300, blank=True)
    agreed_on = models.DateField(_("agreed on"))
    result = models.CharField(_("result"), max_length=10, choices=SubGoalResult.choices, default=SubGoalResult.OPEN)
    result_note = models.CharField(_("note on the result"), max_length=500, blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training sub-goal")
        verbose_name_plural = _("training sub-goals")
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return self.text

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.plan.audit_scope()


class WorkSituation(models.Model):
    """A work situation practised in the training (7.4)."""

    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("training"), on_delete=models.PROTECT, related_name="situations"
    )
    description = models.CharField(_("work situation"), max_length=500)
    practised_on = models.DateField(_("practised on"))
    observation = models.TextField(_("observation"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work situation practised")
        verbose_name_plural = _("work situations practised")
        ordering = ["plan", "practised_on", "id"]

    def __str__(self) -> str:
        return self.description

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.plan.audit_scope()


class TransferStrategy(models.Model):
    """A strategy the patient wrote down to carry what was learned into daily life and work (7.7, 7.8)."""

    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("training"), on_delete=models.PROTECT, related_name="strategies"
    )
    situation = models.CharField(_("when / where"), max_length=300)
    strategy = models.TextField(_("what I will do"))
    written_on = models.DateField(_("written on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transfer strategy")
        verbose_name_plural = _("transfer strategies")
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return self.situation

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.plan.audit_scope()
