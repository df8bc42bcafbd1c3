"""The quarterly screening-quota report as documents (STYLE.md 8): PDF with an SVG chart, and CSV.

Pseudonymous: stays appear by their stay number only, never with a patient's name.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _

from patients.models import Facility
from patients.services import RenderedDocument
from screening.models import NeedSource, QuotaReport, ResultStatus
from wmr.charts import Bar, percent_bars
from wmr.pdf import render_pdf

THRESHOLD_PERCENT = 75  # rec. 2.7: more than 75 %


def _pct(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def quota_chart(figures: dict):
    """Screened-at-start rate, the 2.7 share and the provisional share against the 75 % bar (page and PDF)."""
    return percent_bars(
        [
            Bar(_("Screened at start"), _pct(figures["screened_rate"])),
            Bar(_("Positive among WMR"), _pct(figures["share"]["percent"])),
            Bar(_("Provisional (running)"), _pct(figures["provisional"]["percent"])),
        ],
        threshold=THRESHOLD_PERCENT,
        title=_("Screening quota against the 75 % bar"),
    )


def outcome_label(outcome: str) -> str:
    return {"met": _("met"), "not_met": _("not met"), "not_applicable": _("not applicable")}[outcome]


def status_label(status: str) -> str:
    return str(ResultStatus(status).label) if status in ResultStatus.values else _("no screening")


def need_label(source: str) -> str:
    return str(NeedSource(source).label) if source in NeedSource.values else ""


def without_positive_rows(figures: dict) -> list[dict]:
    return [
        {**row, "status_label": status_label(row["status"]), "need_label": need_label(row["need_source"])}
        for row in figures["without_positive"]
    ]


def figure_rows(figures: dict) -> list[tuple[str, str, object]]:
    """(code, label, value) for every figure, in the order of the report."""
    share, corrections, switches = figures["share"], figures["corrections"], figures["switches"]
    return [
        ("admitted", _("Stays admitted in the quarter"), figures["admitted"]),
        ("screened_at_start", _("Screened at start (complete result by the due day)"), figures["screened_at_start"]),
        ("screened_rate", _("Screening rate at start (%)"), figures["screened_rate"] or "–"),
        ("positive", _("Stays with a positive screening"), figures["positive"]),
        ("assigned", _("Assigned to WMR (latest decision)"), figures["assigned"]),
        ("share_denominator", _("WMR stays discharged in the quarter (code 3197)"), share["denominator"]),
        ("share_numerator", _("of them with a positive index screening"), share["numerator"]),
        ("share_percent", _("Share positive (%)"), share["percent"] or "–"),
        ("share_outcome", _("75 % bar (more than 75 % needed)"), outcome_label(share["outcome"])),
        ("switches_into", _("Switches into WMR"), switches["into"]),
        ("switches_out", _("Switches out of WMR"), switches["out"]),
        ("corrections_in_time", _("Department code corrected in time (week 1)"), corrections["in_time"]),
        ("corrections_late", _("Department code corrected late"), corrections["late"]),
        ("corrections_open", _("Department code not corrected"), corrections["open"]),
        ("provisional_denominator", _("Running WMR stays (provisional)"), figures["provisional"]["denominator"]),
        ("provisional_numerator", _("of them with a positive index screening"), figures["provisional"]["numerator"]),
        ("provisional_percent", _("Provisional share positive (%)"), figures["provisional"]["percent"] or "–"),
    ]


def _filename(report: QuotaReport, ext: str) -> str:
    facility: Facility = report.facility
    short = (facility.short_name or f"facility{facility.pk}").replace(" ", "_")
    return f"screening-quota-{short}-{report.year}-Q{report.quarter}.{ext}"


def render_quota_report(report: QuotaReport) -> RenderedDocument:
    figures = report.figures
    context = {
        "report": report,
        "figures": figures,
        "rows": figure_rows(figures),
        "without_positive": without_positive_rows(figures),
        "chart": quota_chart(figures),
    }
    content = render_pdf("screening/pdf/quota_report.html", context)
    return RenderedDocument(filename=_filename(report, "pdf"), content_type="application/pdf", content=content)


def render_quota_csv(report: QuotaReport) -> RenderedDocument:
    """Header row; one row per figure; one row per WMR stay without positive screening (stay number, need source,
    reason)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [_("kind"), _("figure"), _("value"), _("stay number"), _("screening"), _("need source"), _("reason")]
    )
    for code, _label, value in figure_rows(report.figures):
        writer.writerow(["figure", code, value, "", "", "", ""])
    for row in report.figures["without_positive"]:
        writer.writerow(
            ["wmr_without_positive", "", "", row["number"], row["status"], row["need_source"], row["need_reason"]]
        )
    content = out.getvalue().encode("utf-8-sig")
    return RenderedDocument(filename=_filename(report, "csv"), content_type="text/csv; charset=utf-8", content=content)
