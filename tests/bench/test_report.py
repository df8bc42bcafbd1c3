"""The pure parts of the benchmark: percentiles, ratios, bar evaluation, the Markdown report, size parsing."""

from __future__ import annotations

import argparse
import json

import pytest

from bench import orchestrate
from bench.report import PAGE_BARS, evaluate_bars, letter_bar, page_bar, queries_bar, render_markdown, report_bar
from bench.stats import percentile, query_summary, ratio, summarise


def page(key, group, p50, p95=None, ratio_p50=None, ratio_p95=None, queries=10, ok=True, **extra):
    return {
        "key": key,
        "title": f"title of {key}",
        "group": group,
        "p50_ms": p50,
        "p95_ms": p95 if p95 is not None else p50,
        "ratio_p50": ratio_p50,
        "ratio_p95": ratio_p95,
        "queries": queries,
        "queries_min": extra.pop("queries_min", queries),
        "queries_max": queries,
        "statuses": {"200": 33} if ok else {"200": 30, "500": 3},
        "ok": ok,
        "errors": [] if ok else ["GET /x/: 500"],
        **extra,
    }


def run(pages, **figures):
    return {"facilities": 1, "repeat": 30, "warmup": 3, "pages": pages, "figures": figures}


def bar_named(bars, start):
    return next(bar for bar in bars if bar["bar"].startswith(start))


# --- stats ------------------------------------------------------------------------------------------------------


def test_percentile_is_nearest_rank():
    values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6]
    assert percentile(values, 0.5) == 5
    assert percentile(values, 0.95) == 10
    assert percentile(values, 0.1) == 1
    assert percentile([42.0], 0.95) == 42.0


def test_percentile_refuses_nothing_and_bad_shares():
    with pytest.raises(ValueError):
        percentile([], 0.5)
    with pytest.raises(ValueError):
        percentile([1], 0)


def test_ratio_rounds_and_guards():
    assert ratio(30.0, 10.0) == 3.0
    assert ratio(10.0, 3.0) == 3.33
    assert ratio(None, 10.0) is None
    assert ratio(10.0, None) is None
    assert ratio(10.0, 0.0) is None


def test_summarise_divides_by_the_interleaved_trivial_requests():
    figures = summarise([20.0] * 19 + [100.0], [10.0] * 20)
    assert figures["p50_ms"] == 20.0
    assert figures["p95_ms"] == 20.0  # rank 19 of 20
    assert figures["trivial_p50_ms"] == 10.0
    assert figures["ratio_p50"] == 2.0
    assert figures["samples"] == 20
    assert summarise([], [])["ratio_p50"] is None


def test_query_summary_reports_the_highest_and_the_range():
    assert query_summary([9, 7, 9]) == {"queries": 9, "queries_min": 7, "queries_max": 9}
    assert query_summary([])["queries"] is None


# --- bars -------------------------------------------------------------------------------------------------------

WORKLIST = PAGE_BARS[0]


def test_page_bar_passes_at_or_below_the_limit():
    result = page_bar(WORKLIST, run([page("worklist", "worklist", 30, ratio_p50=3.0)]), 50000)
    assert result["verdict"] == "PASS"
    assert "worklist 3.00×" in result["detail"]


def test_page_bar_fails_over_the_limit_and_names_the_page():
    pages = [page("worklist", "worklist", 30, ratio_p50=2.0), page("worklist_filtered", "worklist", 40, ratio_p50=3.4)]
    result = page_bar(WORKLIST, run(pages), 50000)
    assert result["verdict"] == "FAIL"
    assert "over 3×: worklist_filtered" in result["detail"]


def test_page_bar_fails_when_a_response_was_not_200():
    result = page_bar(WORKLIST, run([page("worklist", "worklist", 30, ratio_p50=1.0, ok=False)]), 1000)
    assert result["verdict"] == "FAIL"
    assert "not every response was 200" in result["detail"]


def test_page_bar_without_the_page_is_not_applicable():
    assert page_bar(WORKLIST, run([]), 1000)["verdict"] == "n/a"


def test_queries_bar_compares_smallest_and_largest_size():
    same = {"sizes": {"1000": run([page("a", "api", 1, queries=8)]), "50000": run([page("a", "api", 1, queries=8)])}}
    assert queries_bar(same)["verdict"] == "PASS"
    grown = {"sizes": {"1000": run([page("a", "api", 1, queries=8)]), "50000": run([page("a", "api", 1, queries=9)])}}
    result = queries_bar(grown)
    assert result["verdict"] == "FAIL"
    assert "a 8→9" in result["detail"]
    assert queries_bar({"sizes": {"1000": run([])}})["verdict"] == "n/a"


