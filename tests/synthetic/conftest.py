"""Shared fixture of the synthetic generator's tests: a small synthetic clinic group (60 stays, 2 facilities)."""

import datetime

import pytest
from django.core.management import call_command

TODAY = datetime.date(2026, 12, 6)


@pytest.fixture
def synthetic_small(db):
    """Seeds the small data set once per test (the test database is rolled back after each).

    ``per_year=120``: at the default 6,000 admissions a year 30 stays per facility would all lie in the coming three
    weeks (invited); at 120 a year they spread over three months: about a third discharged, a third admitted, a third
    invited."""
    call_command("seed_synthetic", stays=60, facilities=2, seed=3, per_year=120, today=TODAY, verbosity=0)
