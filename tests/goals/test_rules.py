"""Pure rules of the goal agreement (rec 3.4–3.9), at their boundaries. Day 1 = admission day."""

import datetime as dt

import pytest

from goals import rules

ADMISSION = dt.date(2026, 11, 2)  # day 1
DAY7 = dt.date(2026, 11, 8)
DAY8 = dt.date(2026, 11, 9)


def test_the_first_week_ends_on_day_7_which_is_six_days_after_admission():
    assert rules.first_week_due(ADMISSION) == DAY7


@pytest.mark.parametrize(
    ("written_on", "today", "state"),
    [
        (ADMISSION, ADMISSION, "met"),  # day 1
        (DAY7, DAY7, "met"),  # day 7 still counts
        (DAY7, dt.date(2026, 12, 1), "met"),
        (DAY8, DAY8, "late"),  # day 8 is too late
        (None, ADMISSION, "open"),
        (None, DAY7, "open"),  # nothing written, but day 7 is not over
        (None, DAY8, "overdue"),
        (None, dt.date(2026, 10, 20), "open"),  # before admission (invited)
    ],
)
def test_goals_written_in_the_first_week(written_on, today, state):
    assert rules.first_week_state(written_on, ADMISSION, today) == state


@pytest.mark.parametrize(
    ("due", "state"),
    [
        (None, "none"),
        (dt.date(2026, 11, 21), "upcoming"),
        (dt.date(2026, 11, 20), "due"),
        (dt.date(2026, 11, 19), "overdue"),
    ],
)
def test_a_planned_review_is_upcoming_due_on_its_day_and_overdue_the_day_after(due, state):
    assert rules.date_state(due, dt.date(2026, 11, 20)) == state


def test_the_next_review_is_the_earliest_pending_review_date():
    assert rules.next_review_on([dt.date(2026, 11, 20), dt.date(2026, 11, 16)]) == dt.date(2026, 11, 16)
    assert rules.next_review_on([]) is None


def test_a_review_with_one_outcome_per_goal_is_complete():
    assert rules.check_outcomes([1, 2], {1: "achieved", 2: "changed"}).ok


def test_a_review_missing_a_goal_names_the_goal():
    check = rules.check_outcomes([1, 2, 3], {1: "achieved", 2: ""})
    assert check.missing == (2, 3) and not check.ok


def test_a_review_with_a_goal_of_another_version_is_refused():
    check = rules.check_outcomes([1], {1: "partly", 9: "achieved"})
    assert check.unknown_goals == (9,) and not check.ok


def test_a_review_with_an_unknown_outcome_is_refused():
    check = rules.check_outcomes([1], {1: "sort_of"})
    assert check.invalid == (1,) and not check.ok


@pytest.mark.parametrize("outcome", ["achieved", "partly", "not_achieved", "changed"])
def test_each_of_the_four_outcomes_is_accepted(outcome):
    assert rules.check_outcomes([1], {1: outcome}).ok


@pytest.mark.parametrize(
    ("outcomes", "new_version"),
    [
        (["achieved", "partly", "not_achieved"], False),
        (["achieved", "changed"], True),
        (["changed"], True),
        ([], False),
    ],
)
def test_only_a_changed_goal_makes_a_new_version(outcomes, new_version):
    assert rules.needs_new_version(outcomes) is new_version


@pytest.mark.parametrize(
    ("written_on", "problem"),
    [
        (dt.date(2026, 11, 1), "before_admission"),
        (ADMISSION, None),
        (dt.date(2026, 11, 20), None),
        (dt.date(2026, 11, 21), "future"),
    ],
)
def test_the_date_goals_were_written_lies_between_admission_and_today(written_on, problem):
    assert rules.written_on_problem(written_on, ADMISSION, dt.date(2026, 11, 20)) == problem


@pytest.mark.parametrize(
    ("agreed_on", "previous", "problem"),
    [
        (dt.date(2026, 11, 3), None, None),  # the day the goals were written
        (dt.date(2026, 11, 2), None, "before_written"),
        (dt.date(2026, 11, 21), None, "future"),
        (dt.date(2026, 11, 10), dt.date(2026, 11, 10), None),
        (dt.date(2026, 11, 9), dt.date(2026, 11, 10), "before_previous"),
    ],
)
def test_an_agreement_date_lies_after_writing_and_after_the_version_it_replaces(agreed_on, previous, problem):
    assert rules.agreed_on_problem(agreed_on, dt.date(2026, 11, 3), previous, dt.date(2026, 11, 20)) == problem


@pytest.mark.parametrize(
    ("reviewed_on", "problem"),
    [
        (dt.date(2026, 11, 4), None),  # same day as the agreement
        (dt.date(2026, 11, 3), "before_agreement"),
        (dt.date(2026, 11, 20), None),
        (dt.date(2026, 11, 21), "future"),
    ],
)
def test_a_review_lies_on_or_after_the_agreement_and_not_in_the_future(reviewed_on, problem):
    assert rules.reviewed_on_problem(reviewed_on, dt.date(2026, 11, 4), dt.date(2026, 11, 20)) == problem


@pytest.mark.parametrize(
    ("handed_over_on", "problem"),
    [
        (dt.date(2026, 11, 4), None),
        (dt.date(2026, 11, 3), "before_agreement"),
        (dt.date(2026, 11, 21), "future"),
    ],
)
def test_a_copy_is_handed_over_on_or_after_the_agreement(handed_over_on, problem):
    assert rules.handed_over_problem(handed_over_on, dt.date(2026, 11, 4), dt.date(2026, 11, 20)) == problem


def test_a_goal_review_date_before_admission_is_refused_and_on_admission_accepted():
    assert rules.review_date_problem(dt.date(2026, 11, 1), ADMISSION) == "before_admission"
    assert rules.review_date_problem(ADMISSION, ADMISSION) is None
