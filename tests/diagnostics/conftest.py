"""Fixtures of the diagnostics tests: the shipped instrument versions (from the data migration) and small helpers
that build profiles and append ratings (ratings are append-only rows: the newest per dimension counts)."""

from __future__ import annotations

import datetime as dt

import pytest

from diagnostics import demo
from diagnostics.models import JobDescription, Profile, ProfileInstrument, ProfileRating
from staff.models import Profession

NOT_ASSESSABLE = "not_assessable"


@pytest.fixture
def mini_icf(db) -> ProfileInstrument:
    return ProfileInstrument.objects.get(code="mini_icf_app", version="1")


@pytest.fixture
def melba_demo(db) -> ProfileInstrument:
    return ProfileInstrument.objects.get(code="melba", version="DEMO-1")


@pytest.fixture
def imba_demo(db) -> ProfileInstrument:
    return ProfileInstrument.objects.get(code="imba", version="DEMO-1")


def add_ratings(profile: Profile, ratings: dict, *, by=None, profession: str = Profession.PSYCHOLOGIST) -> None:
    """Append one rating row per dimension: ``{code: value}``; ``{code: (NOT_ASSESSABLE, reason)}`` for "not
    assessable"; a dimension left out stays "not rated"."""
    for code, value in ratings.items():
        if isinstance(value, tuple) and value[0] == NOT_ASSESSABLE:
            row = ProfileRating(profile=profile, dimension=code, value=None, not_assessable=True, reason=value[1])
        else:
            row = ProfileRating(profile=profile, dimension=code, value=value)
        row.rater = by
        row.profession = profession
        row.save()


def make_job(stay, *, title: str = "customer-service clerk") -> JobDescription:
    return JobDescription.objects.create(
        stay=stay,
        job_title=title,
        main_tasks="Kundenanfragen am Telefon",
        source="patient_interview",
        recorded_on=dt.date(2026, 11, 4),
    )


def make_profile(
    stay,
    instrument: ProfileInstrument,
    kind: str,
    ratings: dict | None = None,
    *,
    timepoint: str = "admission",
    reference_context: str = "concrete_job",
    job: JobDescription | None = None,
    rated_on: dt.date = dt.date(2026, 11, 5),
    by=None,
) -> Profile:
    """A profile row with its ratings (the header as the profile service would store it)."""
    if kind == "demand" and job is None:
        job = make_job(stay)
    profile = Profile.objects.create(
        stay=stay,
        kind=kind,
        instrument=instrument,
        timepoint=timepoint,
        reference_context=reference_context if kind != "demand" else "",
        job_description=job if kind == "demand" else None,
        rated_on=rated_on,
        created_by=by,
    )
    add_ratings(profile, ratings or {}, by=by)
    return profile


# mini_icf_app.md §9.1: the worked profile (customer-service clerk), I and D per dimension — the demo clinic shows
# the same profile, so both read one table (tests/diagnostics/test_comparison.py states the expected results).
WORKED_I = demo.WORKED_I
WORKED_D = demo.WORKED_D


@pytest.fixture
def worked_profiles(stay, mini_icf):
    """§9.1 on a stay: (capacity profile at admission, demand profile)."""
    return make_profile(stay, mini_icf, "capacity", WORKED_I), make_profile(stay, mini_icf, "demand", WORKED_D)
