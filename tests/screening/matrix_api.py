"""Permission-matrix rows of the screening API (collected by tests/test_permission_matrix.py)."""

from tests.permissions import API_TEAM, Row, expect, stay

# Quota reports: aggregates for management and clinicians of the facility; privacy officer and admin get 403 from
# the API (the list exists, nothing identifies a patient); anonymous 403 as everywhere in the API.
API_REPORTS = expect(200, privacy_officer=403, admin=403, anonymous=403)

ROWS: list[Row] = [
    Row("api:stay-screenings", "get", stay, API_TEAM),
    Row("api:stay-assignment", "get", stay, API_TEAM),
    Row("api:quota-report-list", "get", lambda o: [], API_REPORTS),
]
