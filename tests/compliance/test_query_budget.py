"""The dashboard costs the same number of queries for 10 stays as for 2,000 (issue 8, "Performance").

The stays and their results are bulk-created (no services needed: the dashboard reads ``StayIndicator`` only, plus
the other apps' tables for topics, workflows and the facility measures), spread over the four quarters of 2026 so that
every query of the trend and of the facility measures finds stays at both sizes.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance import registry
from compliance.catalogue import by_measure
from compliance.models import StayIndicator
from compliance.periods import parse_period
from compliance.selectors import Filters, drilldown, facility_dashboard
from patients.models import CareTeamMembership, Patient, Stay, TeamFunction
from wmr.indicators import IndicatorState

TODAY = dt.date(2026, 12, 5)
Q4 = parse_period("2026-Q4")
STATES = IndicatorState.values
QUARTER_STARTS = [dt.date(2026, 1, 5), dt.date(2026, 4, 6), dt.date(2026, 7, 6), dt.date(2026, 10, 5)]

# The dashboard's queries, whatever the number of stays (measured: 39 at 10 and at 2,000 stays):
#  1  ComplianceSettings of the facility (thresholds)
#  2  rates: StayIndicator of the period grouped by measure, COUNT(...) FILTER (WHERE state = ...) per state
#  3  trend: StayIndicator of the four quarters grouped by measure, year and quarter of period_date
#  4  stays in the period: COUNT(DISTINCT stay), and those counted by their discharge
#  5  topics: DISTINCT (stay, topics) of the held, attended sessions of the period's stays
#  6  workflows: one aggregate over the period's stays, one EXISTS per workflow record
#  7  SelfAssessment answers of the period's year
#  8–31 2.7 positive-screening share, for each quarter of the trend (the period's own result reused): the screening
#       setting, the quarter's stays, their screening results, decisions, need assessments, §301 corrections (6 × 4)
# 32–35 2.8 the quarterly reports (1 × 4)
# 36–39 9.12 the weekly case conferences (1 × 4)
BUDGET = 39


def build(facility, n: int, *, offset: int = 0, team_user=None) -> None:
    """``n`` stays of ``facility`` with one result per stay measure, admitted in the four quarters of 2026 in turn
    (odd ones in 3197, two of three WMR); half of them have ``team_user`` on their care team."""
    patients = Patient.objects.bulk_create(
        Patient(facility=facility, last_name=f"Muster{offset + i}", first_name="Max", birth_date=dt.date(1970, 1, 1))
        for i in range(n)
    )
    stays = Stay.objects.bulk_create(
        Stay(
            number=f"B-{offset + i:06d}",
            patient=patient,
            facility=facility,
            status="discharged",
            admission_date=QUARTER_STARTS[i % 4],
            discharge_date=QUARTER_STARTS[i % 4] + dt.timedelta(days=35),
            department_code="3197" if i % 2 else "3100",
        )
        for i, patient in enumerate(patients)
    )
    basis = registry.stay_basis()
    StayIndicator.objects.bulk_create(
        (
            StayIndicator(
                stay=stay,
                measure=measure,
                recommendation=by_measure()[measure].id,
                state=STATES[(i // 4 + m) % 4],  # every state in every quarter
                period_date=stay.admission_date if basis[measure] == registry.ADMISSION else stay.discharge_date,
                facility=facility,
                department_code=stay.department_code,
                is_wmr=i % 3 != 1,
                computed_on=TODAY,
            )
            for i, stay in enumerate(stays)
            for m, measure in enumerate(sorted(basis))
        ),
        batch_size=2000,
    )
    if team_user is not None:
        CareTeamMembership.objects.bulk_create(
            CareTeamMembership(stay=stay, user=team_user, function=TeamFunction.PRIMARY_THERAPIST, added_by=team_user)
            for i, stay in enumerate(stays)
            if i % 8 < 4
        )


def queries(facility, filters: Filters) -> list[str]:
    """The queries of a dashboard computed in the request (nothing cached yet: the cold read)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        dashboard = facility_dashboard(facility=facility, period=Q4, filters=filters, today=TODAY)
    assert dashboard.stays > 0
    return [q["sql"] for q in captured.captured_queries]


def test_the_dashboard_costs_the_same_queries_at_10_and_2000_stays(facility, treating_psychologist):
    build(facility, 10, team_user=treating_psychologist)
    small = queries(facility, Filters())
    small_filtered = queries(facility, Filters(department="3197", wmr=True, team_user_id=treating_psychologist.pk))
    build(facility, 1990, offset=10, team_user=treating_psychologist)
    large = queries(facility, Filters())
    large_filtered = queries(facility, Filters(department="3197", wmr=True, team_user_id=treating_psychologist.pk))
    assert len(small) == len(large)
    assert len(small_filtered) == len(large_filtered)
    assert len(large) <= BUDGET
    with CaptureQueriesContext(connection) as captured:  # a drill-down page: one query, stays and patients joined
        rows = list(drilldown(facility=facility, measure="counseling_total_90min", period=Q4, filters=Filters())[:50])
        assert len(rows) == 50
        assert all(row.stay.patient.last_name for row in rows)
    assert len(captured.captured_queries) == 1


@pytest.mark.parametrize("stays", [10, 2000])
def test_the_dashboard_query_budget(stays, facility, django_assert_max_num_queries):
    build(facility, stays)
    with django_assert_max_num_queries(BUDGET):
        dashboard = facility_dashboard(facility=facility, period=Q4, filters=Filters(), today=TODAY)
    assert dashboard.stays == stays // 4  # the stays admitted (and discharged) in Q4
