"""Permission-matrix rows of the disclosure app (issue 11), collected by tests/test_permission_matrix.py.

The shared objects hold an employer consent (given 3.11.2026) and an employer contact, so the employer package for a
graded return is allowed: the flow's writes answer like any care-team write, everyone else gets 404. The args
callables create what a row needs (a sent package, a plan link) through the services.
"""

from __future__ import annotations

from disclosure import services
from disclosure.models import DisclosureRecord
from patients.models import PatientLink
from tests.permissions import (
    API_TEAM,
    POST_ONLY_GET,
    PUBLIC,
    TEAM_READ,
    TEAM_WRITE_FORM,
    TEAM_WRITE_POST,
    Row,
    expect,
    stay,
)

TEAM_POST_PAGE = expect(404, treating=200, social_worker=200, anonymous=302)  # a POST that answers with a page
API_TEAM_CREATE = expect(404, treating=201, social_worker=201, anonymous=403)


def package(o) -> dict:
    return {"contact": o["contact"].pk, "purpose": "graded_return", "sections": ["graded_plan", "capacity_summary"]}


def record(o) -> DisclosureRecord:
    found = DisclosureRecord.objects.filter(stay=o["stay"]).first()
    if found is None:
        found = services.package_create(
            by=None,
            stay=o["stay"],
            contact=o["contact"],
            purpose="graded_return",
            sections=["graded_plan"],
        )
    return found


def with_record(o) -> list:
    return [o["stay"].pk, record(o).pk]


def with_consent(o) -> list:
    return [o["stay"].pk, o["consent"].pk]


def plan_link(o) -> tuple[PatientLink, str]:
    if "plan_link" not in o:
        o["plan_link"] = services.plan_link_create(by=None, stay=o["stay"])
    return o["plan_link"]


def with_plan_link(o) -> list:
    return [o["stay"].pk, plan_link(o)[0].pk]


def plan_token(o) -> list:
    return [plan_link(o)[1]]


ROWS: list[Row] = [
    Row("disclosure:stay", "get", stay, TEAM_READ),
    Row("disclosure:stay", "get", lambda o: [record(o).stay_id], TEAM_READ, label="with-record"),
    Row("disclosure:new", "get", stay, TEAM_WRITE_FORM),
    Row(
        "disclosure:new",
        "get",
        stay,
        TEAM_WRITE_FORM,
        data=lambda o: {"contact": o["contact"].pk, "purpose": "graded_return"},
        label="chosen",
    ),
    Row("disclosure:preview", "post", stay, TEAM_POST_PAGE, data=package),
    Row("disclosure:preview", "get", stay, POST_ONLY_GET),
    Row("disclosure:create", "post", stay, TEAM_WRITE_POST, data=package),
    Row("disclosure:create", "get", stay, POST_ONLY_GET),
    Row("disclosure:record-pdf", "get", with_record, TEAM_READ),
    Row("disclosure:scope", "get", with_consent, TEAM_WRITE_FORM),
    Row(
        "disclosure:scope",
        "post",
        with_consent,
        TEAM_WRITE_POST,
        data=lambda o: {"purposes": ["graded_return"], "sections": ["graded_plan"], "note": ""},
    ),
    Row("disclosure:plan-link-create", "post", stay, TEAM_WRITE_POST),
    Row("disclosure:plan-link-create", "get", stay, POST_ONLY_GET),
    Row("disclosure:plan-link-revoke", "post", with_plan_link, TEAM_WRITE_POST),
    Row("disclosure:plan-link-revoke", "get", with_plan_link, POST_ONLY_GET),
    Row("api:stay-disclosures", "get", stay, API_TEAM),
    Row("api:stay-disclosures", "get", lambda o: [record(o).stay_id], API_TEAM, label="with-record"),
    Row("api:stay-disclosures", "post", stay, API_TEAM_CREATE, data=package),
    Row("patient_link:landing", "get", plan_token, PUBLIC, label="plan"),
]
