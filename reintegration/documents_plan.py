"""Printable step plans of the graded return to work (Hamburg model): the full plan shaped like the payer's form
(DRV G0834 / KBV Muster 20 in spirit) and the employer's copy (D-2: only dates, hours, activities and restrictions —
no diagnoses, findings or therapy details).

Shape (STYLE.md 8): ``render_graded_plan(...)`` / ``render_employer_copy(...) -> RenderedDocument``; the ``*_create``
functions store them through ``patients.services.document_store`` (SHA-256, author, facts) with one audit row each.
Both are written in the clinic's language (settings.LANGUAGE_CODE), whatever language the clinician's screen uses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.models import ContactKind, Document, DocumentKind, Stay, TeamFunction
from patients.services import RenderedDocument, document_store
from reintegration import hamburg
from reintegration.errors import ReintegrationRefused
from reintegration.models import PLAN_OPEN_STATUSES, GradedReturnPlan, PlanStatus
from reintegration.selectors_plan import PlanDetail, StayPlanState, plan_detail, stay_plan_state
from wmr import audit
from wmr.pdf import render_pdf

TEMPLATE_VERSION = 1
KINDS = (DocumentKind.GRADED_PLAN, DocumentKind.GRADED_PLAN_EMPLOYER)


# --- display of the computed plan (shared by the page, the PDFs and the API) ---------------------------------------


def hours_text(value) -> str:
    """6 → "6", 2.50 → "2.5" (localised: "2,5" in German); never "1E+1"."""
    plain = format(Decimal(str(value)).quantize(Decimal("0.01")), "f").rstrip("0").rstrip(".") or "0"
    return formats.number_format(Decimal(plain), use_l10n=True)


def pattern_text(pattern) -> str:
    """The weekly pattern in words as the payer's form writes it: "3 × 6 h + 2 × 4 h"; 0 hours are days off.

    ``pattern``: PatternEntry objects or the model's dicts ``{"days": 3, "hours": "6"}``."""
    parts = []
    for entry in pattern:
        days = entry["days"] if isinstance(entry, dict) else entry.days
        hours = Decimal(str(entry["hours"] if isinstance(entry, dict) else entry.hours))
        if hours:
            parts.append(f"{days} × {hours_text(hours)} h")
        else:
            parts.append(_("%(days)s × off") % {"days": days})
    return " + ".join(parts)


def duration_text(weeks: int, days: int) -> str:
    text = _("%(weeks)s wk.") % {"weeks": weeks} if weeks else ""
    if days:
        text = f"{text} " if text else ""
        text += _("%(days)s d.") % {"days": days}
    return text


@dataclass(frozen=True)
class StepRow:
    """One row of the steps table: the stored step and its computed dates and hours (H-3, H-5)."""

    position: int
    step_id: int | None
    starts_on: dt.date
    ends_on: dt.date
    duration: str
    pattern: str
    weekly_hours: Decimal
    step_hours: Decimal
    activities: str
    restrictions: str

    @property
    def weekly_hours_text(self) -> str:
        return hours_text(self.weekly_hours)

    @property
    def step_hours_text(self) -> str:
        return hours_text(self.step_hours)


def step_rows(computed: hamburg.ComputedPlan, step_ids=()) -> list[StepRow]:
    """The computed steps as table rows; ``step_ids``: the stored steps' ids in position order (none for a draft)."""
    ids = list(step_ids) + [None] * len(computed.steps)
    return [
        StepRow(
            position=step.position,
            step_id=ids[index],
            starts_on=step.starts_on,
            ends_on=step.ends_on,
            duration=duration_text(step.weeks, step.extra_days),
            pattern=pattern_text(step.pattern),
            weekly_hours=step.weekly_hours,
            step_hours=step.step_hours,
            activities=step.activities,
            restrictions=step.restrictions,
        )
        for index, step in enumerate(computed.steps)
    ]


PHASES = {  # §7
    PlanStatus.DRAFT: gettext_lazy("Planning and application"),
    PlanStatus.CONSENTS_PENDING: gettext_lazy("Planning and application"),
    PlanStatus.READY: gettext_lazy("Planning and application"),
    PlanStatus.SUBMITTED: gettext_lazy("Planning and application"),
    PlanStatus.APPROVED: gettext_lazy("Planning and application"),
    PlanStatus.RUNNING: gettext_lazy("Execution"),
    PlanStatus.INTERRUPTED: gettext_lazy("Execution"),
    PlanStatus.COMPLETED: gettext_lazy("Conclusion"),
    PlanStatus.ABORTED: gettext_lazy("Conclusion"),
    PlanStatus.NOT_STARTED: gettext_lazy("Conclusion"),
    PlanStatus.SUPERSEDED: gettext_lazy("Replaced by a later version"),
}
EDITABLE = (PlanStatus.DRAFT, PlanStatus.CONSENTS_PENDING, PlanStatus.READY)  # changed in place (services.PLANNING)


