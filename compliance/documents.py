"""The compliance dashboard as PDF (A4 landscape): each section's indicators with rate, bar, traffic light and the
four-quarter trend as the same server-rendered SVG sparkline the page shows (STYLE.md 15).

Shape (STYLE.md 8): ``render_dashboard(...) -> RenderedDocument``. The numbers come from the export row generator
(``compliance.exports.dashboard_rows``), so PDF, CSV and XLSX never disagree. The PDF is a facility document about
aggregates (no patient in it), so it is not filed with a stay's documents; its SHA-256 goes into the audit row.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compliance import charts, exports
from compliance.models import SelfAssessmentAnswer
from compliance.selectors import Dashboard
from patients.services import RenderedDocument
from wmr import audit
from wmr.pdf import render_pdf

DASHBOARD_TEMPLATE = "compliance/pdf/dashboard.html"


def _percent(value) -> str:
    return "–" if value is None else f"{formats.number_format(value, decimal_pos=1, use_l10n=True)} %"


def _sections(dashboard: Dashboard) -> list[dict]:
    """The export rows grouped by section in the dashboard's order, each with the page's sparkline (and the bar chart
    where the recommendation names a bar) and formatted rates; the section's topic, workflow and self-assessment lines
    come along."""
    blocks = {block.section: block for block in dashboard.sections}
    sections: dict[str, dict] = {}
    pairs = zip(exports.indicator_rows(dashboard), exports.dashboard_rows(dashboard), strict=True)
    for (_section, _label, item), row in pairs:
        section = sections.setdefault(row.section, {"label": row.section_label, "rows": [], "lines": []})
        drawn = charts.row_charts(item)
        section["rows"].append(
            {
                "row": row,
                "grade": exports.GRADE_LABELS.get(row.grade, row.grade),
                "light": exports.LIGHT_LABELS.get(row.light, row.light),
                "rate": _percent(row.rate),
                "bar": "" if row.target_percent is None else f"{row.target_percent} %",
                "trend": " · ".join(_percent(rate) for _code, rate in row.trend),
                "sparkline": drawn.sparkline if row.trend else "",
                "bar_chart": drawn.bar,
            }
        )
    for key, block in blocks.items():
        lines = _lines(block)
        if lines:
            sections.setdefault(key, {"label": block.label, "rows": [], "lines": []})["lines"] = lines
    return list(sections.values())


def _lines(block) -> list[tuple[str, str, str]]:
    """(recommendation id, summary, state in words) for the section's topic, workflow and self-assessment rows."""
    answers = dict(SelfAssessmentAnswer.choices)
    lines = []
    for recommendation, stays in block.topics:
        text = ngettext("topic covered with %(n)s stay", "topic covered with %(n)s stays", stays) % {"n": stays}
        lines.append((recommendation.id, recommendation.summary, text))
    for recommendation, stays in block.workflows:
        if stays is None:
            text = _("no data")
        else:
            text = ngettext("record exists for %(n)s stay", "record exists for %(n)s stays", stays) % {"n": stays}
        lines.append((recommendation.id, recommendation.summary, text))
    for recommendation, answer in block.self_assessment:
        text = str(answers.get(answer, answer)) if answer else _("not answered this year")
        lines.append((recommendation.id, recommendation.summary, text))
    return lines


def render_dashboard(dashboard: Dashboard, *, by, today: dt.date) -> RenderedDocument:
    """The dashboard of one facility and period (after the filters) as PDF, in the active language."""
    content = render_pdf(
        DASHBOARD_TEMPLATE,
        {
            "dashboard": dashboard,
            "facility": dashboard.facility,
            "period": dashboard.period,
            "filters": exports.filters_text(dashboard.filters),
            "trend_periods": exports.trend_periods(dashboard),
            "sections": _sections(dashboard),
            "thresholds": dashboard.thresholds,
            "author": by.display_name,
            "today": today,
        },
    )
    return RenderedDocument(
        filename=exports.export_filename(dashboard, "pdf"), content_type="application/pdf", content=content
    )


def dashboard_pdf_export(*, by, dashboard: Dashboard) -> RenderedDocument:
    """Render the dashboard as PDF (as of ``dashboard.today``) and write its audit row (``compliance.export.pdf``,
    with the file's SHA-256)."""
    rendered = render_dashboard(dashboard, by=by, today=dashboard.today)
    audit.log(
        dashboard.facility,
        "compliance.export.pdf",
        user=by,
        data=exports.audit_data(dashboard, sha256=hashlib.sha256(rendered.content).hexdigest()),
    )
    return rendered