def test_letter_bar_scales_to_two_pages():
    assert letter_bar(run([], letter={"cpu_seconds": 0.9, "pages": 2}), 1000)["verdict"] == "PASS"
    three_pages = letter_bar(run([], letter={"cpu_seconds": 1.2, "pages": 3}), 1000)
    assert three_pages["verdict"] == "PASS"  # 0.8 s for two pages
    assert "0.80 s" in three_pages["detail"]
    assert letter_bar(run([], letter={"cpu_seconds": 1.1, "pages": 2}), 1000)["verdict"] == "FAIL"
    assert letter_bar(run([], letter={"error": "no discharged stay"}), 1000)["verdict"] == "n/a"


def test_report_bar_measured_projected_and_empty():
    big = {"seconds": 12.0, "stays_in_quarter": 1500, "facility": "F", "period": "2026-Q3"}
    assert report_bar(run([], quarterly_report=big), 50000, "quarterly_report", "q")["verdict"] == "PASS"
    small = {"seconds": 10.0, "stays_in_quarter": 300, "facility": "F", "period": "2026-Q3"}
    projected = report_bar(run([], quarterly_report=small), 1000, "quarterly_report", "q")
    assert projected["verdict"] == "FAIL"  # 10 s × 1500 / 300 = 50 s
    assert "50.0 s" in projected["detail"]
    empty = {"seconds": 0.5, "stays_in_quarter": 0, "facility": "F", "period": "2026-Q3"}
    assert report_bar(run([], quarterly_report=empty), 1000, "quarterly_report", "q")["verdict"] == "n/a"


def test_evaluate_bars_uses_the_largest_size():
    small = run([page("worklist", "worklist", 10, ratio_p50=5.0)])
    large = run([page("worklist", "worklist", 10, ratio_p50=2.0)])
    bars = evaluate_bars({"sizes": {"1000": small, "10000": large}})
    assert bar_named(bars, "worklist")["verdict"] == "PASS"
    assert "10000 stays" in bar_named(bars, "worklist")["detail"]
    assert len(bars) == len(PAGE_BARS) + 4


# --- Markdown ---------------------------------------------------------------------------------------------------


def test_markdown_has_the_table_the_figures_and_the_verdicts():
    pages = [
        page("trivial", "trivial", 10.0, ratio_p50=1.0, ratio_p95=1.0, queries=5),
        page("worklist", "worklist", 25.0, 40.0, ratio_p50=2.5, ratio_p95=2.0, queries=9, queries_min=7),
        page("dashboard", "dashboard", 150.0, ratio_p50=15.0, ok=False),
    ]
    results = {
        "database": "postgresql",
        "generated_at": "2026-12-06 10:00 UTC",
        "command": "python -m bench",
        "sizes": {
            "1000": run(
                pages,
                letter={"cpu_seconds": 0.5, "pages": 2, "cpu_per_page": 0.25},
                quarterly_report={"seconds": 3.0, "stays_in_quarter": 1500, "stays_in_year": 6000, "period": "2026-Q3"},
            )
            | {"seed_seconds": 12.3}
        },
    }
    text = render_markdown(results)
    assert "| page | stays | p50 ms | p95 ms | × trivial p50 | × trivial p95 | queries | responses |" in text
    assert "| title of worklist | 1000 | 25.0 | 40.0 | 2.50 | 2.00 | 7–9 | 200×33 |" in text
    assert "| title of dashboard | 1000 | 150.0 | 150.0 | 15.00 | – | 10 | **200×30, 500×3** |" in text
    assert "| 1000 | 12.3 | 0.50 (2) | 0.25 |" in text
    assert "3.00 (1500 / 6000, 2026-Q3)" in text
    assert "| worklist ≤ 3× trivial view | **PASS** |" in text
    assert "| dashboard (facility-quarter) and drill-down ≤ 10× trivial view | **FAIL** |" in text
    assert "- 1000 stays, title of dashboard: GET /x/: 500" in text


# --- orchestrator helpers ---------------------------------------------------------------------------------------


def test_sizes_and_facilities():
    assert orchestrate.parse_sizes("10000, 1000,1000") == [1000, 10000]
    with pytest.raises(argparse.ArgumentTypeError):
        orchestrate.parse_sizes("0")
    assert [orchestrate.facilities_for(n) for n in (40, 1000, 10000, 50000)] == [1, 1, 1, 5]


def test_results_merge_keeps_earlier_sizes_of_the_same_database(tmp_path):
    path = tmp_path / "bench-postgresql.json"
    path.write_text(json.dumps({"database": "postgresql", "sizes": {"50000": {"pages": []}}}))
    assert set(orchestrate.load_results(path, "postgresql", fresh=False)["sizes"]) == {"50000"}
    assert orchestrate.load_results(path, "postgresql", fresh=True)["sizes"] == {}
    assert orchestrate.load_results(path, "sqlite", fresh=False)["sizes"] == {}


def test_children_get_no_broker_and_debug_off(monkeypatch):
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
    monkeypatch.setenv("DEBUG", "true")
    env = orchestrate.child_env("sqlite:////tmp/x.sqlite3")
    assert "CELERY_BROKER_URL" not in env
    assert env["DEBUG"] == "false"
    assert env["DATABASE_URL"] == "sqlite:////tmp/x.sqlite3"
