"""The patient's PDF of the transfer strategies (7.8): what it says, how it is stored, who makes and downloads it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from freezegun import freeze_time
from pypdf import PdfReader

from patients.models import Document
from tests.therapy.matrix_training import training_plan
from therapy import documents
from therapy.services import training as services
from therapy.services.training import TrainingRefused
from wmr.models import AuditEntry

TODAY = dt.date(2026, 11, 20)
DAY3 = dt.date(2026, 11, 4)


def pdf_text(content: bytes) -> str:
    """The PDF's text with all whitespace runs collapsed, so line breaks do not matter."""
    reader = PdfReader(io.BytesIO(bytes(content)))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def in_clinic_language(text: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return " ".join(gettext(text).split())


@pytest.fixture
def plan(stay, social_worker):
    plan = training_plan(stay, social_worker, starts_on=DAY3)
    achieved = services.subgoal_add(
        by=social_worker,
        plan=plan,
        text="Zwei Stunden am Bildschirm",
        verification="Protokoll",
        agreed_on=DAY3,
        today=TODAY,
    )
    services.subgoal_assess(by=social_worker, subgoal=achieved, result="yes", assessed_on=TODAY, today=TODAY)
    services.situation_add(
        by=social_worker, plan=plan, description="Kundentelefonat unter Zeitdruck", practised_on=DAY3
    )
    services.strategy_add(
        by=social_worker,
        plan=plan,
        situation="Wenn das Telefon dauernd klingelt",
        strategy="Ich nehme mir nach jedem dritten Anruf zwei Minuten Pause.",
        written_on=DAY3,
        today=TODAY,
    )
    services.strategy_add(
        by=social_worker,
        plan=plan,
        situation="Montagmorgen",
        strategy="Ich schreibe zuerst eine Liste.",
        written_on=DAY3,
        today=TODAY,
    )
    return plan


@pytest.fixture
def sheet(plan, social_worker) -> Document:
    return documents.transfer_strategies_create(by=social_worker, plan=plan)


def test_the_sheet_carries_the_strategies_in_the_patients_words(sheet, stay):
    text = pdf_text(sheet.content)
    assert "Wenn das Telefon dauernd klingelt" in text
    assert "Ich nehme mir nach jedem dritten Anruf zwei Minuten Pause." in text
    assert "Ich schreibe zuerst eine Liste." in text
    assert stay.patient.full_name in text


def test_the_sheet_is_addressed_to_the_patient_with_sub_goals_results_and_situations(sheet):
    text = pdf_text(sheet.content)
    assert in_clinic_language("Your strategies for daily life and work") in text
    assert "Zwei Stunden am Bildschirm" in text
    with translation.override(settings.LANGUAGE_CODE):
        assert " ".join(str(gettext("achieved")).split()) in text
    assert "Kundentelefonat unter Zeitdruck" in text


def test_the_sheet_is_written_in_the_clinics_language_whatever_the_screen_language(plan, social_worker, settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("de"):
        rendered = documents.render_transfer_strategies(plan, today=TODAY)
    assert "Your strategies for daily life and work" in pdf_text(rendered.content)


def test_the_sheet_is_stored_with_hash_author_and_facts_and_audited(sheet, plan, stay, social_worker):
    assert sheet.stay == stay and sheet.created_by == social_worker and sheet.content_type == "application/pdf"
    assert sheet.sha256 == hashlib.sha256(bytes(sheet.content)).hexdigest()
    assert sheet.facts["kind"] == "transfer_strategies" and sheet.facts["plan_id"] == plan.pk
    assert sheet.filename.endswith(".pdf") and stay.number in sheet.filename
    entry = AuditEntry.objects.get(action="therapy.training.pdf_created")
    assert entry.object_id == str(sheet.pk) and entry.stay_id == stay.pk and entry.data["sha256"] == sheet.sha256


def test_without_strategies_there_is_no_sheet(stay, social_worker):
    plan = training_plan(stay, social_worker, starts_on=DAY3)
    with translation.override("en"), pytest.raises(TrainingRefused) as exc:
        documents.transfer_strategies_create(by=social_worker, plan=plan)
    assert (
        exc.value.message == "There is no transfer strategy to print yet; please record the patient's strategies first."
    )
    assert not Document.objects.exists()


@freeze_time("2026-11-20 10:00:00")
def test_the_button_makes_the_sheet_and_hands_it_out_through_the_audited_download(
    client_for, plan, stay, treating_psychologist
):
    client = client_for(treating_psychologist)
    response = client.post(reverse("therapy:training-pdf", args=[stay.pk]))
    document = Document.objects.get(stay=stay, kind="transfer_strategies")
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:document-download", args=[stay.pk, document.pk])
    download = client.get(response["Location"])
    assert download.status_code == 200 and bytes(download.content) == bytes(document.content)
    assert AuditEntry.objects.filter(action="patients.document.downloaded", object_id=str(document.pk)).count() == 1
    page = client.get(reverse("therapy:training", args=[stay.pk])).content.decode()
    assert reverse("patients:document-download", args=[stay.pk, document.pk]) in page


@freeze_time("2026-11-20 10:00:00")
def test_the_button_without_strategies_says_why_and_stores_nothing(client_for, stay, social_worker):
    training_plan(stay, social_worker, starts_on=DAY3)
    response = client_for(social_worker).post(reverse("therapy:training-pdf", args=[stay.pk]), follow=True)
    assert response.status_code == 200
    assert not Document.objects.exists()
