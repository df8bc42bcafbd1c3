"""The comparison rule "WMR app comparison rule v1" (mini_icf_app.md §6 K-1 … K-9), the aggregates (§7 A-1 … A-3)
and the conference snapshot (K-6): the worked profile §9.1 row by row, edge cases E1–E11 and E14, and every (I, D)
pair of the Mini-ICF-APP scales."""

from __future__ import annotations

import dataclasses
import itertools
from decimal import Decimal

import pytest
from django.utils import translation

from diagnostics.comparison import (
    STATUS_ORDER,
    ComparisonRefused,
    Rating,
    Status,
    capacity_change,
    compare,
    from_snapshot,
    profile_aggregates,
    status_for,
    summary_text,
    to_snapshot,
)
from diagnostics.instruments import SHIPPED, definition_from_dict, load_shipped
from tests.diagnostics.conftest import WORKED_D, WORKED_I

MINI = definition_from_dict(load_shipped(SHIPPED[0]))
MELBA = definition_from_dict(load_shipped(SHIPPED[1]))


def ratings(values: dict) -> dict[str, Rating]:
    return {code: Rating(value=value) for code, value in values.items()}


def worked(definition=MINI, *, capacity=None, demand=None, context="concrete_job"):
    return compare(
        definition,
        ratings(WORKED_I) if capacity is None else capacity,
        definition,
        ratings(WORKED_D) if demand is None else demand,
        capacity_context=context,
    )


def one(i, d, definition=MINI):
    """Status, C and gap of a single Mini-ICF-APP dimension with impairment ``i`` and demand ``d``."""
    return status_for(Rating(i), Rating(d), definition)


# -- §9.1 the worked profile ------------------------------------------------------------------------------------------

WORKED_ROWS = [
    # number, code, I, C, D, gap, status
    (1, "rules_routines", 1, 3, 3, 0, "fit_no_reserve"),
    (2, "planning", 2, 2, 3, 1, "overload"),
    (3, "flexibility", 2, 2, 3, 1, "overload"),
    (4, "competence", 0, 4, 2, -2, "underload"),
    (5, "judgement", 1, 3, 2, -1, "fit_reserve"),
    (6, "proactivity", 2, 2, 2, 0, "fit_no_reserve"),
    (7, "endurance", 3, 1, 3, 2, "overload_marked"),
    (8, "assertiveness", 2, 2, 3, 1, "overload"),
    (9, "contact", 1, 3, 4, 1, "overload"),
    (10, "group", 1, 3, 2, -1, "fit_reserve"),
    (11, "dyadic", 1, 3, 0, None, "not_relevant"),
    (12, "self_care", 0, 4, 1, -3, "underload"),
    (13, "mobility", 0, 4, 1, -3, "underload"),
]


@pytest.mark.parametrize(
    ("number", "code", "i", "c", "d", "gap", "status"), WORKED_ROWS, ids=[r[1] for r in WORKED_ROWS]
)
def test_every_row_of_the_worked_profile(number, code, i, c, d, gap, status):
    row = worked().row(code)
    assert (row.number, row.capacity_rating, row.capacity_level, row.demand, row.gap, row.status) == (
        number,
        i,
        c,
        d,
        gap,
        status,
    )


def test_the_worked_profile_counts_per_status():
    assert worked().counts == {
        "overload_marked": 1,
        "overload": 4,
        "fit_no_reserve": 2,
        "fit_reserve": 2,
        "underload": 3,
        "not_relevant": 1,
        "not_assessable": 0,
        "not_rated": 0,
    }
    assert worked().category_counts == {"over": 5, "fit": 4, "under": 3}


def test_the_worked_profile_has_max_gap_2_and_lists_overloads_as_7_2_3_8_9():
    comparison = worked()
    assert comparison.max_gap == 2
    assert [row.number for row in comparison.overloads] == [7, 2, 3, 8, 9]


def test_rows_come_in_k9_order_overloads_fit_underload_not_relevant():
    assert [row.number for row in worked().rows] == [7, 2, 3, 8, 9, 1, 5, 6, 10, 4, 12, 13, 11]
    assert [row.number for row in worked().rows_by_number] == list(range(1, 14))


