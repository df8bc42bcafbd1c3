"""Permission-matrix rows of the graded return-to-work plan (collected by tests/test_permission_matrix.py), and the
helpers the plan's tests share: Helen's six-step plan (hamburg_model.md §11.1) made through the services.

The page is the care team's to read; its forms are the care team's clinicians'. Rows that need a plan, a step, a
vacation, an interruption or a task make them through the services (the conftest stay: admitted 02.11.2026).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.permissions import (
    API_TEAM,
    POST_ONLY_GET,
    TEAM_READ,
    TEAM_WRITE_FORM,
    TEAM_WRITE_POST,
    Row,
    expect,
    stay,
)

START = dt.date(2026, 12, 21)  # a Monday after the conftest stay's discharge (07.12.2026)
TODAY = dt.date(2026, 12, 5)

# Helen (§11.1): weeks and weekly pattern of the six steps, five-day 40-hour contract. Assumptions of the worked case:
# the 4-hour step lasts 2 weeks; the remaining days keep the previous step's level (4 h in step 4, 6 h in step 6).
HELEN_START = dt.date(2026, 3, 2)
HELEN_STEPS = [
    (2, [(5, "2")]),
    (2, [(5, "3")]),
    (2, [(5, "4")]),
    (2, [(3, "6"), (2, "4")]),
    (2, [(5, "6")]),
    (3, [(2, "8"), (3, "6")]),
]

# JSON-only API: a form-encoded POST reaches the parser only for the care team (415); everyone else 404 / 403.
API_TEAM_JSON_ONLY = expect(404, treating=415, social_worker=415, anonymous=403)


def pattern(rows) -> list[dict]:
    return [{"days": days, "hours": Decimal(hours)} for days, hours in rows]


def make_plan(stay_, by, *, starts_on=START, steps=HELEN_STEPS, today=TODAY):
    """The stay's plan, made through the services with the given steps (Helen's by default)."""
    from reintegration.models import GradedReturnPlan
    from reintegration.services import plan as services

    plan = GradedReturnPlan.objects.filter(stay=stay_).order_by("-version").first()
    if plan is None:
        plan = services.plan_create(by=by, stay=stay_, starts_on=starts_on, today=today)
        for weeks, rows in steps:
            services.step_add(by=by, plan=plan, weeks=weeks, pattern=pattern(rows))
    return plan


def _plan(o):
    return make_plan(o["stay"], o["membership"].user)


def with_plan(o):
    _plan(o)
    return [o["stay"].pk]


def a_step(o):
    return [o["stay"].pk, _plan(o).steps.order_by("position").first().pk]


def a_vacation(o):
    from reintegration.services import plan as services

    vacation = services.vacation_add(
        by=o["membership"].user, plan=_plan(o), starts_on=dt.date(2027, 8, 2), ends_on=dt.date(2027, 8, 6)
    )
    return [o["stay"].pk, vacation.pk]


def approve_and_start(plan, *, by, physician, today=TODAY, started_on=None):
    """Everything the plan needs to run, through the services: prerequisites, the counselling (K-2), the consents of
    patient, employer and physician (C-1 … C-3), ready with the warnings confirmed, submitted and approved on
    ``today``, started on ``started_on`` (default: the plan's start)."""
    from reintegration import hamburg
    from reintegration.services import plan as services

    services.prerequisites_record(
        by=by, plan=plan, on_sick_leave=True, partial_work_possible=True, workplace_allows=True
    )
    topics = [key for key, _label in hamburg.COUNSELING_TOPICS]
    services.plan_update(by=by, plan=plan, values={"counseled_on": today, "counseling_topics": topics}, today=today)
    services.consent_record(by=by, plan=plan, party="employee", state="given", on=today, today=today)
    services.consent_record(
        by=by, plan=plan, party="employer", state="given", on=today, signed_by="Frau Weber (HR)", today=today
    )
    services.consent_record(by=physician, plan=plan, party="physician", state="given", on=today, today=today)
    services.plan_mark_ready(by=by, plan=plan, confirm_warnings=True, today=today)
    services.plan_submit(by=by, plan=plan, submitted_on=today, today=today)
    services.plan_approve(by=by, plan=plan, approved_on=today, reference="DRV-4711", today=today)
    started_on = started_on or plan.starts_on
    return services.plan_start(by=by, plan=plan, actual_start=started_on, today=max(today, started_on))


def with_failed_interruption(o):
    """A running plan with an 8-day interruption (E-3): it failed, with an interruption and open tasks."""
    from reintegration.models import PlanInterruption
    from reintegration.services import plan as services

    interruption = PlanInterruption.objects.filter(plan__stay=o["stay"]).first()
    if interruption is None:
        plan = approve_and_start(_plan(o), by=o["membership"].user, physician=o["other_user"])
        interruption = services.interruption_record(
            by=o["membership"].user,
            plan=plan,
            first_missed_day=dt.date(2027, 1, 4),
            last_missed_day=dt.date(2027, 1, 11),
            reason="Grippe",
            today=dt.date(2027, 1, 12),
        )
    return interruption


def an_interruption(o):
    return [o["stay"].pk, with_failed_interruption(o).pk]


def a_task(o):
    return [o["stay"].pk, with_failed_interruption(o).plan.tasks.first().pk]


def _day(day=START) -> str:
    return day.isoformat()


def _step_data(o) -> dict:
    return {
        "weeks": "2",
        "days": "0",
        "starts_on": "",
        "pattern_days_1": "5",
        "pattern_hours_1": "4",
        "activities": "Ablage",
        "restrictions": "",
        "save": "1",
    }


ROWS: list[Row] = [
    Row("reintegration:plan", "get", stay, TEAM_READ),
    Row("reintegration:plan", "get", with_plan, TEAM_READ),
    Row("reintegration:plan-versions", "get", with_plan, TEAM_READ),
    Row("reintegration:plan-create", "get", stay, TEAM_WRITE_FORM),
    Row("reintegration:plan-create", "post", stay, TEAM_WRITE_POST, data=lambda o: {"starts_on": _day()}),
    Row("reintegration:plan-edit", "get", with_plan, TEAM_WRITE_FORM),
    Row("reintegration:plan-counseling", "get", with_plan, TEAM_WRITE_FORM),
    Row("reintegration:plan-step-add", "get", with_plan, TEAM_WRITE_FORM),
    Row("reintegration:plan-step-add", "post", with_plan, TEAM_WRITE_POST, data=_step_data),
    Row("reintegration:plan-step-edit", "get", a_step, TEAM_WRITE_FORM),
    Row("reintegration:plan-step-remove", "post", a_step, TEAM_WRITE_POST),
    Row("reintegration:plan-step-remove", "get", a_step, POST_ONLY_GET),
    Row("reintegration:plan-vacation-add", "get", with_plan, TEAM_WRITE_FORM),
    Row("reintegration:plan-vacation-remove", "post", a_vacation, TEAM_WRITE_POST),
    Row("reintegration:plan-vacation-remove", "get", a_vacation, POST_ONLY_GET),
    Row("reintegration:plan-prerequisites", "get", with_plan, TEAM_WRITE_FORM),
    Row("reintegration:plan-consent", "get", with_plan, TEAM_WRITE_FORM),
    Row("reintegration:plan-ready", "get", with_plan, TEAM_WRITE_FORM),
    Row("reintegration:plan-submit", "get", with_plan, TEAM_WRITE_FORM),
    Row("reintegration:plan-approve", "get", with_plan, TEAM_WRITE_FORM),
    Row("reintegration:plan-start", "get", with_plan, TEAM_WRITE_FORM),
    Row("reintegration:plan-interruption-add", "get", with_plan, TEAM_WRITE_FORM),
    Row("reintegration:plan-interruption-close", "get", an_interruption, TEAM_WRITE_FORM),
    Row("reintegration:plan-payer-continue", "get", an_interruption, TEAM_WRITE_FORM),
    Row("reintegration:plan-complete", "get", with_plan, TEAM_WRITE_FORM),
    Row("reintegration:plan-abort", "get", with_plan, TEAM_WRITE_FORM),
    Row("reintegration:plan-new-version", "post", with_plan, TEAM_WRITE_POST),
    Row("reintegration:plan-new-version", "get", with_plan, POST_ONLY_GET),
    Row("reintegration:plan-task-done", "get", a_task, TEAM_WRITE_FORM),
    Row("reintegration:plan-pdf", "post", with_plan, TEAM_WRITE_POST),
    Row("reintegration:plan-pdf", "get", with_plan, POST_ONLY_GET),
    Row("reintegration:plan-pdf-employer", "post", with_plan, TEAM_WRITE_POST),
    Row("reintegration:plan-pdf-employer", "get", with_plan, POST_ONLY_GET),
    Row("api:reintegration-plan", "get", stay, API_TEAM),
    Row("api:reintegration-plan", "get", with_plan, API_TEAM),
    Row("api:reintegration-plan-validate", "post", stay, API_TEAM_JSON_ONLY),
]
