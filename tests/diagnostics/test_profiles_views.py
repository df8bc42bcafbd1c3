"""The diagnostics pages: what they show, bad input kept with a clear message, other stays' objects 404."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from diagnostics.models import DiagnosticSession, JobDescription, Profile, ProfileRating
from diagnostics.services.profiles import RatingEntry, profile_create, rating_record
from diagnostics.services.sessions import session_correct, session_record
from tests.diagnostics.conftest import WORKED_I, make_job
from wmr.models import AuditEntry

ON = dt.date(2026, 11, 3)


@pytest.fixture
def client(treating_psychologist, client_for, settings):
    """The treating psychologist's browser, in English (messages are asserted in English)."""
    client = client_for(treating_psychologist)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield client


def _capacity(stay, by, mini_icf):
    return profile_create(
        by=by, stay=stay, kind="capacity", instrument=mini_icf, reference_context="concrete_job", rated_on=ON
    )


def test_the_diagnostics_page_shows_sessions_the_4_1_state_and_logs_the_read(client, stay, social_worker):
    session_record(by=social_worker, stay=stay, held_on=ON, minutes=90, professions=["psychologist", "social_worker"])
    html = client.get(reverse("diagnostics:stay", args=[stay.pk])).content.decode()
    assert 'data-testid="diagnostics-at-start" data-state="met"' in html
    assert "Psychologist, Social worker" in html
    assert AuditEntry.objects.filter(action="diagnostics.stay.viewed", stay_id=stay.pk).count() == 1


def test_a_corrected_session_shows_its_earlier_version(client, stay, social_worker):
    session = session_record(by=social_worker, stay=stay, held_on=ON, minutes=60, professions=["social_worker"])
    session_correct(
        by=social_worker,
        session=session,
        reason="typo",
        held_on=ON,
        minutes=75,
        professions=["social_worker"],
        phase="start",
    )
    html = client.get(reverse("diagnostics:stay", args=[stay.pk])).content.decode()
    assert 'data-testid="session-versions"' in html
    assert "<del>60</del>" in html


