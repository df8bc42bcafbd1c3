"""The registry of indicator functions against the catalogue (issue 8: every ``indicator`` row has exactly one)."""

from __future__ import annotations

import datetime as dt

from compliance import registry
from compliance.catalogue import recommendations
from compliance.indicators import course, existing, start
from wmr.indicators import IndicatorResult, IndicatorState

TODAY = dt.date(2026, 12, 5)


def _indicator_measures() -> set[str]:
    return {r.measure for r in recommendations() if r.kind == "indicator"}


def test_the_catalogue_has_28_indicator_rows_each_with_its_own_measure_key():
    rows = [r for r in recommendations() if r.kind == "indicator"]
    assert len(rows) == 28
    assert all(r.measure for r in rows)
    assert len(_indicator_measures()) == 28


def test_every_indicator_row_has_a_function():
    implemented = set(registry.stay_basis()) | set(registry.facility_measures())
    missing = _indicator_measures() - implemented
    assert not missing, f"indicator rows without a function: {sorted(missing)}"


def test_no_function_for_a_key_that_is_not_an_indicator_row_of_the_catalogue():
    implemented = set(registry.stay_basis()) | set(registry.facility_measures())
    assert implemented <= _indicator_measures(), sorted(implemented - _indicator_measures())


def test_no_measure_is_claimed_twice():
    assert registry.duplicate_keys() == []
    assert not set(registry.stay_basis()) & set(registry.facility_measures())


def test_facility_measures_are_the_facility_and_aggregate_rows():
    scopes = {r.measure: r.scope for r in recommendations() if r.kind == "indicator"}
    assert all(scopes[key] in ("facility", "aggregate") for key in registry.facility_measures())
    assert all(scopes[key] == "patient" for key in registry.stay_basis())


def test_every_stay_measure_names_its_basis():
    assert set(registry.stay_basis().values()) <= {registry.ADMISSION, registry.DISCHARGE}
    assert sorted(registry.measures_of_basis(registry.ADMISSION) + registry.measures_of_basis(registry.DISCHARGE)) == (
        sorted(registry.stay_basis())
    )


def test_the_existing_adapters_are_outcome_indicators_judged_at_discharge():
    assert set(existing.STAY_BASIS) == {
        "counseling_total_90min",
        "counseling_individual_60min",
        "first_counseling_within_14d",
        "work_groups_240min",
        "workplace_training_360min",
        "bem_examined_after_6_weeks",
        "graded_rtw_examined_after_3_months",
        "vocational_rehab_recommended_when_limited",
        "sociomedical_appraisal_when_limited",
        "rtw_plan_documented",
        "two_discharge_copies",
    }
    assert set(existing.STAY_BASIS.values()) == {registry.DISCHARGE}


def test_each_provider_answers_only_the_measures_of_its_basis(stay):
    for module in (start, course, existing):
        results = module.stay_results(stay, TODAY)
        assert set(results) <= set(module.STAY_BASIS), module.__name__
        assert all(isinstance(result, IndicatorResult) for result in results.values())


def test_the_registry_joins_every_provider_for_a_stay(stay):
    results = registry.stay_results(stay, TODAY)
    assert set(existing.STAY_BASIS) <= set(results)
    assert set(results) <= set(registry.stay_basis())
    # the fixture stay has no WMR decision: the therapy and return-to-work indicators do not apply
    assert results["counseling_total_90min"].state == IndicatorState.NOT_APPLICABLE
    assert results["rtw_plan_documented"].state == IndicatorState.NOT_APPLICABLE


def test_the_adapters_give_the_results_the_apps_give(stay):
    from reintegration.selectors_indicators import stay_rtw_indicators
    from therapy.selectors_progress import stays_progress

    results = existing.stay_results(stay, TODAY)
    therapy = stays_progress([stay], TODAY)[stay.pk].indicators
    rtw = stay_rtw_indicators(stay, TODAY).by_key
    assert {key: results[key] for key in therapy} == therapy
    assert {key: results[key] for key in rtw} == rtw
