"""Each kind's due / overdue rule at its boundary day, through the real indicator functions of the overview (a rule
wrong by one day fails here), plus the pure helpers (recipients, snooze dates)."""

from __future__ import annotations

import datetime as dt

import pytest

from goals import services as goal_services
from reintegration.services.plan import plan_create
from reminders import rules, selectors
from tests.reminders.conftest import day
from therapy.models import SessionKind
from therapy.services.sessions import session_log


def items(stay, today):
    return {i.kind: i for i in selectors.due_items([stay], today)}


def state_of(stay, today, kind):
    found = items(stay, today).get(kind)
    return found.state if found else None


@pytest.mark.parametrize(("n", "expected"), [(13, None), (14, rules.DUE), (15, rules.OVERDUE)])
def test_first_counseling_is_due_on_day_14_and_overdue_from_day_15(team_stay, n, expected):
    assert state_of(team_stay, day(team_stay, n), rules.FIRST_COUNSELING) == expected


def test_first_counseling_due_date_is_day_14_of_the_stay(team_stay):
    item = items(team_stay, day(team_stay, 20))[rules.FIRST_COUNSELING]
    assert item.due_on == dt.date(2026, 11, 15)
    assert item.measure == "first_counseling_within_14d"


def test_a_counseling_held_late_is_no_longer_reminded(team_stay, social_worker):
    session_log(
        by=social_worker,
        stay=team_stay,
        kind=SessionKind.INDIVIDUAL_COUNSELING,
        held_on=day(team_stay, 16),
        minutes=50,
        today=day(team_stay, 16),
    )
    assert state_of(team_stay, day(team_stay, 17), rules.FIRST_COUNSELING) is None  # not met, but nothing to do


def test_a_stay_that_is_not_wmr_gets_no_counseling_reminder(make_team_stay):
    stay = make_team_stay(wmr=False)
    assert items(stay, day(stay, 20)) == {}


@pytest.mark.parametrize(("n", "expected"), [(6, None), (7, rules.DUE), (8, rules.OVERDUE)])
def test_department_code_is_due_on_day_7_and_overdue_from_day_8(team_stay, n, expected):
    assert state_of(team_stay, day(team_stay, n), rules.DEPARTMENT_CODE) == expected


def test_a_corrected_department_code_is_not_reminded(team_stay, treating_psychologist):
    from screening.services.assignment import code_correction_record

    code_correction_record(by=treating_psychologist, stay=team_stay, corrected_on=day(team_stay, 9), reference="X")
    assert state_of(team_stay, day(team_stay, 10), rules.DEPARTMENT_CODE) is None


def _agreed_goal(stay, by, review_on):
    agreement = goal_services.agreement_start(by=by, stay=stay, written_on=day(stay, 3), today=day(stay, 3))
    goal_services.goal_add(
        by=by,
        agreement=agreement,
        area="work",
        text="Vier Stunden am Schreibtisch",
        target="4 Stunden an 3 Tagen",
        responsible="patient",
        responsible_name="",
        review_on=review_on,
    )
    return goal_services.agreement_agree(
        by=by, agreement=agreement, agreed_on=day(stay, 3), agreed_how="conversation", today=day(stay, 3)
    )


@pytest.mark.parametrize(("offset", "expected"), [(-1, None), (0, rules.DUE), (1, rules.OVERDUE)])
def test_goal_review_is_due_on_its_review_date(team_stay, treating_psychologist, offset, expected):
    review_on = day(team_stay, 20)
    _agreed_goal(team_stay, treating_psychologist, review_on)
    today = review_on + dt.timedelta(days=offset)
    assert state_of(team_stay, today, rules.GOAL_REVIEW) == expected
    if expected:
        assert items(team_stay, today)[rules.GOAL_REVIEW].item_key == f"goal_review:{review_on.isoformat()}"


def test_a_recorded_review_ends_the_goal_review_reminder(team_stay, treating_psychologist):
    review_on = day(team_stay, 20)
    agreement = _agreed_goal(team_stay, treating_psychologist, review_on)
    goal = agreement.goals.get()
    goal_services.review_record(
        by=treating_psychologist,
        agreement=agreement,
        occasion="other",
        reviewed_on=review_on,
        outcomes={goal.pk: ("achieved", "")},
        today=review_on,
    )
    assert state_of(team_stay, review_on + dt.timedelta(days=1), rules.GOAL_REVIEW) is None


