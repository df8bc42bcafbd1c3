"""The profile-comparison chart (mini_icf_app.md A-4): server-side SVG, the same markup on the page and in the PDF.

One row per dimension in the instrument's order; on a common axis (the demand scale, 0–4 for the Mini-ICF-APP) a
circle for the capacity level C and a diamond for the demand D; over-demand rows are highlighted and joined C→D by
a red line; a dimension without a value has no marker (never one at 0) and says "not rated" / "not assessable".
An optional second comparison (discharge, rec 4.2) adds its capacity as a hollow green circle on the same rows.

Pure and deterministic: same input, same bytes. Every text is escaped.
"""

from __future__ import annotations

import textwrap

from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from diagnostics.comparison import Comparison, DimensionResult, Status, summary_text

WIDTH = 880
LABEL_W = 270  # dimension names
PLOT_X0, PLOT_X1 = 290, 540  # the axis
STATUS_X = 560  # status in words (up to 320 px)
ROW_H = 32
TOP = 58  # title and axis labels
LEGEND_H = 56
NAME_CHARS = 40  # per line; two lines at most

CAPACITY_COLOUR = "#0d6efd"
DEMAND_COLOUR = "#fd7e14"
DISCHARGE_COLOUR = "#198754"
OVERLOAD_FILL = "#f8d7da"
OVERLOAD_LINE = "#dc3545"
MUTED = "#6c757d"
GRID = "#dee2e6"


def _x(level: int, comparison: Comparison) -> float:
    span = comparison.level_max - comparison.level_min
    return PLOT_X0 + (PLOT_X1 - PLOT_X0) * (level - comparison.level_min) / span


def _wrap(name: str) -> list[str]:
    lines = textwrap.wrap(name, NAME_CHARS) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), NAME_CHARS, placeholder=" …")]
    return lines


def _diamond(x: float, y: float, r: float, *, css: str, code: str, fill: str, stroke: str) -> str:
    return (
        f'<path class="{css}" data-code="{escape(code)}" data-x="{x:.1f}" '
        f'd="M{x:.1f} {y - r:.1f} L{x + r:.1f} {y:.1f} L{x:.1f} {y + r:.1f} L{x - r:.1f} {y:.1f} Z" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
    )


def _status_words(row: DimensionResult, later: DimensionResult | None) -> str:
    words = row.status.label
    if later is not None and later.status != row.status:
        words = f"{words} → {later.status.label}"
    return words


def _row_title(row: DimensionResult, later: DimensionResult | None, language: str) -> str:
    def value(v: int | None) -> str:
        return "–" if v is None else str(v)

    text = _("%(name)s: capacity C %(c)s (rating I %(i)s), demand D %(d)s, gap %(gap)s: %(status)s") % {
        "name": row.name(language),
        "c": value(row.capacity_level),
        "i": value(row.capacity_rating),
        "d": value(row.demand),
        "gap": value(row.gap),
        "status": row.status.label,
    }
    if later is not None:
        text += "; " + _("at discharge C %(c)s: %(status)s") % {
            "c": value(later.capacity_level),
            "status": later.status.label,
        }
    return text


def comparison_chart_svg(
    comparison: Comparison,
    *,
    language: str,
    title: str | None = None,
    discharge: Comparison | None = None,
    chart_id: str = "comparison-chart",
) -> SafeString:
    """The comparison as inline SVG (A-4). ``discharge``: a repeat comparison whose capacity is drawn over the first
    (rows matched by dimension code). ``chart_id`` keeps the ids unique when a page shows two charts."""
    with translation.override(language):
        return _render(comparison, language=language, title=title, discharge=discharge, chart_id=chart_id)


def _render(
    comparison: Comparison, *, language: str, title: str | None, discharge: Comparison | None, chart_id: str
) -> SafeString:
    rows = comparison.rows_by_number
    later = {row.code: row for row in discharge.rows} if discharge is not None else {}
    height = TOP + ROW_H * max(len(rows), 1) + LEGEND_H
    title = title or _("Capacity and job demands per dimension")
    description = summary_text(comparison, language)
    if discharge is not None:
        description += " " + _("At discharge:") + " " + summary_text(discharge, language)
    cid = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'class="wmr-chart comparison-chart" id="{cid}" '
        f'font-family="Liberation Sans, Arial, sans-serif" font-size="12">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
        f'<text x="{PLOT_X0}" y="16" font-weight="bold">{escape(title)}</text>',
    ]
    axis = _("level (%(max)d = unimpaired / very high demand)") % {"max": comparison.level_max}
    bottom = TOP + ROW_H * len(rows)
    parts.append(
        f'<text class="axis-label" x="{(PLOT_X0 + PLOT_X1) / 2:.1f}" y="34" text-anchor="middle" '
        f'fill="{MUTED}">{escape(axis)}</text>'
    )
    parts.append(f'<text x="{STATUS_X}" y="{TOP - 8}" fill="{MUTED}">{escape(_("status"))}</text>')
    for i, row in enumerate(rows):
        if row.is_overload:
            y = TOP + i * ROW_H
            parts.append(
                f'<rect class="overload" data-code="{escape(row.code)}" x="0" y="{y}" width="{WIDTH}" '
                f'height="{ROW_H}" fill="{OVERLOAD_FILL}"/>'
            )
    for level in range(comparison.level_min, comparison.level_max + 1):
        x = _x(level, comparison)
        parts.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{bottom}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{x:.1f}" y="{TOP - 8}" text-anchor="middle" fill="{MUTED}">{level}</text>')
    for i, row in enumerate(rows):
        parts.append(_row(row, later.get(row.code), i, comparison, language))
    parts.append(_legend(bottom + 18, discharge is not None))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text value above is escaped


