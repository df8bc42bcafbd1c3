"""The team-conference rules: rec 9.12 (weekly interprofessional case conference) and rec 4.10/K-6 (comparison
before the team conference). Pure functions: no database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from diagnostics.rules_conference import (
    MIN_PROFESSIONS,
    ConferenceFacts,
    DueState,
    WeekState,
    comparison_ready_on,
    conference_due_state,
    meets_weekly_rule,
    monday_of,
    weekly_conferences,
)

MONDAY = dt.date(2026, 11, 2)  # a Monday
SUNDAY = dt.date(2026, 11, 8)
THREE = ("physician", "psychologist", "social_worker")


def conf(day, *professions, pk=None):
    return ConferenceFacts(held_on=day, professions=tuple(professions), conference_id=pk)


def test_the_threshold_is_three_professions():
    assert MIN_PROFESSIONS == 3


def test_a_conference_of_three_professions_meets_the_week():
    [week] = weekly_conferences([conf(MONDAY, *THREE)], start=MONDAY, end=SUNDAY)
    assert week.state == WeekState.MET
    assert week.professions == frozenset(THREE)


def test_a_conference_of_two_professions_does_not_meet_the_week():
    [week] = weekly_conferences([conf(MONDAY, "physician", "psychologist")], start=MONDAY, end=SUNDAY)
    assert week.state == WeekState.NOT_MET
    assert len(week.professions) == 2


def test_two_participants_of_the_same_profession_count_once():
    [week] = weekly_conferences([conf(MONDAY, "psychologist", "psychologist", "physician")], start=MONDAY, end=SUNDAY)
    assert week.state == WeekState.NOT_MET


def test_two_conferences_of_two_professions_each_in_one_week_do_not_combine():
    """PRODUCT CHOICE: 9.12 asks for one interprofessional conference, not for professions spread over the week."""
    held = [conf(MONDAY, "physician", "psychologist"), conf(SUNDAY, "social_worker", "nurse")]
    [week] = weekly_conferences(held, start=MONDAY, end=SUNDAY)
    assert week.state == WeekState.NOT_MET
    assert week.conferences == 2
    assert len(week.professions) == 2


def test_other_administration_is_not_counted_as_a_profession():
    [week] = weekly_conferences([conf(MONDAY, "physician", "psychologist", "other")], start=MONDAY, end=SUNDAY)
    assert week.state == WeekState.NOT_MET
    assert not meets_weekly_rule(["physician", "psychologist", "other"])
    assert meets_weekly_rule(["physician", "psychologist", "nurse", "other"])


def test_a_conference_on_sunday_counts_for_the_week_that_ends_that_sunday():
    weeks = weekly_conferences([conf(SUNDAY, *THREE)], start=MONDAY, end=SUNDAY + dt.timedelta(days=7))
    assert [w.state for w in weeks] == [WeekState.MET, WeekState.NOT_MET]


def test_a_conference_on_the_next_monday_counts_for_the_next_week_only():
    next_monday = SUNDAY + dt.timedelta(days=1)
    weeks = weekly_conferences([conf(next_monday, *THREE)], start=MONDAY, end=next_monday + dt.timedelta(days=6))
    assert [w.state for w in weeks] == [WeekState.NOT_MET, WeekState.MET]
    assert [w.monday for w in weeks] == [MONDAY, next_monday]


def test_weeks_run_monday_to_sunday_and_cover_the_weeks_of_start_and_end():
    weeks = weekly_conferences([], start=dt.date(2026, 11, 5), end=dt.date(2026, 11, 17))
    assert [w.monday for w in weeks] == [dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16)]
    assert weeks[0].sunday == SUNDAY
    assert weeks[0].iso_week == (2026, 45)


def test_the_running_week_without_a_conference_is_not_yet_due():
    wednesday = MONDAY + dt.timedelta(days=2)
    [week] = weekly_conferences([], start=MONDAY, end=wednesday)
    assert week.state == WeekState.NOT_YET_DUE


def test_the_running_week_with_a_conference_of_three_professions_is_met_already():
    wednesday = MONDAY + dt.timedelta(days=2)
    [week] = weekly_conferences([conf(MONDAY, *THREE)], start=MONDAY, end=wednesday)
    assert week.state == WeekState.MET


def test_a_week_ending_on_the_end_day_is_decided():
    [week] = weekly_conferences([], start=MONDAY, end=SUNDAY)
    assert week.state == WeekState.NOT_MET


def test_a_conference_after_the_end_day_is_not_counted():
    wednesday = MONDAY + dt.timedelta(days=2)
    [week] = weekly_conferences([conf(wednesday + dt.timedelta(days=1), *THREE)], start=MONDAY, end=wednesday)
    assert week.state == WeekState.NOT_YET_DUE
    assert week.conferences == 0


def test_the_week_names_its_best_single_conference():
    held = [conf(MONDAY, "physician", pk=1), conf(MONDAY + dt.timedelta(days=3), *THREE, pk=2)]
    [week] = weekly_conferences(held, start=MONDAY, end=SUNDAY)
    assert week.best_conference_id == 2


def test_a_year_boundary_week_is_one_iso_week():
    new_year = conf(dt.date(2027, 1, 1), *THREE)
    weeks = weekly_conferences([new_year], start=dt.date(2026, 12, 28), end=dt.date(2027, 1, 3))
    assert len(weeks) == 1
    assert weeks[0].iso_week == (2026, 53)
    assert weeks[0].met


def test_an_end_before_the_start_gives_no_weeks():
    assert weekly_conferences([], start=SUNDAY, end=MONDAY) == []


@pytest.mark.parametrize("day", [MONDAY + dt.timedelta(days=i) for i in range(7)])
def test_every_day_of_a_week_has_that_weeks_monday(day):
    assert monday_of(day) == MONDAY


def test_the_reasons_say_what_was_missing():
    with translation.override("en"):
        [met] = weekly_conferences([conf(MONDAY, *THREE)], start=MONDAY, end=SUNDAY)
        [two] = weekly_conferences([conf(MONDAY, "physician", "nurse")], start=MONDAY, end=SUNDAY)
        [none] = weekly_conferences([], start=MONDAY, end=SUNDAY)
        assert met.reason == "A conference with 3 professions took place."
        assert two.reason == "At most 2 professions at one conference; 3 are needed."
        assert none.reason == "No conference took place this week."


# --- comparison before the team conference ------------------------------------------------------------------------

CONF_DAY = dt.date(2026, 11, 12)
TODAY = dt.date(2026, 11, 20)


def test_the_comparison_is_ready_on_the_later_of_the_two_profile_dates():
    assert comparison_ready_on(dt.date(2026, 11, 5), dt.date(2026, 11, 9)) == dt.date(2026, 11, 9)
    assert comparison_ready_on(dt.date(2026, 11, 5), None) is None
    assert comparison_ready_on(None, dt.date(2026, 11, 5)) is None


def test_without_profiles_and_without_a_conference_the_comparison_is_open():
    state = conference_due_state(ready_on=None, discussed_on=None, discussed_with_comparison=False, today=TODAY)
    assert state.state == DueState.OPEN
    assert not state.flagged


def test_a_ready_comparison_not_yet_discussed_is_due():
    state = conference_due_state(
        ready_on=dt.date(2026, 11, 14), discussed_on=None, discussed_with_comparison=False, today=TODAY
    )
    assert state.state == DueState.DUE


def test_a_conference_of_the_facility_after_the_comparison_without_this_stay_makes_it_overdue():
    state = conference_due_state(
        ready_on=dt.date(2026, 11, 10),
        discussed_on=None,
        discussed_with_comparison=False,
        facility_conference_dates=[dt.date(2026, 11, 5), CONF_DAY],
        today=TODAY,
    )
    assert state.state == DueState.OVERDUE
    assert state.missed_conference_on == CONF_DAY
    assert state.flagged


def test_a_conference_on_the_day_the_comparison_became_ready_counts_as_missed():
    state = conference_due_state(
        ready_on=CONF_DAY,
        discussed_on=None,
        discussed_with_comparison=False,
        facility_conference_dates=[CONF_DAY],
        today=TODAY,
    )
    assert state.state == DueState.OVERDUE


def test_a_conference_before_the_comparison_was_ready_is_not_missed():
    state = conference_due_state(
        ready_on=dt.date(2026, 11, 13),
        discussed_on=None,
        discussed_with_comparison=False,
        facility_conference_dates=[CONF_DAY],
        today=TODAY,
    )
    assert state.state == DueState.DUE


def test_a_conference_dated_after_today_is_not_missed_yet():
    state = conference_due_state(
        ready_on=dt.date(2026, 11, 10),
        discussed_on=None,
        discussed_with_comparison=False,
        facility_conference_dates=[TODAY + dt.timedelta(days=1)],
        today=TODAY,
    )
    assert state.state == DueState.DUE


def test_a_stay_discussed_with_its_comparison_is_met():
    state = conference_due_state(
        ready_on=dt.date(2026, 11, 10), discussed_on=CONF_DAY, discussed_with_comparison=True, today=TODAY
    )
    assert state.state == DueState.MET
    assert not state.flagged


def test_a_stay_discussed_without_a_comparison_is_flagged():
    state = conference_due_state(ready_on=None, discussed_on=CONF_DAY, discussed_with_comparison=False, today=TODAY)
    assert state.state == DueState.WITHOUT_COMPARISON
    assert state.flagged


def test_a_comparison_compiled_after_the_discussion_is_due_again_at_the_next_conference():
    after = conference_due_state(
        ready_on=dt.date(2026, 11, 14), discussed_on=CONF_DAY, discussed_with_comparison=False, today=TODAY
    )
    assert after.state == DueState.DUE
    missed = conference_due_state(
        ready_on=dt.date(2026, 11, 14),
        discussed_on=CONF_DAY,
        discussed_with_comparison=False,
        facility_conference_dates=[CONF_DAY, dt.date(2026, 11, 19)],
        today=TODAY,
    )
    assert missed.state == DueState.OVERDUE


def test_a_comparison_dated_before_the_discussion_but_not_frozen_there_stays_flagged():
    state = conference_due_state(
        ready_on=dt.date(2026, 11, 10), discussed_on=CONF_DAY, discussed_with_comparison=False, today=TODAY
    )
    assert state.state == DueState.WITHOUT_COMPARISON


def test_the_due_reasons_name_the_dates():
    with translation.override("en"):
        state = conference_due_state(
            ready_on=dt.date(2026, 11, 10),
            discussed_on=None,
            discussed_with_comparison=False,
            facility_conference_dates=[CONF_DAY],
            today=TODAY,
        )
        assert state.reason == (
            "The comparison has been ready since 10.11.2026, but the conference of 12.11.2026 did not discuss it."
        )
