"""The graded return-to-work plan in the browser: Helen's six-step plan built through the forms (hamburg_model.md
§11.1), the step preview, bad input that keeps what was typed and stores nothing, the phase steps (ready, the
physician's approval, interruptions with the verdict in words, a new version), objects of another stay, the versions
page and the page's query budget.

Helen's stay: a DRV rehab discharged on Friday 13.02.2026; her plan starts on Monday 02.03.2026 (17 days after the
discharge: the pension insurance pays, §3 row 3). Assumptions of the worked case (as in test_hamburg_rules.py): the
4-hour step lasts 2 weeks; the remaining days keep the previous step's level (4 h in step 4, 6 h in step 6); a
five-day, 40-hour contract.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from patients import services as patient_services
from patients.models import Payer, TeamFunction
from reintegration.models import GradedReturnPlan, PlanConsent, PlanStatus, PlanStep, PlanVacation
from reintegration.services import plan as services
from tests.reintegration.matrix_plan import HELEN_START, HELEN_STEPS, approve_and_start, make_plan
from wmr.models import AuditEntry

PLANNED_ON = "2026-02-10 10:00"  # 20 days before the start: the lead time (V-8) is kept


def url(name, stay, *args):
    return reverse(f"reintegration:{name}", args=[stay.pk, *args])


def step_data(weeks, rows, /, **extra) -> dict:
    data = {"weeks": str(weeks), "days": "0", "starts_on": "", "activities": "", "restrictions": "", "save": "1"}
    for index, (days, hours) in enumerate(rows, start=1):
        data[f"pattern_days_{index}"] = str(days)
        data[f"pattern_hours_{index}"] = str(hours)
    data.update(extra)
    return data


def text(response) -> str:
    """The page's text without tags, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def helen_stay(make_stay):
    return make_stay(
        admission_date=dt.date(2026, 1, 12),
        discharge_date=dt.date(2026, 2, 13),
        status="discharged",
        payer=Payer.DRV_BUND,
    )


@pytest.fixture
def client(helen_stay, social_worker, client_for):
    return client_for(social_worker, language="en")


@pytest.fixture
def helen_plan(helen_stay, social_worker):
    return make_plan(helen_stay, social_worker, starts_on=HELEN_START, today=dt.date(2026, 2, 10))


# --- Helen's plan through the forms (§11.1) -----------------------------------------------------------------------


@freeze_time(PLANNED_ON)
def test_helens_six_step_plan_built_through_the_forms_ends_on_31_05_2026_with_304_hours(helen_stay, client):
    response = client.post(url("plan-create", helen_stay), {"starts_on": "2026-03-02"})
    assert response.status_code == 302
    for weeks, rows in HELEN_STEPS:
        response = client.post(url("plan-step-add", helen_stay), step_data(weeks, rows))
        assert response.status_code == 302, text(response)
    page = client.get(url("plan", helen_stay))
    html, words = page.content.decode(), text(page)
    assert html.count('data-testid="step-row"') == 6
    assert 'data-testid="plan-last-day">31.05.2026<' in html
    assert "01.06.2026 (Monday)" in words  # full time from Monday (H-4)
    assert "13 weeks = 91 days" in words
    assert 'data-testid="total-hours">304 h<' in html
    assert "13.04.2026 – 26.04.2026" in words and "3 × 6 h + 2 × 4 h" in words  # step 4
    assert "11.05.2026 – 31.05.2026" in words and "2 × 8 h + 3 × 6 h" in words  # step 6
    weekly = re.findall(r'data-testid="step-weekly-hours">([^<]+)<', html)
    assert weekly == ["10", "15", "20", "26", "30", "34"]
    hours = re.findall(r'data-testid="step-hours">([^<]+)<', html)
    assert hours == ["20", "30", "40", "52", "60", "102"]
    # no rule of the step plan is broken; only the consents are still missing (V-11)
    assert set(re.findall(r'data-code="(V-\d+)" data-level="error"', html)) == {"V-11"}
    assert 'data-level="warning"' not in html
    assert 'data-payer="pension"' in html
    assert "17 days after the discharge on 13.02.2026" in words  # the payer with its reason (§3 row 3)