def test_the_worked_aggregates_are_n_13_sum_16_mean_1_23():
    aggregates = profile_aggregates(MINI, ratings(WORKED_I))
    assert (aggregates.n, aggregates.total, aggregates.mean) == (13, 16, Decimal("1.23"))


def test_the_comparison_names_its_rule_version_and_settings():
    comparison = worked()
    assert comparison.rule_version == "WMR app comparison rule v1"
    assert (comparison.instrument_code, comparison.underload_min_reserve) == ("mini_icf_app", 2)
    assert comparison.warnings == ()


def test_the_summary_names_the_over_demand_dimensions_in_k9_order():
    with translation.override("en"):
        text = summary_text(worked())
    assert text.startswith(
        "5 dimensions of over-demand: endurance and resilience, planning and structuring of tasks, "
        "flexibility and adaptability, assertiveness, conversation and contact with others."
    )
    assert "3 dimensions of under-demand: application of professional competence and knowledge, self-care" in text


def test_the_summary_says_so_when_nothing_is_over_demanding():
    comparison = worked(demand=ratings(dict.fromkeys(WORKED_D, 1)))
    with translation.override("en"):
        assert summary_text(comparison).startswith("No dimension of over-demand.")


def test_the_summary_counts_one_dimension_in_the_singular():
    demand = ratings(dict.fromkeys(WORKED_D, 1) | {"endurance": 4})
    with translation.override("en"):
        assert summary_text(worked(demand=demand)).startswith("1 dimension of over-demand: endurance and resilience.")


# -- §9.2 edge cases --------------------------------------------------------------------------------------------------


def test_e1_full_impairment_against_a_not_relevant_demand_is_not_relevant():
    assert one(4, 0) == (Status.NOT_RELEVANT, 0, None)


def test_e2_no_impairment_against_very_high_demand_fits_without_reserve():
    assert one(0, 4) == (Status.FIT_NO_RESERVE, 4, 0)


def test_e3_mild_impairment_against_very_high_demand_is_over_demand():
    assert one(1, 4) == (Status.OVERLOAD, 3, 1)


def test_e4_complete_impairment_against_low_demand_is_over_demand():
    assert one(4, 1) == (Status.OVERLOAD, 0, 1)


def test_e6_a_reasoned_not_assessable_dimension_is_left_out_of_n_mean_and_sum():
    capacity = ratings(WORKED_I) | {"contact": Rating(None, True, "keine Beobachtung möglich")}
    comparison = worked(capacity=capacity)
    row = comparison.row("contact")
    assert (row.status, row.capacity_rating, row.gap, row.reason) == (
        Status.NOT_ASSESSABLE,
        None,
        None,
        "keine Beobachtung möglich",
    )
    aggregates = profile_aggregates(MINI, capacity)
    assert (aggregates.n, aggregates.total, aggregates.mean) == (12, None, Decimal("1.25"))  # 15 / 12


def test_e6b_an_unrated_dimension_is_not_rated_never_0():
    capacity = {code: r for code, r in ratings(WORKED_I).items() if code != "contact"}
    comparison = worked(capacity=capacity)
    row = comparison.row("contact")
    assert (row.status, row.capacity_rating, row.capacity_level, row.gap) == (Status.NOT_RATED, None, None, None)
    assert comparison.counts["not_rated"] == 1
    aggregates = profile_aggregates(MINI, capacity)
    assert (aggregates.n, aggregates.total, aggregates.mean) == (12, None, Decimal("1.25"))


def test_an_unrated_demand_is_not_rated_even_where_the_capacity_is_rated():
    demand = {code: r for code, r in ratings(WORKED_D).items() if code != "endurance"}
    row = worked(demand=demand).row("endurance")
    assert (row.status, row.capacity_rating, row.capacity_level, row.demand) == (Status.NOT_RATED, 3, 1, None)


