"""Pure rules: identifiers, ages, stay days, birth-date plausibility."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from patients import rules, tokens
from patients.validators import (
    kvnr_check_digit,
    normalize_identifier,
    rvnr_check_digit,
    validate_ik,
    validate_kvnr,
    validate_rvnr,
)


@pytest.mark.parametrize("kvnr", ["A123456780", "Z987654321"[:9] + str(kvnr_check_digit("Z98765432"))])
def test_it_accepts_a_kvnr_with_the_right_check_digit(kvnr):
    validate_kvnr(kvnr)


def test_the_kvnr_check_digit_follows_the_modulus_10_method():
    # A=01 → 0 1 1 2 3 4 5 6 7 8, weights 1 2 1 2 …, cross sums of products: 0+2+1+4+3+8+5+3+7+7 = 40 → 0
    assert kvnr_check_digit("A12345678") == 0


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("A123456781", "kvnr_check_digit"),
        ("1234567890", "kvnr_format"),
        ("A12345678", "kvnr_format"),
        ("AB23456780", "kvnr_format"),
        ("a123456780", "kvnr_format"),
    ],
)
def test_it_rejects_a_wrong_kvnr(value, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_kvnr(value)
    assert excinfo.value.code == code


def test_the_pension_number_check_digit_follows_the_drv_weights():
    # 6 5 1 7 0 8 3 9 | J=10 → 1 0 | 0 0, weights 2 1 2 5 7 1 2 1 2 1 2 1 → cross sums total 43 → 3
    assert rvnr_check_digit("65170839J00") == 3
    validate_rvnr("65170839J003")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("65170839J004", "rvnr_check_digit"),
        ("65170839003", "rvnr_format"),
        ("6517083JJ003", "rvnr_format"),
        ("", "rvnr_format"),
    ],
)
def test_it_rejects_a_wrong_pension_insurance_number(value, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_rvnr(value)
    assert excinfo.value.code == code


@pytest.mark.parametrize("value", ["12345678", "1234567890", "26050000A"])
def test_an_ik_number_has_exactly_nine_digits(value):
    with pytest.raises(ValidationError):
        validate_ik(value)
    validate_ik("260500001")


def test_identifiers_are_normalized_from_typed_input():
    assert normalize_identifier(" a 123 456 780 ") == "A123456780"


def test_the_admission_day_is_day_one():
    admission = dt.date(2026, 11, 2)
    assert rules.stay_day(admission, admission) == 1
    assert rules.stay_day(admission, dt.date(2026, 11, 15)) == 14
    assert rules.stay_day(admission, dt.date(2026, 11, 1)) is None
    assert rules.date_of_stay_day(admission, 14) == dt.date(2026, 11, 15)


def test_age_counts_completed_years():
    assert rules.age_on(dt.date(1970, 11, 24), dt.date(2026, 11, 23)) == 55
    assert rules.age_on(dt.date(1970, 11, 23), dt.date(2026, 11, 23)) == 56


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        (dt.date(2026, 11, 24), "future"),
        (dt.date(2026, 11, 23), None),
        (dt.date(1926, 11, 23), None),
        (dt.date(1926, 11, 22), "too_old"),
    ],
)
def test_a_birth_date_in_the_future_or_over_100_years_back_is_a_problem(birth, expected):
    assert rules.birth_date_problem(birth, dt.date(2026, 11, 23)) == expected


def test_a_token_is_hashed_after_normalizing_what_people_type():
    raw = tokens.new_token()
    assert len(raw) == 12 and set(raw) <= set(tokens.ALPHABET)
    assert tokens.token_hash(tokens.display(raw).lower()) == tokens.token_hash(raw)
    assert raw not in tokens.token_hash(raw)