@dataclass
class PlanSheet:
    """One version of the plan as the page, the versions page and the API show it: the selector's ``PlanDetail``
    (computed plan, findings, payer, consents, checklist, interruptions, tasks) with what the display adds — the
    steps as table rows, totals in words, the payer's own warnings among the findings, the lead time, the phase and
    which phase steps the page offers."""

    detail: PlanDetail
    latest_submission: dt.date | None = None  # K-5

    def __getattr__(self, name):
        if name == "detail":
            raise AttributeError(name)
        return getattr(self.detail, name)

    @property
    def rows(self) -> list[StepRow]:
        steps = sorted(self.plan.steps.all(), key=lambda step: step.position)
        return step_rows(self.computed, [step.pk for step in steps])

    @property
    def findings(self) -> list[hamburg.Finding]:
        """V-1 … V-11 and the payer's warnings (W-PAYER; W-DRV-28 is V-9 already), as ``ready`` judges them."""
        own = [w for w in self.payer.warnings if w.code != "W-DRV-28"] if self.detail.findings else []
        return self.detail.findings + own

    @property
    def errors(self) -> list[hamburg.Finding]:
        return hamburg.errors(self.findings)

    @property
    def totals(self) -> dict:
        return {"weeks": hours_text(self.computed.total_weeks), "hours": hours_text(self.computed.total_hours)}

    @property
    def contract_hours(self) -> str:
        return hours_text(self.plan.hours_per_day)

    @property
    def counseling_labels(self) -> list[str]:
        return [hamburg.counseling_label(key) for key in self.detail.counseling_missing]

    @property
    def lead_time_days(self) -> int:
        return hamburg.LEAD_TIME_WITH_AIDS_DAYS if self.plan.workplace_aids_needed else hamburg.LEAD_TIME_DAYS

    @property
    def submit_by(self) -> dt.date:
        return self.plan.starts_on - dt.timedelta(days=self.lead_time_days)

    @property
    def vacations(self) -> list:
        return sorted(self.plan.vacations.all(), key=lambda vacation: vacation.starts_on)

    @property
    def phase(self) -> str:
        return str(PHASES.get(self.plan.status, ""))

    @property
    def editable(self) -> bool:
        return self.plan.status in EDITABLE

    @property
    def planning(self) -> bool:
        return self.plan.status in EDITABLE

    @property
    def open(self) -> bool:
        return self.plan.status in PLAN_OPEN_STATUSES

    @property
    def can(self) -> dict:
        """Which phase steps the page offers (the services decide; a refusal comes back with its reason)."""
        status = self.plan.status
        return {
            "ready": status in (PlanStatus.DRAFT, PlanStatus.CONSENTS_PENDING),
            "submit": status == PlanStatus.READY,
            "approve": status == PlanStatus.SUBMITTED,
            "start": status == PlanStatus.APPROVED,
            "interrupt": status == PlanStatus.RUNNING,
            "complete": status == PlanStatus.RUNNING,
            "abort": status in PLAN_OPEN_STATUSES,
            "new_version": status
            in (
                PlanStatus.SUBMITTED,
                PlanStatus.APPROVED,
                PlanStatus.RUNNING,
                PlanStatus.INTERRUPTED,
                PlanStatus.NOT_STARTED,
            ),
        }


def current_sheet(state: StayPlanState) -> PlanSheet | None:
    """The newest version of the stay's plan for the page (None: no plan yet)."""
    if state.current is None:
        return None
    return PlanSheet(state.current, latest_submission=state.latest_submission_on)


def version_sheets(stay: Stay, today: dt.date) -> list[PlanSheet]:
    """Every version, newest first, each with what the rules say about it (an ended version keeps its outcome)."""
    state = stay_plan_state(stay, today)
    return [PlanSheet(plan_detail(plan, today, facts=state.facts)) for plan in state.versions]


def plan_documents(stay: Stay) -> QuerySet[Document]:
    """The stored step plans and employer's copies of the stay, newest first (without their bytes)."""
    return (
        Document.objects.filter(stay=stay, kind__in=KINDS)
        .select_related("created_by")
        .defer("content")
        .order_by("-created_at", "-id")
    )


def _physician(stay: Stay):
    membership = (
        stay.care_team.filter(function=TeamFunction.PHYSICIAN).select_related("user").order_by("added_at").first()
    )
    return membership.user if membership else None


def _employer(stay: Stay):
    return stay.contacts.filter(kind=ContactKind.EMPLOYER).order_by("id").first()


