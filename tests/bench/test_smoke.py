"""End to end on a tiny synthetic clinic: the measuring code requests every page (200 each, queries counted) and
produces every figure it can from the data set; no timing is asserted."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from bench import measure
from bench.report import evaluate_bars, render_markdown


@pytest.fixture
def tiny_clinic(db):
    # 240 admissions a year spread the 40 stays over two months: discharged, admitted and invited stays
    call_command("seed_synthetic", stays=40, facilities=1, seed=2, per_year=240, verbosity=0)


def test_every_page_answers_200_with_its_query_count(tiny_clinic, monkeypatch):
    monkeypatch.setattr(measure, "RENDERS", 1)
    result = measure.run(label="40", repeat=2, warmup=1)

    keys = [page["key"] for page in result["pages"]]
    for expected in ("trivial", "worklist", "overview", "api_stays", "api_patients", "dashboard", "drilldown"):
        assert expected in keys
    for page in result["pages"]:
        assert page["ok"], (page["key"], page["statuses"], page["errors"])
        assert page["queries"] is not None and page["queries"] > 0, page["key"]
        assert page["samples"] == 2
        assert page["ratio_p50"] is not None
    assert result["users"]["clinician"].startswith("syn1-")
    assert result["users"]["management"] == "syn1-leitung"

    figures = result["figures"]
    assert set(figures) == set(measure.FIGURES)
    assert figures["letter"].get("pages", 0) >= 1, figures["letter"]
    assert figures["quarterly_report"].get("status") == "done", figures["quarterly_report"]
    for figure in figures.values():  # each one measured, or says why not
        assert "seconds" in figure or "cpu_seconds" in figure or figure.get("error")

    report = {"database": result["database"], "sizes": {"40": result}}
    report["bars"] = evaluate_bars(report)
    assert "| worklist /cases/ | 40 |" in render_markdown(report)
