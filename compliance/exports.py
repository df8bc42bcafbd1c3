"""Exports of the compliance dashboard: ONE row generator (one row per indicator of a ``Dashboard``) and writers for
CSV and XLSX (STYLE.md 8); the API serialises the same rows. And the per-stay indicator table for the quality
manager (one row per stay × measure), pseudonymised like the drill-down.

Files leave the clinic's access control, so no export ever names a patient: stays are shown as stay number and
pseudonym (``compliance.pseudonyms``), never with name, initials or birth date, whoever exports them.

CSV: ";"-separated, UTF-8 with BOM, numbers in the reader's locale ("92,5") — what Excel in a German clinic opens
without an import dialog. XLSX: numbers stay numbers. Every export writes one audit row (``compliance.export.*``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compliance import pseudonyms
from compliance.catalogue import GRADES, SECTIONS
from compliance.models import StayIndicator
from compliance.periods import Period, previous_quarters
from compliance.selectors import Dashboard, Filters, IndicatorRow
from patients.models import CareTeamMembership
from patients.services import RenderedDocument
from wmr import audit
from wmr.db_router import read_replica
from wmr.indicators import IndicatorState

GRADE_LABELS = GRADES
LIGHT_LABELS = {
    "green": gettext_lazy("green"),
    "amber": gettext_lazy("amber"),
    "red": gettext_lazy("red"),
    "none": gettext_lazy("no data"),
}
TREND_QUARTERS = 4
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- The one row generator of the dashboard ------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportRow:
    """One indicator of the dashboard, with machine keys (section, grade, light) for the API and labels for files."""

    facility: str
    period: str  # "2026-Q3"
    filters: str  # in words, "" for none
    section: str  # key
    section_label: str
    recommendation: str  # "5.3"
    grade: str  # shall / should / may
    summary: str
    numerator: int
    denominator: int
    rate: Decimal | None  # None = no data
    target_percent: int | None  # the bar where the recommendation names one (2.7: 75)
    light: str  # green / amber / red / none
    not_yet_due: int
    not_applicable: int
    facility_level: bool
    reason: str
    trend: tuple[tuple[str, Decimal | None], ...]  # (period code, rate), oldest first


def trend_periods(dashboard: Dashboard) -> list[Period]:
    """The quarters of the trend columns: those of the dashboard's rows (all share them), else computed."""
    for _section, _label, row in indicator_rows(dashboard):
        if row.trend:
            return [period for period, _rate in row.trend]
    return previous_quarters(dashboard.period, TREND_QUARTERS)


def filters_text(filters: Filters) -> str:
    """The filters in words ("department 3197; WMR: yes; care team of Dr. med. Dora Doktor"), "" when none."""
    parts = []
    if filters.department:
        parts.append(_("department %(code)s") % {"code": filters.department})
    if filters.wmr is not None:
        parts.append(_("WMR: %(answer)s") % {"answer": _("yes") if filters.wmr else _("no")})
    if filters.team_user_id:
        from staff.models import User

        member = User.objects.filter(pk=filters.team_user_id).first()
        name = member.display_name if member else str(filters.team_user_id)
        parts.append(_("care team of %(name)s") % {"name": name})
    return "; ".join(parts)


def indicator_rows(dashboard: Dashboard) -> Iterator[tuple[str, str, IndicatorRow]]:
    """(section key, section label, row) for every indicator, the positive-screening share (2.7) once."""
    seen: set[str] = set()
    for block in dashboard.sections:
        for row in block.indicators:
            seen.add(row.recommendation.id)
            yield block.section, block.label, row
    extra = dashboard.positive_screening
    if extra is not None and extra.recommendation.id not in seen:
        section = extra.recommendation.section
        yield section, SECTIONS.get(section, section), extra


