"""Permission-matrix rows of the compliance exports and the compliance API (collected by
tests/test_permission_matrix.py).

The exports are management's of the facility (the manager persona's facility is the shared stay's); everyone else
gets 404. The aggregate API is management's too (anonymous: 403, as every API path); the per-stay API is the care
team's, like every stay API.
"""

from __future__ import annotations

from tests.permissions import API_TEAM, Row, expect, stay

MANAGEMENT_ONLY = expect(404, manager=200, anonymous=302)
API_MANAGEMENT_ONLY = expect(404, manager=200, anonymous=403)
PERIOD = "2026-Q4"


def dashboard_query(o) -> dict:
    return {"facility": o["stay"].facility_id, "period": PERIOD}


def facility(o) -> list:
    return [o["stay"].facility_id]


ROWS = [
    Row("compliance:export-csv", "get", lambda o: [], MANAGEMENT_ONLY, data=dashboard_query),
    Row("compliance:export-xlsx", "get", lambda o: [], MANAGEMENT_ONLY, data=dashboard_query),
    Row("compliance:export-pdf", "get", lambda o: [], MANAGEMENT_ONLY, data=dashboard_query),
    Row("compliance:export-stays-csv", "get", lambda o: [], MANAGEMENT_ONLY, data=dashboard_query),
    Row("api:compliance-facility-indicators", "get", facility, API_MANAGEMENT_ONLY, data=lambda o: {"period": PERIOD}),
    Row("api:stay-indicators", "get", stay, API_TEAM),
]
