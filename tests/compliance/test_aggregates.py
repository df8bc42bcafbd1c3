"""The dashboard's numbers against a hand-built quarter: stays with known results → exact numerators, denominators,
rates, trend, lights; "no data" for an empty period; filters narrowing; topics, workflows, self-assessment; the
drill-down."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from compliance.catalogue import by_measure
from compliance.models import ComplianceSettings, SelfAssessment, StayIndicator
from compliance.periods import parse_period
from compliance.selectors import Filters, Rate, drilldown, facility_dashboard
from patients import services as patient_services
from patients.models import ContactKind, ExternalContact, TeamFunction
from reintegration.services.checklists import checklist_record
from therapy.models import SessionKind
from therapy.services.sessions import session_log
from wmr.indicators import IndicatorState

TODAY = dt.date(2026, 12, 5)
Q4 = parse_period("2026-Q4")
D = dt.date
MET, NOT_MET = IndicatorState.MET, IndicatorState.NOT_MET
NOT_YET_DUE, NOT_APPLICABLE = IndicatorState.NOT_YET_DUE, IndicatorState.NOT_APPLICABLE
TOTAL = "counseling_total_90min"  # 5.1, shall, counted by discharge
SCREENED = "screened_at_start"  # 2.1, should, counted by admission


def result(stay, measure, state, on, *, wmr=True, department="3197"):
    return StayIndicator.objects.create(
        stay=stay,
        measure=measure,
        recommendation=by_measure()[measure].id,
        state=state,
        period_date=on,
        facility=stay.facility,
        department_code=department,
        is_wmr=wmr,
        computed_on=TODAY,
    )


@pytest.fixture
def quarter(make_stay, treating_psychologist, other_facility):
    """The hand-built quarter. ``s1``, ``s3`` and ``s6`` have the psychologist on their care team; the others none.

    5.1 (by discharge) in Q4 2026: s1 met, s2 met, s3 not met, s4 not yet due, s5 not applicable (no WMR), s10 not
    met → 2 of 4. In Q3: s6 not met, s7 met, s11 met → 2 of 3. In Q4 2025: s8 met (outside the trend).
    2.1 (by admission) in Q4 2026: s1, s2, s4, s9 met, s3 not met → 4 of 5; s9's discharge falls in Q1 2027.
    Another clinic's stay meets 5.1 in Q4 2026 and is never counted.
    """
    team = [(treating_psychologist, TeamFunction.PRIMARY_THERAPIST)]
    s = {n: make_stay(team=team if n in (1, 3, 6) else []) for n in range(1, 12)}
    result(s[1], TOTAL, MET, D(2026, 10, 15))
    result(s[2], TOTAL, MET, D(2026, 12, 20))
    result(s[3], TOTAL, NOT_MET, D(2026, 11, 30), department="3100")
    result(s[4], TOTAL, NOT_YET_DUE, D(2026, 12, 31))
    result(s[5], TOTAL, NOT_APPLICABLE, D(2026, 11, 1), wmr=False, department="3100")
    result(s[10], TOTAL, NOT_MET, D(2026, 10, 5), department="3100")
    result(s[6], TOTAL, NOT_MET, D(2026, 9, 30))
    result(s[7], TOTAL, MET, D(2026, 7, 1))
    result(s[11], TOTAL, MET, D(2026, 8, 14))
    result(s[8], TOTAL, MET, D(2025, 12, 31))
    result(s[9], TOTAL, NOT_YET_DUE, D(2027, 1, 8))
    result(s[1], SCREENED, MET, D(2026, 10, 1))
    result(s[2], SCREENED, MET, D(2026, 10, 20))
    result(s[3], SCREENED, NOT_MET, D(2026, 11, 2), department="3100")
    result(s[4], SCREENED, MET, D(2026, 12, 1))
    result(s[9], SCREENED, MET, D(2026, 12, 2))
    elsewhere = make_stay(facility=other_facility, team=[])
    result(elsewhere, TOTAL, MET, D(2026, 11, 11))
    return s


def board(facility, period=Q4, **filters):
    return facility_dashboard(facility=facility, period=period, filters=Filters(**filters), today=TODAY)


def row(dashboard, rec_id):
    return next(r for block in dashboard.sections for r in block.indicators if r.recommendation.id == rec_id)


def topic(dashboard, rec_id):
    return next(n for block in dashboard.sections for rec, n in block.topics if rec.id == rec_id)


def workflow(dashboard, rec_id):
    return next(n for block in dashboard.sections for rec, n in block.workflows if rec.id == rec_id)


def answer(dashboard, rec_id):
    return next(a for block in dashboard.sections for rec, a in block.self_assessment if rec.id == rec_id)


def test_the_quarters_rates_are_counted_exactly(quarter, facility):
    dashboard = board(facility)
    total = row(dashboard, "5.1")
    assert total.rate == Rate(numerator=2, denominator=4, not_yet_due=1, not_applicable=1)
    assert total.rate.rate == Decimal("50.0")
    assert total.rate.missing == 2
    assert total.light == "red"  # a "shall" below 90 %
    screened = row(dashboard, "2.1")
    assert screened.rate == Rate(numerator=4, denominator=5)
    assert screened.rate.rate == Decimal("80.0")
    assert screened.light == "green"  # a "should" at 75 % or above


def test_the_stays_of_the_period(quarter, facility):
    dashboard = board(facility)
    assert dashboard.stays == 7  # s1–s5, s10 (5.1 in Q4) and s9 (2.1 in Q4)
    assert dashboard.outcome_stays == 6  # s9 is discharged in Q1 2027


def test_the_trend_is_the_last_four_quarters_oldest_first(quarter, facility):
    trend = row(board(facility), "5.1").trend
    assert [p.code for p, _rate in trend] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert [rate for _p, rate in trend] == [None, None, Decimal("66.7"), Decimal("50.0")]


def test_a_month_counts_its_own_days_and_trends_over_its_quarters(quarter, facility):
    october = board(facility, parse_period("2026-10"))
    assert row(october, "5.1").rate == Rate(numerator=1, denominator=2)  # s1 met, s10 not met
    assert [p.code for p, _rate in row(october, "5.1").trend][-1] == "2026-Q4"
    december = board(facility, parse_period("2026-12"))
    assert row(december, "5.1").rate == Rate(numerator=1, denominator=1, not_yet_due=1)
    assert row(december, "5.1").rate.rate == Decimal("100.0")


def test_an_empty_period_is_no_data_never_zero(quarter, facility):
    dashboard = board(facility, parse_period("2025-Q1"))
    assert dashboard.stays == 0
    assert dashboard.outcome_stays == 0
    rows = [r for block in dashboard.sections for r in block.indicators if not r.facility_level]
    assert len(rows) == 25  # the catalogue's stay-level indicator rows
    for r in rows:
        assert r.rate == Rate()
        assert r.rate.rate is None
        assert r.light == "none"
        assert [rate for _p, rate in r.trend] == [None, None, None, None]
    assert topic(dashboard, "5.4") == 0
    assert workflow(dashboard, "8.1") == 0


def test_a_measure_without_results_in_a_busy_period_is_no_data(quarter, facility):
    rtw = row(board(facility), "8.13")
    assert (rtw.rate.rate, rtw.light) == (None, "none")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"department": "3197"}, Rate(numerator=2, denominator=2, not_yet_due=1)),  # s1, s2, s4
        ({"department": "3100"}, Rate(numerator=0, denominator=2, not_applicable=1)),  # s3, s10, s5
        ({"wmr": True}, Rate(numerator=2, denominator=4, not_yet_due=1)),
        ({"wmr": False}, Rate(not_applicable=1)),  # s5 only: no data
        ({"department": "3100", "wmr": True}, Rate(numerator=0, denominator=2)),
    ],
)
def test_filters_narrow_the_rates(quarter, facility, filters, expected):
    assert row(board(facility, **filters), "5.1").rate == expected


def test_the_team_filter_counts_the_stays_whose_care_team_includes_the_clinician(
    quarter, facility, treating_psychologist, social_worker
):
    dashboard = board(facility, team_user_id=treating_psychologist.pk)
    assert row(dashboard, "5.1").rate == Rate(numerator=1, denominator=2)  # s1 met, s3 not met
    assert dashboard.stays == 2
    assert board(facility, team_user_id=social_worker.pk).stays == 0


def test_another_clinics_results_never_count(quarter, facility, other_facility):
    assert row(board(other_facility), "5.1").rate == Rate(numerator=1, denominator=1)
    assert row(board(facility), "5.1").rate.numerator == 2


def test_the_facilitys_thresholds_colour_the_rows(quarter, facility):
    ComplianceSettings.objects.create(facility=facility, shall_red_below=50, should_amber_below=85)
    dashboard = board(facility)
    assert dashboard.thresholds == {"shall": 50, "should": 85, "may": 50}
    assert row(dashboard, "5.1").light == "green"  # 50.0 is not below 50
    assert row(dashboard, "2.1").light == "amber"  # 80.0 is below 85


def test_the_facility_measures_and_the_positive_screening_share(quarter, facility):
    dashboard = board(facility)
    share = row(dashboard, "2.7")
    assert share.facility_level
    assert dashboard.positive_screening is share
    assert share.reason
    assert len(share.trend) == 4
    assert {r.recommendation.id for block in dashboard.sections for r in block.indicators if r.facility_level} == {
        "2.7",
        "2.8",
        "9.12",
    }


def test_sections_come_in_catalogue_order_with_every_indicator_row(quarter, facility):
    dashboard = board(facility)
    assert [block.section for block in dashboard.sections] == [
        "preparation",
        "assignment",
        "goal_setting",
        "diagnostics",
        "counseling",
        "work_groups",
        "workplace_training",
        "rtw_management",
        "team",
        "cooperation",
    ]
    assert sum(len(block.indicators) for block in dashboard.sections) == 28
    assert sum(len(block.topics) for block in dashboard.sections) == 25
    assert sum(len(block.workflows) for block in dashboard.sections) == 36
    ids = [r.recommendation.id for r in dashboard.sections[4].indicators]
    assert ids == ["5.1", "5.2", "5.3"]


def test_topics_covered_count_the_periods_stays_with_a_held_session_on_the_topic(
    quarter, facility, treating_psychologist
):
    def counseling(stay, topics):
        session_log(
            by=treating_psychologist,
            stay=stay,
            kind=SessionKind.INDIVIDUAL_COUNSELING,
            held_on=D(2026, 11, 10),
            minutes=50,
            topics=topics,
            today=TODAY,
        )

    counseling(quarter[1], ["career_prospects", "workplace_conflicts"])
    counseling(quarter[1], ["career_prospects"])  # the same stay again counts once
    counseling(quarter[3], ["career_prospects"])
    counseling(quarter[6], ["career_prospects", "severe_disability"])  # s6 counts in Q3, not in Q4
    dashboard = board(facility)
    assert topic(dashboard, "5.4") == 2
    assert topic(dashboard, "5.5") == 1
    assert topic(dashboard, "5.6") == 0
    assert topic(board(facility, parse_period("2026-Q3")), "5.6") == 1
    assert topic(board(facility, team_user_id=treating_psychologist.pk, department="3100"), "5.4") == 1  # s3


def test_workflows_count_the_stays_with_the_record_and_none_where_the_app_keeps_none(
    quarter, facility, treating_psychologist
):
    s1, s3 = quarter[1], quarter[3]
    patient_services.consent_give(by=treating_psychologist, stay=s1, kind="employer", given_on=D(2026, 11, 3))
    employer = patient_services.contact_save(
        by=treating_psychologist, contact=ExternalContact(stay=s1, kind=ContactKind.EMPLOYER, organisation="Stadtwerke")
    )
    patient_services.contact_event_record(
        by=treating_psychologist, contact=employer, on=D(2026, 11, 4), channel="phone"
    )
    checklist_record(
        by=treating_psychologist, stay=s1, item="stay_extension", state="done", on=D(2026, 11, 5), today=TODAY
    )
    checklist_record(
        by=treating_psychologist, stay=s3, item="stay_extension", state="done", on=D(2026, 11, 5), today=TODAY
    )
    checklist_record(  # corrected: the latest entry counts
        by=treating_psychologist,
        stay=s3,
        item="stay_extension",
        state="not_applicable",
        on=D(2026, 11, 6),
        note="discharge date fixed by the payer",
        today=TODAY,
    )
    dashboard = board(facility)
    assert workflow(dashboard, "10.5") == 1
    assert workflow(dashboard, "8.1") == 1
    assert workflow(dashboard, "8.14") == 0
    assert workflow(dashboard, "10.6") == 0
    assert workflow(dashboard, "2.2") is None  # no record kept in the app
    assert workflow(board(facility, department="3197"), "8.1") == 1
    assert workflow(board(facility, department="3100"), "8.1") == 0


def test_self_assessment_answers_of_the_periods_year(quarter, facility, manager):
    SelfAssessment.objects.create(facility=facility, year=2026, recommendation="1.3", answer="yes", answered_by=manager)
    SelfAssessment.objects.create(facility=facility, year=2025, recommendation="9.1", answer="no", answered_by=manager)
    dashboard = board(facility)
    assert answer(dashboard, "1.3") == "yes"
    assert answer(dashboard, "9.1") is None
    assert answer(board(facility, parse_period("2025-11")), "9.1") == "no"


def test_the_drilldown_lists_the_stays_that_miss_the_measure_by_period_date(
    quarter, facility, django_assert_num_queries
):
    with django_assert_num_queries(1):  # the rows with their stay and patient
        found = list(drilldown(facility=facility, measure=TOTAL, period=Q4, filters=Filters()))
        numbers = [r.stay.number for r in found]
        names = [r.stay.patient.last_name for r in found]
    assert numbers == [quarter[10].number, quarter[3].number]
    assert len(names) == 2
    assert {r.state for r in found} == {NOT_MET}


def test_the_drilldown_follows_the_filters_and_the_facility(quarter, facility, other_facility, treating_psychologist):
    def stays(place=facility, **filters):
        return [r.stay_id for r in drilldown(facility=place, measure=TOTAL, period=Q4, filters=Filters(**filters))]

    assert stays(department="3197") == []
    assert stays(team_user_id=treating_psychologist.pk) == [quarter[3].pk]
    assert stays(place=other_facility) == []
    assert [
        r.stay_id
        for r in drilldown(facility=facility, measure=TOTAL, period=parse_period("2026-Q3"), filters=Filters())
    ] == [quarter[6].pk]