@freeze_time(PLANNED_ON)
def test_the_header_form_changes_the_plan_and_keeps_its_steps(helen_plan, helen_stay, client):
    form = client.get(url("plan-edit", helen_stay))
    assert 'value="2026-03-02"' in form.content.decode()
    data = {
        "starts_on": "2026-03-04",
        "working_days_per_week": "5",
        "hours_per_day": "8",
        "activities_to_avoid": "Kein Heben über 10 kg",
        "supporting_measures": "",
        "employer_voluntary_payment": "",
        "note": "",
    }
    assert client.post(url("plan-edit", helen_stay), data).status_code == 302
    helen_plan.refresh_from_db()
    assert (helen_plan.starts_on, helen_plan.last_day) == (dt.date(2026, 3, 4), dt.date(2026, 6, 2))  # the variant
    assert "Kein Heben über 10 kg" in text(client.get(url("plan", helen_stay)))


@freeze_time(PLANNED_ON)
def test_the_preview_shows_the_computed_plan_with_the_new_step_and_stores_nothing(helen_plan, helen_stay, client):
    response = client.post(url("plan-step-add", helen_stay), step_data(1, [(5, "8")], preview="1", save=""))
    assert response.status_code == 200
    html, words = response.content.decode(), text(response)
    assert 'data-testid="step-preview-result"' in html
    assert "01.06.2026 – 07.06.2026" in words  # step 7 follows step 6 (H-3)
    assert "Last day 07.06.2026, full-time work from 08.06.2026." in words
    assert 'value="8"' in html  # the typed values stay in the form
    assert helen_plan.steps.count() == 6


# --- bad input: a clear message, the typed values kept, nothing stored ----------------------------------------------


BAD_STEPS = [
    pytest.param({"pattern_hours_1": "abc"}, "Enter a number.", 'value="abc"', id="hours-not-a-number"),
    pytest.param({"weeks": "zwei"}, "Enter a whole number.", 'value="zwei"', id="weeks-not-a-number"),
    pytest.param(
        {"pattern_days_1": "3"},
        "The days of the weekly pattern add up to 3; the contract has 5 working days a week.",
        'value="3"',
        id="pattern-not-adding-up",
    ),
    pytest.param(
        {"pattern_hours_1": "0"},
        "A step needs at least one working day with hours; 0 hours means days off (V-3).",
        'value="0"',
        id="zero-hours",
    ),
    pytest.param({"weeks": "0"}, "A step lasts at least one day (V-1).", 'value="0"', id="no-day"),
    pytest.param({"pattern_hours_1": "2.1"}, "Hours per day in quarter hours", 'value="2.1"', id="not-a-quarter-hour"),
    pytest.param(
        {"starts_on": "2026-05-25"},
        "Step 7 starts on 25.05.2026, but step 6 ends only on 31.05.2026: steps must not overlap (V-2).",
        'value="2026-05-25"',
        id="overlapping",
    ),
    pytest.param(
        {"starts_on": "2026-06-03"},
        "a gap of 2 days",
        'value="2026-06-03"',
        id="gap",
    ),
]


@freeze_time(PLANNED_ON)
@pytest.mark.parametrize(("change", "message", "kept"), BAD_STEPS)
def test_a_bad_step_keeps_what_was_typed_shows_why_and_stores_nothing(
    helen_plan, helen_stay, client, change, message, kept
):
    # the newest audit row's id (not the row count: PostgreSQL's sequences do not restart between tests)
    audit_rows = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with translation.override("en"):
        response = client.post(url("plan-step-add", helen_stay), step_data(1, [(5, "4")], **change))
    assert response.status_code == 200
    assert message in text(response)
    assert kept in response.content.decode()
    assert PlanStep.objects.filter(plan=helen_plan).count() == 6
    assert not AuditEntry.objects.filter(action="reintegration.plan.step_added", pk__gt=audit_rows).exists()


