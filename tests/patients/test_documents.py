"""Stored documents: hash and author, downloading the identical bytes again (audited), and revoking patient links."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from patients import documents, services
from patients.models import Document, LinkPurpose, PatientLink
from wmr.models import AuditEntry


@pytest.fixture
def letter(stay, treating_psychologist) -> Document:
    return documents.invitation_create(by=treating_psychologist, stay=stay)


def download_url(document: Document, stay=None) -> str:
    return reverse("patients:document-download", args=[(stay or document.stay).pk, document.pk])


def test_a_stored_document_keeps_its_sha256_size_and_author(letter, treating_psychologist):
    stored = Document.objects.get(pk=letter.pk)
    content = bytes(stored.content)
    assert content.startswith(b"%PDF-")
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size == len(content)
    assert stored.created_by == treating_psychologist


def test_downloading_returns_the_identical_bytes_as_an_attachment_and_is_audited(
    letter, stay, social_worker, client_for
):
    before = AuditEntry.objects.filter(action="patients.document.downloaded").count()
    response = client_for(social_worker).get(download_url(letter))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{letter.filename}"'
    assert "no-store" in response["Cache-Control"]
    assert hashlib.sha256(response.content).hexdigest() == letter.sha256
    assert response.content == bytes(Document.objects.get(pk=letter.pk).content)
    entries = AuditEntry.objects.filter(action="patients.document.downloaded")
    assert entries.count() == before + 1
    entry = entries.latest("pk")
    assert (entry.user, entry.object_id, entry.stay_id, entry.patient_id) == (
        social_worker,
        str(letter.pk),
        stay.pk,
        stay.patient_id,
    )
    assert entry.data == {"sha256": letter.sha256}


def test_downloading_twice_gives_the_same_bytes_and_two_audit_rows(letter, treating_psychologist, client_for):
    client = client_for(treating_psychologist)
    first = client.get(download_url(letter)).content
    second = client.get(download_url(letter)).content
    assert first == second
    assert AuditEntry.objects.filter(action="patients.document.downloaded", object_id=str(letter.pk)).count() == 2


@pytest.mark.parametrize("persona", ["other_team_clinician", "manager", "privacy_officer"])
def test_outside_the_care_team_a_download_answers_404_without_audit_row(persona, letter, client_for, request):
    response = client_for(request.getfixturevalue(persona)).get(download_url(letter))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="patients.document.downloaded").exists()


def test_a_document_of_another_stay_answers_404(letter, make_stay, treating_psychologist, client_for):
    my_other_stay = make_stay()
    response = client_for(treating_psychologist).get(download_url(letter, stay=my_other_stay))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="patients.document.downloaded").exists()


def test_anonymous_users_are_sent_to_the_login(letter, client):
    response = client.get(download_url(letter))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- revoking a patient link ---------------------------------------------------------------------------------------


@pytest.fixture
def link(stay, treating_psychologist) -> PatientLink:
    link, _raw = services.patient_link_create(by=treating_psychologist, stay=stay, purpose=LinkPurpose.PRE_ADMISSION)
    return link


def revoke_url(link: PatientLink, stay=None) -> str:
    return reverse("patients:link-revoke", args=[(stay or link.stay).pk, link.pk])


def test_a_clinician_revokes_a_patient_link(link, social_worker, client_for):
    response = client_for(social_worker).post(revoke_url(link))
    assert response.status_code == 302
    assert response["Location"].endswith("#invitation")
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == social_worker
    assert AuditEntry.objects.filter(action="patients.link.revoked", object_id=str(link.pk)).exists()


def test_revoking_needs_post(link, treating_psychologist, client_for):
    response = client_for(treating_psychologist).get(revoke_url(link))
    assert response.status_code == 405
    link.refresh_from_db()
    assert link.revoked_at is None


@pytest.mark.parametrize("persona", ["other_team_clinician", "manager", "privacy_officer"])
def test_others_cannot_revoke_a_link(persona, link, client_for, request):
    response = client_for(request.getfixturevalue(persona)).post(revoke_url(link))
    assert response.status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_link_of_another_stay_answers_404(link, make_stay, treating_psychologist, client_for):
    response = client_for(treating_psychologist).post(revoke_url(link, stay=make_stay()))
    assert response.status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None
