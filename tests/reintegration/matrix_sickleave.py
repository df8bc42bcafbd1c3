"""Permission-matrix rows of the sick-leave history, its triggers and the work situation (collected by
tests/test_permission_matrix.py).

The page and the API are the care team's to read; the form pages are the care team's clinicians'. Rows that need a
period create it through the service (the shared stay is admitted on 02.11.2026; the period lies before it).
"""

from __future__ import annotations

import datetime as dt

from tests.permissions import API_TEAM, TEAM_READ, TEAM_WRITE_FORM, TEAM_WRITE_POST, Row, stay

TODAY = dt.date(2026, 11, 20)
EXAMINED = dt.date(2026, 11, 5)


def period_values(**overrides) -> dict:
    """A certified sick leave of September 2026 (30 days), as the form posts it."""
    values = {
        "kind": "certified",
        "starts_on": dt.date(2026, 9, 1),
        "ends_on": dt.date(2026, 9, 30),
        "diagnosis_group": "F43",
        "note": "",
    }
    values.update(overrides)
    return values


def as_post(values: dict) -> dict:
    return {
        name: "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else value)
        for name, value in values.items()
    }


def with_period(o):
    from reintegration.services.sickleave import sick_leave_add

    period = sick_leave_add(by=o["membership"].user, stay=o["stay"], today=TODAY, **period_values())
    return [o["stay"].pk, period.pk]


def work_situation_values(**overrides) -> dict:
    values = {
        "working_days_per_week": "5",
        "hours_per_day": "8.00",
        "disability": "none",
        "job_risk": "none",
        "statutory_sick_pay": "on",
        "note": "",
    }
    values.update(overrides)
    return values


ROWS: list[Row] = [
    Row("reintegration:sick-leave", "get", stay, TEAM_READ),
    Row("reintegration:sick-leave", "get", lambda o: with_period(o)[:1], TEAM_READ),
    Row("reintegration:sick-leave-add", "get", stay, TEAM_WRITE_FORM),
    Row("reintegration:sick-leave-add", "post", stay, TEAM_WRITE_POST, data=lambda o: as_post(period_values())),
    Row("reintegration:sick-leave-correct", "get", with_period, TEAM_WRITE_FORM),
    Row(
        "reintegration:sick-leave-correct",
        "post",
        with_period,
        TEAM_WRITE_POST,
        data=lambda o: as_post(period_values(ends_on=dt.date(2026, 10, 2))),
    ),
    Row("reintegration:sick-leave-remove", "get", with_period, TEAM_WRITE_FORM),
    Row(
        "reintegration:sick-leave-remove",
        "post",
        with_period,
        TEAM_WRITE_POST,
        data=lambda o: {"reason": "Doppelt erfasst"},
    ),
    Row("reintegration:trigger-examine", "get", stay, TEAM_WRITE_FORM),
    Row(
        "reintegration:trigger-examine",
        "post",
        stay,
        TEAM_WRITE_POST,
        data=lambda o: {"kind": "bem", "examined_on": EXAMINED.isoformat(), "outcome": "indicated", "note": ""},
    ),
    Row("reintegration:work-situation", "get", stay, TEAM_WRITE_FORM),
    Row("reintegration:work-situation", "post", stay, TEAM_WRITE_POST, data=lambda o: work_situation_values()),
    Row("api:stay-sick-leave", "get", stay, API_TEAM),
]
