"""Query budgets: the case overview, the diagnostics page and a profile cost the same queries for one session and
one rating as for many sessions, profiles and ratings (constant in their number)."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics.services.jobs import job_description_save
from diagnostics.services.profiles import RatingEntry, profile_create, rating_record
from diagnostics.services.sessions import session_record
from tests.diagnostics.conftest import WORKED_D, WORKED_I

ON = dt.date(2026, 11, 3)


def _count(client, url) -> int:
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _capacity(stay, by, instrument):
    return profile_create(
        by=by, stay=stay, kind="capacity", instrument=instrument, reference_context="concrete_job", rated_on=ON
    )


def _add_more(stay, psych, social, instrument):
    for minutes in (30, 40, 50, 60):
        session_record(by=social, stay=stay, held_on=ON, minutes=minutes, professions=["social_worker", "nurse"])
    job = job_description_save(
        by=social, stay=stay, data={"job_title": "Clerk", "main_tasks": "calls", "source": "company", "recorded_on": ON}
    )
    capacity = _capacity(stay, psych, instrument)
    rating_record(by=psych, profile=capacity, ratings={c: RatingEntry(value=v) for c, v in WORKED_I.items()})
    rating_record(by=social, profile=capacity, ratings={"endurance": RatingEntry(value=2)})
    demand = profile_create(
        by=social, stay=stay, kind="demand", instrument=instrument, job_description=job, rated_on=ON
    )
    rating_record(by=social, profile=demand, ratings={c: RatingEntry(value=v) for c, v in WORKED_D.items()})
    return capacity


def test_the_overview_and_the_diagnostics_page_cost_the_same_at_1_and_at_many_ratings_and_sessions(
    stay, treating_psychologist, social_worker, mini_icf, client_for
):
    session_record(by=social_worker, stay=stay, held_on=ON, minutes=45, professions=["social_worker"])
    profile = _capacity(stay, treating_psychologist, mini_icf)
    rating_record(by=treating_psychologist, profile=profile, ratings={"planning": RatingEntry(value=1)})
    client = client_for(treating_psychologist)
    urls = [
        reverse("cases:overview", args=[stay.pk]),
        reverse("diagnostics:stay", args=[stay.pk]),
        reverse("diagnostics:profile-detail", args=[stay.pk, profile.pk]),
    ]
    at_one = [_count(client, url) for url in urls]
    _add_more(stay, treating_psychologist, social_worker, mini_icf)
    rating_record(by=social_worker, profile=profile, ratings={c: RatingEntry(value=v) for c, v in WORKED_I.items()})
    assert [_count(client, url) for url in urls] == at_one
