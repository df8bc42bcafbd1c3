"""Pure figures of the benchmark: nearest-rank percentiles, summaries of one page's samples, ratios."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (``share`` 0–1) of unsorted values; the same rule as the load test."""
    if not values:
        raise ValueError("no values")
    if not 0 < share <= 1:
        raise ValueError("share must be in (0, 1]")
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def ratio(value: float | None, base: float | None) -> float | None:
    """``value / base`` rounded to two places; None when either is missing or the base is not positive."""
    if value is None or base is None or base <= 0:
        return None
    return round(value / base, 2)


def summarise(page_ms: Sequence[float], trivial_ms: Sequence[float]) -> dict:
    """p50/p95 of a page and of the trivial view requests interleaved with it, and the page's ratios to them."""
    out: dict = {
        "samples": len(page_ms),
        "p50_ms": None,
        "p95_ms": None,
        "trivial_p50_ms": None,
        "trivial_p95_ms": None,
    }
    if page_ms:
        out["p50_ms"] = round(percentile(page_ms, 0.50), 2)
        out["p95_ms"] = round(percentile(page_ms, 0.95), 2)
    if trivial_ms:
        out["trivial_p50_ms"] = round(percentile(trivial_ms, 0.50), 2)
        out["trivial_p95_ms"] = round(percentile(trivial_ms, 0.95), 2)
    out["ratio_p50"] = ratio(out["p50_ms"], out["trivial_p50_ms"])
    out["ratio_p95"] = ratio(out["p95_ms"], out["trivial_p95_ms"])
    return out


def query_summary(counts: Sequence[int]) -> dict:
    """Queries per request over the captured requests: the highest (the figure compared between sizes) and the range."""
    if not counts:
        return {"queries": None, "queries_min": None, "queries_max": None}
    return {"queries": max(counts), "queries_min": min(counts), "queries_max": max(counts)}
