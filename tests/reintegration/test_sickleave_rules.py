"""The sick-leave rules (hamburg_model.md §10 B-1 … B-7, §9 K-1): the worked cases of §11 verbatim, the boundaries
(42/43 days, 89/90 days), the edges of the 12-month window (leap years too) and the working-day rule for 5-, 3- and
2-day weeks. Pure functions: dates are parameters."""

from __future__ import annotations

import datetime as dt

import pytest

from reintegration.sickleave import (
    RULE_BOTH,
    RULE_CALENDAR,
    RULE_NONE,
    RULE_WORKING_DAYS,
    AbsenceFact,
    absence_days,
    days_in_window,
    is_working_day,
    judge,
    judge_stay,
    months_back,
    window,
)

D = dt.date
MONDAY = D(2026, 1, 5)


def au(start: dt.date, end: dt.date | None, kind: str = "certified") -> AbsenceFact:
    return AbsenceFact(start, end, kind)


def days(n: int, start: dt.date = MONDAY) -> AbsenceFact:
    """One certified AU period of ``n`` calendar days from ``start`` (a Monday unless given)."""
    return au(start, start + dt.timedelta(days=n - 1))


def mon_to_fri(monday: dt.date) -> AbsenceFact:
    return au(monday, monday + dt.timedelta(days=4))


# --- §11 worked cases, verbatim --------------------------------------------------------------------------------------


def test_h15_helens_91_days_before_admission_make_k1_due_and_flag_bem():
    """H15: Helen's AU 2025-12-01 – 2026-03-01, admission 2026-03-02 → 91 days: K-1 due (≥ 90), BEM flag (> 42)."""
    stay = judge_stay([au(D(2025, 12, 1), D(2026, 3, 1))], admission=D(2026, 3, 2), discharge=None)
    verdict = stay.before_admission
    assert verdict.reference == D(2026, 3, 1)  # B-6: the day before admission
    assert (verdict.window_start, verdict.window_end) == (D(2025, 3, 2), D(2026, 3, 1))
    assert verdict.calendar_days == 91
    assert verdict.grtw_due is True
    assert verdict.bem is True


def test_tr2_tristans_60_days_flag_bem_crossed_on_day_43():
    """TR2: AU 2026-01-05 – 2026-03-05 → BEM flag true (60 > 42; threshold crossed on day 43 = 2026-02-16)."""
    verdict = judge([au(D(2026, 1, 5), D(2026, 3, 5))], D(2026, 3, 5))
    assert verdict.calendar_days == 60
    assert verdict.bem is True
    assert verdict.bem_since == D(2026, 2, 16)


def test_tr3_tristans_section_74_assessment_is_due_from_day_42():
    """TR3: same AU history → §74 assessment due from day 42 = 2026-02-15 (B-7)."""
    verdict = judge([au(D(2026, 1, 5), D(2026, 3, 5))], D(2026, 3, 5))
    assert verdict.s74_due is True
    assert verdict.s74_due_from == D(2026, 2, 15)
    assert (verdict.episode_start, verdict.episode_days) == (D(2026, 1, 5), 60)


def test_tr5_tristan_admitted_on_6_march_k1_not_due_bem_examination_due():
    """TR5: same history, admission to rehab 2026-03-06 → K-1 not due (60 < 90); rec 8.2 BEM examination due."""
    verdict = judge_stay([au(D(2026, 1, 5), D(2026, 3, 5))], admission=D(2026, 3, 6), discharge=None).before_admission
    assert verdict.calendar_days == 60
    assert verdict.grtw_due is False
    assert verdict.bem is True


def test_b1_an_ongoing_episode_on_its_42nd_day_makes_s74_due_but_no_bem():
    """B1: one ongoing AU episode, reference date = its 42nd day → no BEM flag; §74 assessment due (≥ 42)."""
    start = D(2026, 1, 5)
    reference = start + dt.timedelta(days=41)
    verdict = judge([au(start, None)], reference)
    assert verdict.calendar_days == 42
    assert verdict.bem is False
    assert verdict.bem_rule == RULE_NONE
    assert verdict.s74_due is True
    assert verdict.s74_due_from == reference


def test_b2_one_episode_of_43_days_flags_bem_by_the_calendar_rule():
    """B2: one AU episode of 43 days → BEM flag (calendar rule). Starting on a Saturday its 43 days hold only 30
    working days, so the calendar rule alone fires."""
    saturday = D(2026, 1, 3)
    verdict = judge([days(43, saturday)], D(2026, 3, 31))
    assert verdict.calendar_days == 43
    assert verdict.working_days == 30
    assert (verdict.bem, verdict.bem_rule) == (True, RULE_CALENDAR)


