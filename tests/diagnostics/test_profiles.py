"""Profiles and their ratings (mini_icf_app.md P-1…P-4, G-4, S-1…S-4, E5, E6, E6b, E7, E12, E12b)."""

import datetime as dt

import pytest
from django.utils import translation

from diagnostics.models import Profile, ProfileRating
from diagnostics.selectors import profile_for_stay, summarize
from diagnostics.services.instruments import InstrumentNotUsable
from diagnostics.services.jobs import job_description_save
from diagnostics.services.profiles import (
    ProfileRefused,
    RatingEntry,
    RatingsRefused,
    profile_change,
    profile_create,
    rating_record,
)
from tests.diagnostics.conftest import WORKED_I, make_job
from wmr.models import AuditEntry

TODAY = dt.date(2026, 11, 20)
RATED_ON = dt.date(2026, 11, 5)


def capacity(stay, by, instrument, **kwargs):
    values = {"kind": "capacity", "reference_context": "concrete_job", "rated_on": RATED_ON, "today": TODAY}
    return profile_create(by=by, stay=stay, instrument=instrument, **{**values, **kwargs})


def entries(values: dict) -> dict:
    return {code: RatingEntry(value=value) for code, value in values.items()}


def test_a_capacity_profile_is_created_with_its_reference_context_and_an_audit_row(
    stay, treating_psychologist, mini_icf
):
    profile = capacity(stay, treating_psychologist, mini_icf, evidence_sources=["interview", "observation"])
    assert profile.reference_context == "concrete_job"
    assert profile.evidence_sources == ["interview", "observation"]
    assert AuditEntry.objects.filter(action="diagnostics.profile.created", object_id=str(profile.pk)).count() == 1


def test_e12b_a_demand_profile_without_a_job_description_is_refused(stay, social_worker, mini_icf):
    with translation.override("en"), pytest.raises(ProfileRefused) as refused:
        profile_create(by=social_worker, stay=stay, kind="demand", instrument=mini_icf, rated_on=RATED_ON, today=TODAY)
    assert refused.value.field == "job_description"
    assert "needs a job description" in refused.value.message
    assert not Profile.objects.exists()


def test_a_demand_profile_with_a_job_description_of_this_stay_is_stored(stay, social_worker, mini_icf):
    job = make_job(stay)
    profile = profile_create(
        by=social_worker, stay=stay, kind="demand", instrument=mini_icf, job_description=job, rated_on=RATED_ON
    )
    assert profile.job_description == job


def test_a_demand_profile_never_rests_on_another_stays_job_description(make_stay, social_worker, mini_icf):
    stay, other = make_stay(), make_stay()
    with pytest.raises(ProfileRefused):
        profile_create(
            by=social_worker,
            stay=stay,
            kind="demand",
            instrument=mini_icf,
            job_description=make_job(other),
            rated_on=RATED_ON,
            today=TODAY,
        )
    assert not Profile.objects.exists()


def test_g4_a_capacity_profile_needs_its_reference_context_before_rating(stay, treating_psychologist, mini_icf):
    with translation.override("en"), pytest.raises(ProfileRefused) as refused:
        capacity(stay, treating_psychologist, mini_icf, reference_context="")
    assert refused.value.field == "reference_context"
    assert "(G-4)" in refused.value.message


def test_d7_a_demo_instrument_is_not_usable_in_production(stay, treating_psychologist, melba_demo, settings):
    settings.PRODUCTION = True
    with pytest.raises(InstrumentNotUsable):
        capacity(stay, treating_psychologist, melba_demo)
    assert not Profile.objects.exists()


def test_a_demo_instrument_is_usable_outside_production(stay, treating_psychologist, melba_demo, settings):
    settings.PRODUCTION = False
    assert capacity(stay, treating_psychologist, melba_demo).instrument == melba_demo


@pytest.mark.parametrize(
    ("rated_on", "message"), [(TODAY + dt.timedelta(days=1), "future"), (dt.date(2026, 11, 1), "before the admission")]
)
def test_a_profile_date_outside_the_stay_is_refused(stay, treating_psychologist, mini_icf, rated_on, message):
    with translation.override("en"), pytest.raises(ProfileRefused, match=message):
        capacity(stay, treating_psychologist, mini_icf, rated_on=rated_on)


