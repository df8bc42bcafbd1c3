"""The synthetic generator's diagnostics part: sessions, job descriptions, Mini-ICF-APP profiles with their ratings,
weekly team conferences with participants and conference cases (issue 10)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from diagnostics.instruments import definition_from_dict, validate_rating
from diagnostics.models import (
    ConferenceCase,
    DiagnosticSession,
    JobDescription,
    PlannedTherapy,
    Profile,
    ProfileRating,
    TeamConference,
)
from diagnostics.rules import MIN_PROFILE_PROFESSIONS
from diagnostics.selectors import stay_diagnostics_state
from diagnostics.selectors_conference import freeze_comparison, stay_conference_state
from patients.models import Stay
from tests.synthetic.conftest import TODAY
from tests.synthetic.test_goals import seeded_parts

pytestmark = pytest.mark.django_db


def _last_day(stay: Stay) -> datetime.date:
    return min(TODAY - datetime.timedelta(days=1), stay.discharge_date)


def test_sessions_jobs_and_profiles_within_the_stay(synthetic_small):
    stays = list(
        Stay.objects.prefetch_related(
            "diagnostic_sessions__staff", "job_descriptions", "profiles__ratings", "care_team__user"
        ).select_related("facility")
    )
    wmr_with_profiles = 0
    for stay in stays:
        sessions, jobs, profiles = (
            list(stay.diagnostic_sessions.all()),
            list(stay.job_descriptions.all()),
            list(stay.profiles.all()),
        )
        if stay.status == "invited" or stay.department_code != "3197":
            assert sessions == jobs == profiles == []
            continue
        last = _last_day(stay)
        team = {m.user_id: m.user.profession for m in stay.care_team.all()}
        for session in sessions:
            session.full_clean()
            assert stay.admission_date <= session.held_on <= last
            assert session.professions == sorted({team[u.pk] for u in session.staff.all()})
        for job in jobs:
            job.full_clean()
            assert stay.admission_date <= job.recorded_on <= last
        for profile in profiles:
            profile.full_clean()
            assert stay.admission_date <= profile.rated_on <= last
            if profile.kind == "demand":
                assert profile.job_description.stay_id == stay.pk
            definition = definition_from_dict(profile.instrument.definition)
            ratings = list(profile.ratings.all())
            assert {r.dimension for r in ratings} == set(definition.dimension_codes)
            for rating in ratings:
                rating.full_clean()
                validate_rating(
                    definition, profile.kind, rating.dimension, rating.value, rating.not_assessable, rating.reason
                )
                assert team[rating.rater_id] == rating.profession
                assert rating.recorded_at.date() <= last
        wmr_with_profiles += any(p.kind == "capacity" for p in profiles)
    assert wmr_with_profiles >= 5
    assert ProfileRating.objects.filter(profile__kind="demand").exists()
    assert DiagnosticSession.objects.filter(phase="discharge").exists()


def test_case_overview_states_vary(synthetic_small):
    states = set()
    for stay in Stay.objects.filter(department_code="3197").exclude(status="invited").select_related("facility"):
        state = stay_diagnostics_state(stay, TODAY)
        states.add(state.start.state)
        if state.capacity_admission is not None:
            assert state.capacity_admission.rated > 0
    assert "met" in states and states & {"open", "overdue", "late"}


def test_weekly_conferences_and_cases(synthetic_small):
    conferences = list(TeamConference.objects.prefetch_related("participants"))
    assert conferences
    for conference in conferences:
        assert conference.held_on.weekday() == 2 and conference.held_on < TODAY
        professions = {p.profession for p in conference.participants.all()}
        assert len(professions) == conference.participants.count() >= 2
    met = 0
    for case in ConferenceCase.objects.select_related("conference", "stay__facility"):
        stay = case.stay
        assert case.conference.facility_id == stay.facility_id
        assert stay.admission_date <= case.conference.held_on <= _last_day(stay)
        state = stay_conference_state(stay, TODAY)
        if case.snapshot:
            assert case.capacity_profile.rated_on <= case.conference.held_on
            assert case.demand_profile.rated_on <= case.conference.held_on
            assert state.due.state == "met"
            if not stay.profiles.filter(timepoint="discharge").exists():
                # the frozen comparison is the one the app computes: nothing newer to discuss
                assert not state.newer_comparison
                assert case.snapshot["rows"] == freeze_comparison(stay).snapshot["rows"]
            met += 1
        else:
            # discussed before the profiles were rated; later conferences went by without the stay
            assert state.due.state in {"without_comparison", "overdue"}
        for flag in case.flags.all():
            flag.full_clean()
    assert met >= 3
    assert PlannedTherapy.objects.filter(case__isnull=False).exists()


def test_same_seed_same_diagnostics(monkeypatch):
    def snapshot():
        return [
            list(
                ProfileRating.objects.order_by("profile__stay__number", "profile__kind", "dimension", "id").values_list(
                    "profile__stay__number", "profile__kind", "dimension", "value", "rater__username", "recorded_at"
                )
            ),
            list(
                JobDescription.objects.order_by("stay__number").values_list("stay__number", "job_title", "recorded_on")
            ),
            list(ConferenceCase.objects.order_by("stay__number").values_list("stay__number", "conference__held_on")),
        ]

    first = seeded_parts(monkeypatch, snapshot, stays=40, facilities=1, seed=5, per_year=150)
    assert first[0] and first[1]
    assert seeded_parts(monkeypatch, snapshot, stays=40, facilities=1, seed=5, per_year=150) == first
    assert seeded_parts(monkeypatch, snapshot, stays=40, facilities=1, seed=6, per_year=150) != first


def test_pages_of_a_synthetic_stay(synthetic_small, client):
    case = ConferenceCase.objects.exclude(snapshot={}).filter(stay__status="admitted").order_by("pk").first()
    stay = case.stay if case else Stay.objects.filter(profiles__kind="demand", status="admitted").first()
    member = stay.care_team.get(function="primary_therapist").user
    client.force_login(member)
    for url in (
        reverse("diagnostics:stay", args=[stay.pk]),
        reverse("diagnostics:comparison", args=[stay.pk]),
        reverse("cases:overview", args=[stay.pk]),
        reverse("diagnostics:conference-list"),
    ):
        assert client.get(url).status_code == 200, url
    profile = stay.profiles.filter(kind="capacity").first()
    assert client.get(reverse("diagnostics:profile-detail", args=[stay.pk, profile.pk])).status_code == 200
    if case is not None:
        assert client.get(reverse("diagnostics:conference-detail", args=[case.conference_id])).status_code == 200
        assert client.get(reverse("diagnostics:stay-conference", args=[stay.pk, case.conference_id])).status_code == 200


def test_profile_professions_mostly_two(synthetic_small):
    counts = [
        len({r.profession for r in p.ratings.all()})
        for p in Profile.objects.filter(kind="capacity").prefetch_related("ratings")
    ]
    assert sum(n >= MIN_PROFILE_PROFESSIONS for n in counts) > len(counts) / 2
