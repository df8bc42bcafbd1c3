"""The patient's copy of the goal agreement (rec 3.9): its content read back from the PDF, stored with hash and
author, downloads audited, the handover recorded once."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from goals import documents, services
from goals.errors import GoalsRefused
from tests.goals.conftest import TODAY
from wmr.models import AuditEntry


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(bytes(content)))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def in_clinic_language(text: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return " ".join(gettext(text).split())


@pytest.fixture
def copy(agreed, treating_psychologist):
    return documents.copy_create(by=treating_psychologist, agreement=agreed)


def test_the_copy_shows_the_goals_targets_responsible_and_review_dates(copy, stay):
    text = pdf_text(copy.content)
    assert "Wieder vier Stunden am Stück am Schreibtisch arbeiten" in text
    assert "Jede Stunde 5 Minuten Pause" in text
    assert "Frau Hartmann (Ergotherapie)" in text
    assert "16.11.2026" in text and "18.11.2026" in text
    assert f"{stay.patient.first_name} {stay.patient.last_name}" in text


def test_the_copy_names_version_and_agreement_date_and_has_signature_lines(copy):
    text = pdf_text(copy.content)
    assert in_clinic_language("Your goal agreement") in text
    assert in_clinic_language("Version") in text and "04.11.2026" in text
    assert in_clinic_language("Date, signature of the patient") in text
    assert in_clinic_language("Date, signature of the therapist") in text
    assert "Paula Psych" in text  # the primary therapist of the care team


def test_the_copy_speaks_to_the_patient_in_plain_words(copy):
    text = pdf_text(copy.content)
    assert in_clinic_language("You") in text  # "responsible: the patient" reads as "You"
    assert in_clinic_language("If you have questions about your goals, please ask your therapist.") in text


def test_the_copy_is_stored_with_hash_author_and_facts_and_audited(copy, agreed, treating_psychologist):
    assert copy.sha256 == hashlib.sha256(bytes(copy.content)).hexdigest()
    assert copy.created_by == treating_psychologist
    assert copy.kind == "goal_agreement_copy"
    assert copy.facts["agreement_id"] == agreed.pk and copy.facts["version"] == 1 and copy.facts["agreed"] is True
    entry = AuditEntry.objects.get(action="goals.copy.created")
    assert entry.data["sha256"] == copy.sha256 and entry.stay_id == agreed.stay_id


def test_the_copy_is_written_in_the_clinics_language_whatever_the_screen_language(agreed, treating_psychologist):
    with translation.override("en"):
        copy = documents.copy_create(by=treating_psychologist, agreement=agreed)
    assert in_clinic_language("Your goal agreement") in pdf_text(copy.content)


def test_a_replaced_version_gets_no_new_copy(agreed, treating_psychologist):
    v2 = services.agreement_revise(by=treating_psychologist, agreement=agreed, today=TODAY)
    services.agreement_agree(by=treating_psychologist, agreement=v2, agreed_on=TODAY, agreed_how="signed", today=TODAY)
    agreed.refresh_from_db()
    with pytest.raises(GoalsRefused):
        documents.copy_create(by=treating_psychologist, agreement=agreed)


def test_the_handover_is_recorded_once_after_the_copy_exists(copy, agreed, treating_psychologist):
    services.copy_handed_over_record(
        by=treating_psychologist, agreement=agreed, handed_over_on=dt.date(2026, 11, 4), today=TODAY
    )
    agreed.refresh_from_db()
    assert agreed.copy_handed_over_on == dt.date(2026, 11, 4)
    assert agreed.copy_handed_over_by == treating_psychologist
    assert AuditEntry.objects.filter(action="goals.copy.handed_over").count() == 1
    with translation.override("en"), pytest.raises(GoalsRefused, match="handed over on 04.11.2026 already"):
        services.copy_handed_over_record(by=treating_psychologist, agreement=agreed, handed_over_on=TODAY, today=TODAY)


def test_a_handover_before_the_agreement_is_refused(copy, agreed, treating_psychologist):
    with translation.override("en"), pytest.raises(GoalsRefused) as exc:
        services.copy_handed_over_record(
            by=treating_psychologist, agreement=agreed, handed_over_on=dt.date(2026, 11, 3), today=TODAY
        )
    assert exc.value.message == "The copy cannot be handed over before the agreement of 04.11.2026."
    agreed.refresh_from_db()
    assert agreed.copy_handed_over_on is None


def test_creating_the_copy_on_the_page_stores_it_and_its_download_is_audited(
    agreed, stay, treating_psychologist, social_worker, client_for
):
    response = client_for(treating_psychologist).post(reverse("goals:copy-create", args=[stay.pk, agreed.pk]))
    assert response.status_code == 302
    document = stay.documents.get(kind="goal_agreement_copy")
    page = client_for(social_worker).get(reverse("goals:agreement", args=[stay.pk])).content.decode()
    download = reverse("patients:document-download", args=[stay.pk, document.pk])
    assert download in page
    response = client_for(social_worker).get(download)
    assert response.status_code == 200 and bytes(response.content) == bytes(document.content)
    assert AuditEntry.objects.filter(action="patients.document.downloaded", user=social_worker).count() == 1