def dashboard_rows(dashboard: Dashboard) -> Iterator[ExportRow]:
    """One row per indicator of ``dashboard``, in the dashboard's order (section by section)."""
    facility = dashboard.facility.name
    filters = filters_text(dashboard.filters)
    for section, section_label, row in indicator_rows(dashboard):
        yield ExportRow(
            facility=facility,
            period=dashboard.period.code,
            filters=filters,
            section=section,
            section_label=str(section_label),
            recommendation=row.recommendation.id,
            grade=row.recommendation.grade,
            summary=row.recommendation.summary,
            numerator=row.rate.numerator,
            denominator=row.rate.denominator,
            rate=row.rate.rate,
            target_percent=row.target_percent,
            light=row.light,
            not_yet_due=row.rate.not_yet_due,
            not_applicable=row.rate.not_applicable,
            facility_level=row.facility_level,
            reason=str(row.reason or ""),
            trend=tuple((period.code, rate) for period, rate in row.trend),
        )


def dashboard_header(dashboard: Dashboard) -> list[str]:
    """The column titles; the trend columns are named after their quarters ("Trend Q3 2026 (%)")."""
    return [
        _("Facility"),
        _("Period"),
        _("Filters"),
        _("Section"),
        _("Recommendation"),
        _("Grade"),
        _("Summary"),
        _("Met"),
        _("Counted (met + not met)"),
        _("Rate (%)"),
        _("Bar (%)"),
        _("Traffic light"),
        _("Not yet due"),
        _("Not applicable"),
        *[_("Trend %(period)s (%%)") % {"period": period.label} for period in trend_periods(dashboard)],
    ]


def row_values(row: ExportRow, trend_columns: int = TREND_QUARTERS) -> list:
    """The cells of one row, typed (int, Decimal, None for "no data", str) — the writers format them."""
    trend = [rate for _code, rate in row.trend][:trend_columns]
    trend += [None] * (trend_columns - len(trend))
    return [
        row.facility,
        row.period,
        row.filters,
        row.section_label,
        row.recommendation,
        str(GRADE_LABELS.get(row.grade, row.grade)),
        row.summary,
        row.numerator,
        row.denominator,
        row.rate,
        row.target_percent,
        str(LIGHT_LABELS.get(row.light, row.light)),
        row.not_yet_due,
        row.not_applicable,
        *trend,
    ]


def dashboard_table(dashboard: Dashboard) -> tuple[list[str], list[list]]:
    """The header and the typed rows that both writers (and the PDF's numbers) share."""
    columns = len(trend_periods(dashboard))
    return dashboard_header(dashboard), [row_values(row, columns) for row in dashboard_rows(dashboard)]


# --- Writers -------------------------------------------------------------------------------------------------------


def _safe_text(value: str) -> str:
    """Text a spreadsheet would run as a formula (a summary starting with "=") is quoted with ``'``."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_cell(value) -> str:
    """A typed cell as CSV text: "" for no data, numbers in the active language's format ("92,5" in German)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return formats.number_format(value, decimal_pos=1, use_l10n=True)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    return _safe_text(str(value))


def write_csv(header: Sequence[str], rows: Iterable[Sequence]) -> tuple[bytes, int]:
    """UTF-8 with BOM, ";" as separator; returns the bytes and the number of data rows."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        count += 1
    return out.getvalue().encode("utf-8"), count


def xlsx_cell(value):
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        return _safe_text(value)
    return value


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence], *, title: str) -> tuple[bytes, int]:
    """One worksheet: a bold header row (frozen), then the rows; numbers stay numbers, no data stays empty."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    count = 0
    for row in rows:
        sheet.append([xlsx_cell(value) for value in row])
        count += 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), count


# --- Dashboard exports with their audit rows -----------------------------------------------------------------------


def export_filename(dashboard: Dashboard, extension: str) -> str:
    return f"compliance-{facility_slug(dashboard.facility)}-{dashboard.period.code}.{extension}"


def facility_slug(facility) -> str:
    return slugify(getattr(facility, "short_name", "") or facility.name) or f"facility-{facility.pk}"


def audit_data(dashboard: Dashboard, **extra) -> dict:
    filters = dashboard.filters
    return {
        "period": dashboard.period.code,
        "department": filters.department,
        "wmr": filters.wmr,
        "team": filters.team_user_id,
        **extra,
    }