@freeze_time(PLANNED_ON)
def test_a_step_under_two_hours_is_kept_as_a_draft_and_shown_as_a_v3_error(helen_plan, helen_stay, client):
    """H2: the rules judge a stored draft; the page shows the error in red and the plan cannot become ready."""
    first = helen_plan.steps.get(position=1)
    response = client.post(url("plan-step-edit", helen_stay, first.pk), step_data(2, [(5, "1.5")]))
    assert response.status_code == 302
    html = client.get(url("plan", helen_stay)).content.decode()
    assert 'data-code="V-3" data-level="error" data-step="1"' in html
    assert "Step 1: 1.5 hours on a working day; every worked day needs at least 2 hours (V-3)." in html


@freeze_time(PLANNED_ON)
def test_a_vacation_ending_before_it_starts_is_refused_and_nothing_stored(helen_plan, helen_stay, client):
    response = client.post(url("plan-vacation-add", helen_stay), {"starts_on": "2026-05-08", "ends_on": "2026-05-04"})
    assert response.status_code == 200
    assert "The end (04.05.2026) lies before the start (08.05.2026)." in text(response)
    assert 'value="2026-05-08"' in response.content.decode()
    assert not PlanVacation.objects.exists()


@freeze_time(PLANNED_ON)
def test_h12_a_vacation_inside_the_plan_is_stored_and_shown_as_a_v10_error(helen_plan, helen_stay, client):
    response = client.post(url("plan-vacation-add", helen_stay), {"starts_on": "2026-05-04", "ends_on": "2026-05-08"})
    assert response.status_code == 302
    html = client.get(url("plan", helen_stay)).content.decode()
    assert 'data-code="V-10" data-level="error"' in html


@freeze_time(PLANNED_ON)
def test_an_interruption_ending_before_it_starts_is_refused(helen_plan, helen_stay, client):
    data = {"first_missed_day": "2026-04-14", "last_missed_day": "2026-04-13", "reason": "", "end_foreseeable": ""}
    response = client.post(url("plan-interruption-add", helen_stay), data)
    assert response.status_code == 200
    assert "The end (13.04.2026) lies before the start (14.04.2026)." in text(response)
    assert not helen_plan.interruptions.exists()


# --- consents and phases -------------------------------------------------------------------------------------------


@freeze_time(PLANNED_ON)
def test_only_a_physician_can_record_the_physicians_approval(helen_plan, helen_stay, client):
    data = {"party": "physician", "state": "given", "on": "2026-02-10", "signed_by": "", "reason": ""}
    with translation.override("en"):
        response = client.post(url("plan-consent", helen_stay), data)
    assert response.status_code == 200
    assert "Only a physician can record the physician's approval of the step plan (C-3)." in text(response)
    assert not PlanConsent.objects.exists()


@freeze_time(PLANNED_ON)
def test_the_physician_on_the_team_approves_the_step_plan(helen_plan, helen_stay, treating_physician, client_for):
    patient_services.careteam_add(
        by=treating_physician, stay=helen_stay, user=treating_physician, function=TeamFunction.PHYSICIAN
    )
    physician_on_team = treating_physician
    data = {"party": "physician", "state": "given", "on": "2026-02-10", "signed_by": "", "reason": ""}
    response = client_for(physician_on_team, language="en").post(url("plan-consent", helen_stay), data)
    assert response.status_code == 302
    html = client_for(physician_on_team, language="en").get(url("plan", helen_stay)).content.decode()
    assert 'data-party="physician" data-state="given"' in html


