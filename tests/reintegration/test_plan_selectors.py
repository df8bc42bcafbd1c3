"""Reads of the graded plan (reintegration.selectors_plan): the state the case overview and the plan page show, from
a constant number of queries; versions looked up only through their stay."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from patients.models import Stay
from reintegration import selectors_plan
from reintegration.models import PlanStatus
from reintegration.services import plan as services
from tests.reintegration.test_plan_services import (
    PLANNED_ON,
    build_draft,
    build_ready,
    build_running,
    make_helen_stay,
)

D = dt.date


@pytest.fixture
def helen_stay(make_stay):
    return make_helen_stay(make_stay)


@pytest.fixture
def draft(helen_stay, social_worker):
    return build_draft(helen_stay, social_worker)


@pytest.fixture
def ready(draft, social_worker, treating_physician):
    return build_ready(draft, social_worker, treating_physician)


@pytest.fixture
def running(ready, social_worker):
    return build_running(ready, social_worker)


def fresh(stay) -> Stay:
    return Stay.objects.get(pk=stay.pk)


def test_without_a_plan_the_state_still_shows_the_latest_submission_date_k5(helen_stay):
    state = selectors_plan.stay_plan_state(fresh(helen_stay), PLANNED_ON)
    assert (state.plan, state.current, state.versions, state.open_tasks) == (None, None, [], [])
    assert (state.computed, state.findings, state.payer, state.consents) == (None, [], None, [])
    assert state.latest_submission_on == D(2026, 2, 27)  # discharge 13.02. + 14 days
    assert not state.latest_submission_passed
    assert selectors_plan.stay_plan_state(fresh(helen_stay), D(2026, 2, 28)).latest_submission_passed


def test_a_draft_shows_its_computed_plan_its_open_consents_and_the_checklist(draft):
    state = selectors_plan.stay_plan_state(fresh(draft.stay), PLANNED_ON)
    assert state.plan == draft
    assert (state.computed.last_day, state.computed.total_days, state.computed.total_hours) == (
        D(2026, 5, 31),
        91,
        304,
    )
    assert [(f.code, f.party) for f in state.findings] == [
        ("V-11", "employee"),
        ("V-11", "employer"),
        ("V-11", "physician"),
    ]
    assert (state.payer.payer, state.payer.row) == ("pension", 3)
    assert [(row.party, row.state, row.required, row.ok) for row in state.consents] == [
        ("employee", None, True, False),
        ("employer", None, True, False),
        ("physician", None, True, False),
        ("occupational_physician", None, False, False),
    ]
    checklist = {item.code: item.state for item in state.prerequisites}
    assert checklist == {
        "P-1": "ok",
        "P-2": "ok",
        "P-3": "ok",
        "P-4": "ok",
        "P-5": "ok",
        "P-6": "open",
        "P-7": "open",
    }
    assert not state.current.can_mark_ready
    assert state.current.judged_submission_on == PLANNED_ON


def test_a_ready_plan_has_every_consent_and_prerequisite_and_no_finding(ready):
    state = selectors_plan.stay_plan_state(fresh(ready.stay), PLANNED_ON)
    assert state.plan.status == PlanStatus.READY
    assert state.findings == []
    assert all(row.ok for row in state.consents if row.required)
    assert {item.state for item in state.prerequisites} == {"ok"}
    assert state.current.counseling_missing == []


def test_an_open_interruption_is_shown_with_its_verdict_up_to_today(running, social_worker):
    services.interruption_record(by=social_worker, plan=running, first_missed_day=D(2026, 4, 14), today=D(2026, 4, 15))
    with translation.override("en"):
        state = selectors_plan.stay_plan_state(fresh(running.stay), D(2026, 4, 18))
    (row,) = state.interruptions
    assert (row.verdict.open, row.verdict.length_days, row.verdict.failed, row.verdict.fails_on) == (
        True,
        5,
        False,
        D(2026, 4, 21),
    )
    assert "21.04.2026 (day 8)" in row.verdict.explanation
    assert state.plan.status == PlanStatus.INTERRUPTED


def test_a_new_version_is_the_current_plan_and_the_old_one_stays_in_force(running, social_worker):
    new = services.plan_new_version(by=social_worker, plan=running, today=D(2026, 4, 1))
    state = selectors_plan.stay_plan_state(fresh(running.stay), D(2026, 4, 1))
    assert (state.plan, state.in_force, state.versions) == (new, running, [new, running])
    assert [task.kind for task in state.open_tasks] == ["inform_parties"] * 3
    assert [f.party for f in state.findings] == ["physician"]  # the changed plan needs the physician anew


def test_tr1_a_plan_not_started_is_not_validated_and_its_talk_again_task_is_open(draft, social_worker):
    services.consent_record(
        by=social_worker,
        plan=draft,
        party="employer",
        state="refused",
        on=D(2026, 2, 11),
        reason="Recover fully first.",
        today=PLANNED_ON,
    )
    state = selectors_plan.stay_plan_state(fresh(draft.stay), PLANNED_ON)
    assert state.plan.status == PlanStatus.NOT_STARTED
    assert state.findings == []
    assert [(task.kind, task.due_on) for task in state.open_tasks] == [("talk_again", D(2026, 2, 25))]


def test_a_version_is_found_only_through_its_own_stay(draft, make_stay):
    other = make_stay()
    assert selectors_plan.plan_for_stay(draft.stay, draft.pk) == draft
    assert selectors_plan.plan_for_stay(other, draft.pk) is None
    assert selectors_plan.plan_for_stay(draft.stay, "x") is None
    assert selectors_plan.plan_for_stay(draft.stay, None) is None


def test_an_old_version_is_readable_with_its_own_computed_plan(running, social_worker, django_assert_max_num_queries):
    new = services.plan_new_version(by=social_worker, plan=running, today=D(2026, 4, 1))
    services.step_remove(by=social_worker, step=new.steps.get(position=6))
    stay = fresh(running.stay)
    facts = services.plan_facts(stay)
    # the plan, its steps, vacations, consents, interruptions and tasks
    with django_assert_max_num_queries(6):
        old = selectors_plan.plan_for_stay(stay, running.pk)
        detail = selectors_plan.plan_detail(old, D(2026, 4, 1), facts=facts)
    assert detail.computed.last_day == D(2026, 5, 31)
    assert len(detail.computed.steps) == 6


def test_the_state_is_read_in_seven_queries_at_one_plan(ready, django_assert_max_num_queries):
    stay = fresh(ready.stay)
    # work situation, plans, steps, vacations, consents (+ patient's consent), interruptions, tasks
    with django_assert_max_num_queries(7):
        state = selectors_plan.stay_plan_state(stay, PLANNED_ON)
        assert state.plan.status == PlanStatus.READY


def test_the_state_is_read_in_seven_queries_at_many_versions_and_rows(
    running, social_worker, treating_physician, django_assert_max_num_queries
):
    on = D(2026, 4, 20)
    services.interruption_record(
        by=social_worker, plan=running, first_missed_day=D(2026, 4, 14), last_missed_day=D(2026, 4, 16), today=on
    )
    services.vacation_add(by=social_worker, plan=running, starts_on=D(2026, 6, 10), ends_on=D(2026, 6, 12))
    second = services.plan_new_version(by=social_worker, plan=running, today=on)
    services.consent_record(by=treating_physician, plan=second, party="physician", state="given", on=on, today=on)
    services.plan_mark_ready(by=social_worker, plan=second, confirm_warnings=True, today=on)
    services.plan_submit(by=social_worker, plan=second, submitted_on=on, today=on)
    third = services.plan_new_version(by=social_worker, plan=second, today=on)
    stay = fresh(running.stay)
    with django_assert_max_num_queries(7):
        state = selectors_plan.stay_plan_state(stay, on)
        assert [v.version for v in state.versions] == [3, 2, 1]
        assert (state.plan, state.in_force) == (third, second)
        assert len(state.open_tasks) == 6
        assert len(state.current.computed.steps) == 6
