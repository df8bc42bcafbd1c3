"""Reporting periods: strict parsing of quarters and months, the current quarter, the four-quarter trend."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from compliance.periods import Period, PeriodInvalid, current_quarter, parse_period, previous_quarters, quarter_of

D = dt.date


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31), "Q1 2026"),
        ("2026-Q2", D(2026, 4, 1), D(2026, 6, 30), "Q2 2026"),
        ("2026-Q3", D(2026, 7, 1), D(2026, 9, 30), "Q3 2026"),
        ("2026-Q4", D(2026, 10, 1), D(2026, 12, 31), "Q4 2026"),
        ("2000-Q1", D(2000, 1, 1), D(2000, 3, 31), "Q1 2000"),
        ("2100-Q4", D(2100, 10, 1), D(2100, 12, 31), "Q4 2100"),
    ],
)
def test_a_quarter_is_parsed_to_its_calendar_months(text, start, end, label):
    period = parse_period(text)
    assert (period.start, period.end, period.code, period.label) == (start, end, text, label)
    assert period.is_quarter


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-01", D(2026, 1, 1), D(2026, 1, 31)),
        ("2026-02", D(2026, 2, 1), D(2026, 2, 28)),
        ("2028-02", D(2028, 2, 1), D(2028, 2, 29)),  # leap year
        ("2026-07", D(2026, 7, 1), D(2026, 7, 31)),
        ("2026-09", D(2026, 9, 1), D(2026, 9, 30)),
        ("2026-12", D(2026, 12, 1), D(2026, 12, 31)),
    ],
)
def test_a_month_is_parsed_to_its_days(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end, period.code) == (start, end, text)
    assert period.label == f"{text[5:]}/{text[:4]}"
    assert not period.is_quarter


@pytest.mark.parametrize(
    "text",
    [
        "2026-Q5",
        "2026-Q0",
        "2026-13",
        "2026-00",
        "2026-7",
        "2026-q3",
        "abc",
        "",
        " 2026-Q3",
        "2026-Q3 ",
        "2026Q3",
        "26-Q3",
        "1999-Q4",
        "2101-Q1",
        "1999-12",
        "2026-Q3-01",
        "２０２６-Q3",  # full-width digits are not the expected form
    ],
)
def test_nonsense_is_refused_with_a_message_naming_the_expected_form(text):
    with translation.override("en"), pytest.raises(PeriodInvalid) as refused:
        parse_period(text)
    assert "2026-Q3" in refused.value.message
    assert "2026-07" in refused.value.message
    assert f"“{text}”" in refused.value.message


def test_the_refusal_is_a_value_error_carrying_its_message():
    with translation.override("en"), pytest.raises(PeriodInvalid) as english:
        parse_period("2026-Q5")
    assert english.value.message.startswith("“2026-Q5” is not a period")
    assert isinstance(english.value, ValueError)


def test_a_value_that_is_not_text_is_refused():
    with pytest.raises(PeriodInvalid):
        parse_period(None)


@pytest.mark.parametrize(
    ("today", "code"),
    [
        (D(2026, 1, 1), "2026-Q1"),
        (D(2026, 3, 31), "2026-Q1"),
        (D(2026, 4, 1), "2026-Q2"),
        (D(2026, 6, 30), "2026-Q2"),
        (D(2026, 7, 1), "2026-Q3"),
        (D(2026, 9, 30), "2026-Q3"),
        (D(2026, 10, 1), "2026-Q4"),
        (D(2026, 12, 5), "2026-Q4"),
        (D(2026, 12, 31), "2026-Q4"),
    ],
)
def test_the_current_quarter_changes_on_the_first_day_of_a_quarter(today, code):
    assert current_quarter(today).code == code
    assert quarter_of(today) == current_quarter(today)


def test_four_quarters_end_with_the_period_oldest_first():
    codes = [p.code for p in previous_quarters(parse_period("2026-Q4"), 4)]
    assert codes == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]


def test_the_trend_crosses_the_year_boundary():
    codes = [p.code for p in previous_quarters(parse_period("2026-Q2"), 4)]
    assert codes == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    codes = [p.code for p in previous_quarters(parse_period("2026-Q1"), 5)]
    assert codes == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]


@pytest.mark.parametrize(
    ("month", "last"),
    [
        ("2026-01", "2026-Q1"),
        ("2026-03", "2026-Q1"),
        ("2026-04", "2026-Q2"),
        ("2026-07", "2026-Q3"),
        ("2026-12", "2026-Q4"),
    ],
)
def test_for_a_month_the_trend_ends_with_the_months_quarter(month, last):
    quarters = previous_quarters(parse_period(month), 4)
    assert quarters[-1].code == last
    assert len(quarters) == 4
    assert all(p.is_quarter for p in quarters)


def test_one_or_no_quarter():
    assert previous_quarters(parse_period("2026-07"), 1) == [parse_period("2026-Q3")]
    assert previous_quarters(parse_period("2026-Q3"), 0) == []


def test_a_period_knows_its_days_and_its_quarter_key():
    q3 = parse_period("2026-Q3")
    assert D(2026, 7, 1) in q3
    assert D(2026, 9, 30) in q3
    assert D(2026, 6, 30) not in q3
    assert D(2026, 10, 1) not in q3
    assert q3.year_quarter == (2026, 3)
    assert parse_period("2026-08").year_quarter == (2026, 3)
    assert isinstance(q3, Period)
    assert str(q3) == "Q3 2026"
