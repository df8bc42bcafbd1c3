"""The checklist catalogue and which groups apply (pure: reintegration.checklists)."""

from __future__ import annotations

import pytest
from django.utils import translation

from patients.models import EmploymentStatus
from reintegration import checklists
from reintegration.checklists import Facts, Group, applicable_groups, applicable_items
from reintegration.models import JobRisk, WorkAbility

EMPLOYED = Facts(
    employment_status="employed", job_risk="none", ability_last_job="6_plus", ability_general_market="6_plus"
)


def _groups(facts: Facts) -> list[Group]:
    return [applies.group for applies in applicable_groups(facts)]


def _keys(facts: Facts) -> set[str]:
    return {item.key for item in applicable_items(facts)}


def test_the_plain_string_values_match_the_model_choices():
    assert checklists.UNEMPLOYED in EmploymentStatus.values
    assert checklists.UNEMPLOYED in JobRisk.values
    assert checklists.IMPENDING in JobRisk.values
    assert set(checklists.LIMITED_ABILITIES) == set(WorkAbility.values) - {WorkAbility.SIX_PLUS}


def test_every_item_names_its_recommendation_and_keys_are_unique_slugs():
    recs = {item.rec for item in checklists.ITEMS}
    assert recs == {"8.1", "8.6", "8.7", "8.8", "8.9", "8.10", "8.11", "8.15", "8.16", "10.3", "10.4"}
    assert len(checklists.ITEMS_BY_KEY) == len(checklists.ITEMS)
    assert all(item.key.replace("_", "").isalnum() and len(item.key) <= 40 for item in checklists.ITEMS)


def test_an_employed_patient_able_to_work_six_hours_gets_only_the_items_for_everyone():
    assert _groups(EMPLOYED) == [Group.ALWAYS]
    assert _keys(EMPLOYED) == {"stay_extension", "case_management", "cooperation_explained", "integration_service"}


def test_nothing_known_yet_still_gives_the_items_for_everyone():
    assert _groups(Facts()) == [Group.ALWAYS]


@pytest.mark.parametrize(
    ("employment", "risk", "reason"),
    [
        ("unemployed", "none", "applies because the patient is unemployed"),
        ("employed", "unemployed", "applies because the patient is unemployed"),
        ("employed", "impending", "applies because the patient's unemployment is impending"),
        ("self_employed", "impending", "applies because the patient's unemployment is impending"),
    ],
)
def test_unemployment_or_impending_unemployment_adds_8_8_to_8_10_and_10_3_with_the_reason(employment, risk, reason):
    facts = Facts(employment_status=employment, job_risk=risk)
    with translation.override("en"):
        groups = applicable_groups(facts)
    assert [a.group for a in groups] == [Group.ALWAYS, Group.UNEMPLOYMENT]
    assert groups[1].reason == reason
    assert {i.rec for i in groups[1].items} == {"8.8", "8.9", "8.10", "10.3"}


@pytest.mark.parametrize("employment", ["employed", "civil_servant", "self_employed", "other"])
def test_no_unemployment_items_without_unemployment(employment):
    assert Group.UNEMPLOYMENT not in _groups(Facts(employment_status=employment, job_risk="none"))


@pytest.mark.parametrize(("ability", "applies"), [("6_plus", False), ("3_to_6", True), ("below_3", True), ("", False)])
def test_a_last_job_limited_below_six_hours_adds_vocational_rehab_8_6_and_8_7(ability, applies):
    facts = Facts(employment_status="employed", ability_last_job=ability, ability_general_market="6_plus")
    assert (Group.LAST_JOB_LIMITED in _groups(facts)) is applies
    assert ({"vocational_rehab_explained", "vocational_rehab_filed"} <= _keys(facts)) is applies
    assert Group.MARKET_LIMITED not in _groups(facts)


def test_a_recommended_vocational_rehab_adds_8_7_even_with_six_hours_for_the_last_job():
    facts = Facts(ability_last_job="6_plus", vocational_rehab_recommended=True)
    with translation.override("en"):
        groups = applicable_groups(facts)
    assert groups[-1].group == Group.LAST_JOB_LIMITED
    assert groups[-1].reason == "applies because the discharge letter recommends vocational rehabilitation"


@pytest.mark.parametrize(("ability", "applies"), [("6_plus", False), ("3_to_6", True), ("below_3", True), ("", False)])
def test_a_general_labour_market_limited_below_six_hours_adds_pension_advice_8_11(ability, applies):
    facts = Facts(ability_last_job="6_plus", ability_general_market=ability)
    assert (Group.MARKET_LIMITED in _groups(facts)) is applies
    assert ("pension_advice" in _keys(facts)) is applies
    assert Group.LAST_JOB_LIMITED not in _groups(facts)


def test_all_groups_apply_together_in_catalogue_order():
    facts = Facts(
        employment_status="unemployed",
        job_risk="unemployed",
        ability_last_job="below_3",
        ability_general_market="3_to_6",
    )
    assert _groups(facts) == [Group.ALWAYS, Group.UNEMPLOYMENT, Group.LAST_JOB_LIMITED, Group.MARKET_LIMITED]
    assert [item.key for item in applicable_items(facts)] == [item.key for item in checklists.ITEMS]


def test_the_reason_for_a_limited_last_job_names_the_discharge_letter():
    with translation.override("en"):
        (applies,) = [a for a in applicable_groups(Facts(ability_last_job="3_to_6")) if a.group != Group.ALWAYS]
    assert "discharge letter" in applies.reason and "last job" in applies.reason
