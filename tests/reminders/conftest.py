"""Fixtures of the reminder tests.

- ``team_stay``: the conftest stay (admitted Monday 2026-11-02 = day 1, planned discharge 2026-12-07) assigned to WMR
  on day 2 (so the §301 code task 3100 → 3197 is due on day 7) with a physician added to its care team: the treating
  psychologist is the primary therapist, the social worker and the physician hold their functions.
- ``make_team_stay(**stay_kwargs)`` makes more of them; ``day(stay, n)`` is the date of day ``n``.
- ``run(today)``: the morning run through the service.
"""

from __future__ import annotations

import datetime as dt

import pytest

from patients import services as patient_services
from patients.models import TeamFunction
from reminders import services
from tests.therapy.conftest import assign_wmr


def day(stay, n: int) -> dt.date:
    return stay.admission_date + dt.timedelta(days=n - 1)


@pytest.fixture
def make_team_stay(make_stay, treating_psychologist, social_worker, treating_physician):
    def make(wmr: bool = True, **kwargs):
        stay = make_stay(**kwargs)
        patient_services.careteam_add(
            by=treating_physician, stay=stay, user=treating_physician, function=TeamFunction.PHYSICIAN
        )
        if wmr:
            assign_wmr(stay, psychologist=treating_psychologist, physician=treating_physician)
        return stay

    return make


@pytest.fixture
def team_stay(make_team_stay):
    return make_team_stay()


@pytest.fixture
def run():
    def go(today: dt.date, **kwargs):
        return services.reminders_run(today=today, **kwargs)

    return go


@pytest.fixture
def eager():
    """Celery eager for this test (the PostgreSQL leg of CI sets a broker, so tasks are not eager there): the outbox
    then runs the queued task in-process after the commit."""
    from wmr.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
