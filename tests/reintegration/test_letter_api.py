"""The discharge-letter API: every version with its status, appraisal and the hashes of its stored PDFs, the UI's
permissions (404 outside the care team), an audit row per read, and its place in the OpenAPI schema."""

from __future__ import annotations

from django.core.management import call_command
from django.urls import reverse

from reintegration.services import letter as services
from tests.reintegration.letter_fixtures import *  # noqa: F403 - the fixtures draft, signed
from tests.reintegration.letter_fixtures import COMPLETE
from wmr.models import AuditEntry


def api(stay):
    return reverse("api:stay-discharge-letter", args=[stay.pk])


def test_the_api_returns_versions_appraisal_and_document_hashes(
    signed, stay, physician_on_team, social_worker, client_for
):
    copies = services.letter_copies_create(by=social_worker, letter=signed)
    services.letter_revise(by=physician_on_team, letter=signed)
    response = client_for(social_worker).get(api(stay))
    assert response.status_code == 200
    body = response.json()
    assert (body["signed_version"], body["draft_version"], body["copies_made"]) == (1, 2, 2)
    assert body["copies_handed_over_on"] is None
    v2, v1 = body["versions"]
    assert (v2["version"], v2["status"], v2["previous_version"], v2["document"]) == (2, "draft", 1, None)
    assert (v1["status"], v1["signed_on"], v1["signed_by"]) == ("signed", "2026-12-05", "Dr. med. Dora Doktor")
    assert v1["diagnoses"][1] == {"code": "F32.1 G", "text": "Mittelgradige depressive Episode"}
    assert v1["appraisal"] == {
        "ability_last_job": "3_to_6",
        "ability_general_market": "6_plus",
        "positive_profile": COMPLETE["positive_profile"],
        "negative_profile": COMPLETE["negative_profile"],
        "detail": COMPLETE["appraisal_detail"],
        "vocational_rehab_recommended": True,
        "vocational_rehab_reason": "",
    }
    assert v1["document"]["sha256"] == signed.document.sha256 and v1["document"]["kind"] == "discharge_letter"
    assert sorted((c["copy"], c["sha256"]) for c in v1["copies"]) == sorted((d.facts["copy"], d.sha256) for d in copies)
    entry = AuditEntry.objects.get(action="reintegration.letter.api_viewed")
    assert entry.user == social_worker and entry.stay_id == stay.pk


def test_a_stay_without_letter_answers_with_no_versions(stay, treating_psychologist, client_for):
    body = client_for(treating_psychologist).get(api(stay)).json()
    assert body == {
        "signed_version": None,
        "draft_version": None,
        "copies_made": 0,
        "copies_handed_over_on": None,
        "versions": [],
    }


def test_outside_the_care_team_the_letter_is_not_found(draft, stay, other_team_clinician, manager, client_for):
    for user in (other_team_clinician, manager):
        assert client_for(user).get(api(stay)).status_code == 404
    assert not AuditEntry.objects.filter(action="reintegration.letter.api_viewed").exists()


def test_the_letter_path_is_in_the_schema(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--file", str(target))
    schema = target.read_text()
    assert "/api/v1/stays/{stay_pk}/discharge-letter/:" in schema
    assert "DischargeLetterState:" in schema and "LetterAppraisal:" in schema and "WorkAbilityEnum:" in schema
