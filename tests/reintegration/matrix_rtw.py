"""Permission-matrix rows of the return-to-work plan (collected by tests/test_permission_matrix.py).

The plan's pages are the care team's to read; its forms are the care team's clinicians'. The args callables make the
plan the row needs (a draft with a step and the employer as stakeholder — the shared objects hold the employer
consent of 03.11.2026 — or an agreed version) through the services.
"""

from __future__ import annotations

import datetime as dt

from reintegration.models import RtwPlan, RtwStatus
from reintegration.services import rtw as services
from tests.permissions import API_TEAM, POST_ONLY_GET, TEAM_READ, TEAM_WRITE_FORM, TEAM_WRITE_POST, Row, stay

AGREED_ON = dt.date(2026, 11, 20)
TODAY = dt.date(2026, 11, 25)


def draft(o) -> RtwPlan:
    plan = RtwPlan.objects.filter(stay=o["stay"], status=RtwStatus.DRAFT).first()
    if plan is None:
        plan = services.rtw_plan_start(by=None, stay=o["stay"], integration_goal="same_job", goal_detail="Lager")
        services.rtw_step_add(by=None, plan=plan, text="Stufenweise Wiedereingliederung", due_on=dt.date(2027, 1, 4))
        services.rtw_stakeholder_add(by=None, plan=plan, kind="employer", contact=o["contact"], today=TODAY)
    return plan


def agreed(o) -> RtwPlan:
    plan = RtwPlan.objects.filter(stay=o["stay"], status=RtwStatus.AGREED).first()
    if plan is None:
        plan = services.rtw_plan_agree(by=None, plan=draft(o), agreed_on=AGREED_ON, today=TODAY)
    return plan


def with_draft(o) -> list:
    draft(o)
    return [o["stay"].pk]


def with_agreed(o) -> list:
    agreed(o)
    return [o["stay"].pk]


def draft_step(o) -> list:
    return [o["stay"].pk, draft(o).steps.get().pk]


def draft_stakeholder(o) -> list:
    return [o["stay"].pk, draft(o).stakeholders.get().pk]


ROWS: list[Row] = [
    Row("reintegration:rtw", "get", stay, TEAM_READ),
    Row("reintegration:rtw", "get", with_draft, TEAM_READ),
    Row("reintegration:rtw-versions", "get", with_agreed, TEAM_READ),
    Row("reintegration:rtw-start", "get", stay, TEAM_WRITE_FORM),
    Row(
        "reintegration:rtw-start",
        "post",
        stay,
        TEAM_WRITE_POST,
        data=lambda o: {"integration_goal": "adapted_job", "goal_detail": "", "note": ""},
    ),
    Row("reintegration:rtw-edit", "get", with_draft, TEAM_WRITE_FORM),
    Row("reintegration:rtw-step-add", "get", with_draft, TEAM_WRITE_FORM),
    Row("reintegration:rtw-step-edit", "get", draft_step, TEAM_WRITE_FORM),
    Row("reintegration:rtw-step-remove", "post", draft_step, TEAM_WRITE_POST),
    Row("reintegration:rtw-step-remove", "get", draft_step, POST_ONLY_GET),
    Row("reintegration:rtw-stakeholder-add", "get", with_draft, TEAM_WRITE_FORM),
    Row("reintegration:rtw-stakeholder-remove", "post", draft_stakeholder, TEAM_WRITE_POST),
    Row("reintegration:rtw-stakeholder-remove", "get", draft_stakeholder, POST_ONLY_GET),
    Row("reintegration:rtw-agree", "get", with_draft, TEAM_WRITE_FORM),
    Row("reintegration:rtw-revise", "post", with_agreed, TEAM_WRITE_POST),
    Row("reintegration:rtw-revise", "get", with_agreed, POST_ONLY_GET),
    Row("api:stay-rtw-plan", "get", stay, API_TEAM),
    Row("api:stay-rtw-plan", "get", with_agreed, API_TEAM),
]