def test_a_session_with_too_many_minutes_keeps_the_input_and_stores_nothing(client, stay):
    url = reverse("diagnostics:session-create", args=[stay.pk])
    data = {
        "phase": "start",
        "held_on": "2026-11-03",
        "minutes": "700",
        "professions": ["psychologist"],
        "content": "Arbeitsanamnese",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Arbeitsanamnese" in html
    assert 'value="700"' in html
    assert not DiagnosticSession.objects.exists()


def test_a_session_before_admission_is_refused_at_the_date_field(client, stay):
    url = reverse("diagnostics:session-create", args=[stay.pk])
    data = {"phase": "start", "held_on": "2026-10-30", "minutes": "60", "professions": ["psychologist"]}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "before the admission (02.11.2026)" in response.content.decode()
    assert not DiagnosticSession.objects.exists()


def test_a_session_is_recorded_with_its_staff(client, stay, treating_psychologist, social_worker):
    url = reverse("diagnostics:session-create", args=[stay.pk])
    data = {
        "phase": "start",
        "held_on": "2026-11-03",
        "minutes": "50",
        "professions": ["psychologist", "social_worker"],
        "staff": [treating_psychologist.pk, social_worker.pk],
    }
    assert client.post(url, data).status_code == 302
    session = DiagnosticSession.objects.get()
    assert set(session.staff.all()) == {treating_psychologist, social_worker}


def test_a_job_description_with_a_four_digit_kldb_code_keeps_the_input(client, stay):
    url = reverse("diagnostics:job-create", args=[stay.pk])
    data = {
        "job_title": "Kundenberaterin",
        "kldb_code": "7140",
        "shift_work": "none",
        "main_tasks": "Telefon",
        "source": "company",
        "recorded_on": "2026-11-03",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "exactly five digits" in html
    assert "Kundenberaterin" in html
    assert not JobDescription.objects.exists()


def test_a_demand_profile_without_job_description_is_refused_with_the_p2_message(client, stay, mini_icf):
    url = reverse("diagnostics:profile-create", args=[stay.pk]) + "?kind=demand"
    response = client.post(
        url, {"kind": "demand", "instrument": mini_icf.pk, "timepoint": "admission", "rated_on": "2026-11-03"}
    )
    assert response.status_code == 200
    assert "needs a job description" in response.content.decode()
    assert not Profile.objects.exists()


def test_the_rating_form_prefills_the_raters_profession_and_shows_guidance_and_levels(
    client, stay, treating_psychologist, mini_icf
):
    profile = _capacity(stay, treating_psychologist, mini_icf)
    response = client.get(reverse("diagnostics:profile-rate", args=[stay.pk, profile.pk]))
    html = response.content.decode()
    assert response.context["form"]["profession"].value() == "psychologist"
    assert "G-1" in html and "G-4" in html
    assert "moderate impairment" in html
    assert "not assessable" in html


def test_a_demo_instrument_is_marked_on_the_rating_form(client, stay, treating_psychologist, melba_demo):
    profile = _capacity(stay, treating_psychologist, melba_demo)
    html = client.get(reverse("diagnostics:profile-rate", args=[stay.pk, profile.pk])).content.decode()
    assert "(DEMO – nicht offiziell)" in html


def test_a_rating_of_5_stores_nothing_names_the_dimension_and_keeps_the_other_input(
    client, stay, treating_psychologist, mini_icf
):
    profile = _capacity(stay, treating_psychologist, mini_icf)
    url = reverse("diagnostics:profile-rate", args=[stay.pk, profile.pk])
    data = {
        "profession": "psychologist",
        "v_planning": "2",
        "anchor_planning": "verliert den Faden",
        "v_endurance": "5",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "endurance and resilience: the rating must lie between 0 and 4" in html
    assert "verliert den Faden" in html
    assert not ProfileRating.objects.exists()


def test_not_assessable_without_reason_is_refused_e7(client, stay, treating_psychologist, mini_icf):
    profile = _capacity(stay, treating_psychologist, mini_icf)
    url = reverse("diagnostics:profile-rate", args=[stay.pk, profile.pk])
    response = client.post(url, {"profession": "psychologist", "v_contact": "na", "reason_contact": ""})
    assert "give a reason" in response.content.decode()
    assert not ProfileRating.objects.exists()


def test_ratings_posted_by_the_social_worker_record_their_profession(stay, social_worker, mini_icf, client_for):
    profile = _capacity(stay, social_worker, mini_icf)
    url = reverse("diagnostics:profile-rate", args=[stay.pk, profile.pk])
    response = client_for(social_worker).post(
        url, {"profession": "social_worker", "v_contact": "1", "v_group": "na", "reason_group": "noch keine Gruppe"}
    )
    assert response.status_code == 302
    assert {(r.dimension, r.value, r.profession) for r in ProfileRating.objects.all()} == {
        ("contact", 1, "social_worker"),
        ("group", None, "social_worker"),
    }


def test_the_profile_shows_not_rated_never_0_aggregates_history_and_logs_the_read(
    client, stay, treating_psychologist, social_worker, mini_icf
):
    profile = _capacity(stay, treating_psychologist, mini_icf)
    ratings = {code: RatingEntry(value=v) for code, v in WORKED_I.items() if code != "mobility"}
    rating_record(by=treating_psychologist, profile=profile, ratings=ratings)
    rating_record(by=social_worker, profile=profile, ratings={"endurance": RatingEntry(value=2)})
    response = client.get(reverse("diagnostics:profile-detail", args=[stay.pk, profile.pk]))
    html = response.content.decode()
    assert 'data-dimension="mobility" data-state="not_rated"' in html
    assert 'data-rated="12"' in html
    assert 'data-total=""' in html  # no sum unless all 13 are rated
    assert 'data-testid="rating-history"' in html  # endurance 3 → 2
    assert "Social worker" in html
    assert AuditEntry.objects.filter(action="diagnostics.profile.viewed", object_id=str(profile.pk)).count() == 1


@pytest.mark.parametrize("name", ["session-correct", "job-edit", "profile-detail", "profile-rate", "profile-edit"])
def test_an_object_of_another_stay_under_my_stays_url_answers_404(
    client, make_stay, treating_psychologist, mini_icf, name
):
    mine, other = make_stay(), make_stay()
    objects = {
        "session-correct": lambda: session_record(
            by=treating_psychologist, stay=other, held_on=ON, minutes=30, professions=["psychologist"]
        ),
        "job-edit": lambda: make_job(other),
    }
    obj = objects.get(name, lambda: _capacity(other, treating_psychologist, mini_icf))()
    url = reverse(f"diagnostics:{name}", args=[mine.pk, obj.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x", "profession": "psychologist", "v_planning": "1"}).status_code == 404
    assert not ProfileRating.objects.exists()


def test_the_case_overview_shows_the_diagnostics_section(client, stay, social_worker):
    session_record(by=social_worker, stay=stay, held_on=ON, minutes=45, professions=["social_worker"])
    html = client.get(reverse("cases:overview", args=[stay.pk])).content.decode()
    assert 'data-testid="diagnostics-at-start"' in html
    assert 'data-item="capacity_profile"' in html
    assert "45 minutes in total" in html