@freeze_time(PLANNED_ON)
def test_a_refusal_needs_its_reason_in_the_form(helen_plan, helen_stay, client):
    data = {"party": "employer", "state": "refused", "on": "2026-02-10", "signed_by": "", "reason": " "}
    response = client.post(url("plan-consent", helen_stay), data)
    assert response.status_code == 200
    assert "Please give the reason for the refusal or withdrawal (C-7)." in text(response)
    assert not PlanConsent.objects.exists()


@freeze_time(PLANNED_ON)
def test_ready_lists_what_is_missing_and_keeps_the_plan_a_draft(helen_plan, helen_stay, client):
    response = client.post(url("plan-ready", helen_stay), {"confirm_warnings": "on"})
    assert response.status_code == 200
    words = text(response)
    assert "The plan cannot be marked as ready yet:" in words
    assert "The patient's written consent is missing (C-1, V-11)." in words
    helen_plan.refresh_from_db()
    assert helen_plan.status == PlanStatus.DRAFT


@freeze_time("2026-02-20 10:00")
def test_h1_ready_with_ten_days_lead_time_needs_the_warnings_confirmed(
    helen_plan, helen_stay, social_worker, treating_physician, client
):
    services.prerequisites_record(
        by=social_worker, plan=helen_plan, on_sick_leave=True, partial_work_possible=True, workplace_allows=True
    )
    day = dt.date(2026, 2, 20)
    services.consent_record(by=social_worker, plan=helen_plan, party="employee", state="given", on=day)
    services.consent_record(
        by=social_worker, plan=helen_plan, party="employer", state="given", on=day, signed_by="Frau Weber"
    )
    services.consent_record(by=treating_physician, plan=helen_plan, party="physician", state="given", on=day)
    form = client.get(url("plan-ready", helen_stay))
    assert 'data-code="V-8" data-level="warning"' in form.content.decode()
    response = client.post(url("plan-ready", helen_stay), {})
    assert "Please confirm the warnings before the plan is marked as ready:" in text(response)
    helen_plan.refresh_from_db()
    assert helen_plan.status == PlanStatus.CONSENTS_PENDING
    assert client.post(url("plan-ready", helen_stay), {"confirm_warnings": "on"}).status_code == 302
    helen_plan.refresh_from_db()
    assert helen_plan.status == PlanStatus.READY


def _running(plan, social_worker, physician):
    return approve_and_start(plan, by=social_worker, physician=physician, today=dt.date(2026, 2, 16))


@freeze_time("2026-04-22 10:00")
def test_h9_an_eight_day_interruption_shows_the_failed_plan_in_words(
    helen_plan, helen_stay, social_worker, treating_physician, client
):
    _running(helen_plan, social_worker, treating_physician)
    data = {"first_missed_day": "2026-04-14", "last_missed_day": "2026-04-21", "reason": "Infekt"}
    response = client.post(url("plan-interruption-add", helen_stay), data, follow=True)
    words = text(response)
    assert "more than 7 days, so the graded return counts as failed from 14.04.2026; its last day was 13.04.2026" in (
        words
    )
    html = response.content.decode()
    assert 'data-status="aborted"' in html
    assert 'data-testid="plan-failed-from">14.04.2026<' in html
    assert 'data-kind="inform_payer" data-done="no"' in html
    assert 'data-testid="payer-continue"' in html


@freeze_time("2026-04-22 10:00")
def test_h8_seven_days_of_interruption_let_the_plan_continue(
    helen_plan, helen_stay, social_worker, treating_physician, client
):
    _running(helen_plan, social_worker, treating_physician)
    data = {"first_missed_day": "2026-04-14", "last_missed_day": "2026-04-20", "reason": "Infekt"}
    words = text(client.post(url("plan-interruption-add", helen_stay), data, follow=True))
    assert "7 days: at most 7 days, so the plan continues" in words
    helen_plan.refresh_from_db()
    assert helen_plan.status == PlanStatus.RUNNING


