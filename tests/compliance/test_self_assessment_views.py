"""The facility self-assessment pages: management of the facility only (everyone else and another clinic: 404),
bad input shown on the form with the typed values kept and nothing stored, history, file download, copy."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from compliance import evidence
from compliance.models import SelfAssessment
from compliance.services_selfassessment import self_assessment_save
from staff.models import Profession, Role
from tests.compliance.self_assessment_samples import PDF, PNG, docx_bytes
from tests.factories import UserFactory
from wmr.models import AuditEntry

OVERVIEW = reverse("compliance:self-assessment")


def edit_url(facility, rec_id="9.2", year=2026):
    return reverse("compliance:self-assessment-edit", args=[facility.pk, year, rec_id])


def answer(manager, facility, **kwargs):
    kwargs.setdefault("year", 2026)
    kwargs.setdefault("recommendation", "9.2")
    kwargs.setdefault("answer", "yes")
    return self_assessment_save(by=manager, facility=facility, **kwargs)


def _rows(response) -> int:
    return response.content.decode().count("data-rec=")


# --- overview ------------------------------------------------------------------------------------------------------


def test_the_overview_lists_the_17_rows_with_this_years_answers(client_for, manager, facility):
    answer(manager, facility, evidence_text="Steuerungsgruppe seit 2024")
    answer(manager, facility, year=2025, recommendation="9.1", answer="no")
    response = client_for(manager, language="en").get(OVERVIEW, {"year": 2026})
    assert response.status_code == 200
    content = response.content.decode()
    assert _rows(response) == 17
    assert "1 of 17 rows answered." in content
    assert "Steuerungsgruppe seit 2024" in content
    assert "Start from the answers of 2025" in content


def test_the_overview_shows_the_current_year_by_default(client_for, manager, facility):
    answer(manager, facility, year=2026, evidence_text="Antwort 2026")
    answer(manager, facility, year=2027, evidence_text="Antwort 2027")
    with freeze_time("2026-12-31 23:30:00+00:00"):  # 00:30 on 01.01.2027 in Berlin
        assert "Antwort 2027" in client_for(manager).get(OVERVIEW).content.decode()
    with freeze_time("2026-12-05 10:00:00+00:00"):
        content = client_for(manager).get(OVERVIEW).content.decode()
    assert "Antwort 2026" in content and "Antwort 2027" not in content


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("abc", "Please give the year as four digits, e.g. 2026."),
        ("1999", "The year must lie between 2000 and 2100."),
        ("2101", "The year must lie between 2000 and 2100."),
    ],
)
def test_a_nonsense_year_gets_a_clear_message_and_the_page_still_works(client_for, manager, year, message):
    response = client_for(manager, language="en").get(OVERVIEW, {"year": year})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _rows(response) == 17


def test_the_copy_button_is_offered_only_while_rows_are_open_and_an_earlier_year_exists(client_for, manager, facility):
    client = client_for(manager, language="en")
    assert "Start from the answers" not in client.get(OVERVIEW, {"year": 2026}).content.decode()
    answer(manager, facility, year=2024)
    assert "Start from the answers of 2024" in client.get(OVERVIEW, {"year": 2026}).content.decode()


def test_another_facility_in_the_filter_answers_404(client_for, manager, other_facility):
    client = client_for(manager)
    assert client.get(OVERVIEW, {"facility": other_facility.pk}).status_code == 404
    assert client.get(OVERVIEW, {"facility": "abc"}).status_code == 404


def test_a_manager_of_two_clinics_chooses_between_them(client_for, facility, other_facility):
    group_manager = UserFactory(
        role=Role.MANAGEMENT, profession=Profession.OTHER, facilities=[facility, other_facility]
    )
    answer(group_manager, other_facility, evidence_text="Antwort am See")
    client = client_for(group_manager)
    content = client.get(OVERVIEW, {"facility": other_facility.pk, "year": 2026}).content.decode()
    assert "Antwort am See" in content
    assert f'<option value="{facility.pk}"' in content
    assert "Antwort am See" not in client.get(OVERVIEW, {"facility": facility.pk, "year": 2026}).content.decode()


def test_a_manager_without_a_facility_gets_404(db, client_for):
    lonely = UserFactory(role=Role.MANAGEMENT, profession=Profession.OTHER)
    assert client_for(lonely).get(OVERVIEW).status_code == 404


def test_the_overview_costs_the_same_queries_with_many_answers(
    client_for, manager, facility, django_assert_max_num_queries
):
    client = client_for(manager)
    # session, user, the two-factor device that verified the session (django-otp), facility, the year's answers
    # (with their authors), the earlier year, the facilities list, and the session's save (savepoint, update, release)
    with django_assert_max_num_queries(10):
        client.get(OVERVIEW, {"year": 2026})
    for rec in ("1.3", "9.1", "9.2", "9.3", "10.8"):
        answer(manager, facility, recommendation=rec, file=SimpleUploadedFile("k.pdf", PDF))
    with django_assert_max_num_queries(10):
        response = client.get(OVERVIEW, {"year": 2026})
    assert response.content.decode().count('data-testid="file-link"') == 5


# --- answering -----------------------------------------------------------------------------------------------------


def test_management_answers_a_row_with_a_file_and_is_sent_back_to_the_overview(client_for, manager, facility):
    client = client_for(manager, language="en")
    assert client.get(edit_url(facility)).status_code == 200
    response = client.post(
        edit_url(facility),
        {
            "answer": "partly",
            "evidence_text": "Steuerungsgruppe",
            "evidence_url": "https://klinik.example/mbor",
            "file": SimpleUploadedFile("protokoll.docx", docx_bytes()),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{OVERVIEW}?facility={facility.pk}&year=2026"
    row = SelfAssessment.objects.get()
    assert (row.answer, row.evidence_text, row.evidence_url) == (
        "partly",
        "Steuerungsgruppe",
        "https://klinik.example/mbor",
    )
    assert row.evidence_file_type == evidence.DOCX
    assert "Answer to 9.2 saved." in client.get(response["Location"]).content.decode()


def test_the_form_shows_the_current_answer(client_for, manager, facility):
    answer(manager, facility, answer="partly", evidence_text="Im Aufbau", file=SimpleUploadedFile("k.pdf", PDF))
    content = client_for(manager, language="en").get(edit_url(facility)).content.decode()
    assert "Im Aufbau" in content
    assert re.search(r'<input[^>]*value="partly"[^>]*checked', content)
    assert not re.search(r'<input[^>]*value="yes"[^>]*checked', content)
    assert "k.pdf" in content and evidence.sha256(PDF) in content
    assert "Remove the stored file" in content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"answer": "yes", "evidence_url": "klinik.example/mbor"}, "The link is not a valid web address."),
        (
            {"answer": "yes", "file": SimpleUploadedFile("seite.pdf", b"<html>hi</html>", "application/pdf")},
            "Only PDF, PNG, JPEG or Word (DOCX) files are accepted",
        ),
        (
            {"answer": "yes", "file": SimpleUploadedFile("gross.pdf", PDF + b"0" * (5 * 1024 * 1024))},
            "The file is larger than 5 MB.",
        ),
        ({"evidence_url": "https://klinik.example/mbor"}, "Please choose an answer."),
        ({"answer": "vielleicht"}, "Select a valid choice."),
    ],
)
def test_bad_input_shows_the_form_again_with_the_message_and_the_typed_values(
    client_for, manager, facility, data, message
):
    data = {"evidence_text": "Mein getippter Nachweis", **data}
    response = client_for(manager, language="en").post(edit_url(facility), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert "Mein getippter Nachweis" in content
    assert not SelfAssessment.objects.exists()
    assert not AuditEntry.objects.filter(action="compliance.self_assessment.saved").exists()


def test_a_year_outside_2000_to_2100_in_the_address_is_named_and_refused(client_for, manager, facility):
    client = client_for(manager, language="en")
    response = client.get(edit_url(facility, year=1999))
    assert "The year must lie between 2000 and 2100." in response.content.decode()
    response = client.post(edit_url(facility, year=2101), {"answer": "yes"})
    assert response.status_code == 200
    assert "The year must lie between 2000 and 2100." in response.content.decode()
    assert not SelfAssessment.objects.exists()


@pytest.mark.parametrize("rec_id", ["8.12", "9.12", "99.1", "abc"])
def test_a_row_that_is_not_answered_in_the_self_assessment_answers_404(client_for, manager, facility, rec_id):
    client = client_for(manager)
    assert client.get(edit_url(facility, rec_id=rec_id)).status_code == 404
    assert client.post(edit_url(facility, rec_id=rec_id), {"answer": "yes"}).status_code == 404
    assert not SelfAssessment.objects.exists()


def test_management_of_another_clinic_cannot_answer_for_it(client_for, manager, other_facility):
    response = client_for(manager).post(edit_url(other_facility), {"answer": "yes"})
    assert response.status_code == 404
    assert not SelfAssessment.objects.exists()


@pytest.mark.parametrize("who", ["treating_psychologist", "privacy_officer", "admin_user"])
def test_nobody_but_management_answers(request, client_for, facility, who):
    client = client_for(request.getfixturevalue(who))
    assert client.post(edit_url(facility), {"answer": "yes"}).status_code == 404
    assert client.get(OVERVIEW).status_code == 404
    assert not SelfAssessment.objects.exists()


def test_the_stored_file_is_removed_through_the_form(client_for, manager, facility):
    answer(manager, facility, file=SimpleUploadedFile("k.pdf", PDF))
    client_for(manager).post(edit_url(facility), {"answer": "yes", "remove_file": "on"})
    assert SelfAssessment.objects.get().evidence_file_name == ""


# --- history and file ----------------------------------------------------------------------------------------------


def test_the_history_shows_earlier_answers_with_who_and_when_and_the_replaced_file(client_for, manager, facility):
    answer(manager, facility, answer="no", evidence_text="noch keine Gruppe", file=SimpleUploadedFile("alt.pdf", PDF))
    colleague = UserFactory(
        role=Role.MANAGEMENT,
        profession=Profession.OTHER,
        facilities=[facility],
        first_name="Greta",
        last_name="Leitung",
    )
    row = answer(
        colleague, facility, answer="yes", evidence_text="Gruppe tagt", file=SimpleUploadedFile("neu.png", PNG)
    )
    response = client_for(manager, language="en").get(reverse("compliance:self-assessment-history", args=[row.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('data-testid="version"') == 2
    assert "noch keine Gruppe" in content and "Gruppe tagt" in content
    assert "alt.pdf" in content and evidence.sha256(PDF) in content
    assert "neu.png" in content and evidence.sha256(PNG) in content
    assert manager.display_name in content and "Greta Leitung" in content
    assert content.index("Gruppe tagt") < content.index("noch keine Gruppe")  # newest first


def test_the_file_is_downloaded_with_its_sniffed_type_and_the_download_is_logged(client_for, manager, facility):
    row = answer(manager, facility, file=SimpleUploadedFile("scan.pdf", PNG, "application/pdf"))
    response = client_for(manager).get(reverse("compliance:self-assessment-file", args=[row.pk]))
    assert response.status_code == 200
    assert response.content == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "scan.pdf" in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action="compliance.self_assessment.file_downloaded")
    assert entry.user == manager and entry.data["sha256"] == evidence.sha256(PNG)


def test_an_answer_without_a_file_has_no_download(client_for, manager, facility):
    row = answer(manager, facility)
    assert client_for(manager).get(reverse("compliance:self-assessment-file", args=[row.pk])).status_code == 404


def test_another_clinics_answer_file_and_history_answer_404(client_for, manager, other_facility):
    other_manager = UserFactory(role=Role.MANAGEMENT, profession=Profession.OTHER, facilities=[other_facility])
    row = answer(other_manager, other_facility, file=SimpleUploadedFile("k.pdf", PDF))
    client = client_for(manager)
    assert client.get(reverse("compliance:self-assessment-file", args=[row.pk])).status_code == 404
    assert client.get(reverse("compliance:self-assessment-history", args=[row.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="compliance.self_assessment.file_downloaded").exists()


# --- copy ----------------------------------------------------------------------------------------------------------


def test_one_click_copies_last_years_answers_into_the_open_rows(client_for, manager, facility):
    answer(manager, facility, year=2025, recommendation="9.1", evidence_text="Konzept 2025")
    answer(manager, facility, year=2025, recommendation="9.2", answer="no")
    answer(manager, facility, year=2026, recommendation="9.2", answer="yes")
    client = client_for(manager, language="en")
    response = client.post(reverse("compliance:self-assessment-copy"), {"facility": facility.pk, "year": 2026})
    assert response.status_code == 302
    assert response["Location"] == f"{OVERVIEW}?facility={facility.pk}&year=2026"
    assert "1 answer copied from 2025. Please check it." in client.get(response["Location"]).content.decode()
    assert SelfAssessment.objects.get(year=2026, recommendation="9.1").evidence_text == "Konzept 2025"
    assert SelfAssessment.objects.get(year=2026, recommendation="9.2").answer == "yes"


def test_a_copy_without_an_earlier_year_says_so(client_for, manager, facility):
    client = client_for(manager, language="en")
    response = client.post(
        reverse("compliance:self-assessment-copy"), {"facility": facility.pk, "year": 2026}, follow=True
    )
    assert "There are no answers of an earlier year to copy." in response.content.decode()
    assert not SelfAssessment.objects.exists()


def test_a_copy_with_nothing_open_says_so(client_for, manager, facility):
    answer(manager, facility, year=2025)
    answer(manager, facility, year=2026)
    client = client_for(manager, language="en")
    response = client.post(
        reverse("compliance:self-assessment-copy"), {"facility": facility.pk, "year": 2026}, follow=True
    )
    assert "Nothing copied: every row of 2026 has an answer already." in response.content.decode()


@pytest.mark.parametrize("year", ["abc", "1999", ""])
def test_a_copy_into_a_nonsense_year_is_refused_with_a_message(client_for, manager, facility, year):
    answer(manager, facility, year=2025)
    client = client_for(manager, language="en")
    response = client.post(
        reverse("compliance:self-assessment-copy"), {"facility": facility.pk, "year": year}, follow=True
    )
    assert response.status_code == 200
    assert "The year must lie between 2000 and 2100." in response.content.decode()
    assert SelfAssessment.objects.count() == 1


def test_a_copy_for_another_clinic_answers_404(client_for, manager, other_facility):
    response = client_for(manager).post(
        reverse("compliance:self-assessment-copy"), {"facility": other_facility.pk, "year": 2026}
    )
    assert response.status_code == 404
