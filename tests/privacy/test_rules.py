"""The retention rule (§630f (3) BGB with §§187, 188 BGB): boundaries, leap day, open stays."""

from __future__ import annotations

import datetime as dt

import pytest

from privacy import rules

D = dt.date


def done(day: dt.date) -> rules.StayFacts:
    return rules.StayFacts(discharged=True, discharge_date=day)


def test_the_period_ends_on_the_same_date_ten_years_later():
    assert rules.retention_end(D(2016, 3, 15), 10) == D(2026, 3, 15)


def test_on_the_last_day_of_the_period_the_record_is_kept():
    result = rules.retention([done(D(2016, 3, 15))], today=D(2026, 3, 15), years=10)
    assert result.retention_end == D(2026, 3, 15)
    assert not result.due


def test_one_day_before_the_due_day_the_record_is_kept():
    assert not rules.retention([done(D(2016, 3, 15))], today=D(2026, 3, 14), years=10).due


def test_the_record_is_due_from_the_day_after_the_period():
    result = rules.retention([done(D(2016, 3, 15))], today=D(2026, 3, 16), years=10)
    assert result.erasure_due_on == D(2026, 3, 16)
    assert result.due


def test_a_discharge_on_29_february_ends_the_period_on_28_february():
    result = rules.retention([done(D(2016, 2, 29))], today=D(2026, 2, 28), years=10)
    assert result.retention_end == D(2026, 2, 28)
    assert not result.due
    assert rules.retention([done(D(2016, 2, 29))], today=D(2026, 3, 1), years=10).due


def test_a_29_february_into_a_leap_year_stays_29_february():
    assert rules.retention_end(D(2012, 2, 29), 12) == D(2024, 2, 29)


def test_the_last_discharge_counts():
    result = rules.retention([done(D(2010, 1, 5)), done(D(2016, 6, 1))], today=D(2026, 5, 1), years=10)
    assert result.end_of_treatment == D(2016, 6, 1)
    assert not result.due


def test_a_stay_not_yet_discharged_is_never_due():
    stays = [done(D(2000, 1, 1)), rules.StayFacts(discharged=False, discharge_date=D(2001, 1, 1))]
    result = rules.retention(stays, today=D(2099, 1, 1), years=10)
    assert result.end_of_treatment is None
    assert not result.due


def test_a_discharged_stay_without_a_date_and_a_patient_without_stays_are_kept():
    undated = rules.StayFacts(discharged=True, discharge_date=None)
    assert not rules.retention([undated], today=D(2099, 1, 1), years=10).due
    assert not rules.retention([], today=D(2099, 1, 1), years=10).due


def test_a_longer_configured_period_is_honoured():
    assert not rules.retention([done(D(2010, 1, 1))], today=D(2021, 1, 2), years=15).due
    assert rules.retention([done(D(2010, 1, 1))], today=D(2025, 1, 2), years=15).due


def test_less_than_ten_years_is_refused():
    with pytest.raises(ValueError, match="at least 10"):
        rules.retention_end(D(2010, 1, 1), 9)


@pytest.mark.parametrize("today", [D(2026, 3, 1), D(2024, 2, 29), D(2025, 2, 28), D(2026, 12, 31)])
def test_the_prefilter_never_misses_a_due_discharge(today):
    """Every discharge the rule finds due lies on or before the prefilter's date (checked day by day)."""
    bound = rules.latest_due_discharge(today=today, years=10)
    day = bound - dt.timedelta(days=5)
    while day <= bound + dt.timedelta(days=5):
        if rules.retention([done(day)], today=today, years=10).due:
            assert day <= bound
        day += dt.timedelta(days=1)