def test_ratings_of_several_dimensions_are_recorded_at_once_with_rater_and_profession(
    stay, treating_psychologist, mini_icf
):
    profile = capacity(stay, treating_psychologist, mini_icf)
    rows = rating_record(
        by=treating_psychologist,
        profile=profile,
        ratings={
            "planning": RatingEntry(value="2", anchor="loses track of multi-step tasks"),
            "endurance": RatingEntry(value=3),
        },
    )
    assert [(r.dimension, r.value, r.profession, r.rater) for r in rows] == [
        ("planning", 2, "psychologist", treating_psychologist),
        ("endurance", 3, "psychologist", treating_psychologist),
    ]
    assert rows[0].anchor == "loses track of multi-step tasks"
    entry = AuditEntry.objects.get(action="diagnostics.rating.recorded")
    assert entry.data == {"profession": "psychologist", "dimensions": ["planning", "endurance"], "corrections": []}


@pytest.mark.parametrize("bad", ["5", "2.5", "-1", "viel"])
def test_e5_a_bad_value_for_one_dimension_stores_nothing_and_names_the_dimension(
    stay, treating_psychologist, mini_icf, bad
):
    profile = capacity(stay, treating_psychologist, mini_icf)
    with translation.override("en"), pytest.raises(RatingsRefused) as refused:
        rating_record(
            by=treating_psychologist,
            profile=profile,
            ratings={"planning": RatingEntry(value=2), "endurance": RatingEntry(value=bad)},
        )
    assert list(refused.value.errors) == ["endurance"]
    assert "endurance and resilience" in refused.value.errors["endurance"]
    assert not ProfileRating.objects.exists()
    assert not AuditEntry.objects.filter(action="diagnostics.rating.recorded").exists()


def test_e7_not_assessable_without_a_reason_is_refused(stay, treating_psychologist, mini_icf):
    profile = capacity(stay, treating_psychologist, mini_icf)
    with translation.override("en"), pytest.raises(RatingsRefused) as refused:
        rating_record(by=treating_psychologist, profile=profile, ratings={"contact": RatingEntry(not_assessable=True)})
    assert "conversation and contact with others" in refused.value.errors["contact"]
    assert not ProfileRating.objects.exists()


def test_e6_not_assessable_with_a_reason_is_stored_and_left_out_of_n_mean_and_sum(
    stay, treating_psychologist, mini_icf
):
    profile = capacity(stay, treating_psychologist, mini_icf)
    ratings = entries({code: value for code, value in WORKED_I.items() if code != "contact"})
    ratings["contact"] = RatingEntry(not_assessable=True, reason="no group setting observed yet")
    rating_record(by=treating_psychologist, profile=profile, ratings=ratings)
    summary = summarize(profile_for_stay(stay, profile.pk))
    assert summary.aggregates.n == 12
    assert summary.aggregates.total is None
    assert str(summary.aggregates.mean) == "1.25"
    contact = next(row for row in summary.rows if row.dimension.code == "contact")
    assert contact.state == "not_assessable"
    assert contact.current.reason == "no group setting observed yet"


def test_e6b_a_dimension_left_unrated_is_shown_as_not_rated_never_0(stay, treating_psychologist, mini_icf):
    profile = capacity(stay, treating_psychologist, mini_icf)
    rating_record(by=treating_psychologist, profile=profile, ratings=entries({"planning": 0}))
    summary = summarize(profile_for_stay(stay, profile.pk))
    states = {row.dimension.code: row.state for row in summary.rows}
    assert states["planning"] == "rated"
    assert states["contact"] == "not_rated"
    assert (summary.rated, summary.not_rated, summary.aggregates.total) == (1, 12, None)


def test_the_worked_profile_has_sum_16_and_mean_1_23_when_all_13_are_rated(stay, treating_psychologist, mini_icf):
    profile = capacity(stay, treating_psychologist, mini_icf)
    rating_record(by=treating_psychologist, profile=profile, ratings=entries(WORKED_I))
    summary = summarize(profile_for_stay(stay, profile.pk))
    assert (summary.aggregates.n, summary.aggregates.total, str(summary.aggregates.mean)) == (13, 16, "1.23")