DISCHARGED = dt.date(2026, 12, 7)


@pytest.fixture
def discharged_stay(make_team_stay):
    return make_team_stay(status="discharged", discharge_date=DISCHARGED)


@pytest.mark.parametrize(
    ("today", "expected"),
    [(dt.date(2026, 12, 11), None), (dt.date(2026, 12, 12), rules.DUE), (dt.date(2026, 12, 13), rules.OVERDUE)],
)
def test_an_unsigned_letter_is_due_5_days_after_discharge(discharged_stay, today, expected):
    assert state_of(discharged_stay, today, rules.DISCHARGE_LETTER) == expected


def test_an_admitted_stay_gets_no_letter_reminder_whatever_its_planned_discharge(team_stay):
    assert state_of(team_stay, dt.date(2026, 12, 20), rules.DISCHARGE_LETTER) is None


@pytest.mark.parametrize(
    ("today", "expected"),
    [(dt.date(2026, 12, 20), None), (dt.date(2026, 12, 21), rules.DUE), (dt.date(2026, 12, 22), rules.OVERDUE)],
)
def test_a_graded_return_plan_not_submitted_is_due_14_days_after_discharge(
    discharged_stay, social_worker, today, expected
):
    plan_create(by=social_worker, stay=discharged_stay, starts_on=dt.date(2027, 1, 4), today=DISCHARGED)
    assert state_of(discharged_stay, today, rules.GRADED_RETURN) == expected


def test_a_submitted_graded_return_plan_is_not_reminded(discharged_stay, social_worker):
    from reintegration.models import GradedReturnPlan

    plan = plan_create(by=social_worker, stay=discharged_stay, starts_on=dt.date(2027, 1, 4), today=DISCHARGED)
    GradedReturnPlan.objects.filter(pk=plan.pk).update(status="submitted")
    assert state_of(discharged_stay, dt.date(2026, 12, 25), rules.GRADED_RETURN) is None


def test_no_plan_no_graded_return_reminder(discharged_stay):
    assert state_of(discharged_stay, dt.date(2026, 12, 25), rules.GRADED_RETURN) is None


# --- pure helpers ---------------------------------------------------------------------------------------------------


def test_due_state_boundaries():
    due = dt.date(2026, 11, 15)
    assert rules.due_state(True, due, due - dt.timedelta(days=1)) is None
    assert rules.due_state(True, due, due) == rules.DUE
    assert rules.due_state(True, due, due + dt.timedelta(days=1)) == rules.OVERDUE
    assert rules.due_state(False, due, due + dt.timedelta(days=1)) is None


def test_recipients_prefer_the_function_and_fall_back_to_the_primary_therapist():
    team = [(1, "primary_therapist"), (2, "social_worker"), (3, "physician"), (4, "physician")]
    assert rules.recipients(rules.FIRST_COUNSELING, team) == [2]
    assert rules.recipients(rules.DEPARTMENT_CODE, team) == [3, 4]
    assert rules.recipients(rules.DISCHARGE_LETTER, team) == [3, 4]
    assert rules.recipients(rules.GOAL_REVIEW, team) == [1]
    assert rules.recipients(rules.GRADED_RETURN, team) == [2]
    assert rules.recipients(rules.DEPARTMENT_CODE, [(1, "primary_therapist"), (5, "physiotherapist")]) == [1]
    assert rules.recipients(rules.FIRST_COUNSELING, [(5, "physiotherapist")]) == []


def test_snooze_dates():
    today = dt.date(2026, 11, 20)
    assert rules.snooze_problem(today, today) == "not_future"
    assert rules.snooze_problem(today + dt.timedelta(days=1), today) is None
    assert rules.snooze_problem(today + dt.timedelta(days=rules.MAX_SNOOZE_DAYS), today) is None
    assert rules.snooze_problem(today + dt.timedelta(days=rules.MAX_SNOOZE_DAYS + 1), today) == "too_far"
