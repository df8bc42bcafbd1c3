"""Charts of the compliance dashboard, server-rendered SVG (ARCHITECTURE "Charts"; STYLE 15): the same markup shows on
the page and in the PDF export, no JavaScript.

- ``sparkline``: the four-quarter trend of one indicator (issue 8), a quarter without data is a gap in the line and
  a hollow marker on the axis — never a point at 0 %.
- ``target_bar``: one rate on a 0–100 % bar with the recommendation's bar as a dashed line (rec. 2.7: more than 75 %
  of the WMR patients screened positive).
- ``decorate``: the dashboard's sections with each indicator row's charts, the shape the page and its partials read.

Pure and deterministic: same input, same bytes. Every text is escaped; colours are never the only carrier of meaning
(each chart has a <title> with the figures in words).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

LIGHT_COLOURS = {"green": "#198754", "amber": "#ffc107", "red": "#dc3545", "none": "#6c757d"}
LINE = "#0d6efd"
TARGET = "#dc3545"
GRID = "#dee2e6"
MUTED = "#6c757d"
FONT = 'font-family="Liberation Sans, Arial, sans-serif"'


def percent_text(value: Decimal | float | None) -> str:
    """``"85.0 %"`` in the active language's number format; ``"no data"`` for None (never 0 %)."""
    if value is None:
        return _("no data")
    return f"{number_format(Decimal(value), 1)} %"


def _trend_title(values: Sequence[Decimal | None], labels: Sequence[str], title: str) -> str:
    names = list(labels) or [str(i + 1) for i in range(len(values))]
    figures = "; ".join(f"{name}: {percent_text(value)}" for name, value in zip(names, values, strict=False))
    return f"{title}: {figures}" if title else figures


def sparkline(
    values: Sequence[Decimal | float | None],
    *,
    labels: Sequence[str] = (),
    target: int | None = None,
    title: str = "",
    width: int = 120,
    height: int = 32,
) -> SafeString:
    """The trend as a small line on a 0–100 % scale, oldest quarter left: ``values`` are the rates (None = no data),
    ``labels`` the quarters' names for the <title> ("Q3 2026"); ``target``: the bar as a dashed line (percent)."""
    pad = 4
    n = len(values)
    step = (width - 2 * pad) / (n - 1) if n > 1 else 0

    def x(i: int) -> float:
        return pad + i * step if n > 1 else width / 2

    def y(value: Decimal | float) -> float:
        value = max(0.0, min(100.0, float(value)))
        return height - pad - (height - 2 * pad) * value / 100

    data = ",".join("" if value is None else str(value) for value in values)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" class="wmr-chart sparkline" data-values="{escape(data)}" {FONT} font-size="9">',
        f"<title>{escape(_trend_title(values, labels, title))}</title>",
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="{GRID}"/>',
    ]
    if target is not None:
        parts.append(
            f'<line class="target" x1="{pad}" y1="{y(target):.1f}" x2="{width - pad}" y2="{y(target):.1f}" '
            f'stroke="{TARGET}" stroke-width="1" stroke-dasharray="3,2"/>'
        )
    segment: list[str] = []
    for i, value in enumerate([*values, None]):
        if value is None:
            if len(segment) > 1:
                parts.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{LINE}" stroke-width="1.5"/>')
            segment = []
        else:
            segment.append(f"{x(i):.1f},{y(value):.1f}")
    for i, value in enumerate(values):
        last = i == n - 1
        if value is None:
            parts.append(
                f'<circle class="no-data" cx="{x(i):.1f}" cy="{height - pad}" r="2" fill="#ffffff" stroke="{MUTED}"/>'
            )
        else:
            parts.append(
                f'<circle class="point" cx="{x(i):.1f}" cy="{y(value):.1f}" r="{2.5 if last else 1.8}" fill="{LINE}"/>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text value above is escaped


def target_bar(
    percent: Decimal | float | None,
    *,
    target: int | None,
    light: str = "none",
    title: str = "",
    width: int = 240,
    height: int = 34,
) -> SafeString:
    """One rate as a bar on 0–100 %, filled in the traffic light's colour, the recommendation's bar as a dashed
    line labelled with its value; "no data" instead of a bar for None."""
    left, right, top, bar_h = 2, 48, 4, 14
    plot_w = width - left - right

    def x(value: Decimal | float) -> float:
        return left + plot_w * max(0.0, min(100.0, float(value))) / 100

    words = percent_text(percent)
    description = title or _("rate")
    description = f"{description}: {words}"
    if target is not None:
        description += "; " + _("bar: %(target)s %%") % {"target": target}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" class="wmr-chart target-bar" {FONT} font-size="11">',
        f"<title>{escape(description)}</title>",
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{bar_h}" fill="#f8f9fa" stroke="{GRID}"/>',
    ]
    if percent is None:
        parts.append(f'<text x="{left + 4}" y="{top + bar_h - 3}" fill="{MUTED}">{escape(words)}</text>')
    else:
        colour = LIGHT_COLOURS.get(light, LIGHT_COLOURS["none"])
        parts.append(
            f'<rect class="value" x="{left}" y="{top}" width="{x(percent) - left:.1f}" height="{bar_h}" '
            f'fill="{colour}"/>'
            f'<text x="{left + plot_w + 4}" y="{top + bar_h - 3}">{escape(words)}</text>'
        )
    if target is not None:
        tx = x(target)
        parts.append(
            f'<line class="target" x1="{tx:.1f}" y1="{top - 2}" x2="{tx:.1f}" y2="{top + bar_h + 2}" '
            f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="3,2"/>'
            f'<text x="{tx:.1f}" y="{height - 2}" text-anchor="middle" fill="{TARGET}">{target} %</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text value above is escaped


@dataclass(frozen=True)
class RowCharts:
    """An indicator row of the dashboard with its charts (the template reads ``item.row`` and the SVGs)."""

    row: object  # selectors.IndicatorRow
    sparkline: SafeString
    bar: SafeString | None  # only where the recommendation names a bar (2.7)


@dataclass(frozen=True)
class SectionCharts:
    block: object  # selectors.SectionBlock
    rows: list[RowCharts]
    self_assessment: list[tuple[object, str | None, str | None]]  # (recommendation, answer key, answer in words)


def row_charts(row) -> RowCharts:
    title = f"{row.recommendation.id} " + _("trend over four quarters")
    bar = None
    if row.target_percent is not None:
        bar = target_bar(
            row.rate.rate,
            target=row.target_percent,
            light=row.light,
            title=row.recommendation.id,
        )
    line = sparkline(
        [value for _period, value in row.trend],
        labels=[getattr(period, "label", str(period)) for period, _value in row.trend],
        target=row.target_percent,
        title=title,
    )
    return RowCharts(row=row, sparkline=line, bar=bar)


def decorate(dashboard) -> list[SectionCharts]:
    """The dashboard's sections (catalogue order, as the selector returns them) with each row's charts."""
    return [
        SectionCharts(
            block=block,
            rows=[row_charts(row) for row in block.indicators],
            self_assessment=[(rec, answer, answer_label(answer)) for rec, answer in block.self_assessment],
        )
        for block in dashboard.sections
    ]


def answer_label(answer: str | None) -> str | None:
    """A self-assessment answer in words (None: not answered this year)."""
    from compliance.models import SelfAssessmentAnswer

    if answer is None:
        return None
    return str(SelfAssessmentAnswer(answer).label) if answer in SelfAssessmentAnswer.values else answer
