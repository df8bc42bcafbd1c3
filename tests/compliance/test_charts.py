"""The dashboard's SVG charts: the four-quarter sparkline and the bar with the recommendation's line (2.7: 75 %)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.utils import translation

from compliance.charts import answer_label, decorate, percent_text, row_charts, sparkline, target_bar
from compliance.periods import quarter
from tests.compliance.dashboard_samples import indicator_row, sample_dashboard

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def test_the_sparkline_is_well_formed_svg_with_a_title_naming_each_quarter_and_its_rate():
    with translation.override("en"):
        svg = _parse(
            sparkline([Decimal("80.0"), None, Decimal("85.5"), Decimal("90.0")], labels=["Q1", "Q2", "Q3", "Q4"])
        )
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Q1: 80.0 %; Q2: no data; Q3: 85.5 %; Q4: 90.0 %"


def test_a_quarter_without_data_is_a_gap_never_a_point_at_zero():
    svg = _parse(sparkline([Decimal("80"), None, Decimal("60"), Decimal("70")], height=32))
    points = svg.findall(f"{SVG}circle[@class='point']")
    empty = svg.findall(f"{SVG}circle[@class='no-data']")
    assert len(points) == 3 and len(empty) == 1
    # the line is split at the gap: only Q3–Q4 are joined (Q1 stands alone)
    lines = svg.findall(f"{SVG}polyline")
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 2


def test_four_quarters_with_data_are_one_line_of_four_points():
    svg = _parse(sparkline([Decimal(10), Decimal(20), Decimal(30), Decimal(40)]))
    lines = svg.findall(f"{SVG}polyline")
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 4


def test_a_higher_rate_is_drawn_higher():
    svg = _parse(sparkline([Decimal(0), Decimal(100)], height=32))
    low, high = svg.findall(f"{SVG}circle[@class='point']")
    assert float(high.get("cy")) < float(low.get("cy"))
    assert float(low.get("cy")) == 28.0 and float(high.get("cy")) == 4.0  # the plot is 0–100 % inside 4 px padding


def test_the_sparkline_of_a_row_without_a_bar_has_no_target_line_and_with_a_bar_it_has_one():
    assert _parse(sparkline([Decimal(50)])).find(f"{SVG}line[@class='target']") is None
    target = _parse(sparkline([Decimal(50)], target=75, height=32)).find(f"{SVG}line[@class='target']")
    assert float(target.get("y1")) == 28 - 24 * 0.75


def test_the_sparkline_carries_its_values_for_readers_and_tests():
    assert _parse(sparkline([Decimal("80.0"), None])).get("data-values") == "80.0,"


def test_the_same_input_gives_the_same_bytes():
    values = [Decimal("80.0"), None, Decimal("85.5")]
    assert str(sparkline(values, labels=["a", "b", "c"])) == str(sparkline(values, labels=["a", "b", "c"]))


def test_labels_and_titles_are_escaped():
    svg = str(sparkline([Decimal(1)], labels=["<script>"], title='"&'))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    _parse(svg)


def test_the_bar_shows_the_rate_and_the_dashed_line_at_75_percent():
    with translation.override("en"):
        svg = _parse(target_bar(Decimal("62.5"), target=75, light="red", title="2.7", width=240))
    value = svg.find(f"{SVG}rect[@class='value']")
    line = svg.find(f"{SVG}line[@class='target']")
    plot = 240 - 2 - 48
    assert float(value.get("width")) == round(plot * 0.625, 1)
    assert value.get("fill") == "#dc3545"
    assert float(line.get("x1")) == round(2 + plot * 0.75, 1)
    assert svg.find(f"{SVG}title").text == "2.7: 62.5 %; bar: 75 %"


def test_the_bar_of_an_empty_period_says_no_data_and_draws_no_bar():
    with translation.override("en"):
        svg = _parse(target_bar(None, target=75))
    assert svg.find(f"{SVG}rect[@class='value']") is None
    assert "no data" in "".join(svg.itertext())


def test_the_bar_is_capped_at_100_percent():
    svg = _parse(target_bar(Decimal(130), target=75, width=240))
    assert float(svg.find(f"{SVG}rect[@class='value']").get("width")) == 240 - 2 - 48


def test_percent_text_uses_the_readers_number_format_and_never_says_0_for_no_data():
    with translation.override("de"):
        assert percent_text(Decimal("85.0")) == "85,0 %"
        assert "0" not in percent_text(None)
    with translation.override("en"):
        assert percent_text(Decimal("85.0")) == "85.0 %"
        assert percent_text(None) == "no data"


def test_a_row_gets_a_bar_only_where_the_recommendation_names_one():
    plain = row_charts(indicator_row("1.1"))
    with_bar = row_charts(indicator_row("2.7", target_percent=75, facility_level=True))
    assert plain.bar is None
    assert with_bar.bar is not None and 'class="target"' in str(with_bar.bar)


def test_the_row_sparkline_names_the_quarters():
    row = indicator_row("1.1", trend=[(quarter(2026, 3), Decimal("50.0")), (quarter(2026, 4), None)])
    with translation.override("en"):
        title = _parse(row_charts(row).sparkline).find(f"{SVG}title").text
    assert title == "1.1 trend over four quarters: Q3 2026: 50.0 %; Q4 2026: no data"


def test_decorate_keeps_the_sections_in_order_and_labels_the_self_assessment_answers():
    board = sample_dashboard()
    with translation.override("en"):
        sections = decorate(board)
        assert [s.block.section for s in sections] == [b.section for b in board.sections]
        assert [len(s.rows) for s in sections] == [len(b.indicators) for b in board.sections]
        answers = [item for s in sections for item in s.self_assessment]
        assert answers and all(label == answer_label(answer) for _rec, answer, label in answers)


def test_an_unanswered_self_assessment_has_no_label_and_answers_are_in_words():
    with translation.override("en"):
        assert answer_label(None) is None
        assert answer_label("yes") == "yes, in place"
        assert re.search("partly", answer_label("partly"))
