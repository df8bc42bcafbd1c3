"""Shared setup of the disclosure tests: recipients with their consents, and a stay whose record holds every section
(graded plan, agreed goals, a transfer strategy, a signed discharge letter with diagnoses), each with a marker text
so a test can tell which sections reached a package."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

from goals import services as goal_services
from patients import services
from patients.models import ConsentKind, ContactKind, ExternalContact
from reintegration.models import DischargeLetter, LetterStatus
from reintegration.services import plan as plan_services
from therapy.services import training as training_services

GIVEN = dt.date(2026, 11, 3)  # day 2 of the conftest stay (admitted 2.11.2026)
TODAY = dt.date(2026, 11, 20)
NOW = "2026-11-20 10:00"

MARKERS = {
    "graded_plan": "ACTIVITY-MARKER",
    "capacity_summary": "POSITIVE-MARKER",
    "goal_agreement": "GOAL-MARKER",
    "transfer_strategies": "STRATEGY-MARKER",
    "discharge_letter_work": "APPRAISAL-MARKER",
    "diagnoses": "F43.2",
}


@pytest.fixture(autouse=True)
def _frozen():
    """Day 19 of the conftest stay (admitted 2.11.2026, discharged 7.12.2026)."""
    with freeze_time(NOW):
        yield


@pytest.fixture
def consent(stay, social_worker):
    return services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.EMPLOYER, given_on=GIVEN)


@pytest.fixture
def employer(stay, social_worker, consent):
    return services.contact_save(
        by=social_worker,
        contact=ExternalContact(stay=stay, kind=ContactKind.EMPLOYER, organisation="Muster GmbH", person="Frau Chef"),
    )


@pytest.fixture
def family_doctor(stay, social_worker):
    services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.TREATING_PRACTITIONERS, given_on=GIVEN)
    return services.contact_save(
        by=social_worker,
        contact=ExternalContact(stay=stay, kind=ContactKind.FAMILY_DOCTOR, person="Dr. Hausarzt", city="Kassel"),
    )


@pytest.fixture
def bare_contact(stay, social_worker):
    """An occupational physician without any consent."""
    return services.contact_save(
        by=social_worker,
        contact=ExternalContact(stay=stay, kind=ContactKind.OCCUPATIONAL_PHYSICIAN, person="Dr. Betrieb"),
    )


@pytest.fixture
def full_record(stay, treating_psychologist):
    """Every section of the stay has content with its marker."""
    by = treating_psychologist
    plan = plan_services.plan_create(by=by, stay=stay, starts_on=dt.date(2026, 12, 14), today=TODAY)
    plan_services.step_add(
        by=by, plan=plan, weeks=2, pattern=[{"days": 5, "hours": "4"}], activities=MARKERS["graded_plan"]
    )
    plan_services.step_add(by=by, plan=plan, weeks=2, pattern=[{"days": 5, "hours": "6"}], activities="Vollzeitnah")
    agreement = goal_services.agreement_start(by=by, stay=stay, written_on=GIVEN)
    goal_services.goal_add(
        by=by,
        agreement=agreement,
        area="work",
        text=MARKERS["goal_agreement"],
        target="4 Stunden am Stück",
        responsible="patient",
        responsible_name="",
        review_on=dt.date(2026, 11, 16),
    )
    goal_services.agreement_agree(by=by, agreement=agreement, agreed_on=GIVEN, agreed_how="conversation")
    training = training_services.training_plan_start(by=by, stay=stay, starts_on=dt.date(2026, 11, 6), today=TODAY)
    training_services.strategy_add(
        by=by,
        plan=training,
        situation="Im Büro",
        strategy=MARKERS["transfer_strategies"],
        written_on=dt.date(2026, 11, 10),
        today=TODAY,
    )
    DischargeLetter.objects.create(
        stay=stay,
        status=LetterStatus.SIGNED,
        signed_on=TODAY,
        diagnoses=[{"code": "F43.2", "text": "Anpassungsstörung"}],
        ability_last_job="6_plus",
        ability_general_market="6_plus",
        positive_profile=MARKERS["capacity_summary"],
        negative_profile="Keine Nachtschicht",
        appraisal_detail=MARKERS["discharge_letter_work"],
        recommendations="Stufenweise Wiedereingliederung",
    )
    return stay