def test_b3_six_monday_to_friday_episodes_in_a_5_day_week_flag_nothing():
    """B3: 6 AU episodes Mon–Fri (30 working days, 30 calendar days), 5-day week → no flag."""
    episodes = [mon_to_fri(D(2026, 1, 5) + dt.timedelta(weeks=2 * i)) for i in range(6)]
    verdict = judge(episodes, D(2026, 3, 31), working_days_per_week=5)
    assert (verdict.calendar_days, verdict.working_days) == (30, 30)
    assert verdict.bem is False


def test_b4_seven_such_episodes_flag_bem_by_the_working_day_rule_only():
    """B4: 7 such episodes (35 working days, 35 calendar days) → flag via B-5 only."""
    episodes = [mon_to_fri(D(2026, 1, 5) + dt.timedelta(weeks=2 * i)) for i in range(7)]
    verdict = judge(episodes, D(2026, 4, 30), working_days_per_week=5)
    assert (verdict.calendar_days, verdict.working_days) == (35, 35)
    assert (verdict.bem, verdict.bem_rule) == (True, RULE_WORKING_DAYS)
    assert verdict.working_day_limit == 30
    # crossed with the 31st working day: the Monday of the 7th episode
    assert verdict.bem_since == D(2026, 1, 5) + dt.timedelta(weeks=12)


def test_b5_an_episode_crossing_the_window_start_counts_only_inside():
    """B5: reference 2026-03-01, episode 2025-02-20 – 2025-03-10 → counts 9 days (2025-03-02 – 03-10)."""
    verdict = judge([au(D(2025, 2, 20), D(2025, 3, 10))], D(2026, 3, 1))
    assert verdict.window_start == D(2025, 3, 2)
    assert verdict.calendar_days == 9
    assert absence_days([au(D(2025, 2, 20), D(2025, 3, 10))], *window(D(2026, 3, 1)))[0] == D(2025, 3, 2)


def test_b6_two_overlapping_certificates_count_31_days_not_37():
    """B6: two overlapping certificates 2026-01-01 – 01-20 and 2026-01-15 – 01-31 → 31 days, not 37."""
    verdict = judge([au(D(2026, 1, 1), D(2026, 1, 20)), au(D(2026, 1, 15), D(2026, 1, 31))], D(2026, 3, 1))
    assert verdict.calendar_days == 31


# --- boundaries ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "flag"), [(42, False), (43, True)])
def test_bem_needs_more_than_42_calendar_days(n, flag):
    """B-4: "more than six weeks": 42 days exactly is not enough (Saturday start keeps B-5 out of it)."""
    verdict = judge([days(n, D(2026, 1, 3))], D(2026, 6, 30))
    assert verdict.calendar_days == n
    assert verdict.bem is flag


@pytest.mark.parametrize(("n", "due"), [(89, False), (90, True)])
def test_a_graded_return_is_to_be_examined_from_90_days(n, due):
    """K-1: "at least 3 months" = at least 90 calendar days."""
    verdict = judge([days(n, D(2025, 10, 1))], D(2026, 3, 1))
    assert verdict.calendar_days == n
    assert verdict.grtw_due is due


def test_the_graded_return_threshold_is_a_parameter():
    verdict = judge([days(60, D(2025, 12, 1))], D(2026, 3, 1), grtw_min_days=60)
    assert (verdict.grtw_due, verdict.grtw_min_days) == (True, 60)
    assert judge([days(59, D(2025, 12, 1))], D(2026, 3, 1), grtw_min_days=60).grtw_due is False


@pytest.mark.parametrize(("n", "due"), [(41, False), (42, True)])
def test_section_74_is_due_from_the_42nd_day_of_a_current_episode(n, due):
    """B-7: "from six weeks" (≥ 42), unlike BEM's "more than six weeks"."""
    start = D(2026, 1, 5)
    verdict = judge([au(start, None)], start + dt.timedelta(days=n - 1))
    assert verdict.episode_days == n
    assert verdict.s74_due is due


def test_the_bem_threshold_day_is_the_43rd_day_of_absence():
    start = D(2026, 1, 5)
    verdict_42 = judge([au(start, None)], start + dt.timedelta(days=41))
    verdict_43 = judge([au(start, None)], start + dt.timedelta(days=42))
    assert verdict_42.bem is False
    assert (verdict_43.bem, verdict_43.bem_since) == (True, D(2026, 2, 16))