def dashboard_csv_export(*, by, dashboard: Dashboard) -> RenderedDocument:
    """The dashboard as CSV, with its audit row (``compliance.export.csv``); the file itself is not stored."""
    header, rows = dashboard_table(dashboard)
    content, count = write_csv(header, rows)
    audit.log(dashboard.facility, "compliance.export.csv", user=by, data=audit_data(dashboard, rows=count))
    return RenderedDocument(filename=export_filename(dashboard, "csv"), content_type=CSV_TYPE, content=content)


def dashboard_xlsx_export(*, by, dashboard: Dashboard) -> RenderedDocument:
    """The dashboard as XLSX (one sheet, same rows as the CSV), with its audit row (``compliance.export.xlsx``)."""
    header, rows = dashboard_table(dashboard)
    content, count = write_xlsx(header, rows, title=dashboard.period.code)
    audit.log(dashboard.facility, "compliance.export.xlsx", user=by, data=audit_data(dashboard, rows=count))
    return RenderedDocument(filename=export_filename(dashboard, "xlsx"), content_type=XLSX_TYPE, content=content)


# --- The per-stay indicator table (quality manager) ----------------------------------------------------------------


def stay_table_results(*, facility, period: Period, filters: Filters) -> QuerySet[StayIndicator]:
    """The stored results of ``facility``'s stays whose date for the measure falls in ``period`` (after the
    dashboard's filters), by stay number and recommendation. Queries: 1 (the stay is joined, the patient never).

    The largest read of the compliance app (every result of a facility-period, ~38,000 rows for a facility-quarter
    of 6,000 stays a year) and a pure one that follows no write of the reader: it reads the replica when one is
    configured (``wmr.db_router.read_replica``; the primary otherwise)."""
    results = (
        StayIndicator.objects.using(read_replica())
        .filter(facility=facility, period_date__gte=period.start, period_date__lte=period.end)
        .select_related("stay")
    )
    if filters.department:
        results = results.filter(department_code=filters.department)
    if filters.wmr is not None:
        results = results.filter(is_wmr=filters.wmr)
    if filters.team_user_id is not None:
        team = CareTeamMembership.objects.using(results.db).filter(user_id=filters.team_user_id).values("stay_id")
        results = results.filter(stay_id__in=team)
    return results.order_by("stay__number", "stay_id", "recommendation", "measure")


def stay_table_header() -> list[str]:
    return [
        _("Stay number"),
        _("Pseudonym"),
        _("Department"),
        _("WMR"),
        _("Counts in the period of"),
        _("Recommendation"),
        _("Measure"),
        _("State"),
        _("Value"),
        _("Target"),
        _("Computed on"),
    ]


def stay_table_rows(results: Iterable[StayIndicator]) -> Iterator[list]:
    """One row per stay × measure: the stay as number and pseudonym (no name, initials or birth date)."""
    states = dict(IndicatorState.choices)
    for result in results:
        yield [
            result.stay.number,
            pseudonyms.pseudonym(result.stay_id),
            result.department_code,
            result.is_wmr,
            result.period_date,
            result.recommendation,
            result.measure,
            str(states.get(result.state, result.state)),
            result.value,
            result.target,
            result.computed_on,
        ]


def stay_table_csv_export(*, by, facility, period: Period, filters: Filters) -> RenderedDocument:
    """The per-stay indicator table as CSV, with its audit row (``compliance.export.stays_csv``, naming the stays)."""
    results = list(stay_table_results(facility=facility, period=period, filters=filters))
    content, count = write_csv(stay_table_header(), stay_table_rows(results))
    stays = sorted({result.stay_id for result in results})
    audit.log(
        facility,
        "compliance.export.stays_csv",
        user=by,
        data={
            "period": period.code,
            "department": filters.department,
            "wmr": filters.wmr,
            "team": filters.team_user_id,
            "rows": count,
            "stays": stays,
        },
    )
    return RenderedDocument(
        filename=f"compliance-stays-{facility_slug(facility)}-{period.code}.csv", content_type=CSV_TYPE, content=content
    )
