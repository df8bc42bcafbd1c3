"""Work-related diagnostics: sessions, job descriptions, capacity and demand profiles on a data-defined instrument,
the team conference that freezes their comparison and plans therapies.

Rules: ../shared/domain/mini_icf_app.md (cited by rule id, e.g. K-3), copied into the docstrings where they bind.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from patients.models import Facility, Stay
from staff.models import Profession
from wmr.fields import author_field


class _StayScoped(models.Model):
    """Rows that belong to one stay: the audit log files them under its patient and stay."""

    class Meta:
        abstract = True

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id


# --- instruments --------------------------------------------------------------------------------------------------


class ProfileInstrument(models.Model):
    """One version of a profile instrument definition (D-1…D-7): dimensions, scales, anchors, comparison settings.

    Immutable once a profile uses it (D-3, enforced by the service); a change is a new version.
    """

    code = models.CharField(_("instrument"), max_length=40)
    version = models.CharField(_("version"), max_length=40)
    name_de = models.CharField(_("name (German)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160)
    is_official = models.BooleanField(_("official definition"), default=False)
    licence_note = models.TextField(_("licence / source"), blank=True)
    definition = models.JSONField(_("definition"))
    created_by = author_field(_("imported by"))
    created_at = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        verbose_name = _("profile instrument version")
        verbose_name_plural = _("profile instrument versions")
        ordering = ["code", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="profile_instrument_unique_version")]

    def __str__(self) -> str:
        return f"{self.name_de} · {self.version}"

    def name(self, language: str = "de") -> str:
        return self.name_en if language == "en" else self.name_de


# --- job description (rec 4.5) -------------------------------------------------------------------------------------


class JobSource(models.TextChoices):
    PATIENT_INTERVIEW = "patient_interview", _("interview with the patient")
    COMPANY = "company", _("job description from the company")
    OCCUPATIONAL_PHYSICIAN = "occupational_physician", _("occupational physician")


class ShiftWork(models.TextChoices):
    NONE = "none", _("no shift work")
    TWO_SHIFTS = "two_shifts", _("two shifts (early/late)")
    THREE_SHIFTS = "three_shifts", _("three shifts including nights")
    NIGHTS = "nights", _("permanent night shift")
    IRREGULAR = "irregular", _("irregular / on call")


kldb_validator = RegexValidator(r"^\d{5}$", _("A KldB 2010 occupation code has exactly five digits."))


class JobDescription(_StayScoped):
    """The structured description of the patient's job (rec 4.5): what a demand profile is rated against (P-2)."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="job_descriptions")
    job_title = models.CharField(_("job title"), max_length=200)
    kldb_code = models.CharField(_("KldB 2010 occupation code"), max_length=5, blank=True, validators=[kldb_validator])
    hours_per_week = models.DecimalField(
        _("hours per week"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(80)],
    )
    shift_work = models.CharField(_("shift work"), max_length=20, choices=ShiftWork.choices, default=ShiftWork.NONE)
    main_tasks = models.TextField(_("main tasks"))
    physical_demands = models.TextField(_("physical demands"), blank=True)
    mental_demands = models.TextField(_("mental demands"), blank=True)
    source = models.CharField(_("source"), max_length=30, choices=JobSource.choices)
    source_note = models.CharField(_("source details"), max_length=300, blank=True)
    recorded_on = models.DateField(_("recorded on"))
    created_by = author_field(_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("job description")
        verbose_name_plural = _("job descriptions")
        ordering = ["-recorded_on", "-id"]

    def __str__(self) -> str:
        return self.job_title


# --- diagnostic sessions (rec 4.1) ---------------------------------------------------------------------------------


class DiagnosticPhase(models.TextChoices):
    START = "start", _("at the start of rehab")
    DISCHARGE = "discharge", _("before discharge")
    OTHER = "other", _("during the stay")


class DiagnosticSession(_StayScoped):
    """One session of work-related diagnostics: date, minutes, the professions involved (rec 4.1: at the start,
    at least 90 minutes involving at least two professions)."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="diagnostic_sessions")
    phase = models.CharField(_("phase"), max_length=20, choices=DiagnosticPhase.choices, default=DiagnosticPhase.START)
    held_on = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(_("minutes"), validators=[MinValueValidator(1), MaxValueValidator(600)])
    professions = models.JSONField(_("professions"), default=list, help_text=_("codes of staff.Profession"))
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("staff"), blank=True, related_name="+")
    content = models.TextField(_("what was done"), blank=True)
    created_by = author_field(_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("diagnostic session")
        verbose_name_plural = _("diagnostic sessions")
        ordering = ["held_on", "id"]
        indexes = [models.Index(fields=["stay", "held_on"])]
        constraints = [models.CheckConstraint(condition=Q(minutes__gte=1), name="diagnostic_session_minutes_positive")]

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y} · {self.minutes} min"


# --- profiles (P-1…P-4) --------------------------------------------------------------------------------------------


class ProfileKind(models.TextChoices):
    CAPACITY = "capacity", _("capacity profile")
    DEMAND = "demand", _("job-demand profile")
    SELF = "self", _("self-rating (display only)")


class Timepoint(models.TextChoices):
    ADMISSION = "admission", _("admission")
    DISCHARGE = "discharge", _("discharge")
    OTHER = "other", _("other")


class ReferenceContext(models.TextChoices):
    """G-4: the context a capacity is rated against, fixed before rating."""

    CONCRETE_JOB = "concrete_job", _("the concrete job")
    OCCUPATIONAL_FIELD = "occupational_field", _("the occupational field")
    GENERAL_LABOUR_MARKET = "general_labour_market", _("the general labour market")
    SOCIAL_LIFE = "social_life", _("social life")


class EvidenceSource(models.TextChoices):
    """Rec 4.6: where a capacity profile comes from."""

    INTERVIEW = "interview", _("structured interview")
    ASSESSMENT = "assessment", _("standardized assessment")
    EXAMINATION = "examination", _("clinical examination")
    OBSERVATION = "observation", _("behavioural observation")


class Profile(_StayScoped):
    """A capacity, demand or self profile of a stay on one instrument version.

    The header (context, evidence, date) keeps its versions (simple-history); ratings are append-only rows in
    ``ProfileRating``, so every earlier rating stays readable (P-1, §630f BGB). A demand profile needs a job
    description (P-2), enforced here and in the service.
    """

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="profiles")
    kind = models.CharField(_("profile"), max_length=20, choices=ProfileKind.choices)
    instrument = models.ForeignKey(
        ProfileInstrument, verbose_name=_("instrument version"), on_delete=models.PROTECT, related_name="profiles"
    )
    timepoint = models.CharField(_("timepoint"), max_length=20, choices=Timepoint.choices, default=Timepoint.ADMISSION)
    reference_context = models.CharField(
        _("reference context"), max_length=30, choices=ReferenceContext.choices, blank=True
    )
    reference_job_title = models.CharField(_("job the rating refers to"), max_length=200, blank=True)
    job_description = models.ForeignKey(
        JobDescription,
        verbose_name=_("job description"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="profiles",
    )
    evidence_sources = models.JSONField(_("evidence sources"), default=list, blank=True)
    rated_on = models.DateField(_("date"))
    created_by = author_field(_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        ordering = ["-rated_on", "-id"]
        indexes = [models.Index(fields=["stay", "kind", "timepoint"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="demand") | Q(job_description__isnull=False),
                name="demand_profile_needs_job_description",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.rated_on:%d.%m.%Y}"


class ProfileRating(models.Model):
    """One rating of one dimension by one rater (S-1…S-4). Append-only: a correction is a newer row for the same
    dimension; the newest row counts, the earlier ones stay visible. No row = "not rated" (never 0)."""

    profile = models.ForeignKey(Profile, verbose_name=_("profile"), on_delete=models.PROTECT, related_name="ratings")
    dimension = models.CharField(_("dimension"), max_length=40)
    value = models.SmallIntegerField(_("rating"), null=True, blank=True)
    not_assessable = models.BooleanField(_("not assessable"), default=False)
    reason = models.CharField(_("why not assessable"), max_length=300, blank=True)
    anchor = models.TextField(_("anchor (what the rating rests on)"), blank=True)
    rater = author_field(_("rated by"))
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["profile", "dimension", "recorded_at", "id"]
        indexes = [models.Index(fields=["profile", "dimension", "recorded_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(not_assessable=False) & Q(value__isnull=False))
                | (Q(not_assessable=True) & Q(value__isnull=True) & ~Q(reason="")),
                name="rating_value_or_reasoned_not_assessable",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}={'n/a' if self.not_assessable else self.value}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.profile.audit_scope()


# --- team conference (rec 4.10, 9.12) ------------------------------------------------------------------------------


class TherapyKind(models.TextChoices):
    """What a planned therapy is, in the words the therapy app logs sessions with."""

    INDIVIDUAL_COUNSELING = "individual_counseling", _("individual psychosocial counseling")
    SMALL_GROUP_COUNSELING = "small_group_counseling", _("small-group counseling")
    GROUP_COUNSELING = "group_counseling", _("group counseling")
    WORK_GROUP = "work_group", _("work-related group")
    WORKPLACE_TRAINING = "workplace_training", _("workplace training")
    INFORMATION = "information", _("information session")
    OTHER = "other", _("other therapy")


class TherapyCatalogueItem(models.Model):
    """The clinic's therapy catalogue (the conference plans from it). ``facility`` empty = offered everywhere."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    code = models.SlugField(_("code"), max_length=40)
    name_de = models.CharField(_("name (German)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160)
    kind = models.CharField(_("kind"), max_length=30, choices=TherapyKind.choices)
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("therapy catalogue item")
        verbose_name_plural = _("therapy catalogue")
        ordering = ["kind", "name_de"]
        constraints = [models.UniqueConstraint(fields=["facility", "code"], name="therapy_catalogue_unique_code")]

    def __str__(self) -> str:
        return self.name_de

    def name(self, language: str = "de") -> str:
        return self.name_en if language == "en" else self.name_de


class TeamConference(models.Model):
    """An interprofessional WMR team conference of a facility (rec 4.10, 9.12)."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="team_conferences"
    )
    held_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    created_by = author_field(_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team conference")
        verbose_name_plural = _("team conferences")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["facility", "held_on"])]

    def __str__(self) -> str:
        return f"{self.facility} · {self.held_on:%d.%m.%Y}"


class ConferenceParticipant(models.Model):
    """Who took part, with the profession they took part in (the 9.12 indicator counts professions)."""

    conference = models.ForeignKey(
        TeamConference, verbose_name=_("conference"), on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)

    class Meta:
        verbose_name = _("conference participant")
        verbose_name_plural = _("conference participants")
        ordering = ["conference", "name"]
        constraints = [models.UniqueConstraint(fields=["conference", "user"], name="conference_participant_once")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_profession_display()})"


class ConferenceCase(_StayScoped):
    """A stay discussed at a conference: the frozen comparison (K-6: both profiles, rule version, every gap and
    status as they were) and the team's findings. A later correction of a profile never changes the snapshot."""

    conference = models.ForeignKey(
        TeamConference, verbose_name=_("conference"), on_delete=models.PROTECT, related_name="cases"
    )
    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="conference_cases")
    capacity_profile = models.ForeignKey(
        Profile, verbose_name=_("capacity profile"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    demand_profile = models.ForeignKey(
        Profile, verbose_name=_("demand profile"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField(_("frozen comparison"), default=dict, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    created_by = author_field(_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stay discussed at a conference")
        verbose_name_plural = _("stays discussed at conferences")
        ordering = ["conference", "id"]
        constraints = [models.UniqueConstraint(fields=["conference", "stay"], name="conference_case_once_per_stay")]

    def __str__(self) -> str:
        return f"{self.conference} · {self.stay}"


class FlagDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    DISMISSED = "dismissed", _("dismissed")


class ConferenceFlag(models.Model):
    """K-6: the conference confirms or dismisses each flagged (over- or underload) dimension, with a note."""

    case = models.ForeignKey(ConferenceCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="flags")
    dimension = models.CharField(_("dimension"), max_length=40)
    status = models.CharField(_("proposed status"), max_length=30)
    decision = models.CharField(_("decision"), max_length=20, choices=FlagDecision.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("flagged dimension")
        verbose_name_plural = _("flagged dimensions")
        ordering = ["case", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "dimension"], name="conference_flag_once")]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.get_decision_display()}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.case.audit_scope()


class PlannedTherapy(_StayScoped):
    """A therapy the team planned for a stay, aligned with the job demands (rec 4.10); the therapy app schedules
    and counts the sessions against it."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="planned_therapies")
    case = models.ForeignKey(
        ConferenceCase,
        verbose_name=_("planned at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="planned_therapies",
    )
    item = models.ForeignKey(
        TherapyCatalogueItem, verbose_name=_("therapy"), on_delete=models.PROTECT, related_name="+"
    )
    focus = models.CharField(_("focus"), max_length=300, blank=True)
    dimensions = models.JSONField(_("dimensions addressed"), default=list, blank=True)
    minutes_per_week = models.PositiveSmallIntegerField(
        _("minutes per week"), null=True, blank=True, validators=[MaxValueValidator(2400)]
    )
    ended_on = models.DateField(_("ended / cancelled on"), null=True, blank=True)
    created_by = author_field(_("planned by"))
    created_at = models.DateTimeField(_("planned"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("planned therapy")
        verbose_name_plural = _("planned therapies")
        ordering = ["stay", "id"]

    def __str__(self) -> str:
        return f"{self.item} · {self.focus}" if self.focus else str(self.item)
