"""Server-side SVG charts (ARCHITECTURE.md "Charts"): the same markup shows on the page and in the PDF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    label: str
    percent: Decimal | float | None  # None: no value (drawn as an empty slot labelled "–")


def percent_bars(
    bars: Sequence[Bar], *, threshold: float | None = None, title: str = "", width: int = 480
) -> SafeString:
    """Horizontal bars on a 0–100 % axis, with an optional dashed threshold line (e.g. the 75 % bar of rec. 2.7).

    Labels are escaped; the result is inline SVG with a <title> for screen readers.
    """
    label_w, row_h, top, bottom = 170, 28, 10, 24
    plot_w = width - label_w - 50
    height = top + row_h * max(len(bars), 1) + bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" class="wmr-chart" font-family="Liberation Sans, Arial, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in (0, 25, 50, 75, 100):
        x = label_w + plot_w * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - bottom}" stroke="#dee2e6" stroke-width="1"/>'
        )
        parts.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="#6c757d">{tick} %</text>')
    for i, bar in enumerate(bars):
        y = top + i * row_h
        baseline = f"{y + row_h / 2 + 4:.1f}"
        parts.append(f'<text x="{label_w - 8}" y="{baseline}" text-anchor="end">{escape(bar.label)}</text>')
        if bar.percent is None:
            parts.append(f'<text x="{label_w + 4}" y="{y + row_h / 2 + 4:.1f}" fill="#6c757d">–</text>')
            continue
        value = max(0.0, min(100.0, float(bar.percent)))
        bar_w = plot_w * value / 100
        parts.append(
            f'<rect x="{label_w}" y="{y + 5}" width="{bar_w:.1f}" height="{row_h - 10}" fill="#0d6efd"/>'
            f'<text x="{label_w + bar_w + 4:.1f}" y="{y + row_h / 2 + 4:.1f}">{escape(str(bar.percent))} %</text>'
        )
    if threshold is not None:
        x = label_w + plot_w * threshold / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - bottom}" stroke="#dc3545" '
            f'stroke-width="2" stroke-dasharray="5,3" class="threshold"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text value above is escaped
