"""Permission-matrix rows of the quarterly screening-quota reports and the notifications (collected by
tests/test_permission_matrix.py). Management and clinicians of the facility see its reports; the privacy officer
and the admin role get 404 (all personas work in the same facility)."""

from __future__ import annotations

import datetime as dt

from tests.permissions import Row, expect

REPORTS_READ = expect(404, treating=200, social_worker=200, other_team=200, manager=200, anonymous=302)
REPORTS_POST = expect(404, treating=302, social_worker=302, other_team=302, manager=302, anonymous=302)
POST_ONLY = expect(405)


def _report(o) -> list:
    from screening.services.reports import report_build

    report = report_build(facility=o["stay"].facility, year=2025, quarter=4, today=dt.date(2026, 4, 1))
    return [report.pk]


def _notification(o) -> list:
    from wmr.models import Notification

    note = Notification.objects.create(user=o["other_user"], title="t", key="matrix")
    return [note.pk]


def _build_data(o) -> dict:
    return {"facility": o["stay"].facility_id, "year": 2025, "quarter": 4}


ROWS: list[Row] = [
    Row("screening:report-list", "get", lambda o: [], REPORTS_READ),
    Row("screening:report-build", "post", lambda o: [], REPORTS_POST, data=_build_data),
    Row("screening:report-build", "get", lambda o: [], POST_ONLY),
    Row("screening:report-detail", "get", _report, REPORTS_READ),
    Row("screening:report-status", "get", _report, REPORTS_READ),
    Row("screening:report-pdf", "get", _report, REPORTS_READ),
    Row("screening:report-csv", "get", _report, REPORTS_READ),
    Row("screening:report-share", "post", _report, REPORTS_POST),
    Row("screening:report-share", "get", _report, POST_ONLY),
    Row("notifications:list", "get", lambda o: [], expect(200, anonymous=302)),
    # the notification belongs to the other-team clinician: everyone else gets 404, anonymous the login
    Row("notifications:read", "post", _notification, expect(404, other_team=302, anonymous=302)),
    Row("notifications:read", "get", _notification, POST_ONLY),
]
