"""The discharge letter as PDF (recommendations 8.6, 8.12, 8.17): DIN 5008 letter on ``pdf/letter_base.html``
(letterhead and footer from the facility, page numbers, fonts shipped), in the clinic's language.

Shape (STYLE.md 8): ``render_discharge_letter(...) -> RenderedDocument``. Storing is done by the services in
``reintegration.services.letter`` (signing stores the letter, the copies are stored in one click).

The letter prints two kinds of content: what the physician edits (the letter's own fields) and what the record says
(``letter_record``: therapy minutes, the profile comparison chart, the agreed return-to-work plan, the graded plan).
The record is read when the letter is previewed or signed; signing keeps it in ``DischargeLetter.record_snapshot``
so the patient's copies show exactly the signed content.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.services import RenderedDocument
from reintegration import rules_letter
from reintegration.errors import LetterRenderFailed
from reintegration.models import DischargeLetter, GradedReturnPlan, LetterStatus, RtwPlan, RtwStatus
from wmr.pdf import render_pdf

TEMPLATE = "reintegration/pdf/discharge_letter.html"
TEMPLATE_VERSION = 1

# The sections of the letter, in print order, with their stable headings (the PDF is read back for them).
SECTIONS = (
    ("diagnoses", gettext_lazy("Diagnoses")),
    ("course", gettext_lazy("Course")),
    ("goals", gettext_lazy("Goals and attainment")),
    ("diagnostics", gettext_lazy("Work-related diagnostics")),
    ("therapies", gettext_lazy("Therapies received")),
    ("appraisal", gettext_lazy("Socio-medical appraisal")),
    ("rtw_plan", gettext_lazy("Return-to-work plan")),
    ("graded_plan", gettext_lazy("Graded return to work")),
    ("recommendations", gettext_lazy("Recommendations")),
)
SECTION_KEYS = [key for key, _heading in SECTIONS]


def _d(value: dt.date | None) -> str:
    return f"{value:%d.%m.%Y}" if value else ""


# --- what the record says ------------------------------------------------------------------------------------------


def _therapies(stay, today: dt.date) -> dict:
    from therapy.selectors_progress import stay_therapy_state

    state = stay_therapy_state(stay, today)
    minutes = [[str(label), n] for label, n in state.minutes]
    return {
        "minutes": minutes,
        "total": sum(n for _label, n in minutes),
        "planned": [[row.name, row.minutes] for row in state.planned],
    }


def _comparison(stay, language: str) -> dict | None:
    from diagnostics.documents import comparison_context
    from diagnostics.selectors_comparison import stay_comparisons

    data = stay_comparisons(stay)
    context = comparison_context(data, language)
    main = context["main"]
    if main is None:
        return None
    if main.get("comparison") is None:
        return {"refused": main["refused"], "chart": "", "summary": "", "instrument": main["instrument_name"]}
    later = context["later"]
    demand = data.demand
    return {
        "refused": "",
        "instrument": main["instrument_name"],
        "summary": main["summary"],
        "timepoint": _("at discharge") if context["main_is_discharge"] else _("at admission"),
        "capacity_on": _d(main["view"].capacity.rated_on),
        "demand_on": _d(demand.rated_on) if demand else "",
        "job": demand.job_description.job_title if demand and demand.job_description else "",
        "discharge_summary": later["summary"] if later and later.get("comparison") else "",
        "is_demo": context["is_demo"],
        "chart": str(context["chart"]),
    }


def _rtw_plan(stay) -> dict | None:
    """The newest agreed version of the return-to-work plan (8.13, 8.14) with its steps and stakeholders."""
    plan = (
        RtwPlan.objects.filter(stay=stay, status=RtwStatus.AGREED)
        .prefetch_related("steps", "stakeholders__contact")
        .order_by("-version")
        .first()
    )
    if plan is None:
        return None
    return {
        "version": plan.version,
        "agreed_on": _d(plan.agreed_on),
        "goal": str(plan.get_integration_goal_display()),
        "detail": plan.goal_detail,
        "steps": [
            {"text": s.text, "due_on": _d(s.due_on), "responsible": s.responsible}
            for s in sorted(plan.steps.all(), key=lambda s: s.position)
        ],
        "stakeholders": [
            {
                "kind": str(h.get_kind_display()),
                "contact": (h.contact.organisation or h.contact.person) if h.contact else "",
                "role": h.role,
            }
            for h in plan.stakeholders.all()
        ],
    }


def _pattern_text(pattern) -> str:
    """A weekly pattern as words: "3 days × 4 h, 2 days × 0 h" (entries with ``days`` and ``hours``)."""
    parts = []
    for entry in pattern:
        days = entry["days"] if isinstance(entry, dict) else entry.days
        hours = entry["hours"] if isinstance(entry, dict) else entry.hours
        parts.append(_("%(days)s days × %(hours)s h") % {"days": days, "hours": _hours(hours)})
    return ", ".join(parts)


def _hours(value) -> str:
    text = str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if translation.get_language() == "de" else text


def _computed(plan: GradedReturnPlan):
    """The step dates of the Hamburg-model rules (H-3, H-4), or None while the rules cannot compute the plan."""
    try:
        from reintegration import hamburg
        from reintegration.services import plan as plan_services

        return hamburg.compute_plan(plan_services.plan_input(plan))
    except (ImportError, AttributeError, NotImplementedError, ValueError):
        return None


def _graded_plan(stay) -> dict | None:
    """The newest version of the graded return-to-work plan with its steps (computed dates where the rules can)."""
    plan = (
        GradedReturnPlan.objects.filter(stay=stay).prefetch_related("steps", "vacations").order_by("-version").first()
    )
    if plan is None:
        return None
    steps = sorted(plan.steps.all(), key=lambda s: s.position)
    computed = _computed(plan)
    rows = []
    if computed is not None:
        by_position = {s.position: s for s in steps}
        for c in computed.steps:
            step = by_position.get(c.position)
            rows.append(
                {
                    "position": c.position,
                    "from": _d(c.starts_on),
                    "to": _d(c.ends_on),
                    "pattern": _pattern_text(c.pattern),
                    "weekly_hours": _hours(c.weekly_hours),
                    "activities": step.activities if step else "",
                    "restrictions": step.restrictions if step else "",
                    "duration": "",
                }
            )
    else:
        for s in steps:
            rows.append(
                {
                    "position": s.position,
                    "from": _d(s.starts_on),
                    "to": "",
                    "pattern": _pattern_text(s.pattern or []),
                    "weekly_hours": "",
                    "activities": s.activities,
                    "restrictions": s.restrictions,
                    "duration": _("%(weeks)s weeks, %(days)s days") % {"weeks": s.weeks, "days": s.days},
                }
            )
    return {
        "version": plan.version,
        "status": str(plan.get_status_display()),
        "starts_on": _d(plan.starts_on),
        "hours_per_day": _hours(plan.hours_per_day),
        "working_days_per_week": plan.working_days_per_week,
        "computed": computed is not None,
        "last_day": _d(computed.last_day) if computed else _d(plan.last_day),
        "full_time_from": _d(computed.full_time_from) if computed else "",
        "total_weeks": _hours(computed.total_weeks) if computed else "",
        "steps": rows,
        "activities_to_avoid": plan.activities_to_avoid,
    }


def letter_record(stay, today: dt.date) -> dict:
    """What the record says for the letter, as plain JSON (strings in the clinic's language): therapy minutes per
    kind and planned therapy, the profile comparison (summary and SVG chart), the newest agreed return-to-work plan
    and the newest graded plan. ``None`` for a part the record does not have."""
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        return {
            "template_version": TEMPLATE_VERSION,
            "read_on": today.isoformat(),
            "therapies": _therapies(stay, today),
            "comparison": _comparison(stay, language),
            "rtw_plan": _rtw_plan(stay),
            "graded_plan": _graded_plan(stay),
        }


# --- rendering -----------------------------------------------------------------------------------------------------


class _FontFailures(logging.Handler):
    """Collects WeasyPrint's "Font-face … cannot be loaded" warnings: WeasyPrint falls back to another font and goes
    on, but a signed letter must be printed with the fonts the clinic ships."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.failures: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "cannot be loaded" in message or "Failed to load font" in message:
            self.failures.append(message)


@contextmanager
def _weasyprint_font_watch():
    logger = logging.getLogger("weasyprint")
    handler = _FontFailures()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def render_checked(template: str, context: dict, *, copies: bool = False) -> bytes:
    """``wmr.pdf.render_pdf``, refusing a PDF that could not be made as the template says: an OS or WeasyPrint
    error, or a font that could not be loaded, raises ``LetterRenderFailed`` with what went wrong."""
    try:
        with _weasyprint_font_watch() as fonts:
            content = render_pdf(template, context)
    except (OSError, ValueError, RuntimeError, LookupError) as exc:
        raise LetterRenderFailed(f"{type(exc).__name__}: {exc}", copies=copies) from exc
    if fonts.failures:
        raise LetterRenderFailed(font=fonts.failures[0], copies=copies)
    return content


def _recipient_lines(letter: DischargeLetter) -> list[str]:
    return [line.strip() for line in letter.recipient.splitlines() if line.strip()][:6]


def _context(letter: DischargeLetter, record: dict, *, letter_date: dt.date, copy: int | None) -> dict:
    stay = letter.stay
    patient = stay.patient
    period = _d(stay.admission_date) + (f" – {_d(stay.discharge_date)}" if stay.discharge_date else "")
    # 8.17: two separate copies, each stamped, for the patient to pass on
    copy_label = _("Copy %(n)s for the patient to pass on") % {"n": copy} if copy else ""
    comparison = record.get("comparison")
    chart = ""
    if comparison and comparison.get("chart"):
        # Server-rendered by diagnostics.chart from the profiles (no user markup), kept in the snapshot at signing.
        chart = mark_safe(comparison["chart"])  # noqa: S308
    return {
        "letter": letter,
        "stay": stay,
        "patient": patient,
        "sender": stay.facility,
        "recipient_lines": _recipient_lines(letter),
        "info_rows": [
            (_("Our reference"), stay.number),
            (_("Patient"), f"{patient.last_name}, {patient.first_name}"),
            (_("Born"), _d(patient.birth_date)),
            (_("Stay"), period),
            (_("Version"), str(letter.version)),
        ],
        "letter_date": letter_date,
        "subject": _("Discharge report: %(name)s, born %(born)s")
        % {"name": f"{patient.first_name} {patient.last_name}", "born": _d(patient.birth_date)},
        "headings": {key: str(heading) for key, heading in SECTIONS},
        "record": record,
        "chart": chart,
        "is_signed": letter.status != LetterStatus.DRAFT,
        "copy_label": copy_label,
        "limited": rules_letter.is_limited(letter.ability_last_job)
        or rules_letter.is_limited(letter.ability_general_market),
    }


def render_discharge_letter(
    letter: DischargeLetter, record: dict, *, letter_date: dt.date, copy: int | None = None
) -> RenderedDocument:
    """The letter of one version with ``record`` (``letter_record`` or the version's snapshot), dated
    ``letter_date``; ``copy`` = 1 or 2 stamps it as the patient's copy to pass on (8.17). A draft is marked as
    such. Written in the clinic's language whatever the screen's language. Raises ``LetterRenderFailed``."""
    stay = letter.stay
    with translation.override(settings.LANGUAGE_CODE):
        content = render_checked(
            TEMPLATE, _context(letter, record, letter_date=letter_date, copy=copy), copies=copy is not None
        )
    if copy:
        suffix = f"-copy-{copy}"
    elif letter.status == LetterStatus.DRAFT:
        suffix = "-draft"
    else:
        suffix = ""
    return RenderedDocument(
        filename=f"discharge-letter-{stay.number}-v{letter.version}-{letter_date:%Y-%m-%d}{suffix}.pdf",
        content_type="application/pdf",
        content=content,
    )
