"""The goal agreement of a stay (recommendations 3.4–3.9): versions, work-related goals, reviews with outcomes.

Clinical documents keep their earlier versions (§630f BGB): an agreed version is never changed in place; a change
makes the next version (``previous`` points at the version it replaces), which must be agreed again. A draft may be
edited; simple-history keeps every edit of every row.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from patients.models import Stay
from wmr.fields import author_field
from wmr.locking import version_field


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    AGREED = "agreed", _("agreed with the patient")
    SUPERSEDED = "superseded", _("replaced by a later version")


class AgreedHow(models.TextChoices):
    CONVERSATION = "conversation", _("in a conversation with the patient")
    SIGNED = "signed", _("signed on paper by patient and therapist")
    OTHER = "other", _("other (see note)")


class GoalAgreement(models.Model):
    """One version of a stay's goal agreement (rec 3.7: the goals are written down in a goal agreement)."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="goal_agreements")
    version = models.PositiveSmallIntegerField(_("version"))
    previous = models.OneToOneField(
        "self",
        verbose_name=_("replaces version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    written_on = models.DateField(_("goals written with the patient on"))
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    agreed_how = models.CharField(_("how it was agreed"), max_length=20, choices=AgreedHow.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    copy_handed_over_on = models.DateField(_("copy handed over on"), null=True, blank=True)
    copy_handed_over_by = author_field(_("copy handed over by"))
    created_by = author_field(_("written by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal agreement")
        verbose_name_plural = _("goal agreements")
        ordering = ["stay", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["stay", "version"], name="goal_agreement_unique_version"),
            models.UniqueConstraint(
                fields=["stay"], condition=Q(status="draft"), name="goal_agreement_one_draft_per_stay"
            ),
            models.UniqueConstraint(
                fields=["stay"], condition=Q(status="agreed"), name="goal_agreement_one_agreed_per_stay"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(agreed_on__isnull=False), name="goal_agreement_agreed_has_date"
            ),
            models.CheckConstraint(
                condition=Q(copy_handed_over_on__isnull=True) | Q(agreed_on__isnull=False),
                name="goal_agreement_copy_after_agreement",
            ),
        ]

    def __str__(self) -> str:
        return _("Goal agreement, version %(version)s") % {"version": self.version}

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id

    @property
    def is_draft(self) -> bool:
        return self.status == AgreementStatus.DRAFT


class Area(models.TextChoices):
    WORK = "work", _("work")
    HEALTH = "health", _("health")
    PARTICIPATION = "participation", _("participation")


class Responsible(models.TextChoices):
    PATIENT = "patient", _("the patient")
    THERAPIST = "therapist", _("the primary therapist")
    TEAM = "team", _("the rehab team")
    NAMED = "named", _("a named person")


class Goal(models.Model):
    """One work-related goal of one agreement version, with a measurable target and a review date (rec 3.4)."""

    agreement = models.ForeignKey(
        GoalAgreement, verbose_name=_("goal agreement"), on_delete=models.PROTECT, related_name="goals"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    text = models.TextField(_("goal"))
    target = models.TextField(_("measurable target"), help_text=_("How you and the patient will know it is reached."))
    responsible = models.CharField(_("responsible"), max_length=20, choices=Responsible.choices)
    responsible_name = models.CharField(
        _("name of the responsible person"), max_length=120, blank=True, help_text=_("Only for “a named person”.")
    )
    review_on = models.DateField(_("review date"))
    previous = models.ForeignKey(
        "self",
        verbose_name=_("continues goal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lock_version = version_field()  # optimistic locking of the draft (wmr.locking)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["agreement", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "position"], name="goal_unique_position"),
            models.CheckConstraint(condition=~Q(text=""), name="goal_has_text"),
            models.CheckConstraint(condition=~Q(target=""), name="goal_has_target"),
            models.CheckConstraint(
                condition=~Q(responsible="named") | ~Q(responsible_name=""), name="goal_named_responsible_has_name"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.agreement.stay.patient_id, self.agreement.stay_id

    @property
    def responsible_display(self) -> str:
        if self.responsible == Responsible.NAMED:
            return self.responsible_name
        return str(self.get_responsible_display())


class Occasion(models.TextChoices):
    AFTER_DIAGNOSTICS = "after_diagnostics", _("after the work-related diagnostics")
    DISCHARGE = "discharge", _("at discharge")
    OTHER = "other", _("during the stay")


class GoalReview(models.Model):
    """A review of an agreed version (rec 3.6 after the diagnostics, and at discharge): one outcome per goal.

    Any outcome "changed" made ``new_version`` (a draft with the goals copied), to be agreed again (rec 3.5).
    """

    agreement = models.ForeignKey(
        GoalAgreement, verbose_name=_("goal agreement"), on_delete=models.PROTECT, related_name="reviews"
    )
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    reviewed_on = models.DateField(_("reviewed on"))
    note = models.TextField(_("note"), blank=True)
    new_version = models.OneToOneField(
        GoalAgreement,
        verbose_name=_("new version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="made_by_review",
    )
    created_by = author_field(_("reviewed by"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal review")
        verbose_name_plural = _("goal reviews")
        ordering = ["reviewed_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} · {self.reviewed_on:%d.%m.%Y}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.agreement.stay.patient_id, self.agreement.stay_id


class Outcome(models.TextChoices):
    ACHIEVED = "achieved", _("achieved")
    PARTLY = "partly", _("partly achieved")
    NOT_ACHIEVED = "not_achieved", _("not achieved")
    CHANGED = "changed", _("changed")


class GoalOutcome(models.Model):
    """The outcome of one goal in one review."""

    review = models.ForeignKey(GoalReview, verbose_name=_("review"), on_delete=models.PROTECT, related_name="outcomes")
    goal = models.ForeignKey(Goal, verbose_name=_("goal"), on_delete=models.PROTECT, related_name="outcomes")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal outcome")
        verbose_name_plural = _("goal outcomes")
        ordering = ["review", "goal__position"]
        constraints = [models.UniqueConstraint(fields=["review", "goal"], name="goal_outcome_one_per_goal")]

    def __str__(self) -> str:
        return str(self.get_outcome_display())
