"""Permission-matrix rows of the integrity app (issue 11): the status page and "verify now" are for privacy
officers and admins only; everyone else gets 404, as on the audit viewer."""

from __future__ import annotations

from tests.permissions import POST_ONLY_GET, Row, expect

PRIVACY_OR_ADMIN = expect(404, privacy_officer=200, admin=200, anonymous=302)
PRIVACY_OR_ADMIN_POST = expect(404, privacy_officer=302, admin=302, anonymous=302)

ROWS: list = [
    Row("integrity:status", "get", lambda o: [], PRIVACY_OR_ADMIN),
    Row("integrity:verify", "get", lambda o: [], POST_ONLY_GET),
    Row("integrity:verify", "post", lambda o: [], PRIVACY_OR_ADMIN_POST),
]
