"""The course indicators — goals 3.3, 3.4, 3.6, 3.7, 3.9, diagnostics 4.1, 4.7, 4.10 — and the weekly case conference
9.12 (``compliance.indicators.course`` / ``course_rules``).

First the pure rules over hand-built facts: every indicator in each of its states, on both sides of each boundary
(day 7, day 10, the day findings are ready, the discharge day, ``today``). Then the same states through the real
services of screening, goals and diagnostics (the conftest stay: admitted Monday 2.11.2026, day n = 1.11. + n), and
9.12 over a hand-built November of conferences."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from compliance import registry
from compliance.indicators import course
from compliance.indicators import course_rules as rules
from compliance.indicators.course_rules import AgreedVersion, CourseFacts
from compliance.periods import Period
from diagnostics import demo as diagnostics_demo
from diagnostics.models import ProfileInstrument
from diagnostics.rules import SessionFact
from diagnostics.rules_conference import ConferenceDue, DueState, Week, WeekState
from diagnostics.services.conference import ParticipantInput, case_add, conference_create
from diagnostics.services.jobs import job_description_save
from diagnostics.services.profiles import RatingEntry, profile_create, rating_record
from diagnostics.services.sessions import session_record
from goals import services as goals
from goals.documents import copy_create
from patients.services import stay_update
from screening.models import AssignmentDecision
from screening.services.assignment import decision_record, motivation_record
from staff.models import Profession
from tests.factories import UserFactory
from tests.therapy.conftest import assign_wmr
from wmr.indicators import IndicatorState

MET, NOT_MET = IndicatorState.MET, IndicatorState.NOT_MET
NOT_APPLICABLE, NOT_YET_DUE = IndicatorState.NOT_APPLICABLE, IndicatorState.NOT_YET_DUE

ADMISSION = dt.date(2026, 11, 2)  # a Monday
DISCHARGE = dt.date(2026, 12, 4)
SERVICE_TODAY = dt.date(2026, 12, 5)  # the services' "today": every date recorded below lies before it
WMR = rules.Applicability(True)
NOT_WMR = rules.Applicability(False, "The stay is not assigned to WMR.")


def day(n: int) -> dt.date:
    return ADMISSION + dt.timedelta(days=n - 1)


def facts(**kwargs) -> CourseFacts:
    kwargs.setdefault("admission", ADMISSION)
    kwargs.setdefault("wmr", WMR)
    return CourseFacts(**kwargs)


def discharged(**kwargs) -> CourseFacts:
    return facts(discharged_on=DISCHARGE, **kwargs)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_every_course_function_is_registered_with_its_basis():
    assert set(course.STAY_BASIS) == set(rules.INDICATORS)
    assert {k for k, v in course.STAY_BASIS.items() if v == registry.ADMISSION} == {
        "motivation_clarified_before_assignment",
        "work_goals_at_start",
        "goal_agreement_written",
    }
    assert set(course.FACILITY_MEASURES) == {"weekly_case_conference"}


@pytest.mark.parametrize("key", sorted(rules.INDICATORS))
def test_every_course_indicator_is_not_applicable_for_a_stay_that_is_not_wmr(key):
    result = rules.INDICATORS[key](discharged(wmr=NOT_WMR), DISCHARGE)
    assert result.state == NOT_APPLICABLE
    assert result.reason == "The stay is not assigned to WMR."


# --- 3.3 motivation before the assignment (pure) --------------------------------------------------------------------


def assigned_on(on: dt.date) -> tuple[rules.DecisionFact, ...]:
    return (rules.DecisionFact("assign", on, on),)


def test_3_3_a_motivation_recorded_on_the_day_of_the_assignment_is_before_it():
    result = rules.motivation_clarified_before_assignment(
        facts(decisions=assigned_on(day(3)), motivations_on=(day(3),)), day(20)
    )
    assert result.state == MET
    assert result.reason == "Motivation clarified on 04.11.2026, before WMR was assigned on 04.11.2026."


def test_3_3_a_motivation_recorded_the_day_after_the_assignment_is_not_met():
    result = rules.motivation_clarified_before_assignment(
        facts(decisions=assigned_on(day(3)), motivations_on=(day(4),)), day(20)
    )
    assert result.state == NOT_MET
    assert result.reason == "Motivation recorded only on 05.11.2026, after WMR was assigned on 04.11.2026."


def test_3_3_no_motivation_at_all_is_not_met_at_once_there_is_nothing_to_wait_for():
    result = rules.motivation_clarified_before_assignment(facts(decisions=assigned_on(day(3))), day(3))
    assert result.state == NOT_MET
    assert result.reason == "No motivation recorded before WMR was assigned on 04.11.2026."


def test_3_3_a_switch_into_wmr_is_the_assignment_the_motivation_must_precede():
    decisions = (rules.DecisionFact("not_assign", day(1), day(1)), rules.DecisionFact("assign", day(9), day(9)))
    assert rules.motivation_clarified_before_assignment(
        facts(decisions=decisions, motivations_on=(day(9),)), day(9)
    ).met
    late = rules.motivation_clarified_before_assignment(facts(decisions=decisions, motivations_on=(day(10),)), day(10))
    assert late.state == NOT_MET


def test_3_3_the_first_assignment_counts_not_a_later_switch_back_into_wmr():
    decisions = (
        rules.DecisionFact("assign", day(2), day(2)),
        rules.DecisionFact("not_assign", day(5), day(5)),
        rules.DecisionFact("assign", day(9), day(9)),
    )
    result = rules.motivation_clarified_before_assignment(facts(decisions=decisions, motivations_on=(day(8),)), day(9))
    assert result.state == NOT_MET


def test_3_3_facts_that_call_a_stay_wmr_without_any_assignment_answer_in_words_instead_of_failing():
    result = rules.motivation_clarified_before_assignment(facts(motivations_on=(day(1),)), day(5))
    assert (result.state, result.reason) == (NOT_APPLICABLE, "WMR has not been assigned.")


# --- 3.4 goals in the first week (pure) -----------------------------------------------------------------------------


def test_3_4_goals_written_on_day_7_are_met_with_the_day_as_value():
    result = rules.work_goals_at_start(facts(goals_written_on=day(7)), day(7))
    assert (result.state, result.value, result.target) == (MET, 7, 7)
    assert result.reason == "Goals written on day 7 (08.11.2026), due by day 7."


def test_3_4_goals_written_on_day_8_are_late_and_not_met():
    result = rules.work_goals_at_start(facts(goals_written_on=day(8)), day(8))
    assert (result.state, result.value) == (NOT_MET, 8)
    assert result.reason == "Goals written only on day 8, due by day 7."


def test_3_4_nothing_written_is_not_yet_due_on_day_7_and_not_met_on_day_8():
    assert rules.work_goals_at_start(facts(), day(7)).state == NOT_YET_DUE
    assert rules.work_goals_at_start(facts(), day(7)).reason == "No goals written yet; due by day 7 (08.11.2026)."
    result = rules.work_goals_at_start(facts(), day(8))
    assert result.state == NOT_MET
    assert result.reason == "No goals written by day 7 (08.11.2026)."


def test_3_4_goals_dated_after_today_do_not_count_yet():
    assert rules.work_goals_at_start(facts(goals_written_on=day(8)), day(7)).state == NOT_YET_DUE


def test_3_4_a_discharge_before_day_7_without_goals_is_not_met_from_the_discharge_day():
    early = facts(discharged_on=day(5))
    assert rules.work_goals_at_start(early, day(4)).state == NOT_YET_DUE
    result = rules.work_goals_at_start(early, day(5))
    assert result.state == NOT_MET
    assert result.reason == "No goals written by discharge on 06.11.2026, before day 7."


# --- 3.6 goals reviewed after the diagnostics (pure) ---------------------------------------------------------------


def test_3_6_a_review_on_the_day_the_findings_are_ready_is_met():
    result = rules.goals_reviewed_after_diagnostics(
        facts(comparison_ready_on=day(5), reviews_after_diagnostics=(day(5),)), day(20)
    )
    assert result.state == MET
    assert result.reason == "Goals reviewed after the diagnostics on 06.11.2026 (findings ready on 06.11.2026)."


def test_3_6_a_review_the_day_before_the_findings_does_not_count():
    early = dict(comparison_ready_on=day(5), reviews_after_diagnostics=(day(4),))
    running = rules.goals_reviewed_after_diagnostics(facts(**early), DISCHARGE - dt.timedelta(days=1))
    assert running.state == NOT_YET_DUE
    assert running.reason == (
        "Goals reviewed on 05.11.2026, before the diagnostic findings were ready on 06.11.2026; no review after them "
        "before discharge."
    )
    result = rules.goals_reviewed_after_diagnostics(discharged(**early), DISCHARGE)
    assert result.state == NOT_MET
    assert result.reason.endswith("no review after them by discharge on 04.12.2026.")


def test_3_6_no_review_after_the_findings_is_not_yet_due_until_discharge_then_not_met():
    ready = dict(comparison_ready_on=day(5))
    assert rules.goals_reviewed_after_diagnostics(discharged(**ready), DISCHARGE - dt.timedelta(days=1)).state == (
        NOT_YET_DUE
    )
    result = rules.goals_reviewed_after_diagnostics(discharged(**ready), DISCHARGE)
    assert result.state == NOT_MET
    assert result.reason == (
        "No review of the goals after the diagnostics (findings ready on 06.11.2026) by discharge on 04.12.2026."
    )


def test_3_6_without_findings_a_review_cannot_have_checked_the_goals_against_them():
    reviewed = dict(reviews_after_diagnostics=(day(12),))
    assert rules.goals_reviewed_after_diagnostics(facts(**reviewed), day(20)).state == NOT_YET_DUE
    result = rules.goals_reviewed_after_diagnostics(discharged(**reviewed), DISCHARGE)
    assert result.state == NOT_MET
    assert "no comparison of capacity and job demands was ready" in result.reason
    nothing = rules.goals_reviewed_after_diagnostics(discharged(), DISCHARGE)
    assert nothing.reason == (
        "The diagnostic findings (comparison of capacity and job demands) are not ready by discharge on 04.12.2026."
    )


def test_3_6_findings_and_reviews_dated_after_today_are_ignored():
    later = facts(comparison_ready_on=day(12), reviews_after_diagnostics=(day(12),))
    assert rules.goals_reviewed_after_diagnostics(later, day(11)).state == NOT_YET_DUE
    assert rules.goals_reviewed_after_diagnostics(later, day(12)).state == MET


# --- 3.7 goal agreement, 3.9 copy (pure) ---------------------------------------------------------------------------


def test_3_7_an_agreed_version_is_met_from_its_agreement_day():
    agreed = facts(goals_written_on=day(2), agreed_versions=(AgreedVersion(1, day(3)),))
    assert rules.goal_agreement_written(agreed, day(2)).state == NOT_YET_DUE
    result = rules.goal_agreement_written(agreed, day(3))
    assert result.state == MET
    assert result.reason == "Goal agreement (version 1) agreed with the patient on 04.11.2026."


def test_3_7_goals_written_but_never_agreed_are_not_met_at_discharge():
    draft = dict(goals_written_on=day(2))
    running = rules.goal_agreement_written(discharged(**draft), DISCHARGE - dt.timedelta(days=1))
    assert running.state == NOT_YET_DUE
    assert running.reason == (
        "Goals written on 03.11.2026, but not agreed with the patient in a goal agreement before discharge."
    )
    assert rules.goal_agreement_written(discharged(**draft), DISCHARGE).state == NOT_MET


def test_3_7_no_goals_at_all():
    assert rules.goal_agreement_written(discharged(), DISCHARGE).reason == (
        "No goal agreement by discharge on 04.12.2026."
    )


def test_3_9_the_copy_of_the_version_in_force_handed_over_is_met():
    result = rules.goal_agreement_copy_handed_over(facts(agreed_versions=(AgreedVersion(1, day(3), day(3)),)), day(3))
    assert result.state == MET
    assert result.reason == "Copy of the goal agreement (version 1) handed over on 04.11.2026."


def test_3_9_a_copy_of_a_replaced_version_is_not_the_copy_of_the_agreement():
    versions = (AgreedVersion(1, day(3), day(3)), AgreedVersion(2, day(12)))
    assert rules.goal_agreement_copy_handed_over(facts(agreed_versions=versions), day(11)).state == MET
    running = rules.goal_agreement_copy_handed_over(facts(agreed_versions=versions), day(12))
    assert running.state == NOT_YET_DUE
    assert running.reason == (
        "Copy of the goal agreement (version 2, agreed on 13.11.2026) not handed over before discharge."
    )
    assert rules.goal_agreement_copy_handed_over(discharged(agreed_versions=versions), DISCHARGE).state == NOT_MET


def test_3_9_a_copy_dated_after_today_does_not_count_yet():
    versions = (AgreedVersion(1, day(3), day(6)),)
    assert rules.goal_agreement_copy_handed_over(facts(agreed_versions=versions), day(5)).state == NOT_YET_DUE
    assert rules.goal_agreement_copy_handed_over(facts(agreed_versions=versions), day(6)).state == MET


def test_3_9_without_an_agreed_version():
    assert rules.goal_agreement_copy_handed_over(facts(), day(20)).state == NOT_YET_DUE
    result = rules.goal_agreement_copy_handed_over(discharged(), DISCHARGE)
    assert result.state == NOT_MET
    assert result.reason == "No agreed goal agreement whose copy could be handed over by discharge on 04.12.2026."


# --- 4.1 diagnostics at the start (pure) ---------------------------------------------------------------------------


def session(on: dt.date, minutes: int, *professions: str, phase: str = "start") -> SessionFact:
    return SessionFact(phase, on, minutes, professions)


def test_4_1_two_sessions_of_45_minutes_by_two_professions_by_day_10_are_met():
    sessions = (session(day(3), 45, "psychologist"), session(day(10), 45, "social_worker"))
    result = rules.diagnostics_90min_multiprofessional(facts(diagnostic_sessions=sessions), day(10))
    assert (result.state, result.value, result.target) == (MET, 90, 90)
    assert result.reason == "90 minutes, 2 profession(s) in start sessions by day 10 (11.11.2026)."


def test_4_1_the_second_session_on_day_11_is_late_and_not_met():
    sessions = (session(day(3), 45, "psychologist"), session(day(11), 45, "social_worker"))
    result = rules.diagnostics_90min_multiprofessional(facts(diagnostic_sessions=sessions), day(11))
    assert (result.state, result.value) == (NOT_MET, 45)
    assert result.reason == "Reached only after day 10: 90 minutes, 2 profession(s) in all start sessions."


def test_4_1_ninety_minutes_of_one_profession_is_not_yet_due_on_day_10_and_not_met_on_day_11():
    sessions = (session(day(3), 90, "psychologist"),)
    running = rules.diagnostics_90min_multiprofessional(facts(diagnostic_sessions=sessions), day(10))
    assert (running.state, running.value) == (NOT_YET_DUE, 90)
    assert running.reason.endswith("1 more profession needed.")
    assert rules.diagnostics_90min_multiprofessional(facts(diagnostic_sessions=sessions), day(11)).state == NOT_MET


def test_4_1_a_discharge_before_day_10_closes_the_open_diagnostics():
    sessions = (session(day(3), 45, "psychologist", "social_worker"),)
    early = facts(discharged_on=day(8), diagnostic_sessions=sessions)
    assert rules.diagnostics_90min_multiprofessional(early, day(7)).state == NOT_YET_DUE
    result = rules.diagnostics_90min_multiprofessional(early, day(8))
    assert result.state == NOT_MET
    assert result.reason.startswith("Discharged on 09.11.2026 before the diagnostics were complete: 45 minutes")


def test_4_1_sessions_after_today_and_of_other_phases_do_not_count():
    sessions = (session(day(3), 45, "psychologist"), session(day(6), 45, "social_worker"))
    assert rules.diagnostics_90min_multiprofessional(facts(diagnostic_sessions=sessions), day(5)).value == 45
    later = (session(day(3), 45, "psychologist"), session(day(6), 45, "social_worker", phase="discharge"))
    assert rules.diagnostics_90min_multiprofessional(facts(diagnostic_sessions=later), day(10)).state == NOT_YET_DUE


# --- 4.7 profile comparison (pure) ---------------------------------------------------------------------------------


def test_4_7_met_from_the_day_both_profiles_are_rated():
    ready = facts(comparison_ready_on=day(5))
    assert rules.profile_comparison_done(ready, day(4)).state == NOT_YET_DUE
    result = rules.profile_comparison_done(ready, day(5))
    assert result.state == MET
    assert result.reason == "Capacity and job demands compared (both profiles rated by 06.11.2026)."


def test_4_7_no_comparison_is_not_yet_due_until_discharge_then_not_met():
    assert rules.profile_comparison_done(discharged(), DISCHARGE - dt.timedelta(days=1)).state == NOT_YET_DUE
    result = rules.profile_comparison_done(discharged(), DISCHARGE)
    assert result.state == NOT_MET
    assert result.reason == (
        "No comparison of a rated capacity profile with a rated job-demand profile by discharge on 04.12.2026."
    )


def test_4_7_profiles_that_cannot_be_compared_do_not_count_and_say_why():
    result = rules.profile_comparison_done(discharged(comparison_refused="Other instruments."), DISCHARGE)
    assert result.state == NOT_MET
    assert result.reason == "The profiles cannot be compared by discharge on 04.12.2026: Other instruments."


# --- 4.10 team conference (pure) -----------------------------------------------------------------------------------

THREE = ("psychologist", "social_worker", "physician")


def discussed() -> ConferenceDue:
    return ConferenceDue(DueState.MET, comparison_ready_on=day(5), discussed_on=day(11))


def test_4_10_discussed_with_the_comparison_at_an_interprofessional_conference_is_met():
    result = rules.team_conference_on_profiles(facts(conference=discussed(), conference_professions=THREE), day(11))
    assert result.state == MET
    assert result.reason == "Discussed at the team conference of 12.11.2026 with the comparison of 06.11.2026."


def test_4_10_a_meeting_of_two_professions_is_not_interprofessional_and_other_is_no_profession():
    small = dict(conference=discussed(), conference_professions=("psychologist", "social_worker", "other"))
    running = rules.team_conference_on_profiles(discharged(**small), DISCHARGE - dt.timedelta(days=1))
    assert running.state == NOT_YET_DUE
    assert running.reason == (
        "Discussed at the team conference of 12.11.2026 with the comparison, but with 2 profession(s) only; an "
        "interprofessional conference needs 3."
    )
    assert rules.team_conference_on_profiles(discharged(**small), DISCHARGE).state == NOT_MET


def test_4_10_each_open_state_of_the_conference_rule_waits_for_discharge_with_its_reason():
    overdue = ConferenceDue(DueState.OVERDUE, comparison_ready_on=day(5), missed_conference_on=day(11))
    running = rules.team_conference_on_profiles(discharged(conference=overdue), DISCHARGE - dt.timedelta(days=1))
    assert running.state == NOT_YET_DUE
    assert running.reason == overdue.reason
    without = ConferenceDue(DueState.WITHOUT_COMPARISON, discussed_on=day(11))
    result = rules.team_conference_on_profiles(discharged(conference=without, conference_professions=THREE), DISCHARGE)
    assert result.state == NOT_MET
    assert result.reason == (
        "Discussed at the team conference of 12.11.2026 without a comparison of capacity and demand profile."
    )


def test_4_10_never_discussed_by_discharge():
    assert rules.team_conference_on_profiles(facts(), day(20)).state == NOT_YET_DUE
    result = rules.team_conference_on_profiles(discharged(), DISCHARGE)
    assert result.state == NOT_MET
    assert result.reason == "Not discussed at a team conference with the profile comparison by discharge on 04.12.2026."


# --- 9.12 weeks of a period (pure) ---------------------------------------------------------------------------------


def test_9_12_a_week_belongs_to_the_period_holding_its_thursday():
    # Q4 2026: 1.10. is a Thursday (its week from 28.9. counts), 31.12. a Thursday (its week to 3.1.2027 counts).
    assert rules.period_weeks(dt.date(2026, 10, 1), dt.date(2026, 12, 31), dt.date(2027, 2, 1)) == (
        dt.date(2026, 9, 28),
        dt.date(2027, 1, 3),
    )
    # November 2026: 1.11. is a Sunday (its week is October's), 30.11. a Monday (its week is December's).
    assert rules.period_weeks(dt.date(2026, 11, 1), dt.date(2026, 11, 30), dt.date(2027, 2, 1)) == (
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 29),
    )
    # A period starting on a Friday: that week's Thursday lies before it.
    assert rules.period_weeks(dt.date(2027, 1, 1), dt.date(2027, 1, 31), dt.date(2027, 3, 1))[0] == dt.date(2027, 1, 4)


def test_9_12_a_running_period_counts_up_to_today_and_a_future_one_not_at_all():
    assert rules.period_weeks(dt.date(2026, 11, 1), dt.date(2026, 11, 30), dt.date(2026, 11, 18)) == (
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 18),
    )
    assert rules.period_weeks(dt.date(2026, 11, 1), dt.date(2026, 11, 30), dt.date(2026, 11, 1)) is None


def test_9_12_met_weeks_of_the_weeks_that_are_over_the_running_week_apart():
    weeks = [
        Week(dt.date(2026, 11, 2), WeekState.MET, 1, frozenset(THREE)),
        Week(dt.date(2026, 11, 9), WeekState.NOT_MET, 0),
        Week(dt.date(2026, 11, 16), WeekState.NOT_YET_DUE, 1, frozenset(THREE[:2])),
    ]
    result = rules.weekly_case_conference_result(weeks)
    assert (result.numerator, result.denominator, str(result.rate)) == (1, 2, "50.0")
    assert result.reason == (
        "1 of 2 weeks with an interprofessional case conference (at least 3 professions). "
        "Not met: week 46/2026 (09.11.–15.11.2026): No conference took place this week. "
        "The running week is not yet due: So far at most 2 professions at one conference; 3 are needed."
    )


def test_9_12_no_week_over_yet_is_no_data_never_zero_percent():
    only_running = rules.weekly_case_conference_result([Week(dt.date(2026, 11, 2), WeekState.NOT_YET_DUE, 0)])
    assert (only_running.denominator, only_running.rate) == (0, None)
    assert only_running.reason == "No week of the period is over yet."
    assert rules.weekly_case_conference_result([]).reason == "The period has not begun yet."


# --- through the services: the conftest stay ------------------------------------------------------------------------


@pytest.fixture
def wmr_stay(stay, treating_psychologist, treating_physician):
    """The conftest stay assigned to WMR on day 2 (need assessment, motivation, physician's check, decision)."""
    assign_wmr(stay, psychologist=treating_psychologist, physician=treating_physician, on=day(2))
    return stay


def discharge(stay, by, on: dt.date = DISCHARGE):
    return stay_update(by=by, stay=stay, data={"status": "discharged", "discharge_date": on})


def results(stay, today: dt.date):
    return course.stay_results(stay, today)


def test_a_stay_without_decision_answers_not_applicable_for_all_eight(stay):
    found = results(stay, day(20))
    assert set(found) == set(rules.INDICATORS)
    assert {r.state for r in found.values()} == {NOT_APPLICABLE}
    assert found["work_goals_at_start"].reason == "No WMR decision yet."


def test_switched_out_of_wmr_the_indicators_no_longer_apply_from_the_switch(wmr_stay, treating_psychologist):
    decision_record(
        by=treating_psychologist,
        stay=wmr_stay,
        decision="not_assign",
        decided_on=day(8),
        effective_from=day(10),
        reason="no work focus after all",
    )
    assert results(wmr_stay, day(9))["motivation_clarified_before_assignment"].state == MET
    after = results(wmr_stay, day(10))["motivation_clarified_before_assignment"]
    assert (after.state, after.reason) == (NOT_APPLICABLE, "Switched out of WMR from 11.11.2026.")


def test_service_3_3_the_assignment_service_always_leaves_the_motivation_before_the_decision(wmr_stay):
    result = results(wmr_stay, day(2))["motivation_clarified_before_assignment"]
    assert result.state == MET
    assert result.reason == "Motivation clarified on 03.11.2026, before WMR was assigned on 03.11.2026."


def test_service_3_3_an_imported_assignment_without_a_prior_motivation_is_not_met(stay, treating_psychologist):
    # The service refuses WMR without a motivation, so only a record from before that check can miss it:
    # written to the table like a data import, then the motivation recorded later through the service.
    AssignmentDecision.objects.create(
        stay=stay, decision="assign", decided_on=day(3), effective_from=day(3), decided_by=treating_psychologist
    )
    assert results(stay, day(3))["motivation_clarified_before_assignment"].state == NOT_MET
    motivation_record(by=treating_psychologist, stay=stay, motivation="ambivalent", recorded_on=day(4))
    result = results(stay, day(4))["motivation_clarified_before_assignment"]
    assert (result.state, result.reason) == (
        NOT_MET,
        "Motivation recorded only on 05.11.2026, after WMR was assigned on 04.11.2026.",
    )


def goal(**overrides) -> dict:
    values = {
        "area": "work",
        "text": "Wieder vier Stunden am Stück am Schreibtisch arbeiten",
        "target": "4 Stunden Büroarbeit an 3 Tagen",
        "responsible": "patient",
        "responsible_name": "",
        "review_on": day(15),
    }
    return values | overrides


def write_goals(stay, by, on: dt.date):
    agreement = goals.agreement_start(by=by, stay=stay, written_on=on, today=SERVICE_TODAY)
    goals.goal_add(by=by, agreement=agreement, **goal())
    return agreement


def agree(agreement, by, on: dt.date):
    return goals.agreement_agree(
        by=by, agreement=agreement, agreed_on=on, agreed_how="conversation", today=SERVICE_TODAY
    )


def test_service_3_4_goals_written_on_day_7_or_day_8(make_stay, treating_psychologist, treating_physician):
    for written, expected in ((7, MET), (8, NOT_MET)):
        stay = make_stay()
        assign_wmr(stay, psychologist=treating_psychologist, physician=treating_physician, on=day(2))
        write_goals(stay, treating_psychologist, day(written))
        result = results(stay, day(20))["work_goals_at_start"]
        assert (result.state, result.value) == (expected, written)


def test_service_3_4_an_empty_draft_is_no_goals(wmr_stay, treating_psychologist):
    goals.agreement_start(by=treating_psychologist, stay=wmr_stay, written_on=day(3), today=SERVICE_TODAY)
    assert results(wmr_stay, day(7))["work_goals_at_start"].state == NOT_YET_DUE
    assert results(wmr_stay, day(8))["work_goals_at_start"].state == NOT_MET


def test_service_3_4_discharged_on_day_5_without_goals(wmr_stay, treating_psychologist):
    discharge(wmr_stay, treating_psychologist, day(5))
    assert results(wmr_stay, day(5))["work_goals_at_start"].state == NOT_MET


def test_service_3_7_and_3_9_from_draft_to_agreement_to_the_copy_handed_over(wmr_stay, treating_psychologist):
    draft = write_goals(wmr_stay, treating_psychologist, day(2))
    found = results(wmr_stay, day(3))
    assert found["goal_agreement_written"].state == NOT_YET_DUE
    assert found["goal_agreement_copy_handed_over"].state == NOT_YET_DUE
    agreed = agree(draft, treating_psychologist, day(3))
    found = results(wmr_stay, day(3))
    assert found["goal_agreement_written"].state == MET
    assert found["goal_agreement_copy_handed_over"].reason == (
        "Copy of the goal agreement (version 1, agreed on 04.11.2026) not handed over before discharge."
    )
    copy_create(by=treating_psychologist, agreement=agreed)
    goals.copy_handed_over_record(
        by=treating_psychologist, agreement=agreed, handed_over_on=day(4), today=SERVICE_TODAY
    )
    assert results(wmr_stay, day(3))["goal_agreement_copy_handed_over"].state == NOT_YET_DUE
    assert results(wmr_stay, day(4))["goal_agreement_copy_handed_over"].state == MET


def test_service_3_9_a_new_version_agreed_without_its_copy_is_not_met_at_discharge(wmr_stay, treating_psychologist):
    agreed = agree(write_goals(wmr_stay, treating_psychologist, day(2)), treating_psychologist, day(3))
    copy_create(by=treating_psychologist, agreement=agreed)
    goals.copy_handed_over_record(
        by=treating_psychologist, agreement=agreed, handed_over_on=day(3), today=SERVICE_TODAY
    )
    version2 = goals.agreement_revise(by=treating_psychologist, agreement=agreed, today=day(12))
    agree(version2, treating_psychologist, day(12))
    discharge(wmr_stay, treating_psychologist)
    assert results(wmr_stay, day(11))["goal_agreement_copy_handed_over"].state == MET
    found = results(wmr_stay, DISCHARGE)
    assert found["goal_agreement_copy_handed_over"].state == NOT_MET
    assert found["goal_agreement_written"].state == MET


def test_service_3_7_a_draft_never_agreed_is_not_met_at_discharge(wmr_stay, treating_psychologist):
    write_goals(wmr_stay, treating_psychologist, day(2))
    discharge(wmr_stay, treating_psychologist)
    assert results(wmr_stay, DISCHARGE - dt.timedelta(days=1))["goal_agreement_written"].state == NOT_YET_DUE
    assert results(wmr_stay, DISCHARGE)["goal_agreement_written"].state == NOT_MET


@pytest.fixture
def mini_icf(db) -> ProfileInstrument:
    return ProfileInstrument.objects.get(code="mini_icf_app", version="1")


def rate_profiles(stay, psychologist, social_worker, instrument, *, on: dt.date, demand_instrument=None):
    """An admission capacity profile and a job-demand profile (§9.1 worked values), both rated on ``on``."""
    capacity = profile_create(
        by=psychologist,
        stay=stay,
        kind="capacity",
        instrument=instrument,
        rated_on=on,
        reference_context="concrete_job",
        today=SERVICE_TODAY,
    )
    rating_record(
        by=psychologist,
        profile=capacity,
        ratings={k: RatingEntry(value=v) for k, v in diagnostics_demo.WORKED_I.items()},
    )
    job = job_description_save(
        by=social_worker,
        stay=stay,
        data={
            "job_title": "Sachbearbeiterin",
            "main_tasks": "Kundentelefon",
            "source": "patient_interview",
            "recorded_on": on,
        },
    )
    demand_instrument = demand_instrument or instrument
    demand = profile_create(
        by=social_worker,
        stay=stay,
        kind="demand",
        instrument=demand_instrument,
        rated_on=on,
        job_description=job,
        today=SERVICE_TODAY,
    )
    codes = [d["code"] for d in demand_instrument.definition["dimensions"]]
    ratings = {code: RatingEntry(value=diagnostics_demo.WORKED_D.get(code, 2)) for code in codes}
    rating_record(by=social_worker, profile=demand, ratings=ratings)
    return capacity, demand


def test_service_4_7_met_once_both_profiles_are_rated(wmr_stay, treating_psychologist, social_worker, mini_icf):
    assert results(wmr_stay, day(20))["profile_comparison_done"].state == NOT_YET_DUE
    rate_profiles(wmr_stay, treating_psychologist, social_worker, mini_icf, on=day(5))
    assert results(wmr_stay, day(4))["profile_comparison_done"].state == NOT_YET_DUE
    result = results(wmr_stay, day(5))["profile_comparison_done"]
    assert (result.state, result.reason) == (
        MET,
        "Capacity and job demands compared (both profiles rated by 06.11.2026).",
    )


def test_service_4_7_profiles_on_two_instruments_are_not_met_at_discharge(
    wmr_stay, treating_psychologist, social_worker, mini_icf
):
    melba = ProfileInstrument.objects.get(code="melba", version="DEMO-1")
    rate_profiles(wmr_stay, treating_psychologist, social_worker, mini_icf, on=day(5), demand_instrument=melba)
    discharge(wmr_stay, treating_psychologist)
    result = results(wmr_stay, DISCHARGE)["profile_comparison_done"]
    assert result.state == NOT_MET
    assert result.reason.startswith("The profiles cannot be compared by discharge on 04.12.2026: ")


def review_after_diagnostics(agreement, by, on: dt.date):
    outcomes = {g.pk: ("partly", "") for g in agreement.goals.all()}
    return goals.review_record(
        by=by, agreement=agreement, occasion="after_diagnostics", reviewed_on=on, outcomes=outcomes, today=SERVICE_TODAY
    )


def test_service_3_6_the_review_counts_from_the_day_the_findings_are_ready(
    wmr_stay, treating_psychologist, social_worker, mini_icf
):
    agreed = agree(write_goals(wmr_stay, treating_psychologist, day(2)), treating_psychologist, day(3))
    review_after_diagnostics(agreed, treating_psychologist, day(5))
    rate_profiles(wmr_stay, treating_psychologist, social_worker, mini_icf, on=day(6))
    early = results(wmr_stay, day(20))["goals_reviewed_after_diagnostics"]
    assert early.state == NOT_YET_DUE
    assert early.reason.startswith("Goals reviewed on 06.11.2026, before the diagnostic findings were ready on 07.11.")
    review_after_diagnostics(agreed, treating_psychologist, day(6))
    result = results(wmr_stay, day(20))["goals_reviewed_after_diagnostics"]
    assert (result.state, result.reason) == (
        MET,
        "Goals reviewed after the diagnostics on 07.11.2026 (findings ready on 07.11.2026).",
    )


def test_service_3_6_no_review_by_discharge(wmr_stay, treating_psychologist, social_worker, mini_icf):
    rate_profiles(wmr_stay, treating_psychologist, social_worker, mini_icf, on=day(6))
    discharge(wmr_stay, treating_psychologist)
    assert results(wmr_stay, DISCHARGE)["goals_reviewed_after_diagnostics"].state == NOT_MET


def test_service_4_1_sessions_by_day_10_and_the_late_one(make_stay, treating_psychologist, treating_physician):
    for second_day, expected in ((10, MET), (11, NOT_MET)):
        stay = make_stay()
        assign_wmr(stay, psychologist=treating_psychologist, physician=treating_physician, on=day(2))
        session_record(
            by=treating_psychologist, stay=stay, held_on=day(3), minutes=45, professions=["psychologist"], today=day(3)
        )
        assert results(stay, day(10))["diagnostics_90min_multiprofessional"].state == NOT_YET_DUE
        session_record(
            by=treating_psychologist,
            stay=stay,
            held_on=day(second_day),
            minutes=45,
            professions=["social_worker"],
            today=day(second_day),
        )
        result = results(stay, day(11))["diagnostics_90min_multiprofessional"]
        assert result.state == expected


def test_service_4_1_nothing_by_day_11_is_not_met(wmr_stay):
    result = results(wmr_stay, day(11))["diagnostics_90min_multiprofessional"]
    assert (result.state, result.value) == (NOT_MET, 0)


def conference(by, facility, on: dt.date, *professions: str):
    participants = [ParticipantInput(name=f"Teilnehmer {i}", profession=p) for i, p in enumerate(professions)]
    return conference_create(by=by, facility=facility, held_on=on, participants=participants, today=SERVICE_TODAY)


def test_service_4_10_discussed_with_the_comparison_at_a_conference_of_three_professions(
    wmr_stay, treating_psychologist, social_worker, mini_icf, facility
):
    rate_profiles(wmr_stay, treating_psychologist, social_worker, mini_icf, on=day(5))
    assert results(wmr_stay, day(8))["team_conference_on_profiles"].reason == (
        "The comparison is ready (06.11.2026): discuss it at the next team conference."
    )
    held = conference(treating_psychologist, facility, day(11), *THREE)
    case_add(by=treating_psychologist, conference=held, stay=wmr_stay)
    result = results(wmr_stay, day(11))["team_conference_on_profiles"]
    assert (result.state, result.reason) == (
        MET,
        "Discussed at the team conference of 12.11.2026 with the comparison of 06.11.2026.",
    )


def test_service_4_10_a_meeting_of_two_professions_is_not_met_at_discharge(
    wmr_stay, treating_psychologist, social_worker, mini_icf, facility
):
    rate_profiles(wmr_stay, treating_psychologist, social_worker, mini_icf, on=day(5))
    held = conference(treating_psychologist, facility, day(11), "psychologist", "social_worker")
    case_add(by=treating_psychologist, conference=held, stay=wmr_stay)
    assert results(wmr_stay, day(11))["team_conference_on_profiles"].state == NOT_YET_DUE
    discharge(wmr_stay, treating_psychologist)
    assert results(wmr_stay, DISCHARGE)["team_conference_on_profiles"].state == NOT_MET


def test_service_4_10_discussed_without_a_comparison_is_not_met_at_discharge(wmr_stay, treating_psychologist, facility):
    held = conference(treating_psychologist, facility, day(11), *THREE)
    case_add(by=treating_psychologist, conference=held, stay=wmr_stay)
    discharge(wmr_stay, treating_psychologist)
    result = results(wmr_stay, DISCHARGE)["team_conference_on_profiles"]
    assert result.state == NOT_MET
    assert result.reason == (
        "Discussed at the team conference of 12.11.2026 without a comparison of capacity and demand profile."
    )


def test_stay_results_cost_the_same_queries_however_much_is_recorded(
    wmr_stay,
    treating_psychologist,
    social_worker,
    mini_icf,
    facility,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    # decisions, motivations; goal versions, goals, reviews; comparison profiles + ratings (2); conference cases,
    # flags, planned therapies, comparison profiles + ratings (2), the facility's conferences; the last
    # conference's participants; diagnostic sessions — 15.
    with django_assert_max_num_queries(15):  # fewer with nothing recorded: empty prefetches are skipped
        results(wmr_stay, day(20))
    agreed = agree(write_goals(wmr_stay, treating_psychologist, day(2)), treating_psychologist, day(3))
    review_after_diagnostics(agreed, treating_psychologist, day(8))
    rate_profiles(wmr_stay, treating_psychologist, social_worker, mini_icf, on=day(5))
    for n, profession in ((3, "psychologist"), (4, "social_worker"), (5, "psychologist")):
        session_record(
            by=treating_psychologist,
            stay=wmr_stay,
            held_on=day(n),
            minutes=30,
            professions=[profession],
            today=day(n),
        )
    for on in (day(11), day(18)):
        case_add(
            by=treating_psychologist, conference=conference(treating_psychologist, facility, on, *THREE), stay=wmr_stay
        )
    with django_assert_num_queries(15):
        found = results(wmr_stay, day(20))
    assert {key for key, r in found.items() if r.met} == {
        "motivation_clarified_before_assignment",
        "work_goals_at_start",
        "goals_reviewed_after_diagnostics",
        "goal_agreement_written",
        "diagnostics_90min_multiprofessional",
        "profile_comparison_done",
        "team_conference_on_profiles",
    }


# --- 9.12 through the conference service: a hand-built November 2026 ----------------------------------------------

NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30), "2026-11", "11/2026")