def _context(plan: GradedReturnPlan, *, today: dt.date) -> dict:
    """What both documents show of the plan. Called inside the clinic's language (the payer's reason is a sentence)."""
    from reintegration.services.plan import plan_input, plan_payer

    stay = plan.stay
    computed = hamburg.compute_plan(plan_input(plan))
    steps = list(plan.steps.order_by("position"))
    payer = plan_payer(plan)
    return {
        "plan": plan,
        "stay": stay,
        "patient": stay.patient,
        "facility": stay.facility,
        "employer": _employer(stay),
        "computed": computed,
        "rows": step_rows(computed, [s.pk for s in steps]),
        "total_hours": hours_text(computed.total_hours),
        "total_weeks": hours_text(computed.total_weeks),
        "contract_hours": hours_text(plan.hours_per_day),
        "payer": payer,
        "physician": _physician(stay),
        "today": today,
    }


def _refuse_unprintable(plan: GradedReturnPlan) -> None:
    if plan.status == PlanStatus.SUPERSEDED:
        raise ReintegrationRefused(
            _("This version has been replaced by a later one; print the current version of the plan.")
        )
    if not plan.steps.exists():
        raise ReintegrationRefused(_("The plan has no step yet; add the steps before printing it."))


def render_graded_plan(plan: GradedReturnPlan, *, today: dt.date) -> RenderedDocument:
    """The full step plan for the patient, the physician, the employer's signature and the payer: identification of
    patient and insurer, the steps with dates, hours per day and days per week, activities and restrictions, the
    expected date of full capacity, the withdrawal rights and three signature lines."""
    with translation.override(settings.LANGUAGE_CODE):
        content = render_pdf("reintegration/pdf/graded_plan.html", _context(plan, today=today))
    return RenderedDocument(
        filename=f"graded-return-{plan.stay.number}-v{plan.version}-{today:%Y-%m-%d}.pdf",
        content_type="application/pdf",
        content=content,
    )


def render_employer_copy(plan: GradedReturnPlan, *, today: dt.date) -> RenderedDocument:
    """The employer's copy (D-1, D-2): that a graded return takes place and its plan — dates, hours, activities,
    restrictions. No diagnosis, finding, therapy, insurer number or payer decision is put into its context."""
    with translation.override(settings.LANGUAGE_CODE):
        full = _context(plan, today=today)
        context = {
            name: full[name]
            for name in ("plan", "facility", "employer", "computed", "rows", "total_hours", "total_weeks", "today")
        }
        context["patient_name"] = f"{plan.stay.patient.first_name} {plan.stay.patient.last_name}"
        context["contract_hours"] = full["contract_hours"]
        content = render_pdf("reintegration/pdf/graded_plan_employer.html", context)
    return RenderedDocument(
        filename=f"graded-return-employer-{plan.stay.number}-v{plan.version}-{today:%Y-%m-%d}.pdf",
        content_type="application/pdf",
        content=content,
    )


def _store(*, by, plan: GradedReturnPlan, kind: str, rendered: RenderedDocument, action: str) -> Document:
    with transaction.atomic():
        document = document_store(
            by=by,
            stay=plan.stay,
            kind=kind,
            rendered=rendered,
            facts={
                "plan_id": plan.pk,
                "version": plan.version,
                "last_day": plan.last_day.isoformat() if plan.last_day else None,
                "template_version": TEMPLATE_VERSION,
            },
        )
        audit.log(
            document,
            action,
            user=by,
            data={"sha256": document.sha256, "plan": plan.pk, "version": plan.version},
        )
    return document


def graded_plan_create(*, by, plan: GradedReturnPlan, now: dt.datetime | None = None) -> Document:
    """Render the full step plan and store it (kind GRADED_PLAN, facts plan_id, version, last_day)."""
    _refuse_unprintable(plan)
    rendered = render_graded_plan(plan, today=timezone.localdate(now or timezone.now()))
    return _store(
        by=by, plan=plan, kind=DocumentKind.GRADED_PLAN, rendered=rendered, action="reintegration.plan.pdf_created"
    )


def employer_copy_create(*, by, plan: GradedReturnPlan, now: dt.datetime | None = None) -> Document:
    """Render the employer's copy and store it (kind GRADED_PLAN_EMPLOYER, facts plan_id, version, last_day)."""
    _refuse_unprintable(plan)
    rendered = render_employer_copy(plan, today=timezone.localdate(now or timezone.now()))
    return _store(
        by=by,
        plan=plan,
        kind=DocumentKind.GRADED_PLAN_EMPLOYER,
        rendered=rendered,
        action="reintegration.plan.employer_copy_created",
    )
