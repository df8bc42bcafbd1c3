"""The profile comparison as page content and as PDF (mini_icf_app.md §6–7, rec 4.7): the same rows, the same SVG.

Shape (STYLE.md 8): ``render_comparison(...) -> RenderedDocument``; ``comparison_pdf_create`` stores it through
``patients.services.document_store`` (SHA-256, author, facts) with one audit row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from diagnostics.chart import comparison_chart_svg
from diagnostics.comparison import Change, DimensionResult, Rating, Status, summary_text, to_snapshot
from diagnostics.selectors_comparison import ComparisonView, StayComparisons, stay_comparisons
from patients import services
from patients.errors import DomainError
from patients.models import Document
from patients.services import RenderedDocument
from wmr import audit
from wmr.pdf import render_pdf

DOCUMENT_KIND = "profile_comparison"
TEMPLATE_VERSION = 1


class NothingToCompare(DomainError):
    default_message = gettext_lazy(
        "There is nothing to compare yet: the stay needs a capacity profile and a demand profile on the same "
        "instrument."
    )


def _signed(value: int | None) -> str:
    if value is None:
        return "–"
    return f"{value:+d}".replace("-", "−") if value else "0"


def _value_text(value: int | None, rating: Rating | None) -> str:
    """A rating for a table cell: the number, or "not assessable" / "not rated" (never 0, S-3)."""
    if value is not None:
        return str(value)
    if rating is not None and rating.not_assessable:
        return str(Status.NOT_ASSESSABLE.label)
    return str(Status.NOT_RATED.label)


@dataclass(frozen=True)
class TableRow:
    """One line of the comparison table: I next to C so nobody mistakes the inversion (A-4)."""

    code: str
    number: int
    name: str
    i: str
    c: str
    d: str
    gap: str
    status: str
    status_label: str
    category: str
    reason: str
    later_i: str = ""
    later_c: str = ""
    later_gap: str = ""
    later_status: str = ""
    later_status_label: str = ""
    delta: str = ""


def _table(view: ComparisonView, later: ComparisonView | None, change: dict[str, Change], language: str) -> list:
    later_rows = {row.code: row for row in later.comparison.rows} if later and later.comparison else {}
    table = []
    for row in view.comparison.rows:  # K-9 order
        extra = {}
        other: DimensionResult | None = later_rows.get(row.code)
        if other is not None:
            extra = {
                "later_i": _value_text(other.capacity_rating, later.capacity_ratings.get(row.code)),
                "later_c": str(other.capacity_level) if other.capacity_level is not None else "–",
                "later_gap": _signed(other.gap),
                "later_status": other.status.value,
                "later_status_label": other.status.label,
                "delta": _signed(change[row.code].delta) if row.code in change else "–",
            }
        table.append(
            TableRow(
                code=row.code,
                number=row.number,
                name=row.name(language),
                i=_value_text(row.capacity_rating, view.capacity_ratings.get(row.code)),
                c=str(row.capacity_level) if row.capacity_level is not None else "–",
                d=_value_text(row.demand, view.demand_ratings.get(row.code)),
                gap=_signed(row.gap),
                status=row.status.value,
                status_label=row.status.label,
                category=row.category or "",
                reason=row.reason,
                **extra,
            )
        )
    return table


def _block(view: ComparisonView | None, language: str) -> dict | None:
    if view is None:
        return None
    block = {
        "view": view,
        "refused": view.refused,
        "aggregates": view.aggregates,
        "instrument_name": view.capacity_definition.name(language),
        "demand_instrument_name": view.demand_definition.name(language),
    }
    if view.comparison is not None:
        comparison = view.comparison
        block.update(
            comparison=comparison,
            summary=summary_text(comparison, language),
            warnings=comparison.warning_texts(),
            counts=[(Status(code).label, n, code) for code, n in comparison.counts.items()],
            categories=comparison.category_counts,
        )
    return block


def _main(data: StayComparisons) -> ComparisonView | None:
    """The comparison the page leads with: admission, else discharge; a refused one only when none computes."""
    views = [v for v in (data.admission, data.discharge) if v is not None]
    return next((v for v in views if v.comparison is not None), views[0] if views else None)


def comparison_context(data: StayComparisons, language: str) -> dict:
    """What the page and the PDF show: the main comparison (admission, else discharge) with the discharge one
    beside it (ΔI, A-3), the chart with both capacity series, the table in K-9 order, counts and warnings."""
    main = _main(data)
    later = data.discharge if main is not None and main is data.admission else None
    context = {
        "data": data,
        "main": _block(main, language),
        "later": _block(later, language),
        "main_is_discharge": main is not None and main is data.discharge,
        "chart": "",
        "table": [],
        "is_demo": any(v.is_demo for v in (data.admission, data.discharge) if v),
    }
    if main is not None and main.comparison is not None:
        later_comparison = later.comparison if later else None
        context["chart"] = comparison_chart_svg(
            main.comparison, language=language, discharge=later_comparison, chart_id="profile-comparison"
        )
        context["table"] = _table(main, later if later_comparison else None, data.change, language)
    return context


def render_comparison(stay, data: StayComparisons, *, by, today: dt.date) -> RenderedDocument:
    """The comparison of a stay as PDF in the clinic's language, with the same SVG chart as the page."""
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        context = comparison_context(data, language) | {
            "stay": stay,
            "patient": stay.patient,
            "today": today,
            "author": by,
            "language": language,
        }
        content = render_pdf("diagnostics/pdf/comparison.html", context)
    return RenderedDocument(
        filename=f"profile-comparison-{stay.number}-{today:%Y-%m-%d}.pdf",
        content_type="application/pdf",
        content=content,
    )


def _facts(data: StayComparisons) -> dict:
    main = _main(data)
    facts = {
        "kind": DOCUMENT_KIND,
        "template_version": TEMPLATE_VERSION,
        "capacity_profile": main.capacity.pk,
        "demand_profile": main.demand.pk,
        "timepoint": main.capacity.timepoint,
        "rule_version": main.comparison.rule_version,
        "overloads": [row.code for row in main.comparison.overloads],
        "snapshot": to_snapshot(main.comparison),
    }
    if data.discharge and data.discharge is not main and data.discharge.comparison:
        facts["discharge_capacity_profile"] = data.discharge.capacity.pk
        facts["discharge_snapshot"] = to_snapshot(data.discharge.comparison)
    return facts


def comparison_pdf_create(*, by, stay, now: dt.datetime | None = None) -> Document:
    """Render and store the PDF of the stay's current comparison (hash, author, facts) with one audit row.

    Raises ``NothingToCompare`` when neither comparison can be computed (profiles missing or refused, K-7).
    """
    data = stay_comparisons(stay)
    if not any(v and v.comparison for v in (data.admission, data.discharge)):
        raise NothingToCompare()
    now = now or timezone.now()
    with transaction.atomic():
        rendered = render_comparison(stay, data, by=by, today=timezone.localdate(now))
        document = services.document_store(by=by, stay=stay, kind=DOCUMENT_KIND, rendered=rendered, facts=_facts(data))
        audit.log(document, "diagnostics.comparison.pdf_created", user=by, data={"sha256": document.sha256})
    return document


def stay_comparison_documents(stay):
    """The stored comparison PDFs of a stay, newest first (without their bytes)."""
    return stay.documents.filter(kind=DOCUMENT_KIND).defer("content").select_related("created_by")