def test_not_rated_wins_over_not_assessable_and_not_assessable_over_not_relevant():
    assert status_for(None, Rating(None, True, "x"), MINI)[0] == Status.NOT_RATED
    assert status_for(Rating(None, True, "x"), Rating(0), MINI)[0] == Status.NOT_ASSESSABLE
    assert status_for(Rating(None), Rating(3), MINI)[0] == Status.NOT_RATED


def test_a_not_assessable_demand_carries_its_reason():
    demand = ratings(WORKED_D) | {"mobility": Rating(None, True, "Arbeitsweg unklar")}
    row = worked(demand=demand).row("mobility")
    assert (row.status, row.reason, row.demand) == (Status.NOT_ASSESSABLE, "Arbeitsweg unklar", None)


def test_k9_puts_not_assessable_before_not_rated_at_the_end():
    capacity = {code: r for code, r in ratings(WORKED_I).items() if code != "group"}
    capacity["contact"] = Rating(None, True, "x")
    rows = worked(capacity=capacity).rows
    assert [row.code for row in rows[-3:]] == ["dyadic", "contact", "group"]


def test_an_empty_comparison_lists_every_dimension_as_not_rated():
    comparison = worked(capacity={}, demand={})
    assert comparison.counts["not_rated"] == 13
    assert comparison.max_gap is None
    assert profile_aggregates(MINI, {}) == profile_aggregates(MINI, {}).__class__(0, 13, None, None)


def test_e8_a_reserve_of_1_turns_the_fit_with_reserve_dimensions_into_underload():
    comparison = worked(dataclasses.replace(MINI, underload_min_reserve=1))
    assert comparison.row("judgement").status == Status.UNDERLOAD
    assert comparison.row("group").status == Status.UNDERLOAD
    assert comparison.counts["underload"] == 5
    assert comparison.counts["fit_reserve"] == 0


def test_e9_profiles_on_different_instruments_are_refused():
    with translation.override("en"), pytest.raises(ComparisonRefused) as refused:
        compare(MINI, ratings(WORKED_I), MELBA, {}, capacity_context="concrete_job")
    assert "different instruments" in refused.value.message


def test_k7_different_dimensions_under_the_same_code_are_refused():
    fewer = dataclasses.replace(MINI, version="2", dimensions=MINI.dimensions[:12])
    with pytest.raises(ComparisonRefused):
        compare(MINI, ratings(WORKED_I), fewer, ratings(WORKED_D), capacity_context="concrete_job")


def test_k7_another_version_with_identical_dimensions_is_compared():
    other = dataclasses.replace(MINI, version="2")
    comparison = compare(MINI, ratings(WORKED_I), other, ratings(WORKED_D), capacity_context="concrete_job")
    assert (comparison.capacity_version, comparison.demand_version) == ("1", "2")
    assert comparison.counts["overload"] == 4


@pytest.mark.parametrize("context", ["general_labour_market", "social_life"])
def test_e10_a_capacity_rated_against_another_reference_is_compared_with_a_warning(context):
    comparison = worked(context=context)
    assert comparison.counts["overload"] == 4
    with translation.override("en"):
        assert comparison.warning_texts() == [
            "The capacity was rated against a different reference than the job; the comparison is approximate."
        ]


@pytest.mark.parametrize("context", ["concrete_job", "occupational_field"])
def test_k8_the_job_or_its_field_gives_no_warning(context):
    assert worked(context=context).warnings == ()


def test_k8_a_missing_reference_context_warns_too():
    assert worked(context="").warnings == ("no_reference_context",)


def test_e11_discharge_endurance_2_is_an_improvement_of_1_and_still_over_demand():
    discharge = ratings(WORKED_I | {"endurance": 2})
    change = capacity_change(MINI, ratings(WORKED_I), discharge)
    assert change["endurance"].delta == -1
    assert change["planning"].delta == 0
    row = worked(capacity=discharge).row("endurance")
    assert (row.gap, row.status) == (1, Status.OVERLOAD)


def test_a3_no_change_is_computed_where_either_profile_is_not_rated_or_not_assessable():
    later = ratings(WORKED_I) | {"contact": Rating(None, True, "x")}
    del later["group"]
    change = capacity_change(MINI, ratings(WORKED_I), later)
    assert (change["contact"].delta, change["group"].delta) == (None, None)
    assert (change["group"].earlier, change["group"].later) == (1, None)


