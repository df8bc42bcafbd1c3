"""Permission-matrix rows of the privacy officer's pages: the privacy officer of the patient's facility only."""

from __future__ import annotations

from tests.permissions import PRIVACY_OFFICER_ONLY, Row


def patient(o):
    return [o["stay"].patient_id]


ROWS: list = [
    Row("privacy:search", "get", lambda o: [], PRIVACY_OFFICER_ONLY),
    Row("privacy:report", "get", patient, PRIVACY_OFFICER_ONLY),
    Row("privacy:report-pdf", "get", patient, PRIVACY_OFFICER_ONLY),
    Row("privacy:trail-csv", "get", patient, PRIVACY_OFFICER_ONLY),
    Row("privacy:trail-pdf", "get", patient, PRIVACY_OFFICER_ONLY),
    Row("privacy:export-json", "get", patient, PRIVACY_OFFICER_ONLY),
    Row("privacy:export-pdf", "get", patient, PRIVACY_OFFICER_ONLY),
]
