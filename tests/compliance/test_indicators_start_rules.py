"""The pure rules of the indicators 1.1, 1.2, 1.4, 2.1, 2.3, 2.5, 2.7 and 2.8 (compliance/indicators/start_rules.py),
at every boundary with ``today`` injected. Admission Monday 2026-03-02, so treatment day 7 is Sunday 2026-03-08 (the
worked cases T11–T26 of screening.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from compliance.indicators import start_rules as rules
from screening import quota
from screening import rules as screening_rules
from wmr.indicators import IndicatorState

MET, NOT_MET = IndicatorState.MET, IndicatorState.NOT_MET
NOT_APPLICABLE, NOT_YET_DUE = IndicatorState.NOT_APPLICABLE, IndicatorState.NOT_YET_DUE

ADMISSION = dt.date(2026, 3, 2)
D = dt.date


def day(n: int) -> dt.date:
    return ADMISSION + dt.timedelta(days=n - 1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def facts(**kwargs) -> rules.StayFacts:
    kwargs.setdefault("admission", ADMISSION)
    kwargs.setdefault("allocated_code", "3197")
    return rules.StayFacts(**kwargs)


LETTER = rules.InvitationFact(
    created_on=day(0), explains_wmr=True, asks_occupational_contacts=True, links_online_info=True
)
INVITATION_MEASURES = ("invitation_explains_wmr", "occupational_contacts_requested", "invitation_links_online_info")


def invitation_results(stay: rules.StayFacts, today: dt.date) -> dict:
    return {key: rules.INDICATORS[key](stay, today) for key in INVITATION_MEASURES}


# --- 1.1, 1.2, 1.4 -------------------------------------------------------------------------------------------------


def test_a_letter_made_the_day_before_admission_meets_all_three_invitation_indicators():
    results = invitation_results(facts(invitations=(LETTER,)), day(10))
    assert {r.state for r in results.values()} == {MET}
    assert results["invitation_explains_wmr"].reason == (
        "The invitation letter of 01.03.2026 explains WMR and the clinic's WMR services."
    )
    assert (
        "asks for the occupational physician and the BEM contact" in results["occupational_contacts_requested"].reason
    )
    assert "points to the clinic's online WMR information" in results["invitation_links_online_info"].reason


def test_a_letter_made_on_the_admission_day_is_too_late():
    on_admission = rules.InvitationFact(created_on=ADMISSION, explains_wmr=True, links_online_info=True)
    for today in (ADMISSION, day(10)):
        result = rules.invitation_explains_wmr(facts(invitations=(on_admission,)), today)
        assert result.state == NOT_MET
        assert result.reason == (
            "The invitation letter was only created on 02.03.2026, not before the admission on 02.03.2026."
        )


def test_without_a_letter_the_invitation_is_not_yet_due_until_the_admission_day():
    before = rules.invitation_explains_wmr(facts(), day(0))
    assert before.state == NOT_YET_DUE
    assert before.reason == "No invitation letter yet; due before the admission on 02.03.2026."
    on_the_day = rules.invitation_explains_wmr(facts(), ADMISSION)
    assert on_the_day.state == NOT_MET
    assert on_the_day.reason == "No invitation letter before the admission on 02.03.2026."


def test_a_letter_without_the_online_link_misses_only_1_4():
    without_link = rules.InvitationFact(created_on=day(-5), explains_wmr=True, asks_occupational_contacts=True)
    results = invitation_results(facts(invitations=(without_link,)), day(-1))
    assert results["invitation_explains_wmr"].state == MET
    assert results["occupational_contacts_requested"].state == MET
    assert results["invitation_links_online_info"].state == NOT_MET
    assert results["invitation_links_online_info"].reason.startswith(
        "The invitation letter of 24.02.2026 does not point to the clinic's online WMR information"
    )


def test_a_later_letter_with_the_link_before_admission_meets_1_4():
    old = rules.InvitationFact(created_on=day(-9), explains_wmr=True)
    assert rules.invitation_links_online_info(facts(invitations=(old, LETTER)), day(3)).state == MET
    stated_nothing = rules.InvitationFact(created_on=day(-9))
    result = rules.occupational_contacts_requested(facts(invitations=(stated_nothing,)), day(3))
    assert result.state == NOT_MET
    assert result.reason == (
        "The invitation letter of 20.02.2026 does not ask for the occupational physician and the BEM contact."
    )


def test_the_invitation_is_expected_only_for_a_patient_likely_to_get_wmr():
    allocated_3100 = facts(allocated_code="3100")
    result = rules.invitation_explains_wmr(allocated_3100, day(10))
    assert result.state == NOT_APPLICABLE
    assert result.reason == "Allocated 3100 and not assigned to WMR by the first decision: no WMR invitation expected."
    # WMR assigned by the first decision: the patient was likely to get WMR after all
    assigned = facts(allocated_code="3100", decisions=(rules.DecisionFact(1, "assign", day(3)),))
    assert rules.invitation_explains_wmr(assigned, day(10)).state == NOT_MET
    # a switch into WMR later in the stay (2.6) could not be foreseen by the invitation
    switched = facts(
        allocated_code="3100",
        decisions=(rules.DecisionFact(1, "not_assign", day(2)), rules.DecisionFact(2, "assign", day(12))),
    )
    assert rules.invitation_explains_wmr(switched, day(20)).state == NOT_APPLICABLE
    # allocated 3197 and decided against WMR: the invitation was still expected
    decided_against = facts(decisions=(rules.DecisionFact(1, "not_assign", day(2)),))
    assert rules.invitation_explains_wmr(decided_against, day(10)).state == NOT_MET


# --- 2.1 screened at the start (S-3, T19) --------------------------------------------------------------------------


def result(status: str, on: dt.date) -> screening_rules.ResultFact:
    return screening_rules.ResultFact(status=status, completed_on=on)


def test_a_screening_completed_on_day_7_is_at_the_start():
    result_ = rules.screened_at_start(facts(screenings=(result("negative", day(7)),)), day(30))
    assert result_.state == MET
    assert (result_.value, result_.target) == (7, 7)
    assert result_.reason == "Screening completed on day 7 (08.03.2026), due by day 7."


def test_t19_a_screening_completed_on_day_8_is_not_at_the_start():
    result_ = rules.screened_at_start(facts(screenings=(result("positive", day(8)),)), day(8))
    assert result_.state == NOT_MET
    assert (result_.value, result_.target) == (8, 7)
    assert result_.reason == "First complete screening on day 8 (09.03.2026), due by day 7."


def test_without_a_screening_it_is_not_yet_due_through_day_7_and_missed_from_day_8():
    assert rules.screened_at_start(facts(), day(7)).state == NOT_YET_DUE
    assert rules.screened_at_start(facts(), day(7)).reason == "No complete screening yet; due by day 7 (08.03.2026)."
    missed = rules.screened_at_start(facts(), day(8))
    assert missed.state == NOT_MET
    assert missed.reason == "No complete screening by day 7 (08.03.2026)."


def test_a_screening_on_the_patient_link_before_admission_counts():
    result_ = rules.screened_at_start(facts(screenings=(result("negative", day(-3)),)), day(1))
    assert result_.state == MET
    assert result_.value is None
    assert result_.reason == "Screening completed on 26.02.2026, before the admission; due by day 7."


def test_not_possible_and_incomplete_never_count_and_the_reason_says_what_was_recorded():
    recorded = facts(screenings=(result("incomplete", day(1)), result("not_possible", day(2))))
    missed = rules.screened_at_start(recorded, day(8))
    assert missed.state == NOT_MET
    assert missed.reason == "No complete screening by day 7 (08.03.2026). Recorded so far: not possible (03.03.2026)."
    assert rules.screened_at_start(recorded, day(7)).state == NOT_YET_DUE


def test_the_facility_s_due_day_moves_the_boundary():
    early = facts(screenings=(result("positive", day(6)),), screening_due_day=5)
    assert rules.screened_at_start(early, day(6)).state == NOT_MET
    assert rules.screened_at_start(facts(screening_due_day=5), day(5)).state == NOT_YET_DUE
    assert rules.screened_at_start(facts(screening_due_day=5), day(6)).state == NOT_MET
    in_time = facts(screenings=(result("positive", day(5)),), screening_due_day=5)
    assert rules.screened_at_start(in_time, day(6)).state == MET


@pytest.mark.parametrize(
    ("screening", "today"),
    [
        (None, day(7)),
        (None, day(8)),
        (("positive", 7), day(9)),
        (("negative", 8), day(9)),
        (("incomplete", 2), day(7)),
        (("incomplete", 2), day(9)),
        (("positive", -1), day(1)),
    ],
)
def test_2_1_agrees_with_the_overview_s_start_state(screening, today):
    stay = facts(screenings=(result(screening[0], day(screening[1])),) if screening else ())
    overview = screening_rules.screening_start_state(stay.screenings, ADMISSION, 7, today)
    expected = {"met": MET, "late": NOT_MET, "overdue": NOT_MET, "open": NOT_YET_DUE}[overview]
    assert rules.screened_at_start(stay, today).state == expected


# --- 2.3 contraindications checked before the assignment (A-4) ---------------------------------------------------


def decision(id_: int, what: str, n: int) -> rules.DecisionFact:
    return rules.DecisionFact(id_, what, day(n))


def check(id_: int, n: int, clear: bool = True) -> rules.CheckFact:
    return rules.CheckFact(id_, day(n), clear)


def test_2_3_is_not_applicable_without_an_assignment():
    no_decision = rules.contraindications_checked_before_assignment(facts(), day(10))
    assert (no_decision.state, no_decision.reason) == (NOT_APPLICABLE, "No WMR decision yet.")
    against = rules.contraindications_checked_before_assignment(
        facts(decisions=(decision(1, "not_assign", 2),)), day(10)
    )
    assert (against.state, against.reason) == (NOT_APPLICABLE, "The stay has not been assigned to WMR.")


def test_a_clear_check_on_the_day_of_the_assignment_counts():
    stay = facts(decisions=(decision(1, "assign", 3),), checks=(check(1, 3),))
    result_ = rules.contraindications_checked_before_assignment(stay, day(3))
    assert result_.state == MET
    assert (
        result_.reason == "A physician found no contraindication on 04.03.2026 before WMR was assigned on 04.03.2026."
    )


def test_a_check_only_after_the_assignment_does_not_count():
    stay = facts(decisions=(decision(1, "assign", 3),), checks=(check(1, 4),))
    result_ = rules.contraindications_checked_before_assignment(stay, day(10))
    assert result_.state == NOT_MET
    assert result_.reason == "WMR was assigned on 04.03.2026 without a physician's contraindication check before it."


def test_the_latest_check_before_the_assignment_decides():
    found = facts(decisions=(decision(1, "assign", 5),), checks=(check(1, 1), check(2, 4, clear=False)))
    result_ = rules.contraindications_checked_before_assignment(found, day(10))
    assert result_.state == NOT_MET
    assert result_.reason == (
        "WMR was assigned on 06.03.2026 although the physician's check of 05.03.2026 found a contraindication."
    )
    cleared = facts(decisions=(decision(1, "assign", 5),), checks=(check(1, 4, clear=False), check(2, 5)))
    assert rules.contraindications_checked_before_assignment(cleared, day(10)).state == MET
    # two checks on one day: the one recorded last counts
    same_day = facts(decisions=(decision(1, "assign", 5),), checks=(check(2, 4), check(1, 4, clear=False)))
    assert rules.contraindications_checked_before_assignment(same_day, day(10)).state == MET


def test_a_switch_into_wmr_needs_a_clear_check_before_it_too():
    decisions = (decision(1, "assign", 2), decision(2, "not_assign", 5), decision(3, "assign", 10))
    stay = facts(decisions=decisions, checks=(check(1, 1), check(2, 8, clear=False)))
    result_ = rules.contraindications_checked_before_assignment(stay, day(12))
    assert result_.state == NOT_MET
    assert "assigned on 11.03.2026" in result_.reason
    stay = facts(decisions=decisions, checks=(check(1, 1), check(2, 8, clear=False), check(3, 9)))
    assert rules.contraindications_checked_before_assignment(stay, day(12)).state == MET


# --- 2.5 department code corrected in week 1 (D-1…D-4, T11, T17, T18) --------------------------------------------


def week1_task(discharge: dt.date | None = None, allocated: str = "3100", target: str = "3197"):
    return screening_rules.code_task(allocated, target, ADMISSION, discharge, day(3), True)


def test_t17_no_mismatch_is_not_applicable():
    stay = facts(decisions=(decision(1, "assign", 1),))
    result_ = rules.department_code_corrected_week1(stay, day(10))
    assert result_.state == NOT_APPLICABLE
    assert result_.reason == "No change of the department code was needed in the first treatment week."


def test_before_the_first_decision_there_is_no_correction_to_check():
    result_ = rules.department_code_corrected_week1(facts(), day(3))
    assert (result_.state, result_.reason) == (
        NOT_APPLICABLE,
        "No WMR decision yet: no department-code correction to check.",
    )


def test_t11_an_open_task_is_not_yet_due_through_day_7_and_missed_from_day_8():
    stay = facts(allocated_code="3100", decisions=(decision(1, "assign", 3),), week1_task=week1_task())
    open_ = rules.department_code_corrected_week1(stay, day(7))
    assert open_.state == NOT_YET_DUE
    assert open_.reason == "§301 department code to be corrected from 3100 to 3197 by day 7 (08.03.2026)."
    missed = rules.department_code_corrected_week1(stay, day(8))
    assert missed.state == NOT_MET
    assert missed.reason == "§301 department code not corrected from 3100 to 3197 by day 7 (08.03.2026)."
    assert (missed.value, missed.target) == (None, 7)


def test_t11_a_correction_on_day_7_is_in_time_and_on_day_9_late():
    task = week1_task()
    in_time = facts(allocated_code="3100", week1_task=task, week1_corrected_on=day(7))
    result_ = rules.department_code_corrected_week1(in_time, day(30))
    assert result_.state == MET
    assert (result_.value, result_.target) == (7, 7)
    assert result_.reason == (
        "§301 department code corrected from 3100 to 3197 on day 7 (08.03.2026), due by day 7 (08.03.2026)."
    )
    late = facts(allocated_code="3100", week1_task=task, week1_corrected_on=day(9))
    result_ = rules.department_code_corrected_week1(late, day(30))
    assert result_.state == NOT_MET
    assert (result_.value, result_.target) == (9, 7)
    assert result_.reason == (
        "§301 department code corrected from 3100 to 3197 only on day 9 (10.03.2026), due by day 7 (08.03.2026)."
    )


def test_t18_a_discharge_on_day_5_brings_the_due_date_forward():
    task = week1_task(discharge=day(5))
    stay = facts(allocated_code="3100", discharge=day(5), week1_task=task)
    assert rules.department_code_corrected_week1(stay, day(5)).state == NOT_YET_DUE
    missed = rules.department_code_corrected_week1(stay, day(6))
    assert missed.state == NOT_MET
    assert "by day 5 (06.03.2026)" in missed.reason


def test_t12_the_code_corrected_out_of_wmr_counts_the_same_way():
    task = week1_task(allocated="3197", target="3100")
    stay = facts(week1_task=task, week1_corrected_on=day(2))
    assert "from 3197 to 3100 on day 2" in rules.department_code_corrected_week1(stay, day(3)).reason


# --- every stay indicator ------------------------------------------------------------------------------------------


def test_indicators_answers_every_measure_of_sections_1_and_2():
    results = rules.indicators(facts(), day(1))
    assert list(results) == [
        "invitation_explains_wmr",
        "occupational_contacts_requested",
        "invitation_links_online_info",
        "screened_at_start",
        "contraindications_checked_before_assignment",
        "department_code_corrected_week1",
    ]


# --- quarters of a period ------------------------------------------------------------------------------------------


def test_quarters_of_a_period():
    assert rules.quarters_overlapping(D(2026, 1, 1), D(2026, 3, 31)) == [(2026, 1)]
    assert rules.quarters_overlapping(D(2026, 2, 1), D(2026, 2, 28)) == [(2026, 1)]
    assert rules.quarters_overlapping(D(2026, 11, 1), D(2027, 2, 1)) == [(2026, 4), (2027, 1)]
    assert rules.quarters_ending_in(D(2026, 1, 1), D(2026, 3, 31)) == [(2026, 1)]
    assert rules.quarters_ending_in(D(2026, 3, 1), D(2026, 3, 31)) == [(2026, 1)]
    assert rules.quarters_ending_in(D(2026, 2, 1), D(2026, 2, 28)) == []
    assert rules.quarters_ending_in(D(2026, 3, 30), D(2026, 3, 30)) == []


# --- 2.7 positive-screening share (Q-1…Q-5, T20–T25) -----------------------------------------------------------


Q1_START, Q1_END, AFTER_Q1 = D(2026, 1, 1), D(2026, 3, 31), D(2026, 4, 1)
MID_MARCH = D(2026, 3, 13)


def wmr_stay(number: str, *, positive: bool, discharge: dt.date | None = MID_MARCH, **kwargs) -> quota.StayFacts:
    """A stay admitted 02.02.2026, screened on day 1, assigned on day 3."""
    admission = D(2026, 2, 2)
    kwargs.setdefault("decisions", (quota.Decision(1, "assign", D(2026, 2, 4)),))
    return quota.StayFacts(
        number=number,
        admission_date=admission,
        discharge_date=discharge,
        department_code=kwargs.pop("code", "3197"),
        screenings=(quota.Screening(1, admission, "positive" if positive else "negative"),),
        **kwargs,
    )


def quarter_of_stays(positive: int, total: int) -> list[quota.StayFacts]:
    return [wmr_stay(f"A{i:02d}", positive=i < positive) for i in range(total)]


def test_t20_sixteen_of_twenty_positive_is_over_the_bar():
    result_ = rules.positive_screening_share(quarter_of_stays(16, 20), Q1_START, Q1_END, "Q1 2026", AFTER_Q1)
    assert (result_.numerator, result_.denominator, result_.target_percent) == (16, 20, 75)
    assert result_.rate == Decimal("80.0")
    assert result_.reason == "16 of 20 WMR stays discharged in Q1 2026 screened positive (80.0 %), over the 75 % bar."


def test_t21_fifteen_of_twenty_is_exactly_75_percent_and_not_met():
    result_ = rules.positive_screening_share(quarter_of_stays(15, 20), Q1_START, Q1_END, "Q1 2026", AFTER_Q1)
    assert (result_.numerator, result_.denominator) == (15, 20)
    assert result_.reason == (
        "Only 15 of 20 WMR stays discharged in Q1 2026 screened positive (75.0 %); the bar is over 75 %."
    )


def test_t24_no_wmr_stay_discharged_is_no_data_never_0_percent():
    result_ = rules.positive_screening_share([], Q1_START, Q1_END, "Q1 2026", AFTER_Q1)
    assert (result_.numerator, result_.denominator, result_.rate) == (0, 0, None)
    assert result_.reason == "No WMR stay discharged in Q1 2026: no data."


def test_t23_a_stay_switched_out_of_wmr_is_not_in_the_denominator():
    switched = wmr_stay(
        "B07",
        positive=True,
        decisions=(quota.Decision(1, "assign", D(2026, 2, 4)), quota.Decision(2, "not_assign", D(2026, 2, 21), True)),
    )
    result_ = rules.positive_screening_share(
        [switched, wmr_stay("A01", positive=False)], Q1_START, Q1_END, "Q1", AFTER_Q1
    )
    assert (result_.numerator, result_.denominator) == (0, 1)


def test_t25_the_index_screening_is_the_latest_before_the_first_assignment():
    stay = quota.StayFacts(
        number="A15",
        admission_date=D(2026, 2, 2),
        discharge_date=D(2026, 3, 20),
        department_code="3100",
        screenings=(quota.Screening(1, D(2026, 2, 2), "negative"), quota.Screening(2, D(2026, 2, 11), "positive")),
        decisions=(quota.Decision(1, "assign", D(2026, 2, 13)),),
    )
    assert rules.share_in_period([stay], Q1_START, Q1_END, AFTER_Q1) == quota.Share(1, 1)


def test_only_stays_discharged_in_the_period_by_today_count():
    stays = [
        wmr_stay("A01", positive=True, discharge=D(2026, 3, 31)),
        wmr_stay("A02", positive=True, discharge=D(2026, 4, 1)),  # next quarter
        wmr_stay("A03", positive=False, discharge=None),  # still in the clinic, no planned date
        wmr_stay("A04", positive=False, discharge=D(2026, 3, 20)),
    ]
    assert rules.share_in_period(stays, Q1_START, Q1_END, AFTER_Q1) == quota.Share(1, 2)
    # on 20.03.2026 the discharge of A01 is only planned: its final code is not known yet
    assert rules.share_in_period(stays, Q1_START, Q1_END, D(2026, 3, 20)) == quota.Share(0, 1)
    assert rules.share_in_period(stays, Q1_START, Q1_END, D(2026, 3, 19)) == quota.Share(0, 0)
    # a month
    assert rules.share_in_period(stays, D(2026, 3, 21), D(2026, 3, 31), AFTER_Q1) == quota.Share(1, 1)


def test_the_share_of_an_ended_quarter_is_the_quarterly_report_s_share():
    stays = [*quarter_of_stays(12, 17), wmr_stay("X01", positive=True, discharge=D(2026, 4, 2))]
    figures = quota.quarter_figures(stays, 2026, 1)
    result_ = rules.positive_screening_share(stays, Q1_START, Q1_END, "Q1 2026", AFTER_Q1)
    assert (result_.numerator, result_.denominator) == (figures.share.numerator, figures.share.denominator)


def test_the_share_reason_is_in_the_reader_s_language():
    with translation.override("de"):
        result_ = rules.positive_screening_share(quarter_of_stays(16, 20), Q1_START, Q1_END, "Q1 2026", AFTER_Q1)
    assert "80,0" in result_.reason


# --- 2.8 quarterly report shared with the team (Q-6, T26) ---------------------------------------------------------


def report(shared_on: dt.date | None = None, built_on: dt.date | None = AFTER_Q1) -> dict:
    return {(2026, 1): rules.ReportFact(2026, 1, built_on=built_on, shared_on=shared_on)}


def test_t26_shared_on_the_14th_day_after_the_quarter_is_in_time_and_on_the_15th_late():
    in_time = rules.quarterly_quota_report(report(D(2026, 4, 14)), Q1_START, Q1_END, "Q1 2026", D(2026, 5, 1))
    assert (in_time.numerator, in_time.denominator) == (1, 1)
    assert in_time.reason == "The report for Q1 2026 was shared with the team on 14.04.2026, due by 14.04.2026."
    late = rules.quarterly_quota_report(report(D(2026, 4, 15)), Q1_START, Q1_END, "Q1 2026", D(2026, 5, 1))
    assert (late.numerator, late.denominator) == (0, 1)
    assert late.reason == "The report for Q1 2026 was shared with the team only on 15.04.2026, due by 14.04.2026."


def test_an_unshared_report_is_not_yet_due_through_the_14th_day_and_missed_from_the_15th():
    waiting = rules.quarterly_quota_report(report(), Q1_START, Q1_END, "Q1 2026", D(2026, 4, 14))
    assert (waiting.numerator, waiting.denominator, waiting.rate) == (0, 0, None)
    assert waiting.reason == "The report for Q1 2026 is built but not shared with the team yet; due by 14.04.2026."
    missed = rules.quarterly_quota_report(report(), Q1_START, Q1_END, "Q1 2026", D(2026, 4, 15))
    assert (missed.numerator, missed.denominator) == (0, 1)
    assert missed.reason == "The report for Q1 2026 was built but not shared with the team by 14.04.2026."


def test_without_a_report_the_quarter_is_missed_after_the_due_date():
    assert rules.quarterly_quota_report({}, Q1_START, Q1_END, "Q1 2026", D(2026, 4, 10)).reason == (
        "No report for Q1 2026 yet; due by 14.04.2026."
    )
    missed = rules.quarterly_quota_report({}, Q1_START, Q1_END, "Q1 2026", D(2026, 4, 15))
    assert (missed.numerator, missed.denominator) == (0, 1)
    assert missed.reason == "No report for Q1 2026 was shared with the team by 14.04.2026."


def test_a_running_quarter_s_report_is_not_yet_due():
    running = rules.quarterly_quota_report({}, Q1_START, Q1_END, "Q1 2026", D(2026, 3, 31))
    assert (running.numerator, running.denominator) == (0, 0)
    assert running.reason == "The report for Q1 2026 is due by 14.04.2026, after the quarter has ended."


def test_a_month_holds_the_report_of_the_quarter_that_ends_in_it():
    march = rules.quarterly_quota_report(report(D(2026, 4, 2)), D(2026, 3, 1), Q1_END, "03/2026", D(2026, 5, 1))
    assert (march.numerator, march.denominator) == (1, 1)
    february = rules.quarterly_quota_report(report(D(2026, 4, 2)), D(2026, 2, 1), D(2026, 2, 28), "02/2026", AFTER_Q1)
    assert (february.numerator, february.denominator) == (0, 0)
    assert february.reason == (
        "No quarter ends in 02/2026; the quarterly report is judged in the period its quarter ends."
    )
