"""The printed step plans of the graded return: the full plan shaped like the payer's form and the employer's copy
(hamburg_model.md D-2: no diagnoses, findings or therapy details), parsed back with pypdf; stored with hash, kind and
facts, audit-logged, listed on the plan page, in the clinic's language."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from freezegun import freeze_time
from pypdf import PdfReader

from patients import services as patient_services
from patients.models import ContactKind, Document, DocumentKind, ExternalContact, Payer
from reintegration import documents_plan
from reintegration.errors import ReintegrationRefused
from reintegration.models import DischargeLetter, SickLeavePeriod
from reintegration.services import plan as services
from tests.reintegration.matrix_plan import HELEN_START, make_plan
from wmr.models import AuditEntry

ICD = re.compile(r"[A-Z]\d{2}(\.\d)?")
DIAGNOSIS = "Anpassungsstörung mit Erschöpfung"
DIAGNOSIS_GROUP = "Erschöpfungssyndrom (Burnout)"


def pdf_text(content: bytes) -> str:
    """The PDF's text with all whitespace runs collapsed, so line breaks do not matter."""
    reader = PdfReader(io.BytesIO(bytes(content)))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def in_clinic_language(text: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return " ".join(gettext(text).split())


@pytest.fixture
def helen_stay(make_stay, social_worker):
    stay = make_stay(
        admission_date=dt.date(2026, 1, 12),
        discharge_date=dt.date(2026, 2, 13),
        status="discharged",
        payer=Payer.DRV_BUND,
    )
    patient = stay.patient
    patient.health_insurer, patient.kvnr = "AOK Nordwest", "A123456780"
    patient.save()
    patient_services.contact_save(
        by=social_worker,
        contact=ExternalContact(stay=stay, kind=ContactKind.EMPLOYER, organisation="Muster GmbH", person="Frau Weber"),
    )
    # the clinic's record knows diagnoses: the employer's copy must show none of them (D-2)
    SickLeavePeriod.objects.create(
        stay=stay, starts_on=dt.date(2025, 12, 1), ends_on=dt.date(2026, 3, 1), diagnosis_group=DIAGNOSIS_GROUP
    )
    DischargeLetter.objects.create(stay=stay, diagnoses=[{"code": "F43.2", "text": DIAGNOSIS}])
    return stay


@pytest.fixture
def plan(helen_stay, social_worker):
    plan = make_plan(helen_stay, social_worker, starts_on=HELEN_START, today=dt.date(2026, 2, 10))
    services.plan_update(
        by=social_worker,
        plan=plan,
        values={
            "activities_to_avoid": "Kein Heben über 10 kg",
            "supporting_measures": "Psychotherapie F43.2 fortführen",
        },
        today=dt.date(2026, 2, 10),
    )
    return plan


@freeze_time("2026-02-16 10:00")
def test_the_step_plan_carries_identification_steps_full_capacity_withdrawal_and_three_signatures(
    plan, helen_stay, social_worker
):
    document = documents_plan.graded_plan_create(by=social_worker, plan=plan)
    text = pdf_text(document.content)
    patient = helen_stay.patient
    assert f"{patient.last_name}, {patient.first_name}" in text
    assert "AOK Nordwest" in text and "A123456780" in text and "Muster GmbH" in text
    for day in ("02.03.2026", "15.03.2026", "13.04.2026", "26.04.2026", "11.05.2026", "31.05.2026", "01.06.2026"):
        assert day in text
    assert "3 × 6 h + 2 × 4 h" in text and "2 × 8 h + 3 × 6 h" in text
    assert "Kein Heben über 10 kg" in text
    assert in_clinic_language("Right to withdraw:") in text
    for line in (
        "Date, signature of the insured person",
        "Date, signature of the physician",
        "Date, signature and stamp of the employer",
    ):
        assert in_clinic_language(line) in text
    assert in_clinic_language("Step plan for the graded return to work") in text


@freeze_time("2026-02-16 10:00")
def test_the_step_plan_is_stored_with_hash_kind_and_facts_and_audited(plan, helen_stay, social_worker):
    document = documents_plan.graded_plan_create(by=social_worker, plan=plan)
    assert document.kind == DocumentKind.GRADED_PLAN
    assert document.sha256 == hashlib.sha256(bytes(document.content)).hexdigest()
    assert document.facts["plan_id"] == plan.pk
    assert (document.facts["version"], document.facts["last_day"]) == (1, "2026-05-31")
    assert document.created_by == social_worker
    assert AuditEntry.objects.filter(action="reintegration.plan.pdf_created", user=social_worker).count() == 1


@freeze_time("2026-02-16 10:00")
def test_the_employers_copy_shows_the_plan_and_no_diagnosis_finding_or_insurer_number(plan, helen_stay, social_worker):
    document = documents_plan.employer_copy_create(by=social_worker, plan=plan)
    assert document.kind == DocumentKind.GRADED_PLAN_EMPLOYER
    assert (document.facts["plan_id"], document.facts["version"], document.facts["last_day"]) == (
        plan.pk,
        1,
        "2026-05-31",
    )
    text = pdf_text(document.content)
    assert "02.03.2026" in text and "31.05.2026" in text and "3 × 6 h + 2 × 4 h" in text
    assert "Kein Heben über 10 kg" in text  # restrictions are what the employer needs (D-1)
    assert ICD.search(text) is None, ICD.search(text)
    for secret in (DIAGNOSIS, DIAGNOSIS_GROUP, "Psychotherapie", "A123456780", "AOK Nordwest", "V-11", "V-3"):
        assert secret not in text
    assert helen_stay.patient.birth_date.strftime("%d.%m.%Y") not in text
    assert AuditEntry.objects.filter(action="reintegration.plan.employer_copy_created").count() == 1


def test_a_plan_without_steps_is_not_printed(helen_stay, social_worker):
    plan = services.plan_create(by=social_worker, stay=helen_stay, starts_on=HELEN_START, today=dt.date(2026, 2, 10))
    with pytest.raises(ReintegrationRefused):
        documents_plan.graded_plan_create(by=social_worker, plan=plan)
    assert not Document.objects.filter(kind__in=documents_plan.KINDS).exists()


@freeze_time("2026-02-16 10:00")
def test_printing_from_the_page_downloads_the_stored_pdf_and_lists_it_with_its_hash(
    plan, helen_stay, social_worker, client_for
):
    client = client_for(social_worker, language="en")
    for name in ("plan-pdf", "plan-pdf-employer"):
        response = client.post(reverse(f"reintegration:{name}", args=[helen_stay.pk]))
        assert response.status_code == 302
        assert "/documents/" in response["Location"]
    # the PDFs stay in the clinic's language whatever language the screen uses
    employer_copy = Document.objects.get(kind=DocumentKind.GRADED_PLAN_EMPLOYER)
    assert in_clinic_language("Graded return to work: step plan for the employer") in pdf_text(employer_copy.content)
    html = client.get(reverse("reintegration:plan", args=[helen_stay.pk])).content.decode()
    assert html.count('data-testid="plan-document-link"') == 2
    for document in Document.objects.filter(kind__in=documents_plan.KINDS):
        assert document.sha256[:12] in html