def test_the_threshold_day_is_that_of_the_current_run_when_an_earlier_flag_lapsed():
    """Flagged in spring 2025 by a 50-day AU; the window has moved past it; a new 43-day AU flags again from its own
    43rd day (the old days are out of the window by then)."""
    old = au(D(2025, 1, 6), D(2025, 2, 24))  # 50 days
    new = days(43, D(2026, 3, 7))  # Saturday start
    verdict = judge([old, new], D(2026, 4, 30))
    assert verdict.calendar_days == 43
    assert verdict.bem_since == D(2026, 4, 18)


# --- the 12-month window (B-3) ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "start"),
    [
        (D(2026, 3, 1), D(2025, 3, 2)),
        (D(2026, 3, 5), D(2025, 3, 6)),
        (D(2026, 12, 31), D(2026, 1, 1)),
        (D(2026, 1, 1), D(2025, 1, 2)),
        (D(2024, 2, 29), D(2023, 3, 1)),  # leap day: 12 months back is 28.02.2023 (clipped), + 1 day
        (D(2025, 2, 28), D(2024, 2, 29)),  # the literal formula reaches the leap day: a window of 366 days
        (D(2025, 3, 1), D(2024, 3, 2)),
        (D(2024, 3, 1), D(2023, 3, 2)),  # the window of a leap year holds 29.02.2024: 366 days
    ],
)
def test_the_window_is_the_12_months_ending_on_the_reference_date(reference, start):
    assert window(reference) == (start, reference)


def test_months_back_clips_to_the_end_of_a_shorter_month():
    assert months_back(D(2026, 3, 31), 1) == D(2026, 2, 28)
    assert months_back(D(2024, 3, 31), 1) == D(2024, 2, 29)
    assert months_back(D(2026, 1, 15), 12) == D(2025, 1, 15)


@pytest.mark.parametrize(
    ("day", "counted"),
    [(D(2025, 3, 1), 0), (D(2025, 3, 2), 1), (D(2026, 3, 1), 1), (D(2026, 3, 2), 0)],
)
def test_a_day_counts_from_the_window_start_through_the_reference_date(day, counted):
    verdict = judge([au(day, day)], D(2026, 3, 1))
    assert verdict.calendar_days == counted


def test_the_leap_day_counts_in_a_leap_year_window():
    verdict = judge([au(D(2024, 2, 28), D(2024, 3, 1))], D(2024, 12, 31))
    assert verdict.calendar_days == 3


def test_an_open_period_runs_to_the_reference_date_and_a_later_period_does_not_count():
    verdict = judge([au(D(2026, 2, 1), None), au(D(2026, 3, 10), D(2026, 3, 20))], D(2026, 3, 1))
    assert verdict.calendar_days == 29


def test_days_in_window_of_one_period():
    assert days_in_window(au(D(2025, 2, 20), D(2025, 3, 10)), D(2026, 3, 1)) == 9
    assert days_in_window(au(D(2024, 2, 20), D(2024, 3, 10)), D(2026, 3, 1)) == 0
    assert days_in_window(au(D(2026, 2, 20), None), D(2026, 3, 1)) == 10


# --- the working-day rule (B-5) -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("per_week", "working"),
    [
        (5, ["Mon", "Tue", "Wed", "Thu", "Fri"]),
        (3, ["Mon", "Tue", "Wed"]),
        (2, ["Mon", "Tue"]),
        (7, ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]),
    ],
)
def test_an_n_day_week_works_monday_to_the_nth_weekday(per_week, working):
    week = [D(2026, 1, 5) + dt.timedelta(days=i) for i in range(7)]  # Monday … Sunday
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert [names[i] for i, day in enumerate(week) if is_working_day(day, per_week)] == working


def _short_absences(weeks: int, days_each: int) -> list[AbsenceFact]:
    """``weeks`` absences of ``days_each`` days from Monday, every other week (no two run into each other)."""
    return [days(days_each, D(2026, 1, 5) + dt.timedelta(weeks=2 * i)) for i in range(weeks)]


@pytest.mark.parametrize(
    ("per_week", "episodes", "days_each", "working", "flag"),
    [
        (5, 6, 5, 30, False),  # 5-day week: limit 30
        (5, 7, 5, 35, True),
        (3, 6, 3, 18, False),  # 3-day week: limit 18
        (3, 7, 3, 21, True),
        (2, 6, 2, 12, False),  # 2-day week: limit 12
        (2, 7, 2, 14, True),
    ],
)
def test_the_working_day_rule_flags_more_than_six_weeks_of_working_days(per_week, episodes, days_each, working, flag):
    verdict = judge(_short_absences(episodes, days_each), D(2026, 6, 30), working_days_per_week=per_week)
    assert verdict.working_days == working
    assert verdict.working_day_limit == 6 * per_week
    assert verdict.calendar_days == working <= 42  # the calendar rule stays out of it
    assert verdict.bem is flag
    assert verdict.bem_rule == (RULE_WORKING_DAYS if flag else RULE_NONE)


