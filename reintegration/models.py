"""Return to work (recommendations 8.1–8.18, 10.4–10.6): the sick-leave history and what it triggers, the graded
return-to-work plan (Hamburg model, §74 SGB V / §44 SGB IX), the return-to-work plan, the checklists that apply,
and the discharge letter with its socio-medical appraisal and copies.

Rules: ../shared/domain/hamburg_model.md (cited by rule id, e.g. V-3, E-3, B-4), implemented as pure functions in
``reintegration/hamburg.py`` and ``reintegration/sickleave.py``. Clinical documents keep their earlier versions
(§630f BGB): an approved plan, an agreed RTW plan and a signed letter are never changed in place; a change makes the
next version (``previous`` points at the version it replaces). simple-history keeps every edit of every row.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from patients.models import Consent, Document, ExternalContact, Stay
from wmr.fields import author_field
from wmr.locking import version_field


class _StayScoped(models.Model):
    """Rows that belong to one stay: the audit log files them under its patient and stay."""

    class Meta:
        abstract = True

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id


class _PlanScoped(models.Model):
    class Meta:
        abstract = True

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.plan.stay.patient_id, self.plan.stay_id


# --- work situation: the facts the rules need ---------------------------------------------------------------------


class DisabilityStatus(models.TextChoices):
    NONE = "none", _("none recorded")
    SEVERE = "severe", _("severely disabled (GdB ≥ 50)")
    EQUAL_STATUS = "equal_status", _("equal status to severely disabled")


class JobRisk(models.TextChoices):
    NONE = "none", _("job not at risk")
    IMPENDING = "impending", _("unemployment impending")
    UNEMPLOYED = "unemployed", _("unemployed")


class WorkSituation(_StayScoped):
    """What the payer rows (§3), the consent rule C-4, the BEM working-day rule (B-5) and the checklists need to know
    about the patient's work. One per stay; edited with history."""

    stay = models.OneToOneField(Stay, verbose_name=_("stay"), on_delete=models.CASCADE, related_name="work_situation")
    working_days_per_week = models.PositiveSmallIntegerField(
        _("contractual working days per week"), default=5, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    hours_per_day = models.DecimalField(
        _("contractual hours per day"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("8.00"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("12"))],
    )
    disability = models.CharField(
        _("severe disability"), max_length=20, choices=DisabilityStatus.choices, default=DisabilityStatus.NONE
    )
    work_accident = models.BooleanField(
        _("incapacity caused by a work accident or an occupational disease"), default=False
    )
    unemployment_benefit = models.BooleanField(_("receives unemployment benefit (ALG)"), default=False)
    statutory_sick_pay = models.BooleanField(
        _("member of statutory health insurance with sick-pay entitlement"), default=True
    )
    job_risk = models.CharField(_("job situation"), max_length=20, choices=JobRisk.choices, default=JobRisk.NONE)
    note = models.TextField(_("note"), blank=True)
    updated_by = author_field(_("changed by"))
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work situation")
        verbose_name_plural = _("work situations")

    def __str__(self) -> str:
        # Without the stay: the history lists build one instance per version, and a lookup each would add a query.
        return str(
            _("%(days)s days a week, %(hours)s hours a day")
            % {"days": self.working_days_per_week, "hours": f"{float(self.hours_per_day):g}"}
        )


# --- sick-leave history and its triggers (8.2, 8.4; B-1…B-7, K-1) ------------------------------------------------


class AbsenceKind(models.TextChoices):
    """B-2: what counts as an absence for the BEM trigger."""

    CERTIFIED = "certified", _("certified incapacity for work (AU)")
    UNCERTIFIED = "uncertified", _("sick days without a certificate")
    REHAB = "rehab", _("cure or rehab stay")


class SickLeavePeriod(_StayScoped):
    """One period of absence in the 12 months before rehab (``ends_on`` empty: still going on)."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.CASCADE, related_name="sick_leave")
    kind = models.CharField(_("kind"), max_length=20, choices=AbsenceKind.choices, default=AbsenceKind.CERTIFIED)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True, help_text=_("empty while it goes on"))
    diagnosis_group = models.CharField(_("diagnosis group"), max_length=120, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = author_field(_("entered by"))
    created_at = models.DateTimeField(_("entered"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sick-leave period")
        verbose_name_plural = _("sick-leave periods")
        ordering = ["stay", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="sick_leave_end_not_before_start",
            )
        ]

    def __str__(self) -> str:
        end = f"{self.ends_on:%d.%m.%Y}" if self.ends_on else "…"
        return f"{self.starts_on:%d.%m.%Y}–{end}"


class TriggerKind(models.TextChoices):
    BEM = "bem", _("Examine occupational integration management (BEM)")
    GRADED_RETURN = "graded_return", _("Examine a graded return to work")


class TriggerOutcome(models.TextChoices):
    INDICATED = "indicated", _("indicated: prepared / to be prepared")
    NOT_INDICATED = "not_indicated", _("examined: not indicated")
    DECLINED = "declined", _("declined by the patient")
    ALREADY_RUNNING = "already_running", _("already under way")


class TriggerExamination(_StayScoped):
    """The recorded outcome of a sick-leave trigger (8.2 BEM, 8.4 graded return). Until one exists, the trigger is a
    task on the case overview. A later examination of the same kind supersedes the earlier one (both are kept)."""

    stay = models.ForeignKey(
        Stay, verbose_name=_("stay"), on_delete=models.CASCADE, related_name="trigger_examinations"
    )
    kind = models.CharField(_("trigger"), max_length=20, choices=TriggerKind.choices)
    examined_on = models.DateField(_("examined on"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=TriggerOutcome.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = author_field(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trigger examination")
        verbose_name_plural = _("trigger examinations")
        ordering = ["stay", "kind", "-examined_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_outcome_display()}"


# --- graded return to work (Hamburg model) ------------------------------------------------------------------------


class PlanStatus(models.TextChoices):
    """§7 of the specification: planning, execution, conclusion."""

    DRAFT = "draft", _("draft")
    CONSENTS_PENDING = "consents_pending", _("consents pending")
    READY = "ready", _("ready")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved by the payer")
    RUNNING = "running", _("running")
    INTERRUPTED = "interrupted", _("interrupted")
    COMPLETED = "completed", _("completed")
    ABORTED = "aborted", _("aborted")
    NOT_STARTED = "not_started", _("not started")
    SUPERSEDED = "superseded", _("replaced by a later version")


PLAN_OPEN_STATUSES = (
    PlanStatus.DRAFT,
    PlanStatus.CONSENTS_PENDING,
    PlanStatus.READY,
    PlanStatus.SUBMITTED,
    PlanStatus.APPROVED,
    PlanStatus.RUNNING,
    PlanStatus.INTERRUPTED,
)


class GraduatedPayer(models.TextChoices):
    """§3: who pays during the graded return (the first matching row of the decision table)."""

    EMPLOYER = "employer", _("employer (civil servant: full salary)")
    ACCIDENT = "accident", _("accident insurance (injury benefit)")
    PENSION = "pension", _("pension insurance (transitional benefit)")
    EMPLOYMENT_AGENCY = "employment_agency", _("Federal Employment Agency (unemployment benefit)")
    HEALTH = "health", _("health insurance (sick pay)")
    NONE = "none", _("none determined")


class GradedReturnPlan(_StayScoped):
    """One version of a stay's graded return-to-work plan (H-1). Steps, consents, vacations, interruptions and tasks
    hang off it. Dates and warnings are computed by ``reintegration.hamburg`` from these fields, never stored twice;
    ``last_day`` is kept as of the last save for lists and indicators."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="graded_plans")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("replaces version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    starts_on = models.DateField(_("planned start"))
    working_days_per_week = models.PositiveSmallIntegerField(
        _("contractual working days per week"), default=5, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    hours_per_day = models.DecimalField(
        _("contractual hours per day (full-time target)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("8.00"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("12"))],
    )
    last_day = models.DateField(_("last day of the graded return"), null=True, blank=True)
    activities_to_avoid = models.TextField(_("activities to avoid and load restrictions"), blank=True)
    supporting_measures = models.TextField(_("further supporting measures"), blank=True)
    workplace_aids_needed = models.BooleanField(
        _("workplace aids needed (e.g. a special desk or chair)"), default=False
    )
    # Payer (§3): determined by the rules; the user may keep DRV beyond 28 days with a reason and reference (F-2).
    payer = models.CharField(_("payer"), max_length=20, choices=GraduatedPayer.choices, blank=True)
    payer_override_reason = models.TextField(_("reason to keep the pension insurance as payer"), blank=True)
    payer_reference = models.CharField(_("payer's reference"), max_length=60, blank=True)
    long_plan_justification = models.TextField(_("justification for a plan longer than six months"), blank=True)  # V-5
    warnings_confirmed_by = author_field(_("warnings confirmed by"))
    warnings_confirmed_at = models.DateTimeField(_("warnings confirmed"), null=True, blank=True)
    # Prerequisites recorded as yes/no with author (P-1, P-2, P-5); "no" blocks.
    on_sick_leave = models.BooleanField(_("on sick leave before the start and throughout (P-1)"), null=True)
    partial_work_possible = models.BooleanField(
        _("part of the previous work can be done without harm (P-2)"), null=True
    )
    workplace_allows = models.BooleanField(_("the workplace allows limited employment (P-5)"), null=True)
    prerequisites_by = author_field(_("prerequisites recorded by"))
    # K-2 (rec 8.5): individual counselling on the graded return before submission; the four topics must be ticked.
    counseled_on = models.DateField(_("patient counselled on the graded return on"), null=True, blank=True)
    counseling_topics = models.JSONField(_("counselling topics covered"), default=list, blank=True)
    # Phases (§7)
    submitted_on = models.DateField(_("submitted to employer and payer on"), null=True, blank=True)
    approved_on = models.DateField(_("funding approved on"), null=True, blank=True)  # C-5
    approval_reference = models.CharField(_("approval reference"), max_length=60, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    failed_from = models.DateField(_("failed with effect from"), null=True, blank=True)  # E-3
    end_reason = models.TextField(_("reason for the end"), blank=True)
    employer_voluntary_payment = models.CharField(_("voluntary payment by the employer"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = author_field(_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    lock_version = version_field()  # optimistic locking of the draft (wmr.locking)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("graded return-to-work plan")
        verbose_name_plural = _("graded return-to-work plans")
        ordering = ["stay", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["stay", "version"], name="graded_plan_unique_version"),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=models.F("actual_start")),
                name="graded_plan_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Graded return to work, version %(version)s") % {"version": self.version})


class PlanStep(_PlanScoped):
    """One step (H-2): duration in whole weeks plus days, a weekly pattern ``[{"days": 3, "hours": "6"}, …]`` whose
    days add up to the contractual working days, the type of activity and restrictions. ``starts_on`` is empty for
    a step that follows its predecessor (H-3); an explicit date is checked for gaps and overlaps (V-2)."""

    plan = models.ForeignKey(GradedReturnPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("step"))
    weeks = models.PositiveSmallIntegerField(_("weeks"), default=0, validators=[MaxValueValidator(60)])
    days = models.PositiveSmallIntegerField(_("days"), default=0, validators=[MaxValueValidator(6)])
    starts_on = models.DateField(
        _("starts on"), null=True, blank=True, help_text=_("empty: the day after the step before")
    )
    pattern = models.JSONField(_("weekly pattern"), default=list)
    activities = models.TextField(_("typical tasks"), blank=True)
    restrictions = models.TextField(_("restrictions"), blank=True)
    lock_version = version_field()  # optimistic locking of the draft (wmr.locking)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "position"], name="plan_step_unique_position")]

    def __str__(self) -> str:
        return str(_("Step %(n)s") % {"n": self.position})


class PlanParty(models.TextChoices):
    EMPLOYEE = "employee", _("patient (employee)")  # C-1
    EMPLOYER = "employer", _("employer")  # C-2
    PHYSICIAN = "physician", _("physician (approval of the step plan)")  # C-3, P-7
    OCCUPATIONAL_PHYSICIAN = "occupational_physician", _("occupational physician")  # C-6, rec 10.6


class ConsentState(models.TextChoices):
    GIVEN = "given", _("given")
    REFUSED = "refused", _("refused")
    WITHDRAWN = "withdrawn", _("withdrawn")
    NOT_REQUIRED = "not_required_entitlement", _("not required (entitlement as severely disabled, C-4)")
    INVOLVED = "involved", _("involved with the patient's consent")


class PlanConsent(_PlanScoped):
    """A consent event of one party (§4). Append-only: the latest event per party is its state; a withdrawal is a new
    event (C-7). The occupational physician's row records the involvement (10.6) and points at the patient's consent."""

    plan = models.ForeignKey(
        GradedReturnPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="consents"
    )
    party = models.CharField(_("party"), max_length=30, choices=PlanParty.choices)
    state = models.CharField(_("state"), max_length=30, choices=ConsentState.choices)
    on = models.DateField(_("date"))
    signed_by = models.CharField(_("signed by / who"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    patient_consent = models.ForeignKey(
        Consent, verbose_name=_("patient's consent"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = author_field(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("consent to the plan")
        verbose_name_plural = _("consents to the plan")
        ordering = ["plan", "party", "-on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_party_display()}: {self.get_state_display()}"


class PlanVacation(_PlanScoped):
    """Vacation entered inside the plan period: an error for employees, a warning for civil servants (V-10, E-6)."""

    plan = models.ForeignKey(
        GradedReturnPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="vacations"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    recorded_by = author_field(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("vacation")
        verbose_name_plural = _("vacations")
        ordering = ["plan", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="plan_vacation_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"


class PlanInterruption(_PlanScoped):
    """An interruption during the running plan (E-1…E-5): first to last missed day inclusive (empty: still open).
    More than 7 days ends the plan as failed from the first missed day unless the payer decided to continue (E-4)."""

    plan = models.ForeignKey(
        GradedReturnPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="interruptions"
    )
    first_missed_day = models.DateField(_("first missed day"))
    last_missed_day = models.DateField(_("last missed day"), null=True, blank=True, help_text=_("empty while open"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    end_foreseeable = models.BooleanField(_("end was foreseeable (e.g. a common cold)"), default=False)
    payer_continue_on = models.DateField(_("payer decided to continue on"), null=True, blank=True)
    payer_continue_reference = models.CharField(_("payer's reference"), max_length=60, blank=True)
    recorded_by = author_field(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("interruption")
        verbose_name_plural = _("interruptions")
        ordering = ["plan", "first_missed_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_missed_day__isnull=True) | Q(last_missed_day__gte=models.F("first_missed_day")),
                name="plan_interruption_end_after_start",
            )
        ]

    def __str__(self) -> str:
        end = f"{self.last_missed_day:%d.%m.%Y}" if self.last_missed_day else "…"
        return f"{self.first_missed_day:%d.%m.%Y}–{end}"


class PlanTaskKind(models.TextChoices):
    INFORM_PAYER = "inform_payer", _("Inform the payer that the graded return failed")  # E-3
    FOLLOW_UP = "follow_up", _("Check further medical rehab, vocational rehab or a pension")  # E-8
    TALK_AGAIN = "talk_again", _("Talk to the employer again")  # TR1
    INFORM_PARTIES = "inform_parties", _("Inform all parties of the new plan version")  # H-6
    TELL_PAYER_PAYMENT = "tell_payer_payment", _("Tell the payer about the employer's voluntary payment")  # E-9


class PlanTask(_PlanScoped):
    """A task the plan's rules create; shown on the case overview until done."""

    plan = models.ForeignKey(GradedReturnPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("task"), max_length=30, choices=PlanTaskKind.choices)
    due_on = models.DateField(_("due on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = author_field(_("done by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")
        ordering = ["plan", "due_on", "id"]

    def __str__(self) -> str:
        return str(self.get_kind_display())


# --- return-to-work plan (8.13, 8.14) -----------------------------------------------------------------------------


class IntegrationGoal(models.TextChoices):
    SAME_JOB = "same_job", _("same job")
    ADAPTED_JOB = "adapted_job", _("adapted job")
    OTHER_JOB = "other_job", _("other job")
    RETRAINING = "retraining", _("retraining")
    JOB_SEARCH = "job_search", _("job search")
    PENSION = "pension", _("pension")


class RtwStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    AGREED = "agreed", _("agreed with the patient")
    SUPERSEDED = "superseded", _("replaced by a later version")


class RtwPlan(_StayScoped):
    """One version of the return-to-work plan: integration goal, steps after WMR, stakeholders (8.13, 8.14)."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="rtw_plans")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("replaces version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    status = models.CharField(_("status"), max_length=20, choices=RtwStatus.choices, default=RtwStatus.DRAFT)
    integration_goal = models.CharField(_("integration goal"), max_length=20, choices=IntegrationGoal.choices)
    goal_detail = models.TextField(_("the goal in words"), blank=True)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = author_field(_("written by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    lock_version = version_field()  # optimistic locking of the draft (wmr.locking)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("return-to-work plan")
        verbose_name_plural = _("return-to-work plans")
        ordering = ["stay", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["stay", "version"], name="rtw_plan_unique_version"),
            models.UniqueConstraint(fields=["stay"], condition=Q(status="draft"), name="rtw_plan_one_draft_per_stay"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(agreed_on__isnull=False), name="rtw_plan_agreed_has_date"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Return-to-work plan, version %(version)s") % {"version": self.version})


class RtwStep(_PlanScoped):
    plan = models.ForeignKey(RtwPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("step"))
    text = models.CharField(_("step after WMR"), max_length=300)
    due_on = models.DateField(_("by"), null=True, blank=True)
    responsible = models.CharField(_("who"), max_length=120, blank=True)
    lock_version = version_field()  # optimistic locking of the draft (wmr.locking)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("step after WMR")
        verbose_name_plural = _("steps after WMR")
        ordering = ["plan", "position"]

    def __str__(self) -> str:
        return self.text


class StakeholderKind(models.TextChoices):
    EMPLOYER = "employer", _("employer")
    OCCUPATIONAL_PHYSICIAN = "occupational_physician", _("occupational physician")
    BEM = "bem", _("BEM")
    INTEGRATION_SERVICE = "integration_service", _("integration service")
    EMPLOYMENT_AGENCY = "employment_agency", _("employment agency / job centre")
    PENSION_CASE_MANAGEMENT = "pension_case_management", _("pension insurer's case management")


class RtwStakeholder(_PlanScoped):
    """A stakeholder to involve, tied to the patient's consent that allows it (8.14, 10.4–10.6)."""

    plan = models.ForeignKey(RtwPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="stakeholders")
    kind = models.CharField(_("stakeholder"), max_length=30, choices=StakeholderKind.choices)
    contact = models.ForeignKey(
        ExternalContact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent = models.ForeignKey(Consent, verbose_name=_("consent"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("what they do"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["plan", "kind"]
        constraints = [models.UniqueConstraint(fields=["plan", "kind"], name="rtw_stakeholder_unique_kind")]

    def __str__(self) -> str:
        return str(self.get_kind_display())


# --- checklists (8.1, 8.6–8.11, 8.15, 8.16, 10.2–10.4) -------------------------------------------------------------


class ChecklistState(models.TextChoices):
    DONE = "done", _("done")
    NOT_APPLICABLE = "not_applicable", _("not applicable")


class ChecklistEntry(_StayScoped):
    """The answer to one checklist item (``item`` is a key of ``reintegration.checklists.ITEMS``). Append-only: a
    correction is a new entry; the latest per item counts."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.CASCADE, related_name="checklist_entries")
    item = models.CharField(_("item"), max_length=40)
    state = models.CharField(_("state"), max_length=20, choices=ChecklistState.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = author_field(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("checklist entry")
        verbose_name_plural = _("checklist entries")
        ordering = ["stay", "item", "-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_state_display()}"


# --- discharge letter (8.6, 8.12, 8.17) ---------------------------------------------------------------------------


class LetterStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SIGNED = "signed", _("signed")
    SUPERSEDED = "superseded", _("replaced by a corrected version")


class WorkAbility(models.TextChoices):
    """Socio-medical appraisal in hours per day (DRV discharge report)."""

    SIX_PLUS = "6_plus", _("6 hours and more")
    THREE_TO_SIX = "3_to_6", _("3 to under 6 hours")
    BELOW_THREE = "below_3", _("under 3 hours")


class DischargeLetter(_StayScoped):
    """One version of the discharge letter. Drafted from the record, edited by the physician, signed (the signed PDF
    is stored as a document with its hash). A signed version is never changed: a correction is the next version."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="discharge_letters")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("replaces version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    status = models.CharField(_("status"), max_length=20, choices=LetterStatus.choices, default=LetterStatus.DRAFT)
    recipient = models.TextField(_("recipient (address block)"), blank=True)
    diagnoses = models.JSONField(
        _("diagnoses"), default=list, blank=True, help_text=_('[{"code": "F43.2", "text": "…"}]')
    )
    course = models.TextField(_("course of the rehabilitation"), blank=True)
    goals_summary = models.TextField(_("goals and their attainment"), blank=True)
    therapies_summary = models.TextField(_("therapies received"), blank=True)
    ability_last_job = models.CharField(
        _("ability to do the last job"), max_length=10, choices=WorkAbility.choices, blank=True
    )
    ability_general_market = models.CharField(
        _("ability on the general labour market"), max_length=10, choices=WorkAbility.choices, blank=True
    )
    positive_profile = models.TextField(_("positive capacity profile"), blank=True)
    negative_profile = models.TextField(_("negative capacity profile"), blank=True)
    appraisal_detail = models.TextField(
        _("detailed socio-medical appraisal"),
        blank=True,
        help_text=_("required when the ability to work is limited (8.12)"),
    )
    vocational_rehab_recommended = models.BooleanField(_("vocational rehabilitation recommended (8.6)"), default=False)
    vocational_rehab_reason = models.TextField(
        _("why vocational rehabilitation is not recommended"),
        blank=True,
        help_text=_("required when the ability for the last job is limited and it is not recommended (8.6)"),
    )
    recommendations = models.TextField(_("recommendations"), blank=True)
    # What the record said when the version was signed (therapy minutes, comparison chart, RTW and graded plans),
    # so the patient's copies show exactly the signed content (8.17).
    record_snapshot = models.JSONField(_("record at signing"), default=dict, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_by = author_field(_("signed by"))
    document = models.ForeignKey(
        Document, verbose_name=_("signed document"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    copies_handed_over_on = models.DateField(_("copies handed over on"), null=True, blank=True)  # 8.17
    copies_handed_over_by = author_field(_("copies handed over by"))
    created_by = author_field(_("drafted by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    lock_version = version_field()  # optimistic locking of the draft (wmr.locking)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("discharge letter")
        verbose_name_plural = _("discharge letters")
        ordering = ["stay", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["stay", "version"], name="discharge_letter_unique_version"),
            models.UniqueConstraint(
                fields=["stay"], condition=Q(status="draft"), name="discharge_letter_one_draft_per_stay"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(signed_on__isnull=False), name="discharge_letter_signed_has_date"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Discharge letter, version %(version)s") % {"version": self.version})
