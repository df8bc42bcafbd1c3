"""Screening instruments (versioned data), results, the WMR assignment workflow, §301 code corrections and the
quarterly screening-quota report. Rules: ../shared/domain/screening.md (cited by rule id, e.g. A-4)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from patients.models import DepartmentCode, Facility, PatientLink, Stay
from wmr.fields import author_field


class InstrumentVersion(models.Model):
    """One version of a questionnaire definition (I-1…I-6). Immutable once a result uses it (service-enforced)."""

    code = models.CharField(_("instrument"), max_length=30)
    version = models.CharField(_("version"), max_length=60)
    variant = models.CharField(_("variant"), max_length=40, blank=True)
    name_de = models.CharField(_("name (German)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    is_official = models.BooleanField(_("official scoring table"), default=False)
    licence_note = models.TextField(_("licence / source"), blank=True)
    definition = models.JSONField(_("definition"))
    created_by = author_field(_("imported by"))
    created_at = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        ordering = ["code", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="instrument_unique_version")]

    def __str__(self) -> str:
        return f"{self.name_de} · {self.version}"

    def name(self, language: str = "de") -> str:
        return self.name_en if language == "en" else self.name_de


class ScreeningSetting(models.Model):
    """What a facility's department screens with, from a date on (I-7): instrument version and positivity rule."""

    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="+")
    department_code = models.CharField(_("department code"), max_length=4, choices=DepartmentCode.choices)
    instrument = models.ForeignKey(InstrumentVersion, verbose_name=_("instrument version"), on_delete=models.PROTECT)
    preset_code = models.CharField(_("cut-off preset"), max_length=40, blank=True)
    rule = models.JSONField(_("positivity rule"), help_text=_("frozen copy of the chosen rule / cut-off"))
    screening_due_day = models.PositiveSmallIntegerField(
        _("screening due by day"), default=7, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    effective_from = models.DateField(_("effective from"))
    created_by = author_field(_("set by"))
    created_at = models.DateTimeField(_("set"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("screening setting")
        verbose_name_plural = _("screening settings")
        ordering = ["facility", "department_code", "-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.facility} {self.department_code} {self.instrument} ({self.effective_from:%d.%m.%Y})"


class Channel(models.TextChoices):
    STAFF = "staff", _("entered by staff")
    PAPER = "paper", _("paper questionnaire typed in")
    PATIENT_LINK = "patient_link", _("patient link")


class ResultStatus(models.TextChoices):
    POSITIVE = "positive", _("positive")
    NEGATIVE = "negative", _("negative")
    INCOMPLETE = "incomplete", _("incomplete")
    NOT_POSSIBLE = "not_possible", _("not possible")


class ScreeningResult(models.Model):
    """One screening of a stay (R-1). A correction is a new result pointing at the one it corrects (R-3)."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="screenings")
    instrument = models.ForeignKey(
        InstrumentVersion, verbose_name=_("instrument version"), null=True, blank=True, on_delete=models.PROTECT
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    entered_by = author_field(_("entered by"))
    link = models.ForeignKey(
        PatientLink, verbose_name=_("patient link"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), default=timezone.now)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    item_points = models.JSONField(_("points per item"), default=dict, blank=True)
    scales = models.JSONField(_("scales"), default=dict, blank=True)
    total = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    rule = models.JSONField(_("positivity rule applied"), default=dict, blank=True)
    preset_code = models.CharField(_("cut-off preset"), max_length=40, blank=True)
    status = models.CharField(_("result"), max_length=15, choices=ResultStatus.choices)
    missing = models.JSONField(_("missing answers"), default=list, blank=True)
    not_possible_reason = models.CharField(_("why not possible"), max_length=300, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    correction_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("screening result")
        verbose_name_plural = _("screening results")
        ordering = ["-completed_at", "-id"]
        indexes = [models.Index(fields=["stay", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.stay} {self.get_status_display()} {self.total if self.total is not None else ''}".strip()

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id

    @property
    def is_complete(self) -> bool:
        return self.status in {ResultStatus.POSITIVE, ResultStatus.NEGATIVE}


class ScreeningDraft(models.Model):
    """Answers a patient has given so far on the link; saved as they go, so a reload loses nothing."""

    link = models.OneToOneField(PatientLink, verbose_name=_("patient link"), on_delete=models.CASCADE)
    instrument = models.ForeignKey(InstrumentVersion, verbose_name=_("instrument version"), on_delete=models.PROTECT)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("saved"), default=timezone.now)

    class Meta:
        verbose_name = _("screening draft")
        verbose_name_plural = _("screening drafts")

    def __str__(self) -> str:
        return f"draft {self.link_id}"


class NeedSource(models.TextChoices):
    MEDICAL = "medical_admission_interview", _("medical admission interview")
    PRIMARY_THERAPIST = "primary_therapist_interview", _("primary therapist's admission interview")


class NeedAssessment(models.Model):
    """WMR need found in an admission interview despite a not-positive screening (A-3, rec. 2.2)."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="need_assessments")
    source = models.CharField(_("found in"), max_length=40, choices=NeedSource.choices)
    assessed_on = models.DateField(_("date"))
    reason = models.TextField(_("reason"))
    author = author_field(_("author"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("need assessment")
        verbose_name_plural = _("need assessments")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.assessed_on:%d.%m.%Y}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id


class Motivation(models.TextChoices):
    MOTIVATED = "motivated", _("motivated")
    AMBIVALENT = "ambivalent", _("ambivalent")
    NOT_MOTIVATED = "not_motivated", _("not motivated")


class MotivationRecord(models.Model):
    """Motivation to work on work-related topics, clarified in the admission interview (A-5, rec. 3.3)."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="motivations")
    motivation = models.CharField(_("motivation"), max_length=20, choices=Motivation.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_on = models.DateField(_("date"))
    author = author_field(_("author"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("motivation")
        verbose_name_plural = _("motivations")
        ordering = ["-recorded_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_motivation_display()} {self.recorded_on:%d.%m.%Y}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id


class Contraindication(models.Model):
    """The configurable list of contraindications a physician checks (A-4, rec. 2.3)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_de = models.CharField(_("label (German)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    needs_text = models.BooleanField(_("needs a description"), default=False)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("contraindication")
        verbose_name_plural = _("contraindications")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label_de

    def label(self, language: str = "de") -> str:
        return self.label_en if language == "en" else self.label_de


class ContraindicationCheck(models.Model):
    """A physician's check; ``findings`` empty means "none found". Only physicians may record one (A-4)."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="contra_checks")
    checked_on = models.DateField(_("date"))
    findings = models.JSONField(_("contraindications found"), default=list, blank=True)
    other_text = models.CharField(_("other contraindication"), max_length=300, blank=True)
    physician = author_field(_("physician"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contraindication check")
        verbose_name_plural = _("contraindication checks")
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.checked_on:%d.%m.%Y}: {', '.join(self.findings) or 'none'}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id

    @property
    def clear(self) -> bool:
        return not self.findings


class Decision(models.TextChoices):
    ASSIGN = "assign", _("WMR")
    NOT_ASSIGN = "not_assign", _("no WMR")


class AssignmentDecision(models.Model):
    """The team's decision WMR yes/no (A-6, rec. 2.4); a later one is a switch (A-8, rec. 2.6)."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    decided_on = models.DateField(_("date"))
    effective_from = models.DateField(_("effective from"))
    reason = models.TextField(_("reason"), blank=True)
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    is_switch = models.BooleanField(_("switch during the stay"), default=False)
    screening = models.ForeignKey(
        ScreeningResult, verbose_name=_("screening"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    need_assessment = models.ForeignKey(
        NeedAssessment,
        verbose_name=_("need assessment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    motivation = models.ForeignKey(
        MotivationRecord,
        verbose_name=_("motivation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contraindication_check = models.ForeignKey(
        ContraindicationCheck,
        verbose_name=_("contraindication check"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = author_field(_("decided by"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment decision")
        verbose_name_plural = _("assignment decisions")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.decided_on:%d.%m.%Y}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id

    @property
    def target_code(self) -> str:
        """A-7: assign → 3197, not_assign → 3100."""
        return DepartmentCode.WMR_INPATIENT if self.decision == Decision.ASSIGN else DepartmentCode.PSYCHOSOMATICS


class CodeCorrection(models.Model):
    """The §301 correction of the department code, done in the billing system and recorded here (D-3)."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="code_corrections")
    decision = models.ForeignKey(
        AssignmentDecision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="corrections"
    )
    from_code = models.CharField(_("from"), max_length=4, choices=DepartmentCode.choices)
    to_code = models.CharField(_("to"), max_length=4, choices=DepartmentCode.choices)
    corrected_on = models.DateField(_("corrected on"))
    reference = models.CharField(_("§301 message reference"), max_length=80)
    recorded_by = author_field(_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department code correction")
        verbose_name_plural = _("department code corrections")
        ordering = ["-corrected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.from_code} → {self.to_code} {self.corrected_on:%d.%m.%Y}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    BUILDING = "building", _("being built")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class QuotaReport(models.Model):
    """The quarterly screening-quota report of a facility (rec. 2.7, 2.8; Q-1…Q-6). One per facility and quarter."""

    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    csv = models.BinaryField(_("CSV"), null=True, blank=True)
    csv_sha256 = models.CharField(_("CSV SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = author_field(_("requested by"))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    built_at = models.DateTimeField(_("built"), null=True, blank=True)
    shared_at = models.DateTimeField(_("shared with the team"), null=True, blank=True)

    class Meta:
        verbose_name = _("screening-quota report")
        verbose_name_plural = _("screening-quota reports")
        ordering = ["-year", "-quarter", "facility"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "year", "quarter"], name="quota_report_once_per_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.year} Q{self.quarter}"
