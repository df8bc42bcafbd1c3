"""Fixtures of the discharge-letter tests (imported by tests/reintegration/test_letter_*.py).

The conftest stay: admitted Monday 2.11.2026, discharge 7.12.2026; today is 5.12.2026. The physician on the team
drafts, edits and signs through the services."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from reintegration.services import letter as services

TODAY = dt.date(2026, 12, 5)

DIAGNOSES = [
    {"code": "F43.2", "text": "Anpassungsstörung mit depressiver Reaktion"},
    {"code": "F32.1 G", "text": "Mittelgradige depressive Episode"},
    {"code": "Z73", "text": "Probleme verbunden mit Schwierigkeiten bei der Lebensbewältigung"},
]

# A limited patient (3 to under 6 hours for the last job) with everything 8.6 and 8.12 ask for.
COMPLETE = {
    "diagnoses": DIAGNOSES,
    "course": "Stabilisierung unter Psychotherapie, Belastungserprobung ab der dritten Woche.",
    "ability_last_job": "3_to_6",
    "ability_general_market": "6_plus",
    "positive_profile": "Leichte bis mittelschwere Arbeiten im Wechselrhythmus, Tagschicht.",
    "negative_profile": "Keine Nachtschicht, kein erhöhter Zeitdruck, keine Tätigkeiten mit Publikumsverkehr.",
    "appraisal_detail": "Für die letzte Tätigkeit als Sachbearbeiterin im Kundenservice 3 bis unter 6 Stunden.",
    "vocational_rehab_recommended": True,
    "recommendations": "Stufenweise Wiedereingliederung, ambulante Psychotherapie fortsetzen.",
}


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(bytes(content)))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pdf_pages(content: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(bytes(content))).pages]


def in_clinic_language(text: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return " ".join(gettext(text).split())


@pytest.fixture
def draft(stay, physician_on_team):
    return services.letter_draft(by=physician_on_team, stay=stay, today=TODAY)


@pytest.fixture
def signable(draft, physician_on_team):
    return services.letter_update(by=physician_on_team, letter=draft, values=COMPLETE)


@pytest.fixture
def signed(signable, physician_on_team):
    return services.letter_sign(by=physician_on_team, letter=signable, today=TODAY)


@pytest.fixture
def missing_font(settings, tmp_path):
    """The print base as shipped, but its regular font pointing at a file that does not exist (a real failure:
    WeasyPrint cannot load the font face)."""
    shipped = (settings.BASE_DIR / "templates" / "pdf" / "base_print.html").read_text()
    broken = shipped.replace("static/fonts/LiberationSans-Regular.ttf", "static/fonts/LiberationSans-Missing.ttf")
    assert broken != shipped
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "base_print.html").write_text(broken)
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine.get("DIRS", [])]}]


# --- a full record: goals reviewed at discharge, therapies, the §9.1 comparison, both plans, the family doctor ------

HELEN_STEPS = [  # hamburg_model.md 11.1 (Helen), starting on the Monday after discharge
    (2, [{"days": 5, "hours": "2"}]),
    (2, [{"days": 5, "hours": "3"}]),
    (2, [{"days": 5, "hours": "4"}]),
    (2, [{"days": 3, "hours": "6"}, {"days": 2, "hours": "4"}]),
    (2, [{"days": 5, "hours": "6"}]),
    (3, [{"days": 2, "hours": "8"}, {"days": 3, "hours": "6"}]),
]
PLAN_START = dt.date(2026, 12, 14)


@pytest.fixture
def full_record(stay, treating_psychologist, social_worker, physician_on_team):
    """Everything the letter reads from the record, made through the other apps' services where they have them."""
    from diagnostics.models import ProfileInstrument
    from goals import services as goals_services
    from patients import services as patient_services
    from patients.models import ConsentKind, ContactKind, ExternalContact
    from reintegration.models import GradedReturnPlan, PlanStep, RtwPlan, RtwStakeholder, RtwStep
    from tests.diagnostics.conftest import WORKED_D, WORKED_I, make_profile
    from therapy.models import SessionKind
    from therapy.services.sessions import session_log

    # the family doctor (recipient)
    patient_services.contact_save(
        by=social_worker,
        contact=ExternalContact(
            stay=stay,
            kind=ContactKind.FAMILY_DOCTOR,
            organisation="Hausarztpraxis Dr. Lind",
            street="Am Markt 3",
            postal_code="34537",
            city="Bad Wildungen",
        ),
    )
    # goals agreed on day 3, reviewed at discharge
    agreement = goals_services.agreement_start(
        by=treating_psychologist, stay=stay, written_on=dt.date(2026, 11, 3), today=TODAY
    )
    goal = goals_services.goal_add(
        by=treating_psychologist,
        agreement=agreement,
        area="work",
        text="Wieder vier Stunden am Stück am Schreibtisch arbeiten",
        target="4 Stunden Büroarbeit an 3 Tagen der Arbeitstherapie",
        responsible="patient",
        responsible_name="",
        review_on=dt.date(2026, 11, 16),
    )
    goals_services.agreement_agree(
        by=treating_psychologist,
        agreement=agreement,
        agreed_on=dt.date(2026, 11, 4),
        agreed_how="conversation",
        today=TODAY,
    )
    goals_services.review_record(
        by=treating_psychologist,
        agreement=agreement,
        occasion="discharge",
        reviewed_on=dt.date(2026, 12, 3),
        outcomes={goal.pk: ("achieved", "an 3 Tagen erreicht")},
        today=TODAY,
    )
    # therapies: 2 × 50 min individual counseling, one 90-min work group
    for day in (5, 12):
        session_log(
            by=treating_psychologist,
            stay=stay,
            kind=SessionKind.INDIVIDUAL_COUNSELING,
            held_on=dt.date(2026, 11, day),
            minutes=50,
            today=TODAY,
        )
    session_log(
        by=treating_psychologist,
        stay=stay,
        kind=SessionKind.WORK_GROUP,
        held_on=dt.date(2026, 11, 10),
        minutes=90,
        today=TODAY,
    )
    # the §9.1 worked profiles (mini_icf_app.md): capacity at admission and the job's demands
    mini_icf = ProfileInstrument.objects.get(code="mini_icf_app", version="1")
    make_profile(stay, mini_icf, "capacity", WORKED_I)
    make_profile(stay, mini_icf, "demand", WORKED_D)
    # the return-to-work plan, agreed, with a step and the employer as stakeholder (with consent)
    consent = patient_services.consent_give(
        by=social_worker, stay=stay, kind=ConsentKind.EMPLOYER, given_on=dt.date(2026, 11, 20)
    )
    rtw = RtwPlan.objects.create(
        stay=stay,
        status="agreed",
        integration_goal="same_job",
        goal_detail="Rückkehr in den Kundenservice mit angepasster Telefonzeit",
        agreed_on=dt.date(2026, 12, 2),
        created_by=social_worker,
    )
    RtwStep.objects.create(
        plan=rtw, position=1, text="Gespräch mit der Betriebsärztin", due_on=dt.date(2026, 12, 10), responsible="Pat."
    )
    RtwStakeholder.objects.create(plan=rtw, kind="employer", consent=consent, role="Stufenplan abstimmen")
    # Helen's six-step graded plan (hamburg_model.md 11.1)
    plan = GradedReturnPlan.objects.create(
        stay=stay, starts_on=PLAN_START, created_by=physician_on_team, activities_to_avoid="Keine Nachtschicht"
    )
    for position, (weeks, pattern) in enumerate(HELEN_STEPS, start=1):
        PlanStep.objects.create(plan=plan, position=position, weeks=weeks, pattern=pattern, activities="Büroarbeit")
    return stay
