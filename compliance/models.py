"""Compliance with the 106 WMR practice recommendations (MBOR-PRIME 2024).

The indicator functions are pure and live with the rules (each app's ``indicators``/``rules`` modules and
``compliance/indicators/``); this app stores their **results per stay** (``StayIndicator``: one row per stay and
measure, recomputed after every write to the stay and nightly) so that facility aggregates are one SQL query with
conditional aggregation, whatever the number of stays. It never writes to another app.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from patients.models import Facility, Stay
from wmr.fields import author_field
from wmr.indicators import IndicatorState


class StayIndicator(models.Model):
    """The result of one indicator function for one stay, as of ``computed_on``.

    ``period_date`` places the stay in a quarter/month for this measure (ARCHITECTURE: the admission date for
    screening and start-of-stay indicators, the discharge date — or the planned one while the stay runs — for outcome
    indicators). ``facility``, ``department_code`` and ``is_wmr`` are copied from the stay at computation so the
    dashboard filters without joins. No reason text is stored: the drill-down recomputes it in the reader's language.
    """

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.CASCADE, related_name="indicator_results")
    measure = models.CharField(_("measure"), max_length=60)
    recommendation = models.CharField(_("recommendation"), max_length=8)
    state = models.CharField(_("state"), max_length=20, choices=IndicatorState.choices)
    value = models.IntegerField(_("value"), null=True, blank=True)
    target = models.IntegerField(_("target"), null=True, blank=True)
    period_date = models.DateField(_("counts in the period of"))
    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="+")
    department_code = models.CharField(_("department code"), max_length=4)
    is_wmr = models.BooleanField(_("WMR"))
    computed_on = models.DateField(_("computed on"))
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("indicator result of a stay")
        verbose_name_plural = _("indicator results of stays")
        constraints = [models.UniqueConstraint(fields=["stay", "measure"], name="stay_indicator_unique_measure")]
        indexes = [
            models.Index(fields=["facility", "measure", "period_date"], name="stay_indicator_dashboard"),
            # issue 10: the newest result of a facility, part of the dashboard cache's key (compliance.selectors)
            models.Index(fields=["facility", "computed_at"], name="stay_indicator_computed"),
            # the dashboard cache's fingerprint: the facility's newest row id (selectors.thresholds_and_fingerprint)
            models.Index(fields=["facility", "id"], name="stay_indicator_facility_id"),
        ]

    def __str__(self) -> str:
        return f"{self.stay_id} {self.measure}: {self.state}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id


class ComplianceSettings(models.Model):
    """Traffic-light thresholds of a facility (issue 8: a "shall" below 90 % is red, a "should" below 75 % amber)."""

    facility = models.OneToOneField(
        Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="compliance_settings"
    )
    shall_red_below = models.PositiveSmallIntegerField(
        _("“shall”: red below (%)"), default=90, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    should_amber_below = models.PositiveSmallIntegerField(
        _("“should”: amber below (%)"), default=75, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    may_amber_below = models.PositiveSmallIntegerField(
        _("“may”: amber below (%)"), default=50, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    updated_by = author_field(_("changed by"))
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("compliance settings")
        verbose_name_plural = _("compliance settings")

    def __str__(self) -> str:
        return str(self.facility)


class SelfAssessmentAnswer(models.TextChoices):
    YES = "yes", _("yes, in place")
    PARTLY = "partly", _("partly")
    NO = "no", _("no")
    NOT_APPLICABLE = "not_applicable", _("not applicable")


class SelfAssessment(models.Model):
    """A facility's answer to one ``self_assessment`` recommendation for one year, with evidence. Edited with history
    (simple-history keeps every earlier answer)."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="self_assessments"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    recommendation = models.CharField(_("recommendation"), max_length=8)
    answer = models.CharField(_("answer"), max_length=20, choices=SelfAssessmentAnswer.choices)
    evidence_text = models.TextField(_("evidence"), blank=True)
    evidence_url = models.URLField(_("link to the evidence"), blank=True)
    evidence_file_name = models.CharField(_("file name"), max_length=200, blank=True)
    evidence_file_type = models.CharField(_("file type"), max_length=100, blank=True)
    evidence_file = models.BinaryField(_("evidence file"), null=True, blank=True)
    evidence_file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    answered_by = author_field(_("answered by"))
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["evidence_file"])

    class Meta:
        verbose_name = _("self-assessment answer")
        verbose_name_plural = _("self-assessment answers")
        ordering = ["facility", "-year", "recommendation"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "year", "recommendation"], name="self_assessment_unique_per_year"
            ),
            models.CheckConstraint(
                condition=Q(evidence_file__isnull=True) | ~Q(evidence_file_name=""),
                name="self_assessment_file_has_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.year} {self.recommendation}: {self.answer}"
