"""Permission-matrix rows of the interop app (issue 11): the stay's FHIR bundle, as a page download and over the
API, is the care team's (404 for everyone else, 403 for an anonymous API call)."""

from __future__ import annotations

from tests.permissions import API_TEAM, TEAM_READ, Row, stay

ROWS: list = [
    Row("interop:stay-fhir-download", "get", stay, TEAM_READ),
    Row("api:stay-fhir", "get", stay, API_TEAM),
]
