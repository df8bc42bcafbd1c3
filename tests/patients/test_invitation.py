"""The invitation letter (recommendations 1.1, 1.2, 1.4): its content read back from the PDF, the new patient link
it carries, and who may create it."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from patients import documents, services, tokens
from patients.models import Document, DocumentKind, LinkPurpose, PatientLink, TeamFunction
from wmr.models import AuditEntry

TOKEN_RE = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b")


def pdf_text(content: bytes) -> str:
    """The PDF's text with all whitespace runs collapsed, so line breaks do not matter."""
    reader = PdfReader(io.BytesIO(bytes(content)))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def in_letter_language(text: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return " ".join(gettext(text).split())


@pytest.fixture
def letter(stay, treating_psychologist) -> Document:
    return documents.invitation_create(by=treating_psychologist, stay=stay)


def test_the_letter_carries_the_patients_name_and_address(letter, stay):
    text = pdf_text(letter.content)
    patient = stay.patient
    assert patient.full_name in text
    assert patient.street in text
    assert f"{patient.postal_code} {patient.city}" in text


def test_the_letter_explains_wmr_under_its_own_heading(letter):
    text = pdf_text(letter.content)
    assert in_letter_language("What is work-related medical rehabilitation (WMR)?") in text
    assert in_letter_language("workplace training: practising tasks from your working life;") in text


def test_the_letter_asks_for_occupational_physician_and_bem_contact(letter):
    text = pdf_text(letter.content)
    assert in_letter_language("Please name your occupational physician and BEM contact") in text
    assert (
        in_letter_language(
            "your contact for company integration management (betriebliches Eingliederungsmanagement, BEM), "
            "e.g. in the human resources department or the works council;"
        )
        in text
    )


def test_the_letter_prints_the_online_info_url_the_personal_link_its_code_and_expiry(letter, stay):
    text = pdf_text(letter.content)
    link = PatientLink.objects.get(stay=stay)
    raw = tokens.normalize(TOKEN_RE.search(text).group(1))
    assert tokens.token_hash(raw) == link.token_hash
    assert stay.facility.wmr_info_url in text
    assert f"{settings.PUBLIC_BASE_URL}/p/{raw}" in text
    assert f"{timezone.localdate(link.expires_at):%d.%m.%Y}" in text


def test_the_letter_is_stored_with_the_facts_the_indicators_need(letter, stay, treating_psychologist):
    link = PatientLink.objects.get(stay=stay)
    assert letter.kind == DocumentKind.INVITATION_LETTER
    assert letter.content_type == "application/pdf"
    assert letter.filename.endswith(".pdf") and stay.number in letter.filename
    assert letter.created_by == treating_psychologist
    assert letter.facts == {
        "explains_wmr": True,
        "asks_occupational_contacts": True,
        "links_online_info": True,
        "patient_link_id": link.pk,
        "template_version": 1,
    }
    entry = AuditEntry.objects.get(action="patients.invitation.created")
    assert (entry.user, entry.object_id, entry.stay_id) == (treating_psychologist, str(letter.pk), stay.pk)


def test_without_online_information_the_letter_leaves_that_part_out(stay, treating_psychologist):
    stay.facility.wmr_info_url = ""
    stay.facility.save()
    letter = documents.invitation_create(by=treating_psychologist, stay=stay)
    text = pdf_text(letter.content)
    assert letter.facts["links_online_info"] is False
    assert in_letter_language("Our WMR information online") not in text
    assert in_letter_language("Your personal pre-admission page") in text


def test_the_letter_renders_without_weasyprint_warnings(stay, treating_psychologist, caplog):
    """A font that failed to load, a refused URL or a broken SVG would show up as a WeasyPrint warning."""
    with caplog.at_level("WARNING", logger="weasyprint"):
        letter = documents.invitation_create(by=treating_psychologist, stay=stay)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []
    fonts = set()
    for page in PdfReader(io.BytesIO(bytes(letter.content))).pages:
        for font in page["/Resources"]["/Font"].get_object().values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any(name.endswith("+Liberation-Sans") for name in fonts)
    assert any(name.endswith("+Liberation-Sans-Bold") for name in fonts)


def test_a_second_letter_revokes_the_first_link(stay, treating_psychologist):
    first = documents.invitation_create(by=treating_psychologist, stay=stay)
    second = documents.invitation_create(by=treating_psychologist, stay=stay)
    first_link = PatientLink.objects.get(pk=first.facts["patient_link_id"])
    second_link = PatientLink.objects.get(pk=second.facts["patient_link_id"])
    assert first_link.revoked_at is not None and first_link.revoked_by == treating_psychologist
    assert second_link.revoked_at is None
    old_raw = tokens.normalize(TOKEN_RE.search(pdf_text(first.content)).group(1))
    new_raw = tokens.normalize(TOKEN_RE.search(pdf_text(second.content)).group(1))
    assert old_raw != new_raw
    assert services.patient_link_resolve(token=new_raw) == second_link


def test_the_token_is_stored_only_as_its_hash(letter, stay):
    raw = tokens.normalize(TOKEN_RE.search(pdf_text(letter.content)).group(1))
    link = PatientLink.objects.get(stay=stay)
    assert link.token_hash == tokens.token_hash(raw)
    for row in PatientLink.objects.values():
        assert not any(raw in str(value) for value in row.values())
    for row in AuditEntry.objects.values():
        assert not any(raw in str(value) for value in row.values())


def test_a_clinician_creates_the_letter_from_the_case_overview(stay, treating_psychologist, client_for):
    client = client_for(treating_psychologist)
    response = client.post(reverse("patients:invitation-create", args=[stay.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:overview", args=[stay.pk]) + "#invitation"
    document = Document.objects.get(stay=stay)
    assert document.kind == DocumentKind.INVITATION_LETTER
    page = client.get(response["Location"]).content.decode()
    assert reverse("patients:document-download", args=[stay.pk, document.pk]) in page
    assert PatientLink.objects.filter(stay=stay, purpose=LinkPurpose.PRE_ADMISSION).count() == 1


def test_the_form_only_accepts_post(stay, treating_psychologist, client_for):
    response = client_for(treating_psychologist).get(reverse("patients:invitation-create", args=[stay.pk]))
    assert response.status_code == 405
    assert not Document.objects.exists()


@pytest.mark.parametrize("persona", ["manager", "privacy_officer", "other_team_clinician"])
def test_others_cannot_create_letters(persona, stay, client_for, request):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(reverse("patients:invitation-create", args=[stay.pk]))
    assert response.status_code == 404
    assert not Document.objects.exists() and not PatientLink.objects.exists()


@pytest.mark.parametrize("persona", ["manager", "privacy_officer"])
def test_management_and_privacy_officer_on_the_care_team_still_cannot_create_letters(
    persona, stay, treating_psychologist, client_for, request
):
    user = request.getfixturevalue(persona)
    services.careteam_add(by=treating_psychologist, stay=stay, user=user, function=TeamFunction.PHYSICIAN)
    response = client_for(user).post(reverse("patients:invitation-create", args=[stay.pk]))
    assert response.status_code == 404
    assert not Document.objects.exists() and not PatientLink.objects.exists()


def test_an_incomplete_address_is_pointed_out(stay, treating_psychologist, client_for):
    stay.patient.street = ""
    stay.patient.save()
    client = client_for(treating_psychologist)
    response = client.post(reverse("patients:invitation-create", args=[stay.pk]), follow=True)
    messages = [str(m) for m in response.context["messages"]]
    with translation.override(settings.LANGUAGE_CODE):
        expected = gettext("The patient's postal address is incomplete; please complete it before posting.")
    assert expected in messages
    assert Document.objects.filter(stay=stay).count() == 1
