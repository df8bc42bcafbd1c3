"""Progress against the bars from stored sessions: the selectors (``stay_therapy_state``, ``stays_progress``) and the
case overview's therapy section."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from diagnostics.models import PlannedTherapy, TherapyCatalogueItem
from patients.models import StayStatus
from tests.therapy.conftest import stay_day
from therapy.models import SessionKind, TrainingPlan
from therapy.selectors_progress import stay_therapy_state, stays_progress
from therapy.services.sessions import Attendee, session_cancel
from wmr.indicators import IndicatorState

TODAY = dt.date(2026, 11, 23)  # day 22 of the default stay (admitted 02.11.2026)


def bars(state) -> dict:
    return {bar.key: bar.result for bar in state.bars}


def test_logged_sessions_move_the_bars(wmr_stay, log_individual, work_group, log_group):
    log_individual(wmr_stay, 45, day=5)
    log_individual(wmr_stay, 15, day=12)
    log_individual(wmr_stay, 30, day=13, kind=SessionKind.GROUP_COUNSELING)
    log_group(work_group, [wmr_stay], day=6, minutes=120)
    results = bars(stay_therapy_state(wmr_stay, TODAY))
    assert (results["counseling_total_90min"].state, results["counseling_total_90min"].value) == (
        IndicatorState.MET,
        90,
    )
    assert (results["counseling_individual_60min"].state, results["counseling_individual_60min"].value) == (
        IndicatorState.MET,
        60,
    )
    assert (results["first_counseling_within_14d"].state, results["first_counseling_within_14d"].value) == (
        IndicatorState.MET,
        5,
    )
    assert (results["work_groups_240min"].state, results["work_groups_240min"].value) == (
        IndicatorState.NOT_YET_DUE,
        120,
    )
    assert results["workplace_training_360min"].state == IndicatorState.NOT_APPLICABLE


def test_a_cancelled_session_no_longer_counts(wmr_stay, log_individual, social_worker):
    session = log_individual(wmr_stay, 60, day=5)
    log_individual(wmr_stay, 20, day=8)
    session_cancel(by=social_worker, session=session, reason="entered for the wrong patient")
    results = bars(stay_therapy_state(wmr_stay, TODAY))
    assert results["counseling_individual_60min"].value == 20
    assert results["first_counseling_within_14d"].value == 8


def test_an_absent_participant_gets_no_group_minutes_and_a_late_one_fewer(
    make_wmr_stay, work_group, log_group, social_worker
):
    on_time, late, absent = make_wmr_stay(), make_wmr_stay(), make_wmr_stay()
    log_group(work_group, [on_time, late, absent], day=6, minutes=90)  # makes them members
    from therapy.services.sessions import group_session_log

    group_session_log(
        by=social_worker,
        group=work_group,
        held_on=stay_day(on_time, 8),
        start=dt.time(10, 0),
        minutes=90,
        attendees=[Attendee(stay=on_time), Attendee(stay=late, late_minutes=15), Attendee(stay=absent, present=False)],
        today=TODAY,
    )
    progress = stays_progress([on_time, late, absent], TODAY)
    minutes = {stay: progress[stay.pk].indicators["work_groups_240min"].value for stay in (on_time, late, absent)}
    assert minutes == {on_time: 180, late: 165, absent: 90}


def test_a_stay_without_wmr_decision_shows_the_bars_as_not_applicable(make_stay, log_individual):
    stay = make_stay()
    log_individual(stay, 90, day=3)
    state = stay_therapy_state(stay, TODAY)
    assert {r.state for r in bars(state).values()} == {IndicatorState.NOT_APPLICABLE}
    assert state.facts.totals == {SessionKind.INDIVIDUAL_COUNSELING: 90}


def test_minute_bars_are_judged_once_the_stay_is_discharged(wmr_stay, log_individual):
    log_individual(wmr_stay, 59, day=3)
    wmr_stay.status = StayStatus.DISCHARGED
    wmr_stay.save()
    results = bars(stay_therapy_state(wmr_stay, dt.date(2026, 12, 10)))
    assert results["counseling_individual_60min"].state == IndicatorState.NOT_MET
    assert results["counseling_total_90min"].state == IndicatorState.NOT_MET


def test_a_training_plan_makes_the_training_bar_apply(wmr_stay, social_worker):
    TrainingPlan.objects.create(stay=wmr_stay, starts_on=stay_day(wmr_stay, 10), created_by=social_worker)
    result = bars(stay_therapy_state(wmr_stay, TODAY))["workplace_training_360min"]
    assert (result.state, result.value, result.target) == (IndicatorState.NOT_YET_DUE, 0, 360)


def test_topics_of_held_sessions_are_covered_and_the_others_open(wmr_stay, log_individual):
    log_individual(wmr_stay, 30, day=3, topics=["career_prospects", "severe_disability"])
    counseling = stay_therapy_state(wmr_stay, TODAY).topics[0]
    assert [t.code for t in counseling.covered] == ["career_prospects", "severe_disability"]
    assert "workplace_conflicts" in [t.code for t in counseling.open_required]
    assert counseling.result.value == 2


def test_minutes_logged_against_a_planned_therapy_are_shown_with_it(
    wmr_stay, log_individual, treating_psychologist, client_for
):
    item = TherapyCatalogueItem.objects.create(
        code="test-counseling", name_de="Sozialberatung", name_en="Social counseling", kind="individual_counseling"
    )
    planned = PlannedTherapy.objects.create(
        stay=wmr_stay, item=item, minutes_per_week=30, created_by=treating_psychologist
    )
    log_individual(wmr_stay, 30, day=5, planned_therapy=planned)
    log_individual(wmr_stay, 25, day=9, planned_therapy=planned)
    log_individual(wmr_stay, 40, day=10)
    with translation.override("en"):
        rows = stay_therapy_state(wmr_stay, TODAY).planned
    assert [(row.planned, row.name, row.minutes) for row in rows] == [(planned, "Social counseling", 55)]
    html = client_for(treating_psychologist).get(reverse("cases:overview", args=[wmr_stay.pk])).content.decode()
    assert f'data-planned="{planned.pk}"' in html
    assert '<td class="text-end" data-testid="planned-minutes">55</td>' in html


def test_progress_of_many_stays_costs_the_same_queries_as_of_one(make_wmr_stay, log_individual):
    def count(stays) -> int:
        with CaptureQueriesContext(connection) as captured:
            stays_progress(stays, TODAY)
        return len(captured)

    first = make_wmr_stay()
    log_individual(first, 30, day=3)
    at_one = count([first])
    stays = [first]
    for _ in range(29):
        stay = make_wmr_stay()
        log_individual(stay, 30, day=3, topics=["aftercare"])
        stays.append(stay)
    # decisions, training plans, attendance aggregate
    assert at_one == count(stays) == 3


def test_the_overview_shows_the_bars_with_value_and_reason(wmr_stay, log_individual, treating_psychologist, client_for):
    log_individual(wmr_stay, 45, day=5, topics=["career_prospects"])
    with translation.override("en"):
        html = (
            client_for(treating_psychologist, language="en")
            .get(reverse("cases:overview", args=[wmr_stay.pk]))
            .content.decode()
        )
    assert 'data-testid="bar-counseling_individual_60min" data-state="not_yet_due" data-value="45"' in html
    assert 'data-testid="bar-first_counseling_within_14d" data-state="met" data-value="5"' in html
    assert 'width="75%"' in html  # 45 of 60
    assert "45 of 60 minutes of individual counseling so far; 15 to go before discharge." in html
    assert 'data-covered="career_prospects"' in html
    assert 'data-open="workplace_conflicts"' in html


def test_the_overview_says_why_the_bars_do_not_apply(stay, treating_psychologist, client_for):
    with translation.override("en"):
        html = (
            client_for(treating_psychologist, language="en")
            .get(reverse("cases:overview", args=[stay.pk]))
            .content.decode()
        )
    assert 'data-testid="therapy-not-wmr"' in html
    assert "No WMR decision yet." in html


def test_the_overview_offers_the_contact_log_as_csv_and_pdf(stay, treating_psychologist, client_for):
    html = client_for(treating_psychologist).get(reverse("cases:overview", args=[stay.pk])).content.decode()
    assert reverse("therapy:contact-log-csv", args=[stay.pk]) in html
    assert reverse("therapy:contact-log-pdf", args=[stay.pk]) in html