def _row(row: DimensionResult, later: DimensionResult | None, index: int, comparison: Comparison, language: str) -> str:
    y = TOP + index * ROW_H
    mid = y + ROW_H / 2
    code = escape(row.code)
    css = "dimension overload-row" if row.is_overload else "dimension"
    parts = [
        f'<g class="{css}" data-code="{code}" data-status="{row.status.value}">',
        f"<title>{escape(_row_title(row, later, language))}</title>",
    ]
    lines = _wrap(f"{row.number}. {row.name(language)}")
    first = mid + 4 - 7 * (len(lines) - 1)
    for n, line in enumerate(lines):
        parts.append(f'<text x="{LABEL_W}" y="{first + 14 * n:.1f}" text-anchor="end">{escape(line)}</text>')
    c, d = row.capacity_level, row.demand
    if row.is_overload and c is not None and d is not None:
        parts.append(
            f'<line class="gap" x1="{_x(c, comparison):.1f}" y1="{mid:.1f}" x2="{_x(d, comparison):.1f}" '
            f'y2="{mid:.1f}" stroke="{OVERLOAD_LINE}" stroke-width="3"/>'
        )
    if d is not None:
        fill = "#ffffff" if row.status == Status.NOT_RELEVANT else DEMAND_COLOUR
        parts.append(
            _diamond(_x(d, comparison), mid, 7, css="marker-demand", code=row.code, fill=fill, stroke=DEMAND_COLOUR)
        )
    if c is not None:
        parts.append(
            f'<circle class="marker-capacity" data-code="{code}" cx="{_x(c, comparison):.1f}" cy="{mid:.1f}" '
            f'r="6" fill="{CAPACITY_COLOUR}"/>'
        )
    if later is not None and later.capacity_level is not None:
        stroke = OVERLOAD_LINE if later.is_overload else DISCHARGE_COLOUR
        parts.append(
            f'<circle class="marker-discharge" data-code="{code}" cx="{_x(later.capacity_level, comparison):.1f}" '
            f'cy="{mid:.1f}" r="9" fill="none" stroke="{stroke}" stroke-width="2.5"/>'
        )
    if c is None and d is None:
        parts.append(
            f'<text class="missing" x="{(PLOT_X0 + PLOT_X1) / 2:.1f}" y="{mid + 4:.1f}" text-anchor="middle" '
            f'fill="{MUTED}" font-style="italic">{escape(row.status.label)}</text>'
        )
    weight = ' font-weight="bold"' if row.is_overload else ""
    parts.append(
        f'<text class="status" x="{STATUS_X}" y="{mid + 4:.1f}"{weight}>{escape(_status_words(row, later))}</text>'
    )
    parts.append("</g>")
    return "".join(parts)


def _legend(y: float, with_discharge: bool) -> str:
    parts = [f'<g class="legend" transform="translate(0 {y:.1f})">']
    x = 20
    entries = [
        (f'<circle cx="{x + 11}" cy="-3" r="6" fill="{CAPACITY_COLOUR}"/>', _("capacity level C (from the rating I)")),
        (
            _diamond(x + 11, -3, 7, css="legend-demand", code="", fill=DEMAND_COLOUR, stroke=DEMAND_COLOUR),
            _("job demand D"),
        ),
    ]
    if with_discharge:
        entries.append(
            (
                f'<circle cx="{x + 11}" cy="-3" r="8" fill="none" stroke="{DISCHARGE_COLOUR}" stroke-width="2.5"/>',
                _("capacity at discharge"),
            )
        )
    entries.append(
        (
            f'<rect x="{x}" y="-10" width="22" height="14" fill="{OVERLOAD_FILL}" stroke="{OVERLOAD_LINE}"/>',
            _("over-demand (C below D)"),
        )
    )
    # two entries per line keep long German labels apart
    for n, (marker, label) in enumerate(entries):
        dx, dy = (n % 2) * 400, (n // 2) * 22
        parts.append(f'<g transform="translate({dx} {dy})">{marker}<text x="{x + 30}" y="1">{escape(label)}</text></g>')
    parts.append("</g>")
    return "".join(parts)
