"""The discharge letter in the browser: the letter page and its one-click buttons, the edit form (a bad ICD code
keeps what was typed), signing by the physician only (others get a message, not a 404), the preview PDF, the
copies and their handover, the versions page, the case overview, objects of another stay (404), a query budget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from patients import services as patient_services
from patients.models import Document, DocumentKind
from patients.services import RenderedDocument
from reintegration.models import DischargeLetter
from reintegration.services import letter as services
from tests.reintegration.letter_fixtures import *  # noqa: F403 - the fixtures draft, signable, signed, missing_font
from tests.reintegration.letter_fixtures import COMPLETE, TODAY
from wmr.models import AuditEntry

pytestmark = pytest.mark.usefixtures("_today")


@pytest.fixture
def _today():
    with freeze_time("2026-12-05 10:00"):
        yield


def url(name, stay, *args):
    return reverse(f"reintegration:{name}", args=[stay.pk, *args])


def page(client, stay) -> str:
    response = client.get(url("letter", stay))
    assert response.status_code == 200
    return response.content.decode()


def follow_messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# --- the letter page and drafting ----------------------------------------------------------------------------------


def test_without_a_letter_the_team_sees_the_draft_button(stay, social_worker, client_for):
    html = page(client_for(social_worker, language="en"), stay)
    assert 'data-testid="no-letter"' in html and 'data-testid="letter-draft"' in html
    assert AuditEntry.objects.filter(action="reintegration.letter.viewed", stay_id=stay.pk).exists()


def test_one_click_drafts_the_letter_and_opens_the_form(stay, physician_on_team, client_for):
    response = client_for(physician_on_team, language="en").post(url("letter-draft", stay))
    assert response.status_code == 302 and response["Location"] == url("letter-edit", stay)
    assert DischargeLetter.objects.get(stay=stay).version == 1


def test_a_second_draft_click_shows_why_not(draft, stay, physician_on_team, client_for):
    response = client_for(physician_on_team, language="en").post(url("letter-draft", stay), follow=True)
    assert "This stay has a discharge letter already." in follow_messages(response)
    assert DischargeLetter.objects.filter(stay=stay).count() == 1


def test_the_draft_shows_its_content_what_stops_signing_and_the_actions(draft, stay, physician_on_team, client_for):
    html = page(client_for(physician_on_team, language="en"), stay)
    assert 'data-testid="letter-draft-card"' in html and 'data-testid="letter-edit"' in html
    assert 'data-testid="letter-preview"' in html and 'data-testid="letter-sign"' in html
    assert 'data-testid="letter-sign-problems"' in html and "Please enter at least one diagnosis." in html


def test_another_profession_sees_that_only_a_physician_signs(draft, stay, treating_psychologist, client_for):
    html = page(client_for(treating_psychologist, language="en"), stay)
    assert 'data-testid="letter-sign"' not in html
    assert "Only a physician can sign the letter." in html


# --- editing -------------------------------------------------------------------------------------------------------


def _form_data(**overrides) -> dict:
    data = {
        "recipient": "Hausarztpraxis Dr. Lind\nAm Markt 3\n34537 Bad Wildungen",
        "diagnoses": "F43.2 Anpassungsstörung\nF32.1 G Mittelgradige depressive Episode",
        "course": "Verlauf",
        "goals_summary": "Ziele erreicht",
        "therapies_summary": "",
        "ability_last_job": "3_to_6",
        "ability_general_market": "6_plus",
        "positive_profile": "leichte Arbeiten",
        "negative_profile": "keine Nachtschicht",
        "appraisal_detail": "ausführlich",
        "vocational_rehab_recommended": "on",
        "vocational_rehab_reason": "",
        "recommendations": "Nachsorge",
    }
    data.update(overrides)
    return data


def test_the_form_saves_the_draft_with_diagnoses_one_per_line(draft, stay, treating_psychologist, client_for):
    client = client_for(treating_psychologist, language="en")
    assert client.get(url("letter-edit", stay)).status_code == 200
    response = client.post(url("letter-edit", stay), _form_data())
    assert response.status_code == 302 and response["Location"] == url("letter", stay)
    draft.refresh_from_db()
    assert draft.diagnoses == [
        {"code": "F43.2", "text": "Anpassungsstörung"},
        {"code": "F32.1 G", "text": "Mittelgradige depressive Episode"},
    ]
    assert draft.ability_last_job == "3_to_6" and draft.vocational_rehab_recommended is True


def test_a_bad_icd_code_keeps_what_was_typed(draft, stay, treating_psychologist, client_for):
    typed = "F43.2 Anpassungsstörung\nF3.2 Depression mit Erschöpfung"
    response = client_for(treating_psychologist, language="en").post(
        url("letter-edit", stay), _form_data(diagnoses=typed, course="Neuer Verlauf")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Diagnosis 2: “F3.2” is not an ICD-10-GM code." in html
    assert "F3.2 Depression mit Erschöpfung" in html and "Neuer Verlauf" in html
    draft.refresh_from_db()
    assert draft.diagnoses == [] and draft.course != "Neuer Verlauf"


def test_a_signed_letter_has_no_edit_form(signed, stay, physician_on_team, client_for):
    response = client_for(physician_on_team, language="en").get(url("letter-edit", stay), follow=True)
    assert "There is no draft to edit." in follow_messages(response)


# --- signing -------------------------------------------------------------------------------------------------------


def test_a_psychologist_is_refused_with_a_message_not_a_404(signable, stay, treating_psychologist, client_for):
    client = client_for(treating_psychologist, language="en")
    response = client.post(url("letter-sign", stay))
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert "Only a physician can sign or correct the discharge letter." in follow_messages(response)
    signable.refresh_from_db()
    assert signable.status == "draft"


def test_signing_with_a_limited_ability_and_no_appraisal_names_what_is_missing(
    signable, stay, physician_on_team, client_for
):
    services.letter_update(by=physician_on_team, letter=signable, values={"appraisal_detail": ""})
    response = client_for(physician_on_team, language="en").post(url("letter-sign", stay), follow=True)
    assert "please write the detailed socio-medical appraisal (8.12)" in follow_messages(response)
    signable.refresh_from_db()
    assert signable.status == "draft"


def test_the_physician_signs_and_the_page_offers_the_pdf_and_the_copies(signable, stay, physician_on_team, client_for):
    client = client_for(physician_on_team, language="en")
    response = client.post(url("letter-sign", stay), follow=True)
    assert "The discharge letter is signed" in follow_messages(response)
    signable.refresh_from_db()
    html = response.content.decode()
    download = reverse("patients:document-download", args=[stay.pk, signable.document_id])
    assert 'data-testid="letter-download"' in html and download in html
    assert signable.document.sha256[:10] in html
    assert 'data-testid="letter-copies-create"' in html and 'data-testid="letter-revise"' in html
    assert client.get(download).status_code == 200


def test_a_render_failure_shows_the_error_and_keeps_the_draft(
    signable, stay, physician_on_team, client_for, missing_font
):
    response = client_for(physician_on_team, language="en").post(url("letter-sign", stay), follow=True)
    text = follow_messages(response)
    assert "The letter could not be produced (" in text and "your draft is kept." in text
    signable.refresh_from_db()
    assert signable.status == "draft" and not Document.objects.exists()
    assert 'data-testid="letter-draft-card"' in response.content.decode()


# --- preview -------------------------------------------------------------------------------------------------------


def test_the_preview_is_a_pdf_not_stored_but_audited(signable, stay, social_worker, client_for):
    response = client_for(social_worker, language="en").get(url("letter-preview", stay))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content.startswith(b"%PDF")
    assert not Document.objects.exists()
    entry = AuditEntry.objects.get(action="reintegration.letter.previewed")
    assert entry.user == social_worker and entry.stay_id == stay.pk


def test_without_a_draft_the_preview_sends_back_to_the_letter(stay, social_worker, client_for):
    response = client_for(social_worker, language="en").get(url("letter-preview", stay))
    assert response.status_code == 302 and response["Location"] == url("letter", stay)


# --- copies (8.17), handover, corrections --------------------------------------------------------------------------


def test_one_click_makes_the_two_copies_and_the_handover_is_recorded(signed, stay, social_worker, client_for):
    client = client_for(social_worker, language="en")
    response = client.post(url("letter-copies", stay, signed.pk), follow=True)
    assert "Two copies for the patient to pass on were made." in follow_messages(response)
    html = response.content.decode()
    assert html.count('data-testid="letter-copy-link"') == 2
    assert 'data-testid="letter-copies-state" data-made="2" data-handed-over="no"' in html

    assert client.get(url("letter-handed-over", stay, signed.pk)).status_code == 200
    response = client.post(url("letter-handed-over", stay, signed.pk), {"on": "2026-12-09"})
    assert response.status_code == 200 and "The date lies in the future." in response.content.decode()
    assert 'value="2026-12-09"' in response.content.decode()
    response = client.post(url("letter-handed-over", stay, signed.pk), {"on": "2026-12-05"})
    assert response.status_code == 302
    signed.refresh_from_db()
    assert signed.copies_handed_over_on == dt.date(2026, 12, 5)
    overview = client.get(reverse("cases:overview", args=[stay.pk])).content.decode()
    assert 'data-testid="overview-letter-copies" data-made="2" data-handed-over="yes"' in overview


def test_copies_of_a_draft_are_refused_with_a_message(draft, stay, social_worker, client_for):
    response = client_for(social_worker, language="en").post(url("letter-copies", stay, draft.pk), follow=True)
    assert "Copies for the patient can be made of the signed discharge letter in force only." in follow_messages(
        response
    )
    assert not Document.objects.exists()


def test_a_correction_is_the_physicians_and_opens_the_new_draft(
    signed, stay, physician_on_team, social_worker, client_for
):
    response = client_for(social_worker, language="en").post(url("letter-revise", stay), follow=True)
    assert "Only a physician can sign or correct the discharge letter." in follow_messages(response)
    response = client_for(physician_on_team, language="en").post(url("letter-revise", stay))
    assert response["Location"] == url("letter-edit", stay)
    assert list(DischargeLetter.objects.filter(stay=stay).values_list("version", "status")) == [
        (2, "draft"),
        (1, "signed"),
    ]


def test_the_versions_page_shows_every_version_and_the_history(signed, stay, physician_on_team, client_for):
    services.letter_revise(by=physician_on_team, letter=signed)
    html = client_for(physician_on_team, language="en").get(url("letter-versions", stay)).content.decode()
    assert 'data-testid="letter-version" data-version="2" data-status="draft"' in html
    assert 'data-testid="letter-version" data-version="1" data-status="signed"' in html
    assert 'data-testid="letter-version-download"' in html and 'data-testid="history"' in html
    assert "record at signing" not in html  # the snapshot is the PDF's content, not a diff


def test_a_letter_of_another_stay_answers_404(signed, make_stay, stay, physician_on_team, client_for):
    mine = make_stay()
    client = client_for(physician_on_team)
    services_careteam = patient_services.careteam_add
    services_careteam(by=physician_on_team, stay=mine, user=physician_on_team, function="physician")
    assert client.post(url("letter-copies", mine, signed.pk)).status_code == 404
    assert client.get(url("letter-handed-over", mine, signed.pk)).status_code == 404
    assert not Document.objects.filter(kind=DocumentKind.DISCHARGE_LETTER_COPY).exists()


# --- the case overview ---------------------------------------------------------------------------------------------


def test_the_overview_shows_the_letters_status_and_links_to_it(draft, stay, social_worker, client_for):
    html = client_for(social_worker, language="en").get(reverse("cases:overview", args=[stay.pk])).content.decode()
    assert 'data-testid="overview-letter-status" data-state="draft"' in html
    assert url("letter", stay) in html


# --- query budget --------------------------------------------------------------------------------------------------


def _versions(stay, by, n: int) -> None:
    """``n`` signed versions (the older ones superseded), each with its PDF and two copies — stored without
    rendering: the budget is about reading them."""
    previous = None
    for version in range(1, n + 1):
        pdf = RenderedDocument(filename=f"v{version}.pdf", content_type="application/pdf", content=b"%PDF-1.7\n")
        letter = DischargeLetter.objects.create(
            stay=stay,
            version=version,
            previous=previous,
            status="superseded" if version < n else "signed",
            signed_on=TODAY,
            signed_by=by,
            created_by=by,
            diagnoses=COMPLETE["diagnoses"],
        )
        letter.document = patient_services.document_store(
            by=by, stay=stay, kind=DocumentKind.DISCHARGE_LETTER, rendered=pdf, facts={"letter_id": letter.pk}
        )
        letter.save()
        for copy in (1, 2):
            patient_services.document_store(
                by=by,
                stay=stay,
                kind=DocumentKind.DISCHARGE_LETTER_COPY,
                rendered=pdf,
                facts={"letter_id": letter.pk, "copy": copy},
            )
        previous = letter


def _queries(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_letter_page_costs_the_same_queries_for_1_and_for_12_versions(
    make_stay, treating_physician, client_for, django_assert_max_num_queries
):
    from patients.models import TeamFunction

    one, many = make_stay(), make_stay()
    for s, n in ((one, 1), (many, 12)):
        patient_services.careteam_add(
            by=treating_physician, stay=s, user=treating_physician, function=TeamFunction.PHYSICIAN
        )
        _versions(s, treating_physician, n)
    client = client_for(treating_physician, language="en")
    assert _queries(client, url("letter", one)) == _queries(client, url("letter", many))
    assert _queries(client, url("letter-versions", one)) == _queries(client, url("letter-versions", many))
    # 11: session, user, the stay (care team checked in SQL), the audit row, letters (with authors), documents
    # (without bytes), the user's permissions (2, for the buttons), the session's save (savepoint, update, release)
    with django_assert_max_num_queries(11):
        client.get(url("letter", many))