def test_a_correction_is_a_new_row_and_the_original_stays_readable(
    stay, treating_psychologist, social_worker, mini_icf
):
    profile = capacity(stay, treating_psychologist, mini_icf)
    rating_record(by=treating_psychologist, profile=profile, ratings=entries({"endurance": 3}))
    rating_record(by=social_worker, profile=profile, ratings=entries({"endurance": 2}))
    row = next(r for r in summarize(profile_for_stay(stay, profile.pk)).rows if r.dimension.code == "endurance")
    assert row.current.value == 2
    assert row.current.profession == "social_worker"
    assert [(r.value, r.profession) for r in row.history] == [(3, "psychologist"), (2, "social_worker")]
    assert AuditEntry.objects.filter(action="diagnostics.rating.recorded").order_by("id").last().data[
        "corrections"
    ] == ["endurance"]


def test_resubmitting_the_current_rating_unchanged_stores_no_row(stay, treating_psychologist, social_worker, mini_icf):
    profile = capacity(stay, treating_psychologist, mini_icf)
    rating_record(by=treating_psychologist, profile=profile, ratings=entries({"endurance": 3, "planning": 2}))
    rows = rating_record(by=social_worker, profile=profile, ratings=entries({"endurance": 3, "planning": 1}))
    assert [r.dimension for r in rows] == ["planning"]
    assert ProfileRating.objects.filter(dimension="endurance").count() == 1


def test_p4_profile_shows_who_rated_what_and_warns_with_one_profession_e12(
    stay, treating_psychologist, social_worker, mini_icf
):
    profile = capacity(stay, treating_psychologist, mini_icf)
    rating_record(by=treating_psychologist, profile=profile, ratings=entries({"endurance": 3, "planning": 2}))
    assert summarize(profile_for_stay(stay, profile.pk)).warning is not None
    rating_record(by=social_worker, profile=profile, ratings=entries({"contact": 1}))
    summary = summarize(profile_for_stay(stay, profile.pk))
    assert summary.warning is None
    with translation.override("en"):
        who = {
            c.profession: (c.raters, c.dimensions) for c in summarize(profile_for_stay(stay, profile.pk)).contributors
        }
    assert who["psychologist"] == (["Paula Psych"], ["planning and structuring of tasks", "endurance and resilience"])
    assert who["social_worker"] == (["Sven Sozial"], ["conversation and contact with others"])


def test_a_demand_profile_is_rated_on_the_demand_scale(stay, social_worker, mini_icf):
    job = make_job(stay)
    profile = profile_create(
        by=social_worker, stay=stay, kind="demand", instrument=mini_icf, job_description=job, rated_on=RATED_ON
    )
    rating_record(by=social_worker, profile=profile, ratings=entries({"dyadic": 0, "contact": 4}))
    with translation.override("en"):
        rows = {r.dimension.code: r for r in summarize(profile_for_stay(stay, profile.pk)).rows}
    assert rows["dyadic"].scale_label == "not relevant for this job"


def test_a_header_change_keeps_the_earlier_version(stay, treating_psychologist, mini_icf):
    profile = capacity(stay, treating_psychologist, mini_icf)
    profile_change(
        by=treating_psychologist, profile=profile, reason="date typo", rated_on=dt.date(2026, 11, 6), today=TODAY
    )
    versions = list(profile.history.order_by("history_date"))
    assert [v.rated_on for v in versions] == [RATED_ON, dt.date(2026, 11, 6)]
    assert versions[-1].history_change_reason == "date typo"
    assert AuditEntry.objects.get(action="diagnostics.profile.changed").data["fields"] == ["rated_on"]


def test_g4_the_reference_context_is_fixed_once_a_rating_exists(stay, treating_psychologist, mini_icf):
    profile = capacity(stay, treating_psychologist, mini_icf)
    rating_record(by=treating_psychologist, profile=profile, ratings=entries({"planning": 1}))
    with pytest.raises(ProfileRefused) as refused:
        profile_change(
            by=treating_psychologist,
            profile=profile,
            reason="other yardstick",
            reference_context="general_labour_market",
            today=TODAY,
        )
    assert refused.value.field == "reference_context"
    profile.refresh_from_db()
    assert profile.reference_context == "concrete_job"


def test_a_demand_profile_cannot_lose_its_job_description(stay, social_worker, mini_icf):
    job = job_description_save(
        by=social_worker,
        stay=stay,
        data={"job_title": "Clerk", "main_tasks": "calls", "source": "company", "recorded_on": RATED_ON},
    )
    profile = profile_create(
        by=social_worker, stay=stay, kind="demand", instrument=mini_icf, job_description=job, rated_on=RATED_ON
    )
    with pytest.raises(ProfileRefused):
        profile_change(by=social_worker, profile=profile, reason="x", job_description=None, today=TODAY)