@pytest.fixture
def november(treating_psychologist, facility, other_facility):
    """Weeks of November 2026 (Thursday rule): 2.–8. met; 9.–15. no conference; 16.–22. two conferences of two
    professions each (they do not add up); 23.–29. met with three professions besides a minute-taker. Around them:
    Sunday 1.11. (October's week) and Monday 30.11. (December's week) with three professions each, and another
    clinic's conference in the empty week — none of these count."""
    conference(treating_psychologist, facility, dt.date(2026, 11, 1), *THREE)
    conference(treating_psychologist, facility, dt.date(2026, 11, 4), *THREE)
    conference(treating_psychologist, facility, dt.date(2026, 11, 17), "psychologist", "social_worker")
    conference(treating_psychologist, facility, dt.date(2026, 11, 19), "physician", "physiotherapist")
    conference(treating_psychologist, facility, dt.date(2026, 11, 27), "psychologist", "physician", "nurse", "other")
    conference(treating_psychologist, facility, dt.date(2026, 11, 30), *THREE)
    other_clinician = UserFactory(username="kas", profession=Profession.PSYCHOLOGIST, facilities=[other_facility])
    conference(other_clinician, other_facility, dt.date(2026, 11, 11), *THREE)


def test_9_12_a_hand_built_november_has_two_of_four_weeks_met(november, facility, django_assert_num_queries):
    with django_assert_num_queries(1):  # the conferences joined with their participants
        result = course.weekly_case_conference(facility, NOVEMBER, dt.date(2026, 12, 5))
    assert (result.numerator, result.denominator, str(result.rate)) == (2, 4, "50.0")
    assert result.reason == (
        "2 of 4 weeks with an interprofessional case conference (at least 3 professions). Not met: week 46/2026 "
        "(09.11.–15.11.2026): No conference took place this week; week 47/2026 (16.11.–22.11.2026): At most 2 "
        "professions at one conference; 3 are needed."
    )
    assert course.FACILITY_MEASURES["weekly_case_conference"] is course.weekly_case_conference


def test_9_12_in_the_running_month_the_running_week_is_not_counted_against_the_clinic(november, facility):
    result = course.weekly_case_conference(facility, NOVEMBER, dt.date(2026, 11, 18))
    assert (result.numerator, result.denominator) == (1, 2)
    assert result.reason.endswith(
        "The running week is not yet due: So far at most 2 professions at one conference; 3 are needed."
    )
    sunday = course.weekly_case_conference(facility, NOVEMBER, dt.date(2026, 11, 22))
    assert (sunday.numerator, sunday.denominator) == (1, 3)


def test_9_12_before_the_month_begins_there_is_no_data(november, facility, django_assert_num_queries):
    with django_assert_num_queries(0):
        result = course.weekly_case_conference(facility, NOVEMBER, dt.date(2026, 11, 1))
    assert (result.denominator, result.rate, result.reason) == (0, None, "The period has not begun yet.")


def test_9_12_another_clinic_sees_only_its_own_conference(november, other_facility):
    result = course.weekly_case_conference(other_facility, NOVEMBER, dt.date(2026, 12, 5))
    assert (result.numerator, result.denominator) == (1, 4)
