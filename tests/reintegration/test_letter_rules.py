"""Pure rules of the discharge letter: ICD-10-GM codes, 8.12 (limited ability needs the detailed appraisal and both
capacity profiles), 8.6 (limited ability for the last job needs vocational rehabilitation or a reason)."""

from __future__ import annotations

import pytest

from reintegration import rules_letter
from reintegration.models import WorkAbility


def test_the_ability_values_are_the_models():
    assert {rules_letter.SIX_PLUS, rules_letter.THREE_TO_SIX, rules_letter.BELOW_THREE} == set(WorkAbility.values)


@pytest.mark.parametrize(
    "code", ["F43.2", "F32.10", "Z73", "F43.-", "f43.2", "F32.1 G", "F32.1G", "F41.0 V", "M54.5 G R", "G43.1†", "U07.1"]
)
def test_it_accepts_icd10_gm_codes(code):
    assert rules_letter.is_icd10_gm(code)


@pytest.mark.parametrize(
    "code", ["", "F4", "F432", "F43.", "F43.123", "43.2", "FF43.2", "F43.2 X", "F43,2", "Depression", "F43.2 G G"]
)
def test_it_rejects_what_is_not_an_icd10_gm_code(code):
    assert not rules_letter.is_icd10_gm(code)


def test_normalize_code_upper_cases_and_collapses_spaces():
    assert rules_letter.normalize_code(" f32.1   g ") == "F32.1 G"


def test_diagnosis_problems_name_the_line_and_what_is_wrong():
    problems = rules_letter.diagnosis_problems(
        [{"code": "F43.2", "text": "Anpassungsstörung"}, {"code": "F3", "text": "x"}, {"code": "Z73", "text": " "}]
    )
    assert [(p.position, p.kind, p.code) for p in problems] == [(2, "code", "F3"), (3, "text", "Z73")]


def test_ten_diagnoses_are_the_most():
    ten = [{"code": "F43.2", "text": "x"}] * rules_letter.MAX_DIAGNOSES
    assert rules_letter.diagnosis_problems(ten) == []
    assert rules_letter.diagnosis_problems([*ten, {"code": "Z73", "text": "y"}])[0].kind == "too_many"


@pytest.mark.parametrize(("ability", "limited"), [("6_plus", False), ("3_to_6", True), ("below_3", True), ("", False)])
def test_limited_means_under_six_hours(ability, limited):
    assert rules_letter.is_limited(ability) is limited


def _missing(job="6_plus", market="6_plus", detail="", positive="", negative=""):
    return rules_letter.appraisal_missing(
        ability_last_job=job, ability_general_market=market, detail=detail, positive=positive, negative=negative
    )


def test_8_12_nothing_is_required_at_six_hours_and_more():
    assert _missing() == []


@pytest.mark.parametrize(("job", "market"), [("3_to_6", "6_plus"), ("6_plus", "3_to_6"), ("below_3", "below_3")])
def test_8_12_limited_ability_for_the_last_job_or_the_market_needs_all_three(job, market):
    assert _missing(job, market) == ["detail", "positive", "negative"]
    assert _missing(job, market, detail="d", positive="p") == ["negative"]
    assert _missing(job, market, detail="d", negative="n") == ["positive"]
    assert _missing(job, market, positive="p", negative="n") == ["detail"]
    assert _missing(job, market, detail="d", positive="p", negative="n") == []


def test_8_12_whitespace_is_not_an_appraisal():
    assert _missing("below_3", detail="  ", positive="p", negative="n") == ["detail"]


def test_8_6_limited_last_job_needs_the_recommendation_or_a_reason():
    assert rules_letter.vocational_rehab_missing(ability_last_job="3_to_6", recommended=False, reason="")
    assert not rules_letter.vocational_rehab_missing(ability_last_job="3_to_6", recommended=True, reason="")
    assert not rules_letter.vocational_rehab_missing(
        ability_last_job="below_3", recommended=False, reason="Altersrente ab 1.3.2027 beantragt"
    )
    assert not rules_letter.vocational_rehab_missing(ability_last_job="6_plus", recommended=False, reason="")
    assert rules_letter.vocational_rehab_missing(ability_last_job="below_3", recommended=False, reason=" ")