@freeze_time("2026-04-25 10:00")
def test_h10_the_payers_decision_brings_the_plan_back_to_running(
    helen_plan, helen_stay, social_worker, treating_physician, client
):
    plan = _running(helen_plan, social_worker, treating_physician)
    interruption = services.interruption_record(
        by=social_worker,
        plan=plan,
        first_missed_day=dt.date(2026, 4, 14),
        last_missed_day=dt.date(2026, 4, 21),
        end_foreseeable=True,
    )
    response = client.post(
        url("plan-payer-continue", helen_stay, interruption.pk), {"on": "2026-04-24", "reference": "DRV-E4-1"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RUNNING
    assert "The payer decided on 24.04.2026 to continue (DRV-E4-1, E-4)." in text(client.get(url("plan", helen_stay)))


@freeze_time("2026-05-20 18:00")
def test_h14_full_capacity_early_completes_the_plan(helen_plan, helen_stay, social_worker, treating_physician, client):
    _running(helen_plan, social_worker, treating_physician)
    assert client.post(url("plan-complete", helen_stay), {"actual_end": "2026-05-20"}).status_code == 302
    helen_plan.refresh_from_db()
    assert (helen_plan.status, helen_plan.actual_end) == (PlanStatus.COMPLETED, dt.date(2026, 5, 20))


@freeze_time("2026-04-01 10:00")
def test_stopping_the_plan_needs_a_reason(helen_plan, helen_stay, social_worker, treating_physician, client):
    _running(helen_plan, social_worker, treating_physician)
    response = client.post(url("plan-abort", helen_stay), {"on": "2026-04-01", "reason": ""})
    assert response.status_code == 200
    assert "This field is required." in text(response)
    helen_plan.refresh_from_db()
    assert helen_plan.status == PlanStatus.RUNNING


@freeze_time("2026-04-01 10:00")
def test_a_change_after_approval_makes_a_new_version_and_the_old_one_stays_readable(
    helen_plan, helen_stay, social_worker, treating_physician, client
):
    _running(helen_plan, social_worker, treating_physician)
    edit = client.post(url("plan-step-add", helen_stay), step_data(1, [(5, "8")]))
    assert "has been submitted and cannot be changed" in text(edit)  # H-6: no change in place
    assert helen_plan.steps.count() == 6
    response = client.post(url("plan-new-version", helen_stay), follow=True)
    assert "Version 2 started as a draft with the steps copied; version 1 stays readable." in text(response)
    assert GradedReturnPlan.objects.filter(stay=helen_stay).count() == 2
    versions = client.get(url("plan-versions", helen_stay)).content.decode()
    assert 'data-version="2" data-status="draft"' in versions or 'data-version="2" data-status="consents_pending"' in (
        versions
    )
    assert 'data-version="1" data-status="running"' in versions
    assert versions.count('data-testid="step-row"') == 12


@freeze_time("2026-04-22 10:00")
def test_a_task_is_marked_done_through_its_form(helen_plan, helen_stay, social_worker, treating_physician, client):
    plan = _running(helen_plan, social_worker, treating_physician)
    services.interruption_record(
        by=social_worker, plan=plan, first_missed_day=dt.date(2026, 4, 14), last_missed_day=dt.date(2026, 4, 21)
    )
    task = plan.tasks.get(kind="inform_payer")
    assert client.post(url("plan-task-done", helen_stay, task.pk), {"on": "2026-04-22"}).status_code == 302
    task.refresh_from_db()
    assert task.done_on == dt.date(2026, 4, 22)


# --- the page: without a plan, objects of another stay, query budget ------------------------------------------------


def test_without_a_plan_the_page_invites_to_examine_a_graded_return(stay, social_worker, client_for):
    html = client_for(social_worker, language="en").get(url("plan", stay)).content.decode()
    assert 'data-testid="no-plan"' in html
    assert url("plan-create", stay) in html


def test_a_step_of_another_stay_answers_404(helen_plan, helen_stay, make_stay, social_worker, client):
    other = make_stay()
    plan = make_plan(other, social_worker)
    foreign = plan.steps.first()
    assert client.get(url("plan-step-edit", helen_stay, foreign.pk)).status_code == 404
    assert client.post(url("plan-step-remove", helen_stay, foreign.pk)).status_code == 404
    assert PlanStep.objects.filter(pk=foreign.pk).exists()


def test_the_plan_page_read_is_audited(helen_plan, helen_stay, social_worker, client):
    client.get(url("plan", helen_stay))
    assert AuditEntry.objects.filter(
        action="reintegration.plan.viewed", user=social_worker, stay_id=helen_stay.pk
    ).exists()


@freeze_time("2026-04-22 10:00")
def test_the_plan_page_costs_the_same_queries_for_a_short_and_a_long_plan(
    helen_stay, make_stay, social_worker, treating_physician, client_for, django_assert_max_num_queries
):
    """Session, user, stay and care-team permission (~6), audit row (2), the plan with its prefetched steps,
    vacations, consents, interruptions and tasks (6), the work situation (1), the version list and the documents
    (2): the count does not grow with the steps or the interruptions."""
    short = make_plan(helen_stay, social_worker, starts_on=HELEN_START, steps=HELEN_STEPS[:1])
    client = client_for(social_worker, language="en")
    with django_assert_max_num_queries(22) as one:
        client.get(url("plan", helen_stay))
    other = make_stay(admission_date=dt.date(2026, 1, 12), discharge_date=dt.date(2026, 2, 13), payer=Payer.DRV_BUND)
    long = make_plan(other, social_worker, starts_on=HELEN_START)
    plan = _running(long, social_worker, treating_physician)
    services.interruption_record(
        by=social_worker, plan=plan, first_missed_day=dt.date(2026, 3, 10), last_missed_day=dt.date(2026, 3, 11)
    )
    services.interruption_record(
        by=social_worker, plan=plan, first_missed_day=dt.date(2026, 4, 14), last_missed_day=dt.date(2026, 4, 21)
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url("plan", other))
    assert short.steps.count() == 1


# --- the case overview ---------------------------------------------------------------------------------------------


def overview(client, stay) -> str:
    response = client.get(reverse("cases:overview", args=[stay.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_without_a_plan_the_overview_invites_to_examine_a_graded_return(helen_stay, client):
    html = overview(client, helen_stay)
    assert 'data-testid="overview-plan-none"' in html
    assert "Latest submission after this rehab: 27.02.2026 (K-5)." in html  # discharge 13.02. + 14 days
    assert url("plan-create", helen_stay) in html


@freeze_time(PLANNED_ON)
def test_the_overview_shows_the_draft_with_its_open_errors_and_the_k5_date(helen_plan, helen_stay, client):
    html = overview(client, helen_stay)
    assert 'data-testid="overview-plan-status" data-status="draft"' in html
    assert "last day 31.05.2026, full time from 01.06.2026" in html
    assert 'data-testid="overview-plan-errors" data-count="3"' in html  # C-1, C-2, C-3 (V-11)
    assert "Submit by 27.02.2026" in html
    assert url("plan", helen_stay) in html


@freeze_time("2026-04-22 10:00")
def test_the_overview_shows_a_failed_plan_and_its_tasks(
    helen_plan, helen_stay, social_worker, treating_physician, client
):
    plan = _running(helen_plan, social_worker, treating_physician)
    services.interruption_record(
        by=social_worker, plan=plan, first_missed_day=dt.date(2026, 4, 14), last_missed_day=dt.date(2026, 4, 21)
    )
    html = overview(client, helen_stay)
    assert 'data-testid="overview-plan-status" data-status="aborted"' in html
    assert "Failed with effect from 14.04.2026 (E-3)." in html
    assert 'data-testid="overview-plan-task" data-kind="inform_payer"' in html
    assert 'data-testid="overview-plan-task" data-kind="follow_up"' in html


@freeze_time("2026-04-22 10:00")
def test_the_overview_costs_the_same_queries_for_a_short_plan_and_a_failed_long_one(
    helen_stay, make_stay, social_worker, treating_physician, client_for, django_assert_max_num_queries
):
    """The plan's part of the overview reads nothing beyond stay_plan_state (seven queries, whatever the rows)."""
    make_plan(helen_stay, social_worker, starts_on=HELEN_START, steps=HELEN_STEPS[:1])
    client = client_for(social_worker, language="en")
    with django_assert_max_num_queries(200) as one:
        overview(client, helen_stay)
    other = make_stay(admission_date=dt.date(2026, 1, 12), discharge_date=dt.date(2026, 2, 13), payer=Payer.DRV_BUND)
    plan = _running(make_plan(other, social_worker, starts_on=HELEN_START), social_worker, treating_physician)
    services.interruption_record(
        by=social_worker, plan=plan, first_missed_day=dt.date(2026, 4, 14), last_missed_day=dt.date(2026, 4, 21)
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        overview(client, other)


@freeze_time(PLANNED_ON)
def test_a_consent_link_opens_the_form_with_party_and_state_chosen(helen_plan, helen_stay, client):
    html = client.get(url("plan", helen_stay)).content.decode()
    link = f"{url('plan-consent', helen_stay)}?party=physician&amp;state=given"
    assert link in html
    form = client.get(f"{url('plan-consent', helen_stay)}?party=physician&state=given").content.decode()
    assert re.search(r'<option value="physician" selected>', form)
    assert re.search(r'<option value="given" selected>', form)


@freeze_time(PLANNED_ON)
def test_a_27_week_plan_asks_for_its_justification_and_keeps_it_with_the_ready_step(
    helen_stay, social_worker, treating_physician, client
):
    """H6: V-5 needs a justification; the ready form asks for it, and a refusal of ``ready`` stores it neither."""
    plan = make_plan(helen_stay, social_worker, starts_on=HELEN_START, steps=[(27, [(5, "4")])])
    page = client.get(url("plan", helen_stay)).content.decode()
    assert 'data-code="V-5" data-level="warning"' in page and 'data-testid="finding-justify"' in page
    response = client.post(url("plan-ready", helen_stay), {"long_plan_justification": "Rückfall im April"})
    assert response.status_code == 200  # consents and prerequisites are missing: nothing is stored
    plan.refresh_from_db()
    assert plan.long_plan_justification == ""
    assert 'name="long_plan_justification"' in response.content.decode()
    assert "Rückfall im April" in response.content.decode()


@freeze_time(PLANNED_ON)
def test_with_its_justification_and_the_warnings_confirmed_a_long_plan_becomes_ready(
    helen_stay, social_worker, treating_physician, client
):
    plan = make_plan(helen_stay, social_worker, starts_on=HELEN_START, steps=[(27, [(5, "4")])])
    services.prerequisites_record(
        by=social_worker, plan=plan, on_sick_leave=True, partial_work_possible=True, workplace_allows=True
    )
    day = dt.date(2026, 2, 10)
    services.consent_record(by=social_worker, plan=plan, party="employee", state="given", on=day)
    services.consent_record(by=social_worker, plan=plan, party="employer", state="given", on=day, signed_by="HR")
    services.consent_record(by=treating_physician, plan=plan, party="physician", state="given", on=day)
    data = {"long_plan_justification": "Rückfall im April", "confirm_warnings": "on"}
    assert client.post(url("plan-ready", helen_stay), data).status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.long_plan_justification) == (PlanStatus.READY, "Rückfall im April")
    assert "justification recorded" in client.get(url("plan", helen_stay)).content.decode()
