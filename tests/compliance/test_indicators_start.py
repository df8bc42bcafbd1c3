"""The indicators of sections 1 and 2 read from the records the patients and screening apps keep, built through their
services (invitation letter, screening results, the assignment workflow, §301 corrections, quarterly reports), with
``today`` injected. Admission Monday 2026-03-02, so treatment day 7 is Sunday 2026-03-08 (screening.md T11–T26).
The pure rules at every boundary: test_indicators_start_rules.py."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import translation
from freezegun import freeze_time

from compliance import periods
from compliance.indicators import start
from patients.documents import invitation_create
from screening.models import AssignmentDecision
from screening.selectors_assignment import stay_assignment
from screening.services.assignment import (
    code_correction_record,
    contraindication_check_record,
    decision_record,
    need_assessment_record,
)
from screening.services.entry import result_not_possible
from screening.services.instruments import setting_set
from screening.services.reports import report_build, report_mark_shared
from tests.factories import PatientFactory
from tests.screening.test_assignment import ready_for_assignment, screen, simbo_demo
from wmr.indicators import IndicatorState

MET, NOT_MET = IndicatorState.MET, IndicatorState.NOT_MET
NOT_APPLICABLE, NOT_YET_DUE = IndicatorState.NOT_APPLICABLE, IndicatorState.NOT_YET_DUE

ADMISSION = dt.date(2026, 3, 2)
DISCHARGE = dt.date(2026, 4, 5)
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
D = dt.date


def day(n: int) -> dt.date:
    return ADMISSION + dt.timedelta(days=n - 1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def wmr_stay(make_stay):
    """Allocated 3197 (the payer's WMR allocation), admitted 02.03.2026."""
    return make_stay(admission_date=ADMISSION, discharge_date=DISCHARGE, department_code="3197")


@pytest.fixture
def march_stay(make_stay):
    """Allocated 3100, admitted 02.03.2026."""
    return make_stay(admission_date=ADMISSION, discharge_date=DISCHARGE, department_code="3100")


def invite(stay, by, at: str):
    """The invitation letter made at ``at`` (UTC), through the patients app's service."""
    with freeze_time(at):
        return invitation_create(by=by, stay=stay)


def assign(stay, *, psychologist, physician, on: dt.date, positive: bool = True):
    """Screened on day 1, motivation and a clear physician's check on day 1, WMR assigned on ``on``."""
    screen(stay, positive=positive, on=day(1), by=psychologist)
    ready_for_assignment(stay, psychologist=psychologist, physician=physician)
    if not positive:
        need_assessment_record(
            by=psychologist, stay=stay, source="medical_admission_interview", assessed_on=day(1), reason="need"
        )
    return decision_record(by=physician, stay=stay, decision="assign", decided_on=on, reason="", participants="")


# --- 1.1, 1.2, 1.4 the invitation letter ---------------------------------------------------------------------------

INVITATION = ("invitation_explains_wmr", "occupational_contacts_requested", "invitation_links_online_info")


def test_the_invitation_letter_made_before_admission_meets_1_1_1_2_and_1_4(wmr_stay, treating_psychologist):
    invite(wmr_stay, treating_psychologist, "2026-02-20 10:00")
    results = start.stay_results(wmr_stay, day(3))
    assert {results[key].state for key in INVITATION} == {MET}
    assert results["invitation_explains_wmr"].reason == (
        "The invitation letter of 20.02.2026 explains WMR and the clinic's WMR services."
    )


def test_a_letter_made_while_the_clinic_had_no_online_information_misses_1_4(wmr_stay, facility, treating_psychologist):
    facility.wmr_info_url = ""
    facility.save()
    invite(wmr_stay, treating_psychologist, "2026-02-20 10:00")
    results = start.stay_results(wmr_stay, day(3))
    assert results["invitation_explains_wmr"].state == MET
    assert results["occupational_contacts_requested"].state == MET
    assert results["invitation_links_online_info"].state == NOT_MET


def test_the_letter_counts_by_its_berlin_date_until_the_eve_of_admission(make_stay, wmr_stay, treating_psychologist):
    # 22:30 UTC on 28.02. is 23:30 on 01.03. in Berlin: the day before admission
    invite(wmr_stay, treating_psychologist, "2026-02-28 22:30")
    assert start.stay_results(wmr_stay, day(1))["invitation_explains_wmr"].state == MET
    # 23:30 UTC on 01.03. is already the admission day in Berlin
    late_stay = make_stay(admission_date=ADMISSION, discharge_date=DISCHARGE, department_code="3197")
    invite(late_stay, treating_psychologist, "2026-03-01 23:30")
    result = start.stay_results(late_stay, day(1))["invitation_explains_wmr"]
    assert result.state == NOT_MET
    assert result.reason == (
        "The invitation letter was only created on 02.03.2026, not before the admission on 02.03.2026."
    )


def test_without_a_letter_the_invitation_is_due_before_admission(wmr_stay):
    assert start.stay_results(wmr_stay, day(0))["invitation_explains_wmr"].state == NOT_YET_DUE
    assert start.stay_results(wmr_stay, day(1))["invitation_links_online_info"].state == NOT_MET


def test_no_wmr_invitation_is_expected_for_a_stay_allocated_3100_until_wmr_is_assigned(
    march_stay, treating_psychologist, treating_physician
):
    assert start.stay_results(march_stay, day(1))["invitation_explains_wmr"].state == NOT_APPLICABLE
    assign(march_stay, psychologist=treating_psychologist, physician=treating_physician, on=day(3))
    assert start.stay_results(march_stay, day(3))["invitation_explains_wmr"].state == NOT_MET


def test_a_stay_allocated_3100_and_decided_against_wmr_has_no_invitation_duty(
    march_stay, treating_psychologist, treating_physician
):
    screen(march_stay, positive=False, on=day(1), by=treating_psychologist)
    decision_record(
        by=treating_physician, stay=march_stay, decision="not_assign", decided_on=day(2), reason="", participants=""
    )
    assert start.stay_results(march_stay, day(20))["invitation_explains_wmr"].state == NOT_APPLICABLE


# --- 2.1 screened at the start --------------------------------------------------------------------------------------


def test_a_screening_on_day_7_is_at_the_start_and_on_day_8_is_not(make_stay, march_stay, treating_psychologist):
    screen(march_stay, positive=True, on=day(7), by=treating_psychologist)
    result = start.stay_results(march_stay, day(8))["screened_at_start"]
    assert (result.state, result.value, result.target) == (MET, 7, 7)

    late = make_stay(admission_date=ADMISSION, discharge_date=DISCHARGE, department_code="3100")
    screen(late, positive=False, on=day(8), by=treating_psychologist)
    result = start.stay_results(late, day(8))["screened_at_start"]
    assert result.state == NOT_MET
    assert result.reason == "First complete screening on day 8 (09.03.2026), due by day 7."


def test_without_a_screening_it_is_not_yet_due_through_day_7(march_stay, treating_psychologist):
    assert start.stay_results(march_stay, day(7))["screened_at_start"].state == NOT_YET_DUE
    at = dt.datetime.combine(day(2), dt.time(10), tzinfo=BERLIN)
    result_not_possible(by=treating_psychologist, stay=march_stay, reason="language", completed_at=at, now=at)
    result = start.stay_results(march_stay, day(8))["screened_at_start"]
    assert result.state == NOT_MET
    assert result.reason == "No complete screening by day 7 (08.03.2026). Recorded so far: not possible (03.03.2026)."


def test_the_facility_s_screening_due_day_is_read_from_its_setting(march_stay, facility, treating_psychologist):
    setting_set(
        by=treating_psychologist,
        facility=facility,
        department_code="3100",
        instrument=simbo_demo(),
        effective_from=D(2026, 1, 1),
        preset_code="simbo_27",
        screening_due_day=5,
    )
    screen(march_stay, positive=True, on=day(6), by=treating_psychologist)
    result = start.stay_results(march_stay, day(6))["screened_at_start"]
    assert result.state == NOT_MET
    assert result.reason == "First complete screening on day 6 (07.03.2026), due by day 5."


# --- 2.3 contraindications checked before the assignment -----------------------------------------------------------


def test_an_assignment_through_the_workflow_has_its_physician_s_check_before_it(
    march_stay, treating_psychologist, treating_physician
):
    assign(march_stay, psychologist=treating_psychologist, physician=treating_physician, on=day(3))
    result = start.stay_results(march_stay, day(3))["contraindications_checked_before_assignment"]
    assert result.state == MET
    assert result.reason == "A physician found no contraindication on 02.03.2026 before WMR was assigned on 04.03.2026."


def test_a_contraindication_cleared_by_a_later_check_before_the_assignment(
    march_stay, treating_psychologist, treating_physician
):
    screen(march_stay, positive=True, on=day(1), by=treating_psychologist)
    ready_for_assignment(march_stay, psychologist=treating_psychologist, physician=treating_physician)
    contraindication_check_record(
        by=treating_physician, stay=march_stay, checked_on=day(2), findings=["medical_instability"]
    )
    contraindication_check_record(by=treating_physician, stay=march_stay, checked_on=day(4), findings=[])
    decision_record(
        by=treating_physician, stay=march_stay, decision="assign", decided_on=day(4), reason="", participants=""
    )
    result = start.stay_results(march_stay, day(5))["contraindications_checked_before_assignment"]
    assert result.state == MET
    assert "on 05.03.2026 before WMR was assigned on 05.03.2026" in result.reason


def test_2_3_is_not_applicable_until_wmr_is_assigned(march_stay, treating_psychologist, treating_physician):
    assert start.stay_results(march_stay, day(2))["contraindications_checked_before_assignment"].state == (
        NOT_APPLICABLE
    )
    screen(march_stay, positive=False, on=day(1), by=treating_psychologist)
    decision_record(
        by=treating_physician, stay=march_stay, decision="not_assign", decided_on=day(2), reason="", participants=""
    )
    result = start.stay_results(march_stay, day(3))["contraindications_checked_before_assignment"]
    assert (result.state, result.reason) == (NOT_APPLICABLE, "The stay has not been assigned to WMR.")


def test_an_imported_assignment_without_a_check_misses_2_3(march_stay, treating_physician):
    """The workflow refuses such an assignment (A-4); a decision taken over from an earlier system may lack it."""
    AssignmentDecision.objects.create(stay=march_stay, decision="assign", decided_on=day(3), effective_from=day(3))
    contraindication_check_record(by=treating_physician, stay=march_stay, checked_on=day(4), findings=[])
    result = start.stay_results(march_stay, day(5))["contraindications_checked_before_assignment"]
    assert result.state == NOT_MET
    assert result.reason == "WMR was assigned on 04.03.2026 without a physician's contraindication check before it."


# --- 2.5 department code corrected in week 1 ------------------------------------------------------------------------


def week1(stay, today):
    return start.stay_results(stay, today)["department_code_corrected_week1"]


def test_t11_the_code_task_is_not_yet_due_on_day_7_and_missed_on_day_8(
    march_stay, treating_psychologist, treating_physician
):
    assign(march_stay, psychologist=treating_psychologist, physician=treating_physician, on=day(3))
    assert week1(march_stay, day(7)).state == NOT_YET_DUE
    missed = week1(march_stay, day(8))
    assert missed.state == NOT_MET
    assert missed.reason == "§301 department code not corrected from 3100 to 3197 by day 7 (08.03.2026)."


def test_t11_a_correction_on_day_7_is_in_time(march_stay, treating_psychologist, treating_physician):
    assign(march_stay, psychologist=treating_psychologist, physician=treating_physician, on=day(3))
    code_correction_record(by=treating_psychologist, stay=march_stay, corrected_on=day(7), reference="301-1")
    result = week1(march_stay, day(20))
    assert (result.state, result.value, result.target) == (MET, 7, 7)
    assert result.reason == (
        "§301 department code corrected from 3100 to 3197 on day 7 (08.03.2026), due by day 7 (08.03.2026)."
    )


def test_a_correction_on_day_9_is_late(march_stay, treating_psychologist, treating_physician):
    assign(march_stay, psychologist=treating_psychologist, physician=treating_physician, on=day(3))
    code_correction_record(by=treating_psychologist, stay=march_stay, corrected_on=day(9), reference="301-2")
    result = week1(march_stay, day(20))
    assert (result.state, result.value, result.target) == (NOT_MET, 9, 7)
    assert "only on day 9 (10.03.2026), due by day 7" in result.reason


def test_t17_assigning_a_stay_allocated_3197_needs_no_correction(wmr_stay, treating_psychologist, treating_physician):
    assign(wmr_stay, psychologist=treating_psychologist, physician=treating_physician, on=day(1))
    assert week1(wmr_stay, day(10)).state == NOT_APPLICABLE


def test_2_1_and_2_5_agree_with_the_case_overview(march_stay, treating_psychologist, treating_physician):
    """The dashboard's results are the overview's states: screening start (S-3) and the week-1 code task (D-4)."""
    overview_21 = {"met": MET, "late": NOT_MET, "overdue": NOT_MET, "open": NOT_YET_DUE}
    overview_25 = {"met": MET, "not_met": NOT_MET, "not_yet_due": NOT_YET_DUE, "not_applicable": NOT_APPLICABLE}

    def agree(today):
        state, results = stay_assignment(march_stay, today), start.stay_results(march_stay, today)
        assert results["screened_at_start"].state == overview_21[state.start_state]
        assert results["department_code_corrected_week1"].state == overview_25[state.week1_indicator]

    agree(day(7))
    assign(march_stay, psychologist=treating_psychologist, physician=treating_physician, on=day(3))
    for today in (day(3), day(7), day(8)):
        agree(today)
    code_correction_record(by=treating_psychologist, stay=march_stay, corrected_on=day(8), reference="301-3")
    agree(day(9))
    # a switch out of WMR after week 1 makes a §301 update task outside 2.5 (D-5): the week-1 task still counts
    decision_record(
        by=treating_physician,
        stay=march_stay,
        decision="not_assign",
        decided_on=day(9),
        reason="changed",
        participants="",
    )
    agree(day(10))


# --- queries -------------------------------------------------------------------------------------------------------


def test_a_stay_s_results_take_nine_queries_however_much_is_recorded(
    django_assert_num_queries, wmr_stay, treating_psychologist, treating_physician
):
    invite(wmr_stay, treating_psychologist, "2026-02-20 10:00")
    invite(wmr_stay, treating_psychologist, "2026-02-25 10:00")
    assign(wmr_stay, psychologist=treating_psychologist, physician=treating_physician, on=day(3), positive=False)
    screen(wmr_stay, positive=True, on=day(10), by=treating_psychologist)
    decision_record(
        by=treating_physician, stay=wmr_stay, decision="not_assign", decided_on=day(12), reason="x", participants=""
    )
    # stay_assignment: results, setting, need assessments, motivations, checks, decisions, corrections,
    # contraindication labels (8); invitation letters (1)
    with django_assert_num_queries(9):
        results = start.stay_results(wmr_stay, day(14))
    assert set(results) == set(start.STAY_BASIS)


# --- 2.7 positive-screening share ----------------------------------------------------------------------------------

Q1, AFTER_Q1 = periods.quarter(2026, 1), D(2026, 4, 1)


@pytest.fixture
def quarter(make_stay, facility, other_facility, treating_psychologist, treating_physician):
    """WMR stays of Q1 2026: two with a positive screening, one assigned on a need from the admission interview after
    a negative one; a stay decided against WMR; a WMR stay discharged in April; one of another clinic."""
    team = {"psychologist": treating_psychologist, "physician": treating_physician}

    def stay(code, discharge, **kwargs):
        fac = kwargs.pop("facility", facility)
        return make_stay(
            admission_date=ADMISSION,
            discharge_date=discharge,
            department_code=code,
            facility=fac,
            patient=PatientFactory(facility=fac),
        )

    assign(stay("3197", D(2026, 3, 13)), on=day(3), **team)
    assign(stay("3197", D(2026, 3, 20)), on=day(3), **team)
    assign(stay("3197", D(2026, 3, 20)), on=day(3), positive=False, **team)
    against = stay("3100", D(2026, 3, 20))
    screen(against, positive=True, on=day(1))
    decision_record(
        by=treating_physician, stay=against, decision="not_assign", decided_on=day(2), reason="x", participants=""
    )
    assign(stay("3197", D(2026, 4, 10)), on=day(3), **team)
    assign(stay("3197", D(2026, 3, 20), facility=other_facility), on=day(3), **team)
    return facility


def test_the_share_of_a_quarter_is_the_quarterly_report_s_share(quarter, manager):
    result = start.positive_screening_share(quarter, Q1, AFTER_Q1)
    assert (result.numerator, result.denominator, result.target_percent) == (2, 3, 75)
    assert result.reason == (
        "Only 2 of 3 WMR stays discharged in Q1 2026 screened positive (66.7 %); the bar is over 75 %."
    )
    share = report_build(facility=quarter, year=2026, quarter=1, by=manager, today=AFTER_Q1).figures["share"]
    assert (share["numerator"], share["denominator"]) == (result.numerator, result.denominator)


def test_the_share_of_a_month(quarter):
    march = start.positive_screening_share(quarter, periods.month(2026, 3), AFTER_Q1)
    assert (march.numerator, march.denominator) == (2, 3)
    april = start.positive_screening_share(quarter, periods.month(2026, 4), D(2026, 5, 1))
    assert (april.numerator, april.denominator) == (1, 1)
    february = start.positive_screening_share(quarter, periods.month(2026, 2), AFTER_Q1)
    assert (february.denominator, february.rate) == (0, None)
    assert february.reason == "No WMR stay discharged in 02/2026: no data."


def test_a_running_quarter_counts_only_the_stays_discharged_by_today(quarter):
    result = start.positive_screening_share(quarter, Q1, D(2026, 3, 19))
    assert (result.numerator, result.denominator) == (1, 1)


def test_the_share_takes_the_same_queries_for_more_stays(
    django_assert_max_num_queries, quarter, make_stay, treating_psychologist, treating_physician
):
    # stays, screening settings, and the prefetched screenings, decisions, need assessments, corrections
    with django_assert_max_num_queries(6):
        start.positive_screening_share(quarter, Q1, AFTER_Q1)
    for _ in range(3):
        more = make_stay(admission_date=ADMISSION, discharge_date=D(2026, 3, 25), department_code="3197")
        assign(more, psychologist=treating_psychologist, physician=treating_physician, on=day(3))
    with django_assert_max_num_queries(6):
        result = start.positive_screening_share(quarter, Q1, AFTER_Q1)
    assert (result.numerator, result.denominator) == (5, 6)


# --- 2.8 the quarterly report shared with the team ----------------------------------------------------------------


def test_t26_a_report_shared_by_the_14th_day_berlin_time_is_in_time(facility, other_facility, manager):
    report = report_build(facility=facility, year=2026, quarter=1, by=manager, today=AFTER_Q1)
    report_build(facility=other_facility, year=2026, quarter=2, by=manager, today=D(2026, 7, 1))
    assert start.quarterly_quota_report(facility, Q1, D(2026, 4, 14)).denominator == 0
    missed = start.quarterly_quota_report(facility, Q1, D(2026, 4, 15))
    assert (missed.numerator, missed.denominator) == (0, 1)
    # 21:30 UTC is 23:30 on 14.04. in Berlin (summer time)
    report_mark_shared(report=report, by=manager, shared_at=dt.datetime(2026, 4, 14, 21, 30, tzinfo=dt.UTC))
    result = start.quarterly_quota_report(facility, Q1, D(2026, 5, 1))
    assert (result.numerator, result.denominator) == (1, 1)
    assert result.reason == "The report for Q1 2026 was shared with the team on 14.04.2026, due by 14.04.2026."


def test_t26_shared_after_midnight_in_berlin_is_late(facility, manager):
    report = report_build(facility=facility, year=2026, quarter=1, by=manager, today=AFTER_Q1)
    # 22:30 UTC on 14.04. is 00:30 on 15.04. in Berlin
    report_mark_shared(report=report, by=manager, shared_at=dt.datetime(2026, 4, 14, 22, 30, tzinfo=dt.UTC))
    result = start.quarterly_quota_report(facility, Q1, D(2026, 5, 1))
    assert (result.numerator, result.denominator) == (0, 1)
    assert "only on 15.04.2026" in result.reason


def test_another_clinic_s_report_does_not_count(facility, other_facility, manager, django_assert_num_queries):
    report = report_build(facility=other_facility, year=2026, quarter=1, by=manager, today=AFTER_Q1)
    report_mark_shared(report=report, by=manager, shared_at=dt.datetime(2026, 4, 2, 9, tzinfo=dt.UTC))
    with django_assert_num_queries(1):
        result = start.quarterly_quota_report(facility, Q1, D(2026, 5, 1))
    assert (result.numerator, result.denominator) == (0, 1)
    assert result.reason == "No report for Q1 2026 was shared with the team by 14.04.2026."
    with django_assert_num_queries(0):
        assert start.quarterly_quota_report(facility, periods.month(2026, 2), D(2026, 5, 1)).denominator == 0
