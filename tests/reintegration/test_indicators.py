"""The return-to-work indicators as pure rules (recs 8.2, 8.4, 8.6, 8.12, 8.13, 8.17): every indicator in its four
states, the sick-leave boundaries 42/43 days (8.2) and 89/90 days (8.4) through the sick-leave rules, the discharge
day (judged from the discharge day on), and the contract with the recommendations table."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from patients.models import DocumentKind
from patients.services import RenderedDocument, document_store
from reintegration import indicators as rules
from reintegration import sickleave
from reintegration.indicators import ExaminationFact, LetterFact, StayFacts
from reintegration.models import DischargeLetter, LetterStatus
from reintegration.selectors_indicators import stay_facts, stay_rtw_indicators
from reintegration.selectors_sickleave import stay_sick_leave_state
from reintegration.services import rtw
from reintegration.services import sickleave as sick_leave_services
from tests.therapy.conftest import assign_wmr
from wmr.indicators import IndicatorState

MET, NOT_MET = IndicatorState.MET, IndicatorState.NOT_MET
NOT_APPLICABLE, NOT_YET_DUE = IndicatorState.NOT_APPLICABLE, IndicatorState.NOT_YET_DUE

ADMISSION = dt.date(2026, 11, 2)
DISCHARGE = dt.date(2026, 12, 6)
DURING = dt.date(2026, 11, 20)  # in the clinic
DAY_BEFORE_DISCHARGE = DISCHARGE - dt.timedelta(days=1)
WMR = rules.Applicability(True)


def sick_leave(days: int) -> sickleave.SickLeaveVerdict:
    """The verdict of one AU period of ``days`` days ending the day before admission (B-6)."""
    reference = ADMISSION - dt.timedelta(days=1)
    periods = [sickleave.AbsenceFact(reference - dt.timedelta(days=days - 1), reference)] if days else []
    return sickleave.judge(periods, reference)


def facts(**kwargs) -> StayFacts:
    kwargs.setdefault("admission", ADMISSION)
    kwargs.setdefault("wmr", WMR)
    return StayFacts(**kwargs)


def discharged(**kwargs) -> StayFacts:
    return facts(discharged_on=DISCHARGE, **kwargs)


def examined(kind: str, on: dt.date) -> ExaminationFact:
    return ExaminationFact(kind=kind, examined_on=on, outcome="indicated")


def letter(**kwargs) -> LetterFact:
    kwargs.setdefault("signed_on", DAY_BEFORE_DISCHARGE)
    return LetterFact(**kwargs)


LIMITED_COMPLETE = dict(
    ability_last_job=rules.THREE_TO_SIX,
    ability_general_market=rules.SIX_PLUS,
    appraisal_detail=True,
    positive_profile=True,
    negative_profile=True,
)
NOT_LIMITED = dict(ability_last_job=rules.SIX_PLUS, ability_general_market=rules.SIX_PLUS)


# --- 8.2 BEM after more than six weeks -------------------------------------------------------------------------


def test_42_days_of_sick_leave_do_not_make_bem_applicable():
    with translation.override("en"):
        result = rules.bem_examined_after_6_weeks(facts(sick_leave=sick_leave(42)), DURING)
    assert result.state == NOT_APPLICABLE
    assert result.value == 42
    assert result.reason == (
        "42 days of sick leave in the 12 months before admission: BEM is examined from more than 42 days."
    )


def test_43_days_of_sick_leave_make_the_bem_examination_due_before_discharge():
    with translation.override("en"):
        result = rules.bem_examined_after_6_weeks(facts(sick_leave=sick_leave(43)), DURING)
    assert result.state == NOT_YET_DUE
    assert result.reason == "43 days of sick leave: BEM to be examined before discharge."


def test_a_recorded_bem_examination_meets_8_2_whatever_its_outcome():
    for outcome in ("indicated", "not_indicated", "declined", "already_running"):
        exam = ExaminationFact(kind=rules.BEM, examined_on=dt.date(2026, 11, 10), outcome=outcome)
        result = rules.bem_examined_after_6_weeks(facts(sick_leave=sick_leave(60), examinations=(exam,)), DURING)
        assert result.state == MET
    with translation.override("en"):
        result = rules.bem_examined_after_6_weeks(
            facts(sick_leave=sick_leave(60), examinations=(examined(rules.BEM, dt.date(2026, 11, 10)),)), DURING
        )
    assert result.reason == "60 days of sick leave: BEM examined on 10.11.2026 (indicated)."


def test_a_graded_return_examination_does_not_count_as_bem():
    stay = facts(sick_leave=sick_leave(60), examinations=(examined(rules.GRADED_RETURN, dt.date(2026, 11, 10)),))
    assert rules.bem_examined_after_6_weeks(stay, DURING).state == NOT_YET_DUE


def test_bem_is_judged_at_discharge_from_the_discharge_day_on():
    stay = discharged(sick_leave=sick_leave(60))
    assert rules.bem_examined_after_6_weeks(stay, DAY_BEFORE_DISCHARGE).state == NOT_YET_DUE
    with translation.override("en"):
        result = rules.bem_examined_after_6_weeks(stay, DISCHARGE)
    assert result.state == NOT_MET
    assert result.reason == "60 days of sick leave, but BEM was not examined by discharge on 06.12.2026."


def test_a_bem_examination_on_the_discharge_day_counts_and_one_after_it_does_not():
    on_the_day = discharged(sick_leave=sick_leave(60), examinations=(examined(rules.BEM, DISCHARGE),))
    late = discharged(sick_leave=sick_leave(60), examinations=(examined(rules.BEM, DISCHARGE + dt.timedelta(days=1)),))
    later = DISCHARGE + dt.timedelta(days=30)
    assert rules.bem_examined_after_6_weeks(on_the_day, later).state == MET
    assert rules.bem_examined_after_6_weeks(late, later).state == NOT_MET


def test_an_examination_dated_after_today_does_not_count_yet():
    stay = facts(sick_leave=sick_leave(60), examinations=(examined(rules.BEM, DURING + dt.timedelta(days=1)),))
    assert rules.bem_examined_after_6_weeks(stay, DURING).state == NOT_YET_DUE
    assert rules.bem_examined_after_6_weeks(stay, DURING + dt.timedelta(days=1)).state == MET


def test_bem_via_the_working_day_rule_alone_is_applicable():
    # B4 of hamburg_model.md: 7 episodes Mon–Fri = 35 working and 35 calendar days: BEM via B-5 only
    reference = ADMISSION - dt.timedelta(days=1)
    monday = dt.date(2026, 6, 1)
    periods = [
        sickleave.AbsenceFact(monday + dt.timedelta(weeks=2 * n), monday + dt.timedelta(weeks=2 * n, days=4))
        for n in range(7)
    ]
    verdict = sickleave.judge(periods, reference)
    assert (verdict.calendar_days, verdict.bem_rule) == (35, sickleave.RULE_WORKING_DAYS)
    assert rules.bem_examined_after_6_weeks(facts(sick_leave=verdict), DURING).state == NOT_YET_DUE


def test_without_a_sick_leave_history_nothing_is_triggered():
    stay = facts()
    assert rules.bem_examined_after_6_weeks(stay, DURING).state == NOT_APPLICABLE
    assert rules.graded_rtw_examined_after_3_months(stay, DURING).state == NOT_APPLICABLE
    assert rules.bem_examined_after_6_weeks(stay, DURING).value == 0


# --- 8.4 graded return after three months ----------------------------------------------------------------------


def test_89_days_of_sick_leave_do_not_make_the_graded_return_examination_applicable():
    with translation.override("en"):
        result = rules.graded_rtw_examined_after_3_months(facts(sick_leave=sick_leave(89)), DURING)
    assert result.state == NOT_APPLICABLE
    assert result.reason == (
        "89 days of sick leave in the 12 months before admission: a graded return is examined from 90 days."
    )


def test_90_days_of_sick_leave_make_the_graded_return_examination_due():
    with translation.override("en"):
        result = rules.graded_rtw_examined_after_3_months(facts(sick_leave=sick_leave(90)), DURING)
    assert result.state == NOT_YET_DUE
    assert result.value == 90
    assert result.reason == "90 days of sick leave: a graded return to work to be examined before discharge."


def test_the_graded_return_examination_meets_8_4_and_its_absence_fails_it_from_the_discharge_day():
    exam = examined(rules.GRADED_RETURN, dt.date(2026, 11, 12))
    assert rules.graded_rtw_examined_after_3_months(facts(sick_leave=sick_leave(91), examinations=(exam,)), DURING).met
    stay = discharged(sick_leave=sick_leave(91), examinations=(examined(rules.BEM, dt.date(2026, 11, 12)),))
    assert rules.graded_rtw_examined_after_3_months(stay, DAY_BEFORE_DISCHARGE).state == NOT_YET_DUE
    with translation.override("en"):
        result = rules.graded_rtw_examined_after_3_months(stay, DISCHARGE)
    assert result.state == NOT_MET
    assert result.reason == "91 days of sick leave, but a graded return was not examined by discharge on 06.12.2026."


def test_helen_91_days_trigger_both_examinations_h15():
    # H15: Helen's AU 2025-12-01 – 2026-03-01, admission 2026-03-02: 91 days, K-1 due (≥ 90), BEM flag (> 42)
    verdict = sickleave.judge([sickleave.AbsenceFact(dt.date(2025, 12, 1), dt.date(2026, 3, 1))], dt.date(2026, 3, 1))
    helen = StayFacts(admission=dt.date(2026, 3, 2), wmr=WMR, sick_leave=verdict)
    today = dt.date(2026, 3, 10)
    assert rules.bem_examined_after_6_weeks(helen, today).state == NOT_YET_DUE
    assert rules.graded_rtw_examined_after_3_months(helen, today).state == NOT_YET_DUE
    assert rules.graded_rtw_examined_after_3_months(helen, today).value == 91


def test_tristan_60_days_trigger_bem_only_tr5():
    # TR5: AU 2026-01-05 – 2026-03-05 (60 days), admission 2026-03-06: K-1 not due (60 < 90), 8.2 BEM due
    verdict = sickleave.judge([sickleave.AbsenceFact(dt.date(2026, 1, 5), dt.date(2026, 3, 5))], dt.date(2026, 3, 5))
    tristan = StayFacts(admission=dt.date(2026, 3, 6), wmr=WMR, sick_leave=verdict)
    today = dt.date(2026, 3, 10)
    assert rules.bem_examined_after_6_weeks(tristan, today).state == NOT_YET_DUE
    assert rules.graded_rtw_examined_after_3_months(tristan, today).state == NOT_APPLICABLE


# --- 8.6 vocational rehabilitation when the ability for the last job is limited ----------------------------------


def test_vocational_rehab_is_not_yet_due_without_a_letter_and_not_met_from_discharge():
    assert rules.vocational_rehab_recommended_when_limited(facts(), DURING).state == NOT_YET_DUE
    with translation.override("en"):
        result = rules.vocational_rehab_recommended_when_limited(discharged(), DISCHARGE)
    assert result.state == NOT_MET
    assert result.reason == "No signed discharge letter (discharged on 06.12.2026)."


def test_vocational_rehab_does_not_apply_when_the_last_job_is_possible_six_hours_and_more():
    stay = discharged(letter=letter(**NOT_LIMITED))
    with translation.override("en"):
        result = rules.vocational_rehab_recommended_when_limited(stay, DISCHARGE)
    assert result.state == NOT_APPLICABLE
    assert result.reason == "Ability to do the last job not limited (6 hours and more)."


def test_a_limited_last_job_with_vocational_rehab_recommended_meets_8_6():
    for ability in (rules.THREE_TO_SIX, rules.BELOW_THREE):
        stay = discharged(letter=letter(ability_last_job=ability, vocational_rehab_recommended=True))
        assert rules.vocational_rehab_recommended_when_limited(stay, DISCHARGE).state == MET
    with translation.override("en"):
        result = rules.vocational_rehab_recommended_when_limited(
            facts(letter=letter(ability_last_job=rules.BELOW_THREE, vocational_rehab_recommended=True)), DURING
        )
    assert result.reason == (
        "Ability to do the last job limited (under 3 hours): the discharge letter signed on 05.12.2026 recommends "
        "vocational rehabilitation."
    )


def test_a_limited_last_job_without_the_recommendation_fails_8_6_from_the_discharge_day():
    stay = discharged(letter=letter(ability_last_job=rules.THREE_TO_SIX))
    assert rules.vocational_rehab_recommended_when_limited(stay, DAY_BEFORE_DISCHARGE).state == NOT_YET_DUE
    with translation.override("en"):
        result = rules.vocational_rehab_recommended_when_limited(stay, DISCHARGE)
    assert result.state == NOT_MET
    assert "does not recommend vocational rehabilitation" in result.reason


def test_a_signed_letter_without_the_ability_for_the_last_job_does_not_meet_8_6():
    stay = discharged(letter=letter(ability_general_market=rules.SIX_PLUS))
    assert rules.vocational_rehab_recommended_when_limited(stay, DISCHARGE).state == NOT_MET


# --- 8.12 detailed socio-medical appraisal when the ability is limited -------------------------------------------


def test_the_appraisal_does_not_apply_when_both_abilities_are_six_hours_and_more():
    with translation.override("en"):
        result = rules.sociomedical_appraisal_when_limited(discharged(letter=letter(**NOT_LIMITED)), DISCHARGE)
    assert result.state == NOT_APPLICABLE
    assert result.reason == (
        "Ability to work not limited (last job: 6 hours and more; general labour market: 6 hours and more)."
    )


def test_a_limited_ability_with_detail_and_both_profiles_meets_8_12():
    assert rules.sociomedical_appraisal_when_limited(discharged(letter=letter(**LIMITED_COMPLETE)), DISCHARGE).met
    # a limit on the general labour market alone makes it apply too
    market = {**LIMITED_COMPLETE, "ability_last_job": rules.SIX_PLUS, "ability_general_market": rules.BELOW_THREE}
    assert rules.sociomedical_appraisal_when_limited(discharged(letter=letter(**market)), DISCHARGE).met


def test_a_limited_ability_without_a_profile_fails_8_12_and_names_what_is_missing():
    incomplete = letter(**{**LIMITED_COMPLETE, "negative_profile": False, "appraisal_detail": False})
    stay = discharged(letter=incomplete)
    assert rules.sociomedical_appraisal_when_limited(stay, DAY_BEFORE_DISCHARGE).state == NOT_YET_DUE
    with translation.override("en"):
        result = rules.sociomedical_appraisal_when_limited(stay, DISCHARGE)
    assert result.state == NOT_MET
    assert result.reason == (
        "Ability to work limited (last job: 3 to under 6 hours; general labour market: 6 hours and more), but the "
        "discharge letter signed on 05.12.2026 lacks the detailed appraisal, the negative capacity profile."
    )


def test_the_appraisal_needs_a_letter_with_both_abilities():
    assert rules.sociomedical_appraisal_when_limited(facts(), DURING).state == NOT_YET_DUE
    assert rules.sociomedical_appraisal_when_limited(discharged(), DISCHARGE).state == NOT_MET
    only_job = discharged(letter=letter(ability_last_job=rules.BELOW_THREE))
    assert rules.sociomedical_appraisal_when_limited(only_job, DISCHARGE).state == NOT_MET


# --- 8.13 return-to-work plan -----------------------------------------------------------------------------------


def test_an_agreed_return_to_work_plan_meets_8_13():
    with translation.override("en"):
        result = rules.rtw_plan_documented(facts(rtw_plan_agreed_on=dt.date(2026, 11, 18)), DURING)
    assert result.state == MET
    assert result.reason == "Return-to-work plan agreed with the patient on 18.11.2026."


def test_a_draft_return_to_work_plan_is_not_yet_due_in_the_clinic_and_not_met_at_discharge():
    with translation.override("en"):
        during = rules.rtw_plan_documented(facts(rtw_plan_drafted=True), DURING)
        at_discharge = rules.rtw_plan_documented(discharged(rtw_plan_drafted=True), DISCHARGE)
        none = rules.rtw_plan_documented(discharged(), DISCHARGE)
    assert during.state == NOT_YET_DUE
    assert during.reason == "The return-to-work plan is a draft, not agreed with the patient before discharge."
    assert at_discharge.state == NOT_MET
    assert at_discharge.reason == (
        "The return-to-work plan is a draft, not agreed with the patient by discharge on 06.12.2026."
    )
    assert none.reason == "No return-to-work plan agreed with the patient by discharge on 06.12.2026."


def test_a_plan_agreed_on_the_discharge_day_counts_and_one_agreed_after_it_does_not():
    later = DISCHARGE + dt.timedelta(days=10)
    assert rules.rtw_plan_documented(discharged(rtw_plan_agreed_on=DISCHARGE), later).state == MET
    late = discharged(rtw_plan_agreed_on=DISCHARGE + dt.timedelta(days=1))
    assert rules.rtw_plan_documented(late, later).state == NOT_MET


# --- 8.17 two copies of the discharge letter ---------------------------------------------------------------------


def test_two_copies_handed_over_meet_8_17():
    stay = discharged(letter=letter(copies=2, copies_handed_over_on=DISCHARGE))
    with translation.override("en"):
        result = rules.two_discharge_copies(stay, DISCHARGE)
    assert result.state == MET
    assert (result.value, result.target, result.percent) == (2, 2, 100)
    assert result.reason == "2 copies of the discharge letter handed over on 06.12.2026."


def test_one_copy_is_not_enough_for_8_17():
    stay = discharged(letter=letter(copies=1, copies_handed_over_on=DISCHARGE))
    assert rules.two_discharge_copies(stay, DAY_BEFORE_DISCHARGE).state == NOT_YET_DUE
    with translation.override("en"):
        result = rules.two_discharge_copies(stay, DISCHARGE)
    assert result.state == NOT_MET
    assert (result.value, result.target) == (1, 2)
    assert result.reason == "1 of 2 copies of the discharge letter made for the patient."


def test_copies_made_but_not_handed_over_do_not_meet_8_17():
    stay = discharged(letter=letter(copies=2))
    with translation.override("en"):
        result = rules.two_discharge_copies(stay, DISCHARGE)
    assert result.state == NOT_MET
    assert result.reason == "2 copies of the discharge letter made, not yet handed over."
    assert rules.two_discharge_copies(facts(letter=letter(copies=2)), DURING).state == NOT_YET_DUE


def test_without_a_signed_letter_there_are_no_copies():
    result = rules.two_discharge_copies(facts(), DURING)
    assert (result.state, result.value, result.target) == (NOT_YET_DUE, 0, 2)
    assert rules.two_discharge_copies(discharged(), DISCHARGE).state == NOT_MET


# --- not WMR --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(rules.INDICATORS))
def test_every_indicator_is_not_applicable_for_a_stay_that_is_not_wmr(key):
    not_wmr = rules.Applicability(False, "not WMR")
    complete = discharged(
        wmr=not_wmr,
        sick_leave=sick_leave(120),
        letter=letter(**LIMITED_COMPLETE, vocational_rehab_recommended=True, copies=2),
        rtw_plan_agreed_on=dt.date(2026, 11, 18),
    )
    result = rules.INDICATORS[key](complete, DISCHARGE)
    assert (result.state, result.reason) == (NOT_APPLICABLE, "not WMR")


def test_a_switch_out_of_wmr_ends_the_indicators_from_its_effective_date():
    decisions = [
        rules.DecisionFact("assign", dt.date(2026, 11, 4), dt.date(2026, 11, 4)),
        rules.DecisionFact("not_assign", dt.date(2026, 11, 15), dt.date(2026, 11, 20)),
    ]
    before = facts(wmr=rules.wmr_applicability(decisions, dt.date(2026, 11, 19)), sick_leave=sick_leave(60))
    after = facts(wmr=rules.wmr_applicability(decisions, dt.date(2026, 11, 20)), sick_leave=sick_leave(60))
    assert rules.bem_examined_after_6_weeks(before, dt.date(2026, 11, 19)).state == NOT_YET_DUE
    assert rules.bem_examined_after_6_weeks(after, dt.date(2026, 11, 20)).state == NOT_APPLICABLE


# --- the contract -------------------------------------------------------------------------------------------------


def test_every_indicator_of_section_8_has_a_function_here():
    with open(Path(settings.BASE_DIR) / "wmr" / "data" / "recommendations.csv", encoding="utf-8") as f:
        keys = {
            row["measure"] for row in csv.DictReader(f) if row["kind"] == "indicator" and row["id"].startswith("8.")
        }
    assert set(rules.INDICATORS) == keys


def test_indicators_returns_every_result_in_the_order_of_the_recommendations():
    assert list(rules.indicators(facts(), DURING)) == [
        "bem_examined_after_6_weeks",
        "graded_rtw_examined_after_3_months",
        "vocational_rehab_recommended_when_limited",
        "sociomedical_appraisal_when_limited",
        "rtw_plan_documented",
        "two_discharge_copies",
    ]


# --- the facts of a stay from the record (reintegration.selectors_indicators) ------------------------------------


@pytest.fixture
def wmr_stay(stay, treating_psychologist, treating_physician):
    assign_wmr(stay, psychologist=treating_psychologist, physician=treating_physician)
    return stay


def _signed_letter(stay, physician, *, copies: int = 0, handed_over_on=None, **values):
    letter = DischargeLetter.objects.create(
        stay=stay, status=LetterStatus.SIGNED, signed_on=dt.date(2026, 12, 1), signed_by=physician, **values
    )
    for n in range(1, copies + 1):
        document_store(
            by=physician,
            stay=stay,
            kind=DocumentKind.DISCHARGE_LETTER_COPY,
            rendered=RenderedDocument(f"copy-{n}.pdf", "application/pdf", b"%PDF-1.7 copy"),
            facts={"kind": DocumentKind.DISCHARGE_LETTER_COPY.value, "letter_id": letter.pk, "copy": n},
        )
    if handed_over_on:
        letter.copies_handed_over_on = handed_over_on
        letter.save(update_fields=["copies_handed_over_on"])
    return letter


def test_the_facts_come_from_the_record_of_the_stay(wmr_stay, social_worker, treating_physician):
    today = dt.date(2026, 12, 5)
    reference = wmr_stay.admission_date - dt.timedelta(days=1)
    sick_leave_services.sick_leave_add(
        by=social_worker, stay=wmr_stay, starts_on=reference - dt.timedelta(days=90), ends_on=reference, today=today
    )
    sick_leave_services.trigger_examination_record(
        by=treating_physician,
        stay=wmr_stay,
        kind=rules.BEM,
        examined_on=dt.date(2026, 11, 10),
        outcome="indicated",
        today=today,
    )
    plan = rtw.rtw_plan_start(by=social_worker, stay=wmr_stay, integration_goal="same_job")
    rtw.rtw_step_add(by=social_worker, plan=plan, text="Stufenweise Wiedereingliederung")
    rtw.rtw_plan_agree(by=social_worker, plan=plan, agreed_on=dt.date(2026, 11, 20), today=today)
    _signed_letter(
        wmr_stay,
        treating_physician,
        copies=2,
        handed_over_on=dt.date(2026, 12, 2),
        ability_last_job=rules.THREE_TO_SIX,
        ability_general_market=rules.SIX_PLUS,
        appraisal_detail="Belastbarkeit eingeschränkt",
        positive_profile="Sorgfalt",
        negative_profile="kein Schichtdienst",
        vocational_rehab_recommended=True,
    )
    result = stay_rtw_indicators(wmr_stay, today)
    assert result.facts.sick_leave_days == 91
    assert result.facts.letter.copies == 2
    assert {row.key: row.result.state for row in result.rows} == {
        "bem_examined_after_6_weeks": MET,
        "graded_rtw_examined_after_3_months": NOT_YET_DUE,
        "vocational_rehab_recommended_when_limited": MET,
        "sociomedical_appraisal_when_limited": MET,
        "rtw_plan_documented": MET,
        "two_discharge_copies": MET,
    }
    assert [row.recommendation for row in result.rows] == ["8.2", "8.4", "8.6", "8.12", "8.13", "8.17"]


def test_copies_count_for_their_own_letter_version_only(wmr_stay, treating_physician):
    old = _signed_letter(wmr_stay, treating_physician, copies=2, version=1)
    old.status = LetterStatus.SUPERSEDED
    old.save(update_fields=["status"])
    _signed_letter(wmr_stay, treating_physician, copies=1, version=2, previous=old)
    assert stay_facts(wmr_stay, dt.date(2026, 12, 5)).letter.copies == 1


def test_a_draft_letter_is_no_signed_letter_and_a_stay_without_wmr_decision_is_not_applicable(stay, treating_physician):

    DischargeLetter.objects.create(stay=stay, ability_last_job=rules.BELOW_THREE)
    result = stay_rtw_indicators(stay, dt.date(2026, 12, 5))
    assert result.facts.letter is None
    assert {row.result.state for row in result.rows} == {NOT_APPLICABLE}


def test_the_facts_cost_six_queries_however_much_is_recorded(
    wmr_stay, social_worker, treating_physician, django_assert_num_queries
):
    today = dt.date(2026, 12, 5)
    with django_assert_num_queries(6):
        stay_facts(wmr_stay, today)
    for n in range(5):
        start = dt.date(2026, 1, 5) + dt.timedelta(weeks=4 * n)
        sick_leave_services.sick_leave_add(
            by=social_worker, stay=wmr_stay, starts_on=start, ends_on=start + dt.timedelta(days=9), today=today
        )
    _signed_letter(wmr_stay, treating_physician, copies=2, ability_last_job=rules.SIX_PLUS)
    # decisions, sick-leave periods, work situation, examinations, the letter with its copies, the RTW plan aggregate
    with django_assert_num_queries(6):
        stay_facts(wmr_stay, today)


def test_the_case_overview_passes_its_sick_leave_state_and_the_facts_stay_the_same(
    wmr_stay, social_worker, treating_physician, django_assert_num_queries
):
    today = dt.date(2026, 12, 5)
    reference = wmr_stay.admission_date - dt.timedelta(days=1)
    sick_leave_services.sick_leave_add(
        by=social_worker, stay=wmr_stay, starts_on=reference - dt.timedelta(days=59), ends_on=reference, today=today
    )
    sick_leave_services.trigger_examination_record(
        by=treating_physician, stay=wmr_stay, kind=rules.BEM, examined_on=dt.date(2026, 11, 9), outcome="declined"
    )
    state = stay_sick_leave_state(wmr_stay, today)
    # decisions, the letter with its copies, the RTW plan aggregate
    with django_assert_num_queries(3):
        shared = stay_facts(wmr_stay, today, sick_leave=state)
    assert shared == stay_facts(wmr_stay, today)
    assert shared.sick_leave_days == 60


def test_the_case_overview_shows_the_indicators_with_their_state(
    wmr_stay, social_worker, treating_psychologist, client_for
):
    reference = wmr_stay.admission_date - dt.timedelta(days=1)
    sick_leave_services.sick_leave_add(
        by=social_worker, stay=wmr_stay, starts_on=reference - dt.timedelta(days=59), ends_on=reference
    )
    html = client_for(treating_psychologist, language="en").get(reverse("cases:overview", args=[wmr_stay.pk]))
    text = html.content.decode()
    assert 'data-testid="indicator-bem_examined_after_6_weeks" data-state="not_yet_due"' in text
    assert 'data-testid="indicator-graded_rtw_examined_after_3_months" data-state="not_applicable"' in text
    assert "60 days of sick leave: BEM to be examined before discharge." in text
