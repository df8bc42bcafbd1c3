"""Pure rules of the screening start and the department code, with the worked cases T11, T12, T17, T18, T19
(admission Monday 2026-03-02, so treatment day 7 = Sunday 2026-03-08)."""

import datetime as dt

import pytest

from screening import rules
from screening.rules import CodeTask, ResultFact

ADMISSION = dt.date(2026, 3, 2)
DAY7 = dt.date(2026, 3, 8)


def day(n: int) -> dt.date:
    return ADMISSION + dt.timedelta(days=n - 1)


def test_day_7_of_a_stay_admitted_on_monday_2026_03_02_is_sunday_2026_03_08():
    assert rules.screening_due_date(ADMISSION) == DAY7
    assert rules.screening_due_date(ADMISSION, due_day=1) == ADMISSION
    assert rules.screening_due_date(ADMISSION, due_day=3) == dt.date(2026, 3, 4)


@pytest.mark.parametrize(
    ("status", "completed", "met"),
    [
        ("positive", day(1), True),
        ("negative", day(7), True),  # the due day itself counts
        ("positive", day(8), False),  # T19
        ("incomplete", day(2), False),
        ("not_possible", day(2), False),  # S-4
        ("negative", ADMISSION - dt.timedelta(days=10), True),  # S-2: through the link before admission
    ],
)
def test_screened_at_start_needs_a_complete_result_by_the_due_day(status, completed, met):
    assert rules.screened_at_start([ResultFact(status, completed)], ADMISSION) is met


def test_t19_a_screening_completed_on_day_8_is_not_at_start_with_the_default_due_day():
    assert rules.screened_at_start([ResultFact("positive", day(8))], ADMISSION, 7) is False
    assert rules.screened_at_start([ResultFact("positive", day(8))], ADMISSION) is False


def test_a_facility_due_day_of_3_makes_day_4_too_late():
    assert rules.screened_at_start([ResultFact("positive", day(3))], ADMISSION, 3) is True
    assert rules.screened_at_start([ResultFact("positive", day(4))], ADMISSION, 3) is False


def test_screened_at_start_with_no_results_is_not_met():
    assert rules.screened_at_start([], ADMISSION) is False


def test_the_start_state_is_open_until_the_due_day_then_overdue():
    assert rules.screening_start_state([], ADMISSION, 7, DAY7) == "open"
    assert rules.screening_start_state([], ADMISSION, 7, day(8)) == "overdue"
    assert rules.screening_start_state([ResultFact("incomplete", day(2))], ADMISSION, 7, day(8)) == "overdue"


def test_the_start_state_is_met_or_late_once_a_complete_result_exists():
    assert rules.screening_start_state([ResultFact("negative", day(2))], ADMISSION, 7, day(20)) == "met"
    assert rules.screening_start_state([ResultFact("positive", day(8))], ADMISSION, 7, day(20)) == "late"


def test_a7_assign_targets_3197_and_not_assign_3100():
    assert rules.target_code("assign") == "3197"
    assert rules.target_code("not_assign") == "3100"


def test_t11_allocated_3100_and_assigned_on_day_3_makes_a_task_due_on_day_7():
    task = rules.code_task("3100", rules.target_code("assign"), ADMISSION, dt.date(2026, 4, 6), day(3), True)
    assert task == CodeTask(from_code="3100", to_code="3197", due=DAY7, week1=True)


def test_t11_a_correction_on_the_due_date_is_on_time_and_the_day_after_is_late():
    task = rules.code_task("3100", "3197", ADMISSION, None, day(3), True)
    assert rules.code_task_state(task, dt.date(2026, 3, 8), dt.date(2026, 3, 20)) == "done_on_time"
    assert rules.code_task_state(task, dt.date(2026, 3, 9), dt.date(2026, 3, 20)) == "done_late"


def test_t12_allocated_3197_and_not_assigned_on_day_2_makes_a_task_to_3100_due_on_day_7():
    task = rules.code_task("3197", rules.target_code("not_assign"), ADMISSION, None, day(2), True)
    assert task is not None
    assert (task.from_code, task.to_code, task.due) == ("3197", "3100", DAY7)


def test_t17_allocated_3197_and_assigned_on_day_1_makes_no_task_and_the_indicator_is_not_applicable():
    task = rules.code_task("3197", rules.target_code("assign"), ADMISSION, None, day(1), True)
    assert task is None
    assert rules.week1_code_indicator(task, None, day(20)) == "not_applicable"


def test_t18_discharge_on_day_5_with_an_open_mismatch_makes_the_discharge_date_the_due_date():
    task = rules.code_task("3100", "3197", ADMISSION, day(5), day(2), True)
    assert task.due == day(5) == dt.date(2026, 3, 6)


def test_a_discharge_after_day_7_does_not_move_the_due_date():
    assert rules.code_task("3100", "3197", ADMISSION, day(30), day(2), True).due == DAY7


def test_d4_the_task_is_open_up_to_day_7_and_overdue_from_day_8():
    task = rules.code_task("3100", "3197", ADMISSION, None, day(3), True)
    assert rules.code_task_state(task, None, day(3)) == "open"
    assert rules.code_task_state(task, None, DAY7) == "open"
    assert rules.code_task_state(task, None, day(8)) == "overdue"


def test_d5_a_switch_after_week_1_is_due_7_days_after_the_decision_and_outside_the_indicator():
    decided = day(20)
    assert rules.decided_in_first_week(ADMISSION, decided) is False
    task = rules.code_task("3100", "3197", ADMISSION, day(35), decided, False)
    assert task.due == decided + dt.timedelta(days=7)
    assert task.week1 is False
    assert rules.week1_code_indicator(task, None, day(40)) == "not_applicable"


def test_a_decision_on_day_7_is_still_in_the_first_week():
    assert rules.decided_in_first_week(ADMISSION, DAY7) is True
    assert rules.decided_in_first_week(ADMISSION, day(8)) is False


@pytest.mark.parametrize(
    ("corrected_on", "today", "expected"),
    [
        (DAY7, day(20), "met"),
        (day(8), day(20), "not_met"),
        (None, day(6), "not_yet_due"),
        (None, day(8), "not_met"),
    ],
)
def test_the_week1_indicator_follows_the_task_state(corrected_on, today, expected):
    task = rules.code_task("3100", "3197", ADMISSION, None, day(3), True)
    assert rules.week1_code_indicator(task, corrected_on, today) == expected


@pytest.mark.parametrize(
    ("decision", "positive", "switch", "needed"),
    [
        ("assign", True, False, False),
        ("assign", False, False, False),  # the need assessment carries the reason
        ("not_assign", False, False, False),
        ("not_assign", True, False, True),  # against a positive screening
        ("assign", False, True, True),  # every switch
        ("not_assign", False, True, True),
    ],
)
def test_a_reason_is_needed_against_a_positive_screening_and_for_every_switch(decision, positive, switch, needed):
    assert rules.decision_needs_reason(decision, positive, switch) is needed
