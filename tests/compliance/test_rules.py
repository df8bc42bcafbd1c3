"""The traffic light by grade and thresholds (issue 8: a "shall" below 90 % is red, a "should" below 75 % amber)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from compliance.models import ComplianceSettings
from compliance.rules import DEFAULT_THRESHOLDS, Thresholds, light, thresholds_from
from compliance.selectors import thresholds_for

DEFAULTS = DEFAULT_THRESHOLDS


@pytest.mark.parametrize(
    ("rate", "expected"),
    [(Decimal("0.0"), "red"), (Decimal("89.9"), "red"), (Decimal("90.0"), "green"), (Decimal("100.0"), "green")],
)
def test_a_shall_below_90_is_red(rate, expected):
    assert light("shall", rate, DEFAULTS) == expected


@pytest.mark.parametrize(
    ("rate", "expected"),
    [(Decimal("0.0"), "amber"), (Decimal("74.9"), "amber"), (Decimal("75.0"), "green"), (Decimal("89.9"), "green")],
)
def test_a_should_below_75_is_amber_never_red(rate, expected):
    assert light("should", rate, DEFAULTS) == expected


@pytest.mark.parametrize(
    ("rate", "expected"), [(Decimal("0.0"), "amber"), (Decimal("49.9"), "amber"), (Decimal("50.0"), "green")]
)
def test_a_may_below_its_threshold_is_amber(rate, expected):
    assert light("may", rate, DEFAULTS) == expected


@pytest.mark.parametrize("grade", ["shall", "should", "may"])
def test_no_data_is_no_light_whatever_the_grade(grade):
    assert light(grade, None, DEFAULTS) == "none"
    assert light(grade, None, DEFAULTS, bar=75) == "none"


def test_a_facility_may_set_its_own_thresholds():
    strict = Thresholds(shall_red_below=95, should_amber_below=80, may_amber_below=60)
    assert light("shall", Decimal("94.9"), strict) == "red"
    assert light("shall", Decimal("95.0"), strict) == "green"
    assert light("should", Decimal("79.9"), strict) == "amber"
    assert light("should", Decimal("80.0"), strict) == "green"
    assert light("may", Decimal("59.9"), strict) == "amber"
    assert light("may", Decimal("60.0"), strict) == "green"


@pytest.mark.parametrize(
    ("grade", "rate", "expected"),
    [
        ("shall", Decimal("74.9"), "red"),
        ("shall", Decimal("75.0"), "green"),  # 2.7's own bar, not the 90 % of a "shall"
        ("should", Decimal("74.9"), "amber"),
        ("should", Decimal("75.0"), "green"),
    ],
)
def test_a_recommendation_with_its_own_bar_is_judged_against_it(grade, rate, expected):
    assert light(grade, rate, DEFAULTS, bar=75) == expected


def test_an_unknown_grade_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown grade"):
        light("must", Decimal(50), DEFAULTS)


def test_the_defaults_are_the_issues_and_the_models():
    assert DEFAULTS.as_dict() == {"shall": 90, "should": 75, "may": 50}
    fields = {f.name: f.default for f in ComplianceSettings._meta.get_fields() if f.name.endswith("_below")}
    assert fields == {"shall_red_below": 90, "should_amber_below": 75, "may_amber_below": 50}
    assert thresholds_from(None) == DEFAULTS


def test_thresholds_for_a_facility_without_settings_are_the_defaults(facility):
    assert thresholds_for(facility) == DEFAULTS


def test_thresholds_for_a_facility_read_its_settings(facility, other_facility):
    ComplianceSettings.objects.create(facility=facility, shall_red_below=95, should_amber_below=80, may_amber_below=40)
    assert thresholds_for(facility) == Thresholds(95, 80, 40)
    assert thresholds_for(other_facility) == DEFAULTS
