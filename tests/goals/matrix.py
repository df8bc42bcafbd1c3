"""Permission-matrix rows of the goal agreement (collected by tests/test_permission_matrix.py).

Pages of a stay's goal agreement are the care team's; writes are its clinicians'. The args callables create the
agreement the row needs (a draft with one goal, or an agreed version) through the services.
"""

from __future__ import annotations

import datetime as dt

from goals import services
from goals.models import GoalAgreement
from tests.permissions import (
    API_TEAM,
    POST_ONLY_GET,
    TEAM_READ,
    TEAM_WRITE_FORM,
    TEAM_WRITE_POST,
    Row,
    stay,
)

WRITTEN = dt.date(2026, 11, 3)  # day 2 of the conftest stay (admitted 2.11.2026)

GOAL = {
    "area": "work",
    "text": "Wieder vier Stunden am Stück am Schreibtisch arbeiten",
    "target": "4 Stunden Büroarbeit an 3 Tagen der Arbeitstherapie",
    "responsible": "patient",
    "responsible_name": "",
    "review_on": dt.date(2026, 11, 16),
}


def draft(o) -> GoalAgreement:
    agreement = GoalAgreement.objects.filter(stay=o["stay"], status="draft").first()
    if agreement is None:
        agreement = services.agreement_start(by=None, stay=o["stay"], written_on=WRITTEN)
        services.goal_add(by=None, agreement=agreement, **GOAL)
    return agreement


def agreed(o) -> GoalAgreement:
    agreement = GoalAgreement.objects.filter(stay=o["stay"], status="agreed").first()
    if agreement is None:
        agreement = services.agreement_agree(by=None, agreement=draft(o), agreed_on=WRITTEN, agreed_how="conversation")
    return agreement


def with_draft(o) -> list:
    draft(o)
    return [o["stay"].pk]


def with_agreed(o) -> list:
    agreed(o)
    return [o["stay"].pk]


def draft_goal(o) -> list:
    return [o["stay"].pk, draft(o).goals.get().pk]


def agreed_version(o) -> list:
    return [o["stay"].pk, agreed(o).pk]


ROWS: list[Row] = [
    Row("goals:agreement", "get", with_agreed, TEAM_READ),
    Row("goals:versions", "get", with_agreed, TEAM_READ),
    Row("goals:start", "get", stay, TEAM_WRITE_FORM),
    Row("goals:start", "post", stay, TEAM_WRITE_POST, data=lambda o: {"written_on": WRITTEN.isoformat(), "note": ""}),
    Row("goals:goal-add", "get", with_draft, TEAM_WRITE_FORM),
    Row("goals:goal-edit", "get", draft_goal, TEAM_WRITE_FORM),
    Row("goals:goal-remove", "post", draft_goal, TEAM_WRITE_POST),
    Row("goals:goal-remove", "get", draft_goal, POST_ONLY_GET),
    Row("goals:agree", "get", with_draft, TEAM_WRITE_FORM),
    Row(
        "goals:agree",
        "post",
        with_draft,
        TEAM_WRITE_POST,
        data=lambda o: {"agreed_on": WRITTEN.isoformat(), "agreed_how": "signed", "note": ""},
    ),
    Row("goals:revise", "post", with_agreed, TEAM_WRITE_POST),
    Row("goals:revise", "get", with_agreed, POST_ONLY_GET),
    Row("goals:review", "get", with_agreed, TEAM_WRITE_FORM),
    Row("goals:copy-create", "post", agreed_version, TEAM_WRITE_POST),
    Row("goals:copy-create", "get", agreed_version, POST_ONLY_GET),
    Row("goals:handed-over", "get", agreed_version, TEAM_WRITE_FORM),
    Row("api:stay-goals", "get", stay, API_TEAM),
    Row("api:stay-goals", "get", with_agreed, API_TEAM),
]
