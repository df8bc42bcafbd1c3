"""The therapy bars as pure rules (recs 5.1–5.3, 6.1, 7.1, topics): boundaries 89/90, 59/60, 239/240, 359/360,
day 14/15 (day 1 = admission day), cancelled/absent/late, judged at discharge, WMR applicability, My-day urgency."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from therapy import rules
from therapy import topics as catalogue
from therapy.rules import AttendanceFact, DecisionFact, StayFacts
from wmr.indicators import IndicatorState

ADMISSION = dt.date(2026, 11, 2)  # a Monday: day 1
PLANNED_DISCHARGE = dt.date(2026, 12, 7)
WMR = rules.Applicability(True)
INDIVIDUAL = "individual_counseling"
SMALL_GROUP = "small_group_counseling"
GROUP = "group_counseling"
WORK_GROUP = "work_group"
TRAINING = "workplace_training"


def day(n: int) -> dt.date:
    return ADMISSION + dt.timedelta(days=n - 1)


def held(kind: str, minutes: int, on: int = 3, **kwargs) -> AttendanceFact:
    return AttendanceFact(kind=kind, status="held", present=True, minutes=minutes, held_on=day(on), **kwargs)


def facts(*attendances: AttendanceFact, **kwargs) -> StayFacts:
    kwargs.setdefault("admission", ADMISSION)
    kwargs.setdefault("wmr", WMR)
    kwargs.setdefault("planned_discharge", PLANNED_DISCHARGE)
    return StayFacts(attendances=tuple(attendances), **kwargs)


TODAY = day(20)
AFTER_DISCHARGE = dict(discharged_on=day(35))


# --- minutes ---------------------------------------------------------------------------------------------------


def test_late_arrival_and_leaving_early_reduce_the_minutes_that_count():
    assert rules.attended_minutes(60) == 60
    assert rules.attended_minutes(60, late_minutes=10) == 50
    assert rules.attended_minutes(60, late_minutes=10, left_early_minutes=15) == 35


def test_attended_minutes_never_go_below_zero():
    assert rules.attended_minutes(30, late_minutes=20, left_early_minutes=20) == 0


def test_a_cancelled_session_does_not_count():
    cancelled = AttendanceFact(INDIVIDUAL, "cancelled", True, 60, day(3))
    assert rules.minutes_by_kind([cancelled, held(INDIVIDUAL, 30)]) == {INDIVIDUAL: 30}


def test_a_planned_session_does_not_count_until_it_is_held():
    planned = AttendanceFact(INDIVIDUAL, "planned", True, 60, day(3))
    assert rules.minutes_by_kind([planned]) == {}


def test_an_absent_patient_gets_no_minutes():
    absent = AttendanceFact(WORK_GROUP, "held", False, 90, day(3))
    assert rules.minutes_by_kind([absent, held(WORK_GROUP, 90)]) == {WORK_GROUP: 90}


def test_minutes_add_up_per_kind_over_several_sessions():
    totals = rules.minutes_by_kind([held(INDIVIDUAL, 30), held(INDIVIDUAL, 25), held(WORK_GROUP, 90)])
    assert totals == {INDIVIDUAL: 55, WORK_GROUP: 90}


def test_minutes_logged_against_a_planned_therapy_are_summed_per_planned_therapy():
    sessions = [
        held(WORK_GROUP, 90, planned_therapy_id=7),
        held(WORK_GROUP, 60, planned_therapy_id=7),
        AttendanceFact(WORK_GROUP, "cancelled", True, 90, day(4), planned_therapy_id=7),
        held(INDIVIDUAL, 30),
    ]
    assert rules.minutes_by_planned_therapy(sessions) == {7: 150}


# --- 5.1 counseling total 90 ----------------------------------------------------------------------------------


def test_89_minutes_of_counseling_are_not_yet_enough_before_discharge():
    result = rules.counseling_total_90min(facts(held(INDIVIDUAL, 59), held(GROUP, 30)), TODAY)
    assert (result.state, result.value, result.target) == (IndicatorState.NOT_YET_DUE, 89, 90)
    assert result.percent == 99


def test_90_minutes_of_counseling_meet_the_bar():
    result = rules.counseling_total_90min(facts(held(INDIVIDUAL, 60), held(GROUP, 30)), TODAY)
    assert (result.state, result.value) == (IndicatorState.MET, 90)


def test_individual_small_group_and_group_counseling_all_count_towards_the_90_minutes():
    result = rules.counseling_total_90min(facts(held(INDIVIDUAL, 30), held(SMALL_GROUP, 30), held(GROUP, 30)), TODAY)
    assert result.state == IndicatorState.MET


def test_work_groups_and_information_sessions_are_not_counseling_minutes():
    result = rules.counseling_total_90min(
        facts(held(INDIVIDUAL, 60), held(WORK_GROUP, 240), held("information", 60)), TODAY
    )
    assert (result.state, result.value) == (IndicatorState.NOT_YET_DUE, 60)


def test_89_minutes_of_counseling_at_discharge_are_not_met():
    result = rules.counseling_total_90min(facts(held(INDIVIDUAL, 89), **AFTER_DISCHARGE), day(36))
    assert (result.state, result.value) == (IndicatorState.NOT_MET, 89)
    with translation.override("en"):
        result = rules.counseling_total_90min(facts(held(INDIVIDUAL, 89), **AFTER_DISCHARGE), day(36))
    assert result.reason == "Only 89 of 90 minutes of psychosocial counseling by discharge on 06.12.2026."


def test_the_bar_is_judged_from_the_discharge_day_on():
    stay = facts(held(INDIVIDUAL, 89), **AFTER_DISCHARGE)
    assert rules.counseling_total_90min(stay, day(34)).state == IndicatorState.NOT_YET_DUE
    assert rules.counseling_total_90min(stay, day(35)).state == IndicatorState.NOT_MET


def test_a_planned_discharge_date_that_has_passed_does_not_judge_the_bar():
    stay = facts(held(INDIVIDUAL, 89), planned_discharge=day(20))
    assert rules.counseling_total_90min(stay, day(30)).state == IndicatorState.NOT_YET_DUE


def test_the_reason_of_an_open_bar_says_how_many_minutes_are_missing():
    with translation.override("en"):
        result = rules.counseling_total_90min(facts(held(INDIVIDUAL, 75)), TODAY)
    assert result.reason == "75 of 90 minutes of psychosocial counseling so far; 15 to go before discharge."


def test_a_cancelled_counseling_does_not_move_the_bar():
    cancelled = AttendanceFact(INDIVIDUAL, "cancelled", True, 30, day(4))
    result = rules.counseling_total_90min(facts(held(INDIVIDUAL, 60), cancelled), TODAY)
    assert (result.state, result.value) == (IndicatorState.NOT_YET_DUE, 60)


# --- 5.2 individual counseling 60 --------------------------------------------------------------------------------


def test_59_individual_minutes_are_not_yet_enough():
    result = rules.counseling_individual_60min(facts(held(INDIVIDUAL, 59)), TODAY)
    assert (result.state, result.value, result.target) == (IndicatorState.NOT_YET_DUE, 59, 60)


def test_60_individual_minutes_meet_the_bar_over_several_appointments():
    result = rules.counseling_individual_60min(facts(held(INDIVIDUAL, 30), held(INDIVIDUAL, 30, on=8)), TODAY)
    assert (result.state, result.value) == (IndicatorState.MET, 60)


def test_59_individual_minutes_at_discharge_are_not_met():
    result = rules.counseling_individual_60min(facts(held(INDIVIDUAL, 59), **AFTER_DISCHARGE), day(35))
    assert result.state == IndicatorState.NOT_MET


def test_small_group_counseling_is_not_individual_counseling():
    result = rules.counseling_individual_60min(facts(held(SMALL_GROUP, 60)), TODAY)
    assert result.value == 0


def test_late_minutes_can_leave_individual_counseling_below_60():
    minutes = rules.attended_minutes(60, late_minutes=1)
    result = rules.counseling_individual_60min(facts(held(INDIVIDUAL, minutes)), TODAY)
    assert (result.state, result.value) == (IndicatorState.NOT_YET_DUE, 59)


# --- 5.3 first individual counseling by day 14 -------------------------------------------------------------------


def test_a_first_individual_counseling_on_day_14_is_in_time():
    result = rules.first_counseling_within_14d(facts(held(INDIVIDUAL, 30, on=14)), TODAY)
    assert (result.state, result.value, result.target) == (IndicatorState.MET, 14, 14)


def test_a_first_individual_counseling_on_the_admission_day_is_day_1():
    result = rules.first_counseling_within_14d(facts(held(INDIVIDUAL, 30, on=1)), TODAY)
    assert (result.state, result.value) == (IndicatorState.MET, 1)


def test_a_first_individual_counseling_on_day_15_is_late():
    result = rules.first_counseling_within_14d(facts(held(INDIVIDUAL, 30, on=15)), TODAY)
    assert (result.state, result.value) == (IndicatorState.NOT_MET, 15)


def test_a_late_first_counseling_says_on_which_day_it_came():
    with translation.override("en"):
        result = rules.first_counseling_within_14d(facts(held(INDIVIDUAL, 30, on=16)), TODAY)
    assert result.reason == "First individual counseling on day 16, due by day 14."


def test_the_earliest_individual_counseling_is_the_first():
    result = rules.first_counseling_within_14d(facts(held(INDIVIDUAL, 30, on=20), held(INDIVIDUAL, 30, on=9)), TODAY)
    assert (result.state, result.value) == (IndicatorState.MET, 9)


def test_without_counseling_the_first_is_not_yet_due_up_to_and_including_day_14():
    result = rules.first_counseling_within_14d(facts(), day(14))
    assert (result.state, result.value) == (IndicatorState.NOT_YET_DUE, None)
    with translation.override("en"):
        assert rules.first_counseling_within_14d(facts(), day(14)).reason == (
            "No individual counseling yet; due by day 14 (15.11.2026)."
        )


def test_without_counseling_the_first_is_not_met_on_day_15():
    result = rules.first_counseling_within_14d(facts(), day(15))
    assert result.state == IndicatorState.NOT_MET
    with translation.override("en"):
        assert rules.first_counseling_within_14d(facts(), day(15)).reason == (
            "No individual counseling by day 14 (15.11.2026)."
        )


def test_a_cancelled_or_missed_individual_counseling_is_not_the_first():
    cancelled = AttendanceFact(INDIVIDUAL, "cancelled", True, 30, day(3))
    absent = AttendanceFact(INDIVIDUAL, "held", False, 30, day(4))
    result = rules.first_counseling_within_14d(facts(cancelled, absent, held(INDIVIDUAL, 30, on=15)), TODAY)
    assert (result.state, result.value) == (IndicatorState.NOT_MET, 15)


def test_small_group_counseling_is_not_a_first_individual_counseling():
    result = rules.first_counseling_within_14d(facts(held(SMALL_GROUP, 60, on=3)), day(10))
    assert result.state == IndicatorState.NOT_YET_DUE


def test_a_discharge_before_day_14_without_counseling_is_not_met():
    result = rules.first_counseling_within_14d(facts(discharged_on=day(10)), day(10))
    assert result.state == IndicatorState.NOT_MET


# --- 6.1 work-related groups 240 ---------------------------------------------------------------------------------


def test_239_group_minutes_are_not_yet_enough():
    result = rules.work_groups_240min(facts(held(WORK_GROUP, 90), held(WORK_GROUP, 90), held(WORK_GROUP, 59)), TODAY)
    assert (result.state, result.value, result.target) == (IndicatorState.NOT_YET_DUE, 239, 240)


def test_240_group_minutes_meet_the_bar():
    result = rules.work_groups_240min(facts(held(WORK_GROUP, 90), held(WORK_GROUP, 90), held(WORK_GROUP, 60)), TODAY)
    assert (result.state, result.value) == (IndicatorState.MET, 240)


def test_239_group_minutes_at_discharge_are_not_met():
    result = rules.work_groups_240min(facts(held(WORK_GROUP, 239), **AFTER_DISCHARGE), day(40))
    assert result.state == IndicatorState.NOT_MET


def test_a_group_missed_by_the_patient_does_not_count_for_them():
    absent = AttendanceFact(WORK_GROUP, "held", False, 90, day(5))
    result = rules.work_groups_240min(facts(held(WORK_GROUP, 150), absent), TODAY)
    assert result.value == 150


def test_arriving_late_to_a_group_reduces_the_group_minutes():
    minutes = rules.attended_minutes(150, late_minutes=1)
    result = rules.work_groups_240min(facts(held(WORK_GROUP, 90), held(WORK_GROUP, minutes)), TODAY)
    assert (result.state, result.value) == (IndicatorState.NOT_YET_DUE, 239)


# --- 7.1 workplace training 360 ----------------------------------------------------------------------------------


def test_359_training_minutes_are_not_yet_enough():
    result = rules.workplace_training_360min(facts(held(TRAINING, 180), held(TRAINING, 179)), TODAY)
    assert (result.state, result.value, result.target) == (IndicatorState.NOT_YET_DUE, 359, 360)


def test_360_training_minutes_meet_the_bar():
    result = rules.workplace_training_360min(facts(held(TRAINING, 180), held(TRAINING, 180)), TODAY)
    assert (result.state, result.value) == (IndicatorState.MET, 360)


def test_359_training_minutes_at_discharge_are_not_met():
    result = rules.workplace_training_360min(facts(held(TRAINING, 359), **AFTER_DISCHARGE), day(35))
    assert result.state == IndicatorState.NOT_MET


def test_without_workplace_training_the_training_bar_does_not_apply():
    result = rules.workplace_training_360min(facts(held(INDIVIDUAL, 60), **AFTER_DISCHARGE), day(35))
    assert result.state == IndicatorState.NOT_APPLICABLE
    with translation.override("en"):
        assert rules.workplace_training_360min(facts(), TODAY).reason == "No workplace training provided."


def test_a_training_plan_alone_makes_the_training_bar_apply():
    result = rules.workplace_training_360min(facts(training_planned=True), TODAY)
    assert (result.state, result.value) == (IndicatorState.NOT_YET_DUE, 0)


def test_a_cancelled_training_session_alone_does_not_provide_workplace_training():
    cancelled = AttendanceFact(TRAINING, "cancelled", True, 120, day(5))
    assert rules.workplace_training_360min(facts(cancelled), TODAY).state == IndicatorState.NOT_APPLICABLE


# --- WMR applicability -------------------------------------------------------------------------------------------


def _decision(decision: str, on: int, effective: int | None = None) -> DecisionFact:
    return DecisionFact(decision, day(on), day(effective or on))


def test_without_a_decision_the_wmr_bars_do_not_apply():
    assert rules.wmr_applicability([], TODAY).applies is False


def test_a_wmr_decision_makes_the_bars_apply():
    assert rules.wmr_applicability([_decision("assign", 2)], TODAY).applies is True


def test_a_decision_against_wmr_means_the_bars_do_not_apply():
    with translation.override("en"):
        result = rules.wmr_applicability([_decision("not_assign", 2)], TODAY)
    assert (result.applies, result.reason) == (False, "The stay is not assigned to WMR.")


def test_a_decision_recorded_after_today_is_not_yet_in_force():
    assert rules.wmr_applicability([_decision("assign", 21)], TODAY).applies is False


def test_a_switch_out_of_wmr_ends_the_bars_from_its_effective_date():
    decisions = [_decision("assign", 2), _decision("not_assign", 10, effective=12)]
    assert rules.wmr_applicability(decisions, day(11)).applies is True
    with translation.override("en"):
        result = rules.wmr_applicability(decisions, day(12))
    assert (result.applies, result.reason) == (False, "Switched out of WMR from 13.11.2026.")


def test_a_switch_into_wmr_makes_the_bars_apply():
    decisions = [_decision("not_assign", 2), _decision("assign", 8)]
    assert rules.wmr_applicability(decisions, day(7)).applies is False
    assert rules.wmr_applicability(decisions, day(8)).applies is True


def test_every_bar_is_not_applicable_for_a_stay_that_is_not_wmr():
    not_wmr = rules.Applicability(False, "not WMR")
    stay = facts(held(INDIVIDUAL, 200, on=2), held(WORK_GROUP, 300), held(TRAINING, 400), wmr=not_wmr)
    results = rules.indicators(stay, TODAY)
    assert {r.state for r in results.values()} == {IndicatorState.NOT_APPLICABLE}
    assert {r.reason for r in results.values()} == {"not WMR"}


# --- the contract ------------------------------------------------------------------------------------------------


def test_the_indicator_functions_carry_the_measure_keys_of_the_recommendations():
    with open(Path(settings.BASE_DIR) / "wmr" / "data" / "recommendations.csv", encoding="utf-8") as f:
        keys = {
            row["measure"]
            for row in csv.DictReader(f)
            if row["kind"] == "indicator" and row["section"] in {"counseling", "work_groups", "workplace_training"}
        }
    assert set(rules.INDICATORS) == keys


def test_indicators_returns_every_bar_in_the_order_of_the_recommendations():
    assert list(rules.indicators(facts(), TODAY)) == [
        "counseling_total_90min",
        "counseling_individual_60min",
        "first_counseling_within_14d",
        "work_groups_240min",
        "workplace_training_360min",
    ]


# --- topics ------------------------------------------------------------------------------------------------------

COUNSELING_REQUIRED = [t.code for t in catalogue.topics_of_section(catalogue.COUNSELING) if t.required]


def test_topics_of_held_sessions_are_covered_and_the_rest_stay_open():
    stay = facts(held(INDIVIDUAL, 30, topics=("career_prospects", "aftercare")))
    section = rules.topics_section(stay, catalogue.COUNSELING, TODAY)
    assert [t.code for t in section.covered] == ["career_prospects", "aftercare"]
    assert "career_prospects" not in [t.code for t in section.open_required]
    assert "aftercare" not in [t.code for t in section.open_recommended]
    assert (section.result.state, section.result.value, section.result.target) == (
        IndicatorState.NOT_YET_DUE,
        1,
        len(COUNSELING_REQUIRED),
    )


def test_topics_of_a_cancelled_or_missed_session_are_not_covered():
    cancelled = AttendanceFact(INDIVIDUAL, "cancelled", True, 30, day(3), topics=("career_prospects",))
    absent = AttendanceFact(GROUP, "held", False, 30, day(3), topics=("aftercare",))
    assert rules.covered_topics([cancelled, absent]) == frozenset()


def test_covering_every_required_topic_meets_the_section_even_with_recommended_ones_open():
    stay = facts(held(INDIVIDUAL, 30, topics=tuple(COUNSELING_REQUIRED)))
    section = rules.topics_section(stay, catalogue.COUNSELING, TODAY)
    assert section.result.state == IndicatorState.MET
    assert section.open_required == ()
    assert [t.code for t in section.open_recommended] == ["aftercare", "consolidation", "job_applications"]


def test_a_required_topic_still_open_at_discharge_is_not_met():
    stay = facts(held(INDIVIDUAL, 30, topics=tuple(COUNSELING_REQUIRED[:-1])), **AFTER_DISCHARGE)
    section = rules.topics_section(stay, catalogue.COUNSELING, day(35))
    assert section.result.state == IndicatorState.NOT_MET
    assert [t.code for t in section.open_required] == [COUNSELING_REQUIRED[-1]]


def test_training_topics_do_not_apply_without_workplace_training():
    sections = rules.topics_progress(facts(), TODAY)
    assert [s.section for s in sections] == ["counseling", "work_groups", "workplace_training"]
    assert sections[2].result.state == IndicatorState.NOT_APPLICABLE
    assert sections[1].result.state == IndicatorState.NOT_YET_DUE


# --- My day: urgency ---------------------------------------------------------------------------------------------


def urgency(stay: StayFacts, on: int):
    return rules.counseling_urgency(stay, day(on))


def test_a_missing_first_counseling_after_day_14_is_the_most_urgent():
    assert urgency(facts(), 15).tier == rules.OVERDUE_FIRST
    assert urgency(facts(), 15).days_left == -1


def test_a_missing_first_counseling_is_due_soon_from_day_10():
    assert urgency(facts(), 9).tier == rules.FIRST_NOT_YET_DUE
    assert urgency(facts(), 10).tier == rules.DUE_SOON_FIRST
    assert urgency(facts(), 14).tier == rules.DUE_SOON_FIRST


def test_individual_minutes_short_become_urgent_seven_days_before_the_planned_discharge():
    stay = facts(held(INDIVIDUAL, 30, on=5), held(GROUP, 60))
    eight_days_before = PLANNED_DISCHARGE - dt.timedelta(days=8)
    seven_days_before = PLANNED_DISCHARGE - dt.timedelta(days=7)
    assert rules.counseling_urgency(stay, eight_days_before).tier == rules.MINUTES_SHORT
    assert rules.counseling_urgency(stay, seven_days_before).tier == rules.INDIVIDUAL_SHORT_NEAR_DISCHARGE
    assert rules.counseling_urgency(stay, seven_days_before).days_left == 7


def test_total_counseling_short_near_discharge_ranks_after_individual_short():
    stay = facts(held(INDIVIDUAL, 60, on=5))
    assert rules.counseling_urgency(stay, day(30)).tier == rules.TOTAL_SHORT_NEAR_DISCHARGE


def test_a_stay_with_every_counseling_bar_met_is_not_on_my_day():
    assert urgency(facts(held(INDIVIDUAL, 90, on=5)), 20) is None


def test_a_late_first_counseling_with_the_minutes_met_is_not_on_my_day():
    assert urgency(facts(held(INDIVIDUAL, 90, on=16)), 20) is None


def test_a_stay_that_is_not_wmr_is_not_on_my_day():
    assert urgency(facts(wmr=rules.Applicability(False, "no")), 20) is None


def test_the_urgency_tiers_sort_most_urgent_first():
    stays = {
        "not yet due": facts(),
        "overdue": facts(admission=ADMISSION - dt.timedelta(days=10)),
        "due soon": facts(admission=ADMISSION - dt.timedelta(days=2)),
        "short near discharge": facts(held(INDIVIDUAL, 30, on=2), planned_discharge=day(12)),
    }
    ranked = sorted(stays, key=lambda name: rules.counseling_urgency(stays[name], day(8)).sort_key)
    assert ranked == ["overdue", "due soon", "short near discharge", "not yet due"]


@pytest.mark.parametrize(("first_day", "state"), [(14, IndicatorState.MET), (15, IndicatorState.NOT_MET)])
def test_day_14_and_day_15_also_hold_for_a_stay_admitted_at_the_end_of_a_month(first_day, state):
    admission = dt.date(2026, 1, 31)
    fact = AttendanceFact(INDIVIDUAL, "held", True, 30, admission + dt.timedelta(days=first_day - 1))
    stay = StayFacts(admission=admission, wmr=WMR, attendances=(fact,))
    assert rules.first_counseling_within_14d(stay, dt.date(2026, 3, 1)).state == state
