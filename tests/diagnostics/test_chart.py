"""The comparison chart (mini_icf_app.md A-4): markers where C and D are, over-demand rows highlighted and only
those, no marker for a value that is missing (never one at 0), accessible, deterministic and escaped."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from diagnostics.chart import PLOT_X0, PLOT_X1, comparison_chart_svg
from diagnostics.comparison import Rating, compare, from_snapshot, to_snapshot
from diagnostics.instruments import SHIPPED, definition_from_dict, load_shipped
from tests.diagnostics.conftest import WORKED_D, WORKED_I

NS = {"svg": "http://www.w3.org/2000/svg"}
MINI = definition_from_dict(load_shipped(SHIPPED[0]))
MELBA = definition_from_dict(load_shipped(SHIPPED[1]))


def ratings(values):
    return {code: Rating(value) for code, value in values.items()}


def worked(capacity=None, demand=None):
    return compare(
        MINI,
        ratings(WORKED_I) if capacity is None else capacity,
        MINI,
        ratings(WORKED_D) if demand is None else demand,
        capacity_context="concrete_job",
    )


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def markers(root, css: str) -> dict[str, float]:
    found = {}
    for element in root.iter():
        if element.get("class") == css:
            found[element.get("data-code")] = float(element.get("cx") or element.get("data-x"))
    return found


def x_of(level, low=0, high=4):
    return PLOT_X0 + (PLOT_X1 - PLOT_X0) * (level - low) / (high - low)


def test_the_capacity_marker_sits_at_c_and_the_demand_marker_at_d_for_every_row():
    root = parse(comparison_chart_svg(worked(), language="en"))
    capacity, demand = markers(root, "marker-capacity"), markers(root, "marker-demand")
    assert capacity == {code: pytest.approx(x_of(4 - i)) for code, i in WORKED_I.items()}
    assert demand == {code: pytest.approx(x_of(d)) for code, d in WORKED_D.items()}
    assert capacity["endurance"] == pytest.approx(PLOT_X0 + (PLOT_X1 - PLOT_X0) / 4)  # I 3 → C 1


def test_rows_are_drawn_in_dimension_order():
    root = parse(comparison_chart_svg(worked(), language="en"))
    rows = [
        g.get("data-code") for g in root.iter("{http://www.w3.org/2000/svg}g") if "dimension" in (g.get("class") or "")
    ]
    assert rows == list(WORKED_I)


def test_exactly_the_over_demand_rows_are_highlighted():
    comparison = worked()
    root = parse(comparison_chart_svg(comparison, language="en"))
    highlighted = {
        r.get("data-code") for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("class") == "overload"
    }
    assert highlighted == {"endurance", "planning", "flexibility", "assertiveness", "contact"}
    assert highlighted == {row.code for row in comparison.overloads}


def test_nothing_is_highlighted_when_nothing_is_over_demanding():
    root = parse(comparison_chart_svg(worked(demand=ratings(dict.fromkeys(WORKED_D, 1))), language="en"))
    assert not [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("class") == "overload"]


def test_a_not_rated_dimension_has_no_capacity_marker_and_says_not_rated():
    capacity = {code: r for code, r in ratings(WORKED_I).items() if code != "group"}
    svg = comparison_chart_svg(worked(capacity=capacity), language="en")
    root = parse(svg)
    assert "group" not in markers(root, "marker-capacity")
    assert "group" in markers(root, "marker-demand")
    row = next(g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("data-code") == "group")
    assert row.get("data-status") == "not_rated"
    assert any(t.text == "not rated" for t in row.iter("{http://www.w3.org/2000/svg}text"))


def test_a_dimension_without_any_value_has_no_marker_at_all_never_one_at_0():
    svg = comparison_chart_svg(worked(capacity={}, demand={}), language="en")
    root = parse(svg)
    assert markers(root, "marker-capacity") == {} and markers(root, "marker-demand") == {}
    missing = [t for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "missing"]
    assert len(missing) == 13 and {t.text for t in missing} == {"not rated"}


def test_a_not_assessable_dimension_says_so_without_a_marker():
    capacity = ratings(WORKED_I) | {"contact": Rating(None, True, "keine Beobachtung")}
    root = parse(comparison_chart_svg(worked(capacity=capacity), language="en"))
    assert "contact" not in markers(root, "marker-capacity")
    row = next(g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("data-code") == "contact")
    assert any(t.text == "not assessable" for t in row.iter("{http://www.w3.org/2000/svg}text"))


def test_the_axis_is_labelled_and_the_chart_has_a_title_and_a_description():
    svg = comparison_chart_svg(worked(), language="en", title="Admission")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.find("svg:title", NS).text == "Admission"
    assert root.find("svg:desc", NS).text.startswith("5 dimensions of over-demand: endurance and resilience")
    assert "level (4 = unimpaired / very high demand)" in svg


def test_the_chart_speaks_the_language_asked_for():
    svg = comparison_chart_svg(worked(), language="de")
    assert "Widerstands- und Durchhaltefähigkeit" in svg
    with translation.override("en"):
        assert "Widerstands- und Durchhaltefähigkeit" not in comparison_chart_svg(worked(), language="en")


def test_the_discharge_capacity_is_drawn_on_the_same_rows():
    discharge = worked(capacity=ratings(WORKED_I | {"endurance": 2}))
    svg = comparison_chart_svg(worked(), language="en", discharge=discharge)
    root = parse(svg)
    later = markers(root, "marker-discharge")
    assert later["endurance"] == pytest.approx(x_of(2))
    assert len(later) == 13
    assert "marked over-demand → slight over-demand" in svg
    assert "capacity at discharge" in svg


def test_an_ability_instrument_draws_on_its_own_1_to_5_axis():
    comparison = compare(MELBA, {"item_01": Rating(2)}, MELBA, {"item_01": Rating(4)}, capacity_context="concrete_job")
    root = parse(comparison_chart_svg(comparison, language="en"))
    assert markers(root, "marker-capacity") == {"item_01": pytest.approx(x_of(2, 1, 5))}
    assert markers(root, "marker-demand") == {"item_01": pytest.approx(x_of(4, 1, 5))}


def test_every_text_is_escaped():
    snapshot = to_snapshot(worked())
    snapshot["rows"][0]["name_en"] = '<script>alert("x")</script> & co'
    evil = from_snapshot(snapshot)
    svg = comparison_chart_svg(evil, language="en", title="<b>A & B</b>", chart_id='x" onload="y')
    assert "<script>" not in svg and "<b>" not in svg and 'onload="y' not in svg
    root = parse(svg)  # still well-formed
    assert root.find("svg:title", NS).text == "<b>A & B</b>"


def test_the_same_comparison_gives_the_same_bytes():
    assert comparison_chart_svg(worked(), language="en") == comparison_chart_svg(worked(), language="en")


def test_two_charts_on_one_page_have_distinct_ids():
    a = parse(comparison_chart_svg(worked(), language="en", chart_id="admission"))
    b = parse(comparison_chart_svg(worked(), language="en", chart_id="discharge"))
    assert a.get("id") != b.get("id")
    assert a.get("aria-labelledby") == "admission-title admission-desc"


def test_a_comparison_of_another_length_gets_as_many_rows():
    short = dataclasses.replace(worked(), rows=worked().rows[:3])
    root = parse(comparison_chart_svg(short, language="en"))
    assert len([g for g in root.iter("{http://www.w3.org/2000/svg}g") if "dimension" in (g.get("class") or "")]) == 3