def test_absences_on_days_off_do_not_count_as_working_days():
    """A 3-day week (Mon–Wed): Thursday to Sunday absences are calendar days only."""
    thursdays = [D(2026, 1, 8) + dt.timedelta(weeks=i) for i in range(11)]
    absences = [au(thursday, thursday + dt.timedelta(days=3)) for thursday in thursdays]
    verdict = judge(absences, D(2026, 6, 30), working_days_per_week=3)
    assert (verdict.calendar_days, verdict.working_days) == (44, 0)
    assert verdict.bem_rule == RULE_CALENDAR


def test_a_long_absence_exceeds_both_rules():
    verdict = judge([au(D(2026, 1, 5), D(2026, 3, 5))], D(2026, 3, 5))
    assert verdict.bem_rule == RULE_BOTH


def test_working_days_per_week_outside_1_to_7_is_a_programming_error():
    with pytest.raises(ValueError):
        judge([], D(2026, 3, 1), working_days_per_week=0)


# --- §74 episode (B-7) ----------------------------------------------------------------------------------------------


def test_certificates_that_follow_each_other_form_one_episode():
    verdict = judge([au(D(2026, 1, 5), D(2026, 1, 31)), au(D(2026, 2, 1), None)], D(2026, 2, 20))
    assert (verdict.episode_start, verdict.episode_days, verdict.s74_due) == (D(2026, 1, 5), 47, True)


def test_a_free_day_ends_the_episode():
    verdict = judge([au(D(2026, 1, 5), D(2026, 1, 30)), au(D(2026, 2, 1), None)], D(2026, 2, 20))
    assert (verdict.episode_start, verdict.episode_days, verdict.s74_due) == (D(2026, 2, 1), 20, False)


def test_an_episode_that_ended_before_the_reference_date_is_not_current():
    verdict = judge([au(D(2026, 1, 5), D(2026, 2, 27))], D(2026, 3, 1))
    assert (verdict.episode_start, verdict.episode_days) == (None, 0)
    assert (verdict.s74_due, verdict.s74_due_from) == (False, None)


def test_sick_days_without_a_certificate_are_no_au_episode_but_count_for_bem():
    verdict = judge([au(D(2026, 1, 5), None, kind="uncertified")], D(2026, 3, 1))
    assert verdict.episode_days == 0
    assert verdict.bem is True


def test_a_rehab_stay_continues_the_au_episode():
    facts = [au(D(2026, 1, 5), D(2026, 1, 20)), au(D(2026, 1, 21), D(2026, 2, 10), "rehab"), au(D(2026, 2, 11), None)]
    assert judge(facts, D(2026, 2, 20)).episode_start == D(2026, 1, 5)


# --- the clinic's view (B-6) ----------------------------------------------------------------------------------------


def test_the_projection_at_discharge_counts_the_rehab_stay_itself():
    """B-6 / B-2: 30 days before admission, 35 days of rehab: no BEM before admission, BEM at discharge."""
    stay = judge_stay([days(30, D(2026, 9, 1))], admission=D(2026, 11, 2), discharge=D(2026, 12, 6))
    assert stay.before_admission.calendar_days == 30
    assert stay.before_admission.bem is False
    projected = stay.at_discharge
    assert projected.reference == D(2026, 12, 6)
    assert projected.calendar_days == 65
    assert projected.bem is True
    assert projected.bem_rule == "both"
    # September holds 22 working days: the 9th working day of rehab (Thu 12.11.) is the 31st, before the 43rd
    # calendar day (Sat 14.11.): the earlier crossing counts.
    assert projected.bem_since == D(2026, 11, 12)


def test_an_open_period_and_the_rehab_stay_overlap_once_in_the_projection():
    stay = judge_stay([au(D(2026, 10, 1), None)], admission=D(2026, 11, 2), discharge=D(2026, 12, 7))
    assert stay.before_admission.calendar_days == 32
    assert stay.at_discharge.calendar_days == 68


def test_without_a_discharge_date_there_is_no_projection():
    assert judge_stay([], admission=D(2026, 11, 2), discharge=None).at_discharge is None
