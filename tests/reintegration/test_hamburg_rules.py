"""The Hamburg-model rules (reintegration.hamburg) against hamburg_model.md: every case of §11.1 and §11.3, TR1/TR4 at
rule level and the boundaries of V-3, V-5, V-6, V-8, V-9/F-1 and E-3.

Helen (§11.1) — the article leaves two things open; the assumptions of these tests, as the specification asks:
  A1. the 4-hour step (step 3) lasts 2 weeks;
  A2. the days not listed in the "3 days" and "2 days" steps keep the previous step's level: 4 h in step 4 (3 × 6 h +
      2 × 4 h), 6 h in step 6 (2 × 8 h + 3 × 6 h). Variant B (those days off instead) is tested for its V-7 warnings.
  Five-day, 40-hour contract (8 h a day); start Monday 2026-03-02; the health insurance pays (no pension rehab).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from reintegration import hamburg
from reintegration.hamburg import CaseFacts, Level, PatternEntry, PlanInput, StepInput

D = dt.date
START = D(2026, 3, 2)  # Monday


def pattern(*entries) -> tuple[PatternEntry, ...]:
    return tuple(PatternEntry(days=days, hours=Decimal(str(hours))) for days, hours in entries)


def helen_steps(*, variant_b: bool = False) -> list[StepInput]:
    rest_4 = (2, 0) if variant_b else (2, 4)
    rest_6 = (3, 0) if variant_b else (3, 6)
    return [
        StepInput(weeks=2, pattern=pattern((5, 2))),
        StepInput(weeks=2, pattern=pattern((5, 3))),
        StepInput(weeks=2, pattern=pattern((5, 4))),  # A1
        StepInput(weeks=2, pattern=pattern((3, 6), rest_4)),  # A2
        StepInput(weeks=2, pattern=pattern((5, 6))),
        StepInput(weeks=3, pattern=pattern((2, 8), rest_6)),  # A2
    ]


def helen(steps=None, **overrides) -> PlanInput:
    values = {"starts_on": START, "steps": tuple(steps if steps is not None else helen_steps())}
    values.update(overrides)
    return PlanInput(**values)


def replace_step(index: int, **changes) -> list[StepInput]:
    steps = helen_steps()
    old = steps[index]
    steps[index] = StepInput(**{**old.__dict__, **changes})
    return steps


def codes(findings) -> list[tuple[str, str, int | None]]:
    return [(finding.code, finding.level, finding.step) for finding in findings]


def one_long_plan(days: int) -> PlanInput:
    weeks, rest = divmod(days, 7)
    return PlanInput(starts_on=START, steps=(StepInput(weeks=weeks, days=rest, pattern=pattern((5, 4))),))


NO_FACTS = CaseFacts()


# --- §11.1 Helen: the computed plan -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("position", "starts_on", "ends_on", "weekly", "hours"),
    [
        (1, D(2026, 3, 2), D(2026, 3, 15), 10, 20),
        (2, D(2026, 3, 16), D(2026, 3, 29), 15, 30),
        (3, D(2026, 3, 30), D(2026, 4, 12), 20, 40),
        (4, D(2026, 4, 13), D(2026, 4, 26), 26, 52),
        (5, D(2026, 4, 27), D(2026, 5, 10), 30, 60),
        (6, D(2026, 5, 11), D(2026, 5, 31), 34, 102),
    ],
)
def test_helens_steps_have_the_dates_and_hours_of_the_table(position, starts_on, ends_on, weekly, hours):
    step = hamburg.compute_plan(helen()).steps[position - 1]
    assert step.position == position
    assert (step.starts_on, step.ends_on) == (starts_on, ends_on)
    assert step.weekly_hours == weekly
    assert step.step_hours == hours


def test_helens_plan_takes_13_weeks_ends_on_31_may_and_full_time_resumes_on_monday_1_june():
    computed = hamburg.compute_plan(helen())
    assert len(computed.steps) == 6
    assert computed.total_days == 91
    assert computed.total_weeks == 13
    assert computed.last_day == D(2026, 5, 31)
    assert computed.full_time_from == D(2026, 6, 1)
    assert computed.full_time_from.weekday() == 0
    assert computed.total_hours == 304


def test_helens_plan_submitted_on_16_february_has_no_finding_at_all():
    assert hamburg.validate_plan(helen(), NO_FACTS, submitted_on=D(2026, 2, 16)) == []


def test_helens_plan_starting_on_wednesday_4_march_ends_on_2_june():
    computed = hamburg.compute_plan(helen(starts_on=D(2026, 3, 4)))
    assert computed.last_day == D(2026, 6, 2)
    assert computed.full_time_from == D(2026, 6, 3)
    assert computed.total_days == 91


def test_variant_b_with_the_remaining_days_off_warns_about_falling_hours_at_steps_4_and_6():
    plan = helen(helen_steps(variant_b=True))
    computed = hamburg.compute_plan(plan)
    assert [step.weekly_hours for step in computed.steps] == [10, 15, 20, 18, 30, 16]
    findings = hamburg.validate_plan(plan, NO_FACTS, submitted_on=D(2026, 2, 16))
    assert codes(findings) == [("V-7", Level.WARNING, 4), ("V-7", Level.WARNING, 6)]
    with translation.override("en"):
        findings = hamburg.validate_plan(plan, NO_FACTS, submitted_on=D(2026, 2, 16))
    assert findings[0].message == "Step 4: 18 hours a week, fewer than the 20 hours of step 3 (V-7)."
    assert not findings[0].needs_reason


# --- §11.1 H1–H7, H12 -------------------------------------------------------------------------------------------


def test_h1_submitted_on_20_february_leaves_10_days_lead_time_a_v8_warning():
    with translation.override("en"):
        findings = hamburg.validate_plan(helen(), NO_FACTS, submitted_on=D(2026, 2, 20))
    assert codes(findings) == [("V-8", Level.WARNING, None)]
    assert findings[0].message == (
        "Submitted on 20.02.2026 for a start on 02.03.2026: 10 days' lead time; at least 14 days are advised (V-8)."
    )


def test_h2_one_and_a_half_hours_a_day_is_a_v3_error_naming_step_and_hours():
    plan = helen(replace_step(0, pattern=pattern((5, "1.5"))))
    with translation.override("en"):
        findings = hamburg.validate_plan(plan, NO_FACTS, submitted_on=D(2026, 2, 16))
    assert codes(findings) == [("V-3", Level.ERROR, 1)]
    assert findings[0].message == "Step 1: 1.5 hours on a working day; every worked day needs at least 2 hours (V-3)."


def test_h3_nine_hours_a_day_exceed_the_eight_hour_contract_v4():
    plan = helen(replace_step(5, pattern=pattern((2, 9), (3, 6))))
    with translation.override("en"):
        findings = hamburg.validate_plan(plan, NO_FACTS, submitted_on=D(2026, 2, 16))
    assert codes(findings) == [("V-4", Level.ERROR, 6)]
    assert findings[0].message == "Step 6: 9 hours a day are more than the contractual 8 hours a day (V-4)."


def test_h4_step_3_starting_one_day_after_step_2_ends_leaves_a_gap_v2():
    plan = helen(replace_step(2, starts_on=D(2026, 3, 31)))
    computed = hamburg.compute_plan(plan)
    assert computed.steps[1].ends_on == D(2026, 3, 29)
    assert computed.steps[2].starts_on == D(2026, 3, 31)  # the explicit start wins (H-3)
    assert computed.steps[3].starts_on == D(2026, 4, 14)  # the next steps follow it
    with translation.override("en"):
        findings = hamburg.validate_plan(plan, NO_FACTS, submitted_on=D(2026, 2, 16))
    assert codes(findings) == [("V-2", Level.ERROR, 3)]
    assert findings[0].message == (
        "Step 3 starts on 31.03.2026, but step 2 ends on 29.03.2026: a gap of 1 day. Steps follow each other "
        "without gaps (V-2)."
    )


def test_overlapping_steps_are_a_v2_error():
    plan = helen(replace_step(2, starts_on=D(2026, 3, 29)))
    assert codes(hamburg.validate_plan(plan, NO_FACTS, submitted_on=None)) == [("V-2", Level.ERROR, 3)]


def test_a_first_step_not_starting_on_the_plans_start_is_a_v2_error():
    plan = helen(replace_step(0, starts_on=D(2026, 3, 3)))
    assert codes(hamburg.validate_plan(plan, NO_FACTS, submitted_on=None)) == [("V-2", Level.ERROR, 1)]


def test_h5_a_26_week_plan_ends_on_30_august_without_v5():
    plan = one_long_plan(26 * 7)
    assert hamburg.compute_plan(plan).last_day == D(2026, 8, 30)
    assert hamburg.validate_plan(plan, NO_FACTS, submitted_on=None) == []


def test_h6_a_27_week_plan_ends_on_6_september_after_1_september_v5_with_justification_required():
    plan = one_long_plan(27 * 7)
    assert hamburg.compute_plan(plan).last_day == D(2026, 9, 6)
    assert hamburg.duration_limit(START, 6) == D(2026, 9, 1)
    with translation.override("en"):
        (finding,) = hamburg.validate_plan(plan, NO_FACTS, submitted_on=None)
    assert (finding.code, finding.level, finding.needs_reason, finding.justified) == ("V-5", "warning", True, False)
    assert "06.09.2026" in finding.message and "01.09.2026" in finding.message
    assert hamburg.unjustified([finding]) == [finding]


def test_a_justified_long_plan_still_shows_v5_but_does_not_ask_again():
    plan = PlanInput(**{**one_long_plan(27 * 7).__dict__, "long_plan_justification": "Setback in May."})
    (finding,) = hamburg.validate_plan(plan, NO_FACTS, submitted_on=None)
    assert (finding.code, finding.needs_reason, finding.justified) == ("V-5", True, True)
    assert hamburg.unjustified([finding]) == []


@pytest.mark.parametrize(
    ("last_day", "expected"),
    [
        (D(2026, 9, 1), []),  # start + 6 months − 1 day: still fine
        (D(2026, 9, 2), ["V-5"]),
        (D(2027, 3, 1), ["V-5"]),  # start + 12 months − 1 day: still only the warning
        (D(2027, 3, 2), ["V-6"]),  # H7: the error replaces the warning
    ],
)
def test_v5_and_v6_at_their_six_and_twelve_month_boundaries(last_day, expected):
    plan = one_long_plan((last_day - START).days + 1)
    assert hamburg.compute_plan(plan).last_day == last_day
    assert [finding.code for finding in hamburg.validate_plan(plan, NO_FACTS, submitted_on=None)] == expected


def test_h7_a_plan_ending_on_2_march_2027_is_a_v6_error():
    plan = one_long_plan((D(2027, 3, 2) - START).days + 1)
    (finding,) = hamburg.validate_plan(plan, NO_FACTS, submitted_on=None)
    assert (finding.code, finding.level) == ("V-6", Level.ERROR)


def test_six_months_from_the_31st_end_on_the_last_day_of_the_shorter_month_minus_one():
    assert hamburg.add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert hamburg.duration_limit(D(2026, 3, 2), 12) == D(2027, 3, 1)


def test_h12_vacation_inside_the_plan_is_a_v10_error_for_an_employee():
    plan = helen(vacations=((D(2026, 5, 4), D(2026, 5, 8)),))
    with translation.override("en"):
        findings = hamburg.validate_plan(plan, NO_FACTS, submitted_on=D(2026, 2, 16))
    assert codes(findings) == [("V-10", Level.ERROR, None)]
    assert "04.05.2026–08.05.2026" in findings[0].message


def test_vacation_inside_the_plan_is_only_a_warning_for_a_civil_servant():
    plan = helen(vacations=((D(2026, 5, 4), D(2026, 5, 8)),))
    findings = hamburg.validate_plan(plan, CaseFacts(civil_servant=True), submitted_on=D(2026, 2, 16))
    assert codes(findings) == [("V-10", Level.WARNING, None)]


@pytest.mark.parametrize(
    ("vacation", "inside"),
    [
        ((D(2026, 2, 20), D(2026, 3, 1)), False),  # ends the day before the start
        ((D(2026, 2, 20), D(2026, 3, 2)), True),  # touches the first day
        ((D(2026, 5, 31), D(2026, 6, 5)), True),  # touches the last day
        ((D(2026, 6, 1), D(2026, 6, 5)), False),  # from the first full-time day
    ],
)
def test_vacation_counts_when_it_touches_the_plan_period(vacation, inside):
    findings = hamburg.validate_plan(helen(vacations=(vacation,)), NO_FACTS, submitted_on=None)
    assert bool(findings) is inside


# --- V-1, V-3, V-8 boundaries -----------------------------------------------------------------------------------


def test_a_plan_without_steps_is_a_v1_error_and_has_no_dates():
    plan = helen(steps=[])
    computed = hamburg.compute_plan(plan)
    assert (computed.last_day, computed.full_time_from, computed.total_days) == (None, None, 0)
    assert codes(hamburg.validate_plan(plan, NO_FACTS, submitted_on=None)) == [("V-1", Level.ERROR, None)]


def test_a_step_of_no_days_is_a_v1_error():
    plan = helen(replace_step(5, weeks=0, days=0))
    assert ("V-1", Level.ERROR, 6) in codes(hamburg.validate_plan(plan, NO_FACTS, submitted_on=None))


def test_a_pattern_not_adding_up_to_the_contractual_days_is_a_v1_error():
    plan = helen(replace_step(3, pattern=pattern((3, 6), (1, 4))))
    with translation.override("en"):
        findings = hamburg.validate_plan(plan, NO_FACTS, submitted_on=None)
    assert codes(findings) == [("V-1", Level.ERROR, 4)]
    assert findings[0].message == (
        "Step 4: the weekly pattern covers 4 days, but the contract has 5 working days a week (V-1)."
    )


def test_a_step_without_a_worked_day_is_a_v3_error():
    plan = helen(replace_step(0, pattern=pattern((5, 0))))
    assert ("V-3", Level.ERROR, 1) in codes(hamburg.validate_plan(plan, NO_FACTS, submitted_on=None))


def test_negative_hours_are_a_v1_error():
    plan = helen(replace_step(0, pattern=pattern((5, -2))))
    assert ("V-1", Level.ERROR, 1) in codes(hamburg.validate_plan(plan, NO_FACTS, submitted_on=None))


@pytest.mark.parametrize(("hours", "error"), [("2.0", False), ("2", False), ("1.99", True)])
def test_two_hours_a_day_is_the_minimum(hours, error):
    plan = helen(replace_step(0, pattern=pattern((5, hours))))
    assert (("V-3", Level.ERROR, 1) in codes(hamburg.validate_plan(plan, NO_FACTS, submitted_on=None))) is error


def test_a_part_time_contract_grades_towards_its_own_hours():
    plan = PlanInput(
        starts_on=START,
        working_days_per_week=3,
        hours_per_day=Decimal("6"),
        steps=(StepInput(weeks=2, pattern=pattern((3, 3))), StepInput(weeks=2, pattern=pattern((3, 6)))),
    )
    assert hamburg.validate_plan(plan, NO_FACTS, submitted_on=None) == []
    assert hamburg.compute_plan(plan).total_hours == 2 * 9 + 2 * 18


@pytest.mark.parametrize(
    ("submitted_on", "aids", "warned"),
    [
        (D(2026, 2, 16), False, False),  # 14 days: enough
        (D(2026, 2, 17), False, True),  # 13 days
        (D(2026, 2, 2), True, False),  # 28 days with workplace aids
        (D(2026, 2, 3), True, True),  # 27 days with workplace aids
        (None, False, False),  # not submitted: not judged
    ],
)
def test_v8_lead_time_is_14_days_and_28_with_workplace_aids(submitted_on, aids, warned):
    plan = helen(workplace_aids_needed=aids)
    found = hamburg.validate_plan(plan, NO_FACTS, submitted_on=submitted_on)
    assert (codes(found) == [("V-8", Level.WARNING, None)]) is warned
    assert warned or found == []


def test_step_hours_are_prorated_for_extra_days():
    plan = PlanInput(starts_on=START, steps=(StepInput(weeks=1, days=3, pattern=pattern((5, 4))),))
    step = hamburg.compute_plan(plan).steps[0]
    assert (step.days, step.ends_on) == (10, D(2026, 3, 11))
    assert step.step_hours == Decimal("28.57")  # 20 h/week × 10/7, nominal (H-5)


# --- §3 payer, §11.3 P1–P5 ----------------------------------------------------------------------------------------

DRV_DISCHARGE = D(2026, 2, 10)
DRV = CaseFacts(pension_rehab=True, discharge_date=DRV_DISCHARGE)


def test_p1_start_28_days_after_the_pension_rehab_keeps_the_pension_insurance_as_payer():
    decision = hamburg.determine_payer(DRV, D(2026, 3, 10))
    assert (decision.payer, decision.row, decision.warnings) == (hamburg.Payer.PENSION, 3, ())
    with translation.override("en"):
        decision = hamburg.determine_payer(DRV, D(2026, 3, 10))
    assert "28 days after the discharge on 10.02.2026" in decision.reason


def test_p2_day_29_warns_w_drv_28_and_falls_through_to_the_health_insurance():
    with translation.override("en"):
        decision = hamburg.determine_payer(DRV, D(2026, 3, 11))
    assert (decision.payer, decision.row) == (hamburg.Payer.HEALTH, 5)
    (warning,) = decision.warnings
    assert (warning.code, warning.needs_reason, warning.justified) == ("W-DRV-28", True, False)
    assert "29 days" in decision.reason


def test_p2_with_a_documented_reason_the_pension_insurance_stays_payer_and_the_warning_stays():
    decision = hamburg.determine_payer(DRV, D(2026, 3, 11), override_reason="Court decision; DRV agreed by phone.")
    assert (decision.payer, decision.row) == (hamburg.Payer.PENSION, 3)
    (warning,) = decision.warnings
    assert (warning.code, warning.justified) == ("W-DRV-28", True)


@pytest.mark.parametrize(("start", "warned"), [(D(2026, 3, 10), False), (D(2026, 3, 11), True)])
def test_v9_in_the_plan_validation_at_28_and_29_days(start, warned):
    plan = helen(starts_on=start)
    found = hamburg.validate_plan(plan, DRV, submitted_on=None)
    v9 = [finding for finding in found if finding.code == "V-9"]
    assert bool(v9) is warned
    if warned:
        assert (v9[0].level, v9[0].needs_reason, v9[0].justified) == (Level.WARNING, True, False)
        justified = hamburg.validate_plan(
            helen(starts_on=start, payer_override_reason="individual decision"), DRV, submitted_on=None
        )
        assert [f.justified for f in justified if f.code == "V-9"] == [True]


def test_v9_names_the_payer_that_applies_without_a_reason():
    with translation.override("en"):
        (finding,) = hamburg.validate_plan(helen(starts_on=D(2026, 3, 11)), DRV, submitted_on=None)
    assert "health insurance (sick pay)" in finding.message
    assert "(V-9, W-DRV-28)" in finding.message


def test_p3_the_latest_submission_keeping_both_windows_is_discharge_plus_14_days():
    assert hamburg.latest_submission_date(DRV_DISCHARGE) == D(2026, 2, 24)


def test_p4_a_civil_servant_is_paid_by_the_employer_without_a_warning():
    decision = hamburg.determine_payer(
        CaseFacts(civil_servant=True, pension_rehab=True, discharge_date=DRV_DISCHARGE), START
    )
    assert (decision.payer, decision.row, decision.warnings) == (hamburg.Payer.EMPLOYER, 1, ())


def test_p5_privately_insured_without_pension_rehab_or_accident_has_no_payer_and_w_payer():
    decision = hamburg.determine_payer(CaseFacts(statutory_sick_pay=False), START)
    assert (decision.payer, decision.row) == (hamburg.Payer.NONE, 6)
    assert [warning.code for warning in decision.warnings] == ["W-PAYER"]


@pytest.mark.parametrize(
    ("facts", "payer", "row"),
    [
        (CaseFacts(civil_servant=True, work_accident=True), "employer", 1),
        (CaseFacts(work_accident=True, pension_rehab=True, discharge_date=DRV_DISCHARGE), "accident", 2),
        (CaseFacts(pension_rehab=True, discharge_date=DRV_DISCHARGE, unemployment_benefit=True), "pension", 3),
        (CaseFacts(unemployment_benefit=True), "employment_agency", 4),
        (CaseFacts(), "health", 5),
        (CaseFacts(pension_rehab=True, discharge_date=None), "health", 5),  # no discharge date: F-1 cannot apply
    ],
)
def test_the_payer_rows_are_evaluated_in_order(facts, payer, row):
    decision = hamburg.determine_payer(facts, D(2026, 3, 1))
    assert (decision.payer, decision.row) == (payer, row)


def test_after_day_28_an_unemployed_patient_falls_through_to_the_employment_agency():
    facts = CaseFacts(pension_rehab=True, discharge_date=DRV_DISCHARGE, unemployment_benefit=True)
    decision = hamburg.determine_payer(facts, D(2026, 3, 11))
    assert (decision.payer, decision.row) == ("employment_agency", 4)


# --- §6 interruptions: H8, H9, H11 at rule level; E-3 boundary ---------------------------------------------------


def test_h8_seven_days_of_interruption_let_the_plan_continue():
    with translation.override("en"):
        verdict = hamburg.judge_interruption(D(2026, 4, 14), D(2026, 4, 20), today=D(2026, 4, 25))
    assert (verdict.length_days, verdict.failed, verdict.failed_from, verdict.last_day_of_return) == (
        7,
        False,
        None,
        None,
    )
    assert "(E-2)" in verdict.explanation


def test_h9_eight_days_fail_the_plan_from_the_first_missed_day():
    with translation.override("en"):
        verdict = hamburg.judge_interruption(D(2026, 4, 14), D(2026, 4, 21), today=D(2026, 4, 25))
    assert (verdict.length_days, verdict.failed) == (8, True)
    assert verdict.failed_from == D(2026, 4, 14)
    assert verdict.last_day_of_return == D(2026, 4, 13)
    assert verdict.explanation == (
        "Interruption 14.04.2026–21.04.2026, 8 days: more than 7 days, so the graded return counts as failed from "
        "14.04.2026; its last day was 13.04.2026 (E-3)."
    )


def test_h11_an_interruption_open_since_14_april_fails_on_21_april_its_8th_day():
    verdict = hamburg.judge_interruption(D(2026, 4, 14), None, today=D(2026, 4, 21))
    assert (verdict.open, verdict.length_days, verdict.failed, verdict.failed_from) == (True, 8, True, D(2026, 4, 14))
    assert verdict.last_day_of_return == D(2026, 4, 13)
    assert verdict.fails_on == D(2026, 4, 21)


def test_an_open_interruption_on_its_7th_day_has_not_failed_yet():
    verdict = hamburg.judge_interruption(D(2026, 4, 14), None, today=D(2026, 4, 20))
    assert (verdict.length_days, verdict.failed, verdict.fails_on) == (7, False, D(2026, 4, 21))


def test_a_one_day_interruption_lasts_one_day():
    assert hamburg.judge_interruption(D(2026, 4, 14), D(2026, 4, 14), today=D(2026, 4, 14)).length_days == 1


# --- §4 consents: TR1, TR4, C-1 … C-4, C-7 at rule level ---------------------------------------------------------

ALL_GIVEN = {"employee": "given", "employer": "given", "physician": "given"}


def test_all_three_consents_given_leave_no_v11_finding():
    assert hamburg.consent_findings(ALL_GIVEN, NO_FACTS) == []


def test_missing_consents_are_v11_errors_per_party():
    found = hamburg.consent_findings({}, NO_FACTS)
    assert [(f.code, f.level, f.party) for f in found] == [
        ("V-11", "error", "employee"),
        ("V-11", "error", "employer"),
        ("V-11", "error", "physician"),
    ]


def test_tr4_a_severely_disabled_employee_needs_no_employer_consent():
    states = {**ALL_GIVEN, "employer": "not_required_entitlement"}
    assert hamburg.consent_findings(states, CaseFacts(severely_disabled=True)) == []


def test_tr4_without_a_recorded_disability_not_required_is_a_c4_error():
    states = {**ALL_GIVEN, "employer": "not_required_entitlement"}
    with translation.override("en"):
        (finding,) = hamburg.consent_findings(states, NO_FACTS)
    assert (finding.party, finding.level) == ("employer", "error")
    assert "(C-4, V-11)" in finding.message


def test_tr4_the_plan_still_needs_the_patients_consent_and_the_physicians_approval():
    states = {"employer": "not_required_entitlement"}
    found = hamburg.consent_findings(states, CaseFacts(severely_disabled=True))
    assert [f.party for f in found] == ["employee", "physician"]


def test_tr1_the_employers_refusal_before_the_start_ends_the_plan_as_not_started_and_talk_again_in_two_weeks():
    assert hamburg.status_after_consent("employer", "refused", started=False) == "not_started"
    assert hamburg.talk_again_on(D(2026, 3, 6)) == D(2026, 3, 20)


@pytest.mark.parametrize(
    ("party", "state", "started", "status"),
    [
        ("employer", "withdrawn", True, "aborted"),  # H13
        ("employee", "withdrawn", False, "not_started"),
        ("physician", "withdrawn", True, "aborted"),
        ("employee", "refused", False, "not_started"),
        ("physician", "refused", False, None),  # the plan must be changed, nothing ends
        ("occupational_physician", "withdrawn", True, None),
        ("employer", "given", False, None),
    ],
)
def test_c7_withdrawals_end_the_plan_as_not_started_before_and_aborted_after_the_start(party, state, started, status):
    assert hamburg.status_after_consent(party, state, started=started) == status


# --- §2 prerequisites ---------------------------------------------------------------------------------------------


def checklist(**overrides):
    plan = helen()
    values = {
        "facts": NO_FACTS,
        "plan": plan,
        "findings": hamburg.validate_plan(plan, NO_FACTS, submitted_on=None),
        "payer": hamburg.determine_payer(NO_FACTS, START),
        "consent_states": ALL_GIVEN,
        "on_sick_leave": True,
        "partial_work_possible": True,
        "workplace_allows": True,
    }
    values.update(overrides)
    return {item.code: item for item in hamburg.prerequisite_checklist(**values)}


def test_a_complete_checklist_blocks_nothing():
    items = checklist()
    assert list(items) == [f"P-{n}" for n in range(1, 8)]
    assert {item.state for item in items.values()} == {"ok"}
    assert not any(item.blocks_ready for item in items.values())


@pytest.mark.parametrize(
    ("overrides", "code", "state", "blocks"),
    [
        ({"on_sick_leave": None}, "P-1", "open", True),
        ({"on_sick_leave": False}, "P-1", "blocked", True),
        ({"partial_work_possible": None}, "P-2", "open", False),  # P-2 and P-5 block only on "no"
        ({"partial_work_possible": False}, "P-2", "blocked", True),
        ({"workplace_allows": None}, "P-5", "open", False),
        ({"workplace_allows": False}, "P-5", "blocked", True),
        ({"payer": hamburg.determine_payer(CaseFacts(statutory_sick_pay=False), START)}, "P-4", "open", True),
        ({"consent_states": {**ALL_GIVEN, "employer": None}}, "P-6", "open", True),
        ({"consent_states": {**ALL_GIVEN, "employer": "refused"}}, "P-6", "blocked", True),
        ({"consent_states": {**ALL_GIVEN, "physician": None}}, "P-7", "open", True),
        ({"plan": None, "findings": []}, "P-3", "open", True),
    ],
)
def test_the_checklist_blocks_ready_as_section_2_says(overrides, code, state, blocks):
    item = checklist(**overrides)[code]
    assert (item.state, item.blocks_ready) == (state, blocks)


def test_p3_is_blocked_by_a_day_under_two_hours():
    plan = helen(replace_step(0, pattern=pattern((5, "1.5"))))
    items = checklist(plan=plan, findings=hamburg.validate_plan(plan, NO_FACTS, submitted_on=None))
    assert (items["P-3"].state, items["P-3"].blocks_ready) == ("blocked", True)


def test_p1_does_not_apply_to_civil_servants():
    item = checklist(facts=CaseFacts(civil_servant=True), on_sick_leave=None)["P-1"]
    assert (item.state, item.blocks_ready) == ("not_applicable", False)


# --- K-2 and the stored pattern -----------------------------------------------------------------------------------


def test_k2_lists_the_counselling_topics_not_ticked_yet():
    assert hamburg.counseling_missing(["content", "course"]) == ["financial_consequences", "coordination_with_employer"]
    assert hamburg.counseling_missing([key for key, _label in hamburg.COUNSELING_TOPICS]) == []


def test_the_stored_pattern_round_trips():
    raw = [{"days": 3, "hours": "6"}, {"days": 2, "hours": "4.5"}]
    entries = hamburg.pattern_from_json(raw)
    assert entries == pattern((3, 6), (2, "4.5"))
    assert hamburg.pattern_to_json(entries) == raw


@pytest.mark.parametrize(
    "raw", [[{"days": "x", "hours": 2}], [{"days": 2, "hours": "two"}], [{"days": 1.5, "hours": 2}]]
)
def test_a_pattern_that_is_not_numbers_is_refused(raw):
    with pytest.raises(ValueError):
        hamburg.pattern_from_json(raw)


def test_the_rule_constants_match_the_model_choices():
    from reintegration import models

    assert {v for k, v in vars(hamburg.Payer).items() if k.isupper()} == set(models.GraduatedPayer.values)
    assert {v for k, v in vars(hamburg.Party).items() if k.isupper()} == set(models.PlanParty.values)
    assert {v for k, v in vars(hamburg.PartyState).items() if k.isupper()} == set(models.ConsentState.values)
    assert {v for k, v in vars(hamburg.Status).items() if k.isupper()} <= set(models.PlanStatus.values)
    assert {str(v) for v in hamburg.PAYER_LABELS.values()} == {str(label) for label in models.GraduatedPayer.labels}
