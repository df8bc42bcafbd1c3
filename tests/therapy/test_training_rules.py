"""Pure rules of the workplace training (7.3): dates within the stay, notes on partial results, the counts."""

from __future__ import annotations

import datetime as dt

import pytest

from therapy import rules_training as rules

ADMISSION, DISCHARGE = dt.date(2026, 11, 2), dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (dt.date(2026, 11, 1), False),
        (ADMISSION, True),
        (DISCHARGE, True),
        (dt.date(2026, 12, 8), False),
    ],
)
def test_a_day_is_within_the_stay_from_admission_to_discharge_inclusive(day, inside):
    assert rules.within_stay(day, admission=ADMISSION, discharge=DISCHARGE) is inside


def test_without_a_discharge_date_every_day_from_admission_is_within_the_stay():
    assert rules.within_stay(dt.date(2027, 6, 1), admission=ADMISSION, discharge=None)
    assert not rules.within_stay(dt.date(2026, 11, 1), admission=ADMISSION, discharge=None)


def test_today_is_not_in_the_future_but_tomorrow_is():
    today = dt.date(2026, 11, 20)
    assert not rules.in_future(today, today=today)
    assert rules.in_future(today + dt.timedelta(days=1), today=today)


@pytest.mark.parametrize(("result", "needs"), [("yes", False), ("partly", True), ("no", True), ("open", False)])
def test_only_a_partial_or_missed_sub_goal_needs_a_note(result, needs):
    assert rules.assessment_needs_note(result) is needs


def test_the_counts_add_up_by_result():
    counts = rules.subgoal_counts(["yes", "partly", "open", "no", "yes", "open"])
    assert (counts.total, counts.achieved, counts.partly, counts.not_achieved, counts.open) == (6, 2, 1, 1, 2)
    assert counts.assessed == 4


def test_no_sub_goals_count_as_zero():
    assert rules.subgoal_counts([]) == rules.SubGoalCounts()
