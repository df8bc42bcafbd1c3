"""Team-conference pages, the case overview section and the API (rec 4.10, 9.12; K-6, E15)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from diagnostics.models import ConferenceCase, ConferenceFlag, PlannedTherapy, TeamConference, TherapyCatalogueItem
from diagnostics.services.conference import (
    ParticipantInput,
    case_add,
    case_flags_decide,
    conference_create,
    planned_therapy_add,
)
from patients.models import TeamFunction
from staff.models import Profession
from tests.diagnostics.conftest import add_ratings
from tests.factories import UserFactory
from wmr.models import AuditEntry

HELD_ON = dt.date(2026, 11, 12)


def _conference(by, facility, *, held_on=HELD_ON, professions=(Profession.PSYCHOLOGIST,)):
    return conference_create(
        by=by,
        facility=facility,
        held_on=held_on,
        participants=[ParticipantInput(name=f"Person {i}", profession=p) for i, p in enumerate(professions)],
    )


@pytest.fixture
def conference(treating_psychologist, facility):
    return _conference(treating_psychologist, facility)


def stay_url(name, stay, conference, *extra):
    return reverse(f"diagnostics:{name}", args=[stay.pk, conference.pk, *extra])


# --- facility pages -------------------------------------------------------------------------------------------------


def test_the_list_names_only_stays_of_my_care_teams_and_counts_the_others(
    conference, stay, make_stay, treating_psychologist, other_team_clinician, client_for
):
    foreign = make_stay(team=[(other_team_clinician, TeamFunction.PRIMARY_THERAPIST)])
    case_add(by=treating_psychologist, conference=conference, stay=stay)
    case_add(by=other_team_clinician, conference=conference, stay=foreign)
    page = client_for(treating_psychologist, language="en").get(reverse("diagnostics:conference-list")).content.decode()
    assert stay.patient.last_name in page
    assert foreign.patient.last_name not in page
    assert "1 further stay of another team" in page
    assert AuditEntry.objects.filter(action="diagnostics.conference.listed").exists()


def test_management_reads_the_list_without_any_stay_name(conference, stay, treating_psychologist, manager, client_for):
    case_add(by=treating_psychologist, conference=conference, stay=stay)
    page = client_for(manager, language="en").get(reverse("diagnostics:conference-list")).content.decode()
    assert "Person 0" in page
    assert stay.patient.last_name not in page
    assert "1 further stay of another team" in page
    assert "Record a conference" not in page


def test_a_conference_of_another_facility_answers_404(treating_psychologist, other_facility, client_for):
    outsider = UserFactory(facilities=[other_facility])
    foreign = _conference(outsider, other_facility)
    client = client_for(treating_psychologist)
    assert client.get(reverse("diagnostics:conference-detail", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("diagnostics:conference-edit", args=[foreign.pk])).status_code == 404


def test_recording_a_conference_without_participants_keeps_the_input_and_stores_nothing(
    treating_psychologist, client_for
):
    response = client_for(treating_psychologist, language="en").post(
        reverse("diagnostics:conference-create"), {"held_on": "2026-11-12", "note": "Fallbesprechung"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "A conference needs at least one participant with their profession." in page
    assert "Fallbesprechung" in page
    assert 'value="2026-11-12"' in page
    assert not TeamConference.objects.exists()


def test_an_external_participant_without_a_profession_is_a_field_error(treating_psychologist, client_for):
    response = client_for(treating_psychologist, language="en").post(
        reverse("diagnostics:conference-create"),
        {"held_on": "2026-11-12", "external_name_0": "Dr. Werner"},
    )
    assert response.status_code == 200
    assert "Please choose the profession." in response.content.decode()
    assert not TeamConference.objects.exists()


def test_recording_a_conference_with_staff_and_an_external_participant(
    treating_psychologist, social_worker, client_for
):
    data = {
        "held_on": "2026-11-12",
        f"staff_{social_worker.pk}": "on",
        f"profession_{social_worker.pk}": Profession.SOCIAL_WORKER,
        f"staff_{treating_psychologist.pk}": "on",
        f"profession_{treating_psychologist.pk}": Profession.PSYCHOLOGIST,
        "external_name_0": "Dr. Werner (Betriebsarzt)",
        "external_profession_0": Profession.PHYSICIAN,
    }
    response = client_for(treating_psychologist).post(reverse("diagnostics:conference-create"), data)
    conference = TeamConference.objects.get()
    assert response.status_code == 302
    assert sorted(conference.participants.values_list("profession", flat=True)) == [
        "physician",
        "psychologist",
        "social_worker",
    ]


def test_the_create_page_prefills_each_staff_members_profession(treating_psychologist, social_worker, client_for):
    response = client_for(treating_psychologist).get(reverse("diagnostics:conference-create"))
    form = response.context["form"]
    assert form.fields[f"profession_{social_worker.pk}"].initial == Profession.SOCIAL_WORKER


def test_the_weekly_page_shows_met_and_not_met_weeks(treating_psychologist, facility, manager, client_for):
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday())
    _conference(
        treating_psychologist,
        facility,
        held_on=monday - dt.timedelta(days=7),
        professions=(Profession.PSYCHOLOGIST, Profession.PHYSICIAN, Profession.NURSE),
    )
    _conference(treating_psychologist, facility, held_on=monday - dt.timedelta(days=14))
    response = client_for(manager).get(reverse("diagnostics:conference-weekly"))
    page = response.content.decode()
    assert f'data-week="{(monday - dt.timedelta(days=7)).isoformat()}" data-state="met"' in page
    assert f'data-week="{(monday - dt.timedelta(days=14)).isoformat()}" data-state="not_met"' in page
    assert len(response.context["rows"]) == 12


# --- a stay at a conference -----------------------------------------------------------------------------------------


def test_the_stay_page_previews_the_comparison_and_freezes_it_on_post(
    conference, stay, worked_profiles, treating_psychologist, client_for
):
    client = client_for(treating_psychologist)
    page = client.get(stay_url("stay-conference", stay, conference)).content.decode()
    assert 'data-testid="freeze"' in page
    assert 'data-dimension="endurance" data-status="overload_marked"' in page
    assert client.post(stay_url("stay-conference-add", stay, conference)).status_code == 302
    assert ConferenceCase.objects.get(stay=stay).snapshot["rows"]


def test_a_conference_of_another_facility_under_my_stay_answers_404(
    stay, treating_psychologist, other_facility, client_for
):
    outsider = UserFactory(facilities=[other_facility])
    foreign = _conference(outsider, other_facility)
    client = client_for(treating_psychologist)
    assert client.get(stay_url("stay-conference", stay, foreign)).status_code == 404
    assert client.post(stay_url("stay-conference-add", stay, foreign)).status_code == 404
    assert not ConferenceCase.objects.exists()


def test_a_therapy_of_another_stay_under_my_stays_url_answers_404_and_is_not_ended(
    conference, stay, make_stay, treating_psychologist, client_for
):
    other = make_stay()
    case_add(by=treating_psychologist, conference=conference, stay=stay)
    other_case = case_add(by=treating_psychologist, conference=conference, stay=other)
    item = TherapyCatalogueItem.objects.get(facility__isnull=True, code="individual_counseling")
    therapy = planned_therapy_add(by=treating_psychologist, case=other_case, item=item)
    url = stay_url("stay-conference-therapy-end", stay, conference, therapy.pk)
    assert client_for(treating_psychologist).post(url, {"ended_on": "2026-11-20"}).status_code == 404
    therapy.refresh_from_db()
    assert therapy.ended_on is None


def test_flag_posts_before_the_stay_is_added_answer_404(conference, stay, treating_psychologist, client_for):
    response = client_for(treating_psychologist).post(stay_url("stay-conference-flags", stay, conference), {})
    assert response.status_code == 404


def test_a_dismissal_without_a_note_shows_the_message_keeps_the_input_and_stores_nothing(
    conference, stay, worked_profiles, treating_psychologist, client_for
):
    case_add(by=treating_psychologist, conference=conference, stay=stay)
    data = {"decision_endurance": "confirmed", "decision_flexibility": "dismissed", "note_endurance": "klar"}
    response = client_for(treating_psychologist, language="en").post(
        stay_url("stay-conference-flags", stay, conference), data
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "A dismissal needs a note saying why." in page
    assert 'value="klar"' in page
    assert not ConferenceFlag.objects.exists()


def test_the_page_decides_flags_and_plans_a_therapy_for_a_confirmed_dimension(
    conference, stay, worked_profiles, treating_psychologist, client_for
):
    client = client_for(treating_psychologist)
    case = case_add(by=treating_psychologist, conference=conference, stay=stay)
    decisions = {
        "decision_endurance": "confirmed",
        "decision_planning": "confirmed",
        "decision_flexibility": "dismissed",
        "note_flexibility": "im Alltag flexibel",
    }
    assert client.post(stay_url("stay-conference-flags", stay, conference), decisions).status_code == 302
    item = TherapyCatalogueItem.objects.get(facility__isnull=True, code="workplace_training")
    plan = {"item": item.pk, "focus": "Kundentelefonate", "dimensions": ["endurance"], "minutes_per_week": "120"}
    assert client.post(stay_url("stay-conference-therapy-add", stay, conference), plan).status_code == 302
    therapy = PlannedTherapy.objects.get(case=case)
    assert therapy.dimensions == ["endurance"]
    assert therapy.minutes_per_week == 120


def test_a_workplace_training_without_focus_keeps_the_form_and_stores_nothing(
    conference, stay, treating_psychologist, client_for
):
    case_add(by=treating_psychologist, conference=conference, stay=stay)
    item = TherapyCatalogueItem.objects.get(facility__isnull=True, code="workplace_training")
    response = client_for(treating_psychologist, language="en").post(
        stay_url("stay-conference-therapy-add", stay, conference), {"item": item.pk, "minutes_per_week": "77"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "A workplace training needs its focus (what is trained)." in page
    assert 'value="77"' in page
    assert not PlannedTherapy.objects.exists()


def test_the_stay_page_shows_the_earlier_decisions(
    conference, stay, worked_profiles, treating_psychologist, client_for
):
    case = case_add(by=treating_psychologist, conference=conference, stay=stay)
    case_flags_decide(by=treating_psychologist, case=case, decisions={"contact": ("confirmed", "")})
    case_flags_decide(by=treating_psychologist, case=case, decisions={"contact": ("dismissed", "gelingt gut")})
    response = client_for(treating_psychologist).get(stay_url("stay-conference", stay, conference))
    assert len(response.context["page"].flag_history) == 2
    assert "gelingt gut" in response.content.decode()


# --- the case overview (E15) ----------------------------------------------------------------------------------------


def test_e15_the_overview_shows_the_frozen_decisions_and_offers_the_newer_comparison(
    conference, stay, worked_profiles, treating_psychologist, client_for
):
    capacity, _ = worked_profiles
    case = case_add(by=treating_psychologist, conference=conference, stay=stay)
    case_flags_decide(
        by=treating_psychologist,
        case=case,
        decisions={"endurance": ("confirmed", ""), "planning": ("confirmed", ""), "flexibility": ("dismissed", "n")},
    )
    add_ratings(capacity, {"endurance": 1})
    page = client_for(treating_psychologist).get(reverse("cases:overview", args=[stay.pk])).content.decode()
    assert 'data-testid="newer-comparison"' in page
    assert 'data-dimension="endurance" data-decision="confirmed"' in page
    assert 'data-dimension="flexibility" data-decision="dismissed"' in page
    assert 'data-testid="conference-due" data-state="met"' in page


def test_the_overview_offers_the_facilitys_recent_conferences_to_the_care_team(
    conference, stay, worked_profiles, treating_psychologist, client_for
):
    page = client_for(treating_psychologist).get(reverse("cases:overview", args=[stay.pk])).content.decode()
    assert stay_url("stay-conference", stay, conference) in page
    assert 'data-testid="conference-due" data-state="overdue"' in page


# --- API ------------------------------------------------------------------------------------------------------------


def test_the_api_lists_the_stays_conference_cases_with_the_frozen_comparison(
    conference, stay, worked_profiles, treating_psychologist, client_for
):
    case = case_add(by=treating_psychologist, conference=conference, stay=stay)
    case_flags_decide(by=treating_psychologist, case=case, decisions={"endurance": ("confirmed", "")})
    response = client_for(treating_psychologist).get(reverse("api:stay-conferences", args=[stay.pk]))
    [row] = response.json()
    assert row["held_on"] == "2026-11-12"
    assert row["flags"] == [
        {"dimension": "endurance", "status": "overload_marked", "decision": "confirmed", "note": ""}
    ]
    assert {r["code"]: r["status"] for r in row["snapshot"]["rows"]}["planning"] == "overload"
    assert AuditEntry.objects.filter(action="diagnostics.conference_case.api_listed", stay_id=stay.pk).exists()


def test_the_api_of_a_stay_outside_my_care_teams_answers_404(stay, other_team_clinician, client_for):
    assert client_for(other_team_clinician).get(reverse("api:stay-conferences", args=[stay.pk])).status_code == 404


# --- the catalogue in the Django admin ------------------------------------------------------------------------------


def test_the_admin_role_maintains_the_catalogue_once_its_group_has_the_permissions(admin_user, client_for):
    from diagnostics.demo_conference import grant_catalogue_to_admin_group

    url = reverse("admin:diagnostics_therapycatalogueitem_changelist")
    grant_catalogue_to_admin_group()
    response = client_for(admin_user).get(url)
    assert response.status_code == 200
    assert "Arbeitsplatztraining" in response.content.decode()


def test_clinicians_never_reach_the_catalogue_admin(treating_psychologist, client_for):
    url = reverse("admin:diagnostics_therapycatalogueitem_changelist")
    assert client_for(treating_psychologist).get(url).status_code == 302


def test_the_conference_page_offers_my_stays_and_opens_the_chosen_one(
    conference, stay, make_stay, other_team_clinician, treating_psychologist, client_for
):
    foreign = make_stay(team=[(other_team_clinician, TeamFunction.PRIMARY_THERAPIST)])
    client = client_for(treating_psychologist)
    url = reverse("diagnostics:conference-detail", args=[conference.pk])
    page = client.get(url).content.decode()
    assert stay.patient.last_name in page
    assert foreign.patient.last_name not in page
    response = client.get(url, {"stay": stay.pk})
    assert response.status_code == 302
    assert response["Location"] == stay_url("stay-conference", stay, conference)
    assert client.get(url, {"stay": foreign.pk}).status_code == 200  # not offered: the choice is invalid