@pytest.mark.parametrize(
    ("c", "d", "status"),
    [(2, 4, Status.OVERLOAD_MARKED), (5, 3, Status.UNDERLOAD), (3, 3, Status.FIT_NO_RESERVE)],
)
def test_e14_melba_demo_compares_ability_directly(c, d, status):
    comparison = compare(MELBA, {"item_01": Rating(c)}, MELBA, {"item_01": Rating(d)}, capacity_context="concrete_job")
    row = comparison.row("item_01")
    assert (row.capacity_level, row.gap, row.status) == (c, d - c, status)
    assert comparison.counts["not_rated"] == 28


def test_melba_has_no_not_relevant_level_so_its_lowest_demand_is_compared():
    assert status_for(Rating(1), Rating(1), MELBA)[0] == Status.FIT_NO_RESERVE


# -- every (I, D) pair of the Mini-ICF-APP (K-1 … K-5) ----------------------------------------------------------------

PAIRS = list(itertools.product(range(5), range(5)))


@pytest.mark.parametrize(("i", "d"), PAIRS)
def test_every_pair_follows_k3(i, d):
    status, c, gap = one(i, d)
    assert c == 4 - i  # K-1
    if d == 0:
        assert (status, gap) == (Status.NOT_RELEVANT, None)
        return
    assert gap == d + i - 4  # K-2
    assert (status.category == "over") == (i > 4 - d)  # K-4
    expected = {2: Status.OVERLOAD_MARKED, 1: Status.OVERLOAD, 0: Status.FIT_NO_RESERVE, -1: Status.FIT_RESERVE}
    assert status == expected.get(gap, Status.OVERLOAD_MARKED if gap > 2 else Status.UNDERLOAD)


@pytest.mark.parametrize(("i", "d"), PAIRS)
def test_every_pair_with_reserve_1_has_no_fit_with_reserve(i, d):
    status, _c, gap = status_for(Rating(i), Rating(d), MINI, reserve=1)
    assert status != Status.FIT_RESERVE
    if gap is not None and gap < 0:
        assert status == Status.UNDERLOAD


def test_the_pair_table_has_each_status_where_expected():
    table = {pair: one(*pair)[0] for pair in PAIRS}
    assert sum(s == Status.NOT_RELEVANT for s in table.values()) == 5
    assert sum(s.category == "over" for s in table.values()) == 10  # I > 4 − D for D in 1..4: 1+2+3+4
    assert sum(s == Status.FIT_NO_RESERVE for s in table.values()) == 4
    assert {s for s in table.values()} == set(Status) - {Status.NOT_RATED, Status.NOT_ASSESSABLE}


def test_every_status_has_a_label_and_a_place_in_the_order():
    assert set(STATUS_ORDER) == set(Status)
    with translation.override("en"):
        assert Status.NOT_RATED.label == "not rated"
        assert Status.OVERLOAD.label == "slight over-demand"


# -- the conference snapshot (K-6) ------------------------------------------------------------------------------------


def test_a_snapshot_round_trips_to_the_same_comparison():
    comparison = worked(capacity=ratings(WORKED_I) | {"contact": Rating(None, True, "x")}, context="social_life")
    snapshot = to_snapshot(comparison)
    assert from_snapshot(snapshot) == comparison


def test_a_snapshot_is_plain_json_with_every_gap_status_and_the_rule_version():
    import json

    snapshot = to_snapshot(worked())
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["rule_version"] == "WMR app comparison rule v1"
    assert snapshot["overloads"] == ["endurance", "planning", "flexibility", "assertiveness", "contact"]
    endurance = next(row for row in snapshot["rows"] if row["code"] == "endurance")
    assert (endurance["I"], endurance["C"], endurance["D"], endurance["gap"], endurance["status"]) == (
        3,
        1,
        3,
        2,
        "overload_marked",
    )
    assert snapshot["counts"]["overload"] == 4 and snapshot["max_gap"] == 2
