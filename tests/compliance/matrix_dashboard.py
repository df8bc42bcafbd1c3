"""Permission-matrix rows of the management dashboard, the group of clinics and the drill-down (collected by
tests/test_permission_matrix.py).

Management only: clinicians (on the care team or not), the privacy officer and the admin get 404, anonymous users are
sent to the login. The pages are read-only (GET); a POST answers 405 before any role check. The manager persona's
facility is the shared stay's.
"""

from __future__ import annotations

from tests.permissions import Row, expect

MANAGEMENT_ONLY = expect(404, manager=200, anonymous=302)
GET_ONLY = expect(405)
PERIOD = "2026-Q4"
MEASURE = "first_counseling_within_14d"  # rec. 5.3, a stay-level indicator


def dashboard_query(o) -> dict:
    return {"facility": o["stay"].facility_id, "period": PERIOD}


ROWS = [
    Row("compliance:dashboard", "get", lambda o: [], MANAGEMENT_ONLY),
    Row("compliance:dashboard", "get", lambda o: [], MANAGEMENT_ONLY, data=dashboard_query),
    Row("compliance:dashboard", "post", lambda o: [], GET_ONLY),
    Row("compliance:group", "get", lambda o: [], MANAGEMENT_ONLY, data=lambda o: {"period": PERIOD}),
    Row("compliance:drilldown", "get", lambda o: [MEASURE], MANAGEMENT_ONLY, data=dashboard_query),
    Row("compliance:drilldown", "get", lambda o: ["no_such_measure"], expect(404, anonymous=302)),
]
