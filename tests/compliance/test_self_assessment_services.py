"""The facility self-assessment's services, selector and evidence rules: answers per year with evidence, every
refusal storing nothing, history kept, the file's type sniffed from its content, the copy from an earlier year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from compliance import evidence
from compliance.errors import (
    EvidenceFileTooLarge,
    EvidenceFileType,
    EvidenceUrlInvalid,
    NotASelfAssessmentRow,
    NothingToCopy,
    SelfAssessmentNotAllowed,
    SelfAssessmentRefused,
    SelfAssessmentYearInvalid,
)
from compliance.models import SelfAssessment
from compliance.selectors_selfassessment import facility_self_assessment
from compliance.services_selfassessment import (
    self_assessment_copy_year,
    self_assessment_rows,
    self_assessment_save,
    year_is_valid,
)
from staff.models import Profession, Role
from tests.compliance.self_assessment_samples import JPEG, PDF, PNG, docx_bytes
from tests.factories import UserFactory
from wmr.models import AuditEntry


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def save(by, facility, **kwargs):
    kwargs.setdefault("year", 2026)
    kwargs.setdefault("recommendation", "9.2")
    kwargs.setdefault("answer", "yes")
    return self_assessment_save(by=by, facility=facility, **kwargs)


# --- evidence rules (pure) ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF, evidence.PDF),
        (PNG, evidence.PNG),
        (JPEG, evidence.JPEG),
        (docx_bytes(), evidence.DOCX),
        (docx_bytes(word=False), None),  # an Excel package is a ZIP too, but no Word document
        (b"PK\x03\x04 not really a zip", None),
        (b"<html><script>alert(1)</script></html>", None),
        (b"GIF89a" + b"\x00" * 10, None),
        (b"MZ\x90\x00", None),  # a Windows program
        (b" %PDF-1.7", None),  # the signature must start the file
        (b"", None),
    ],
)
def test_the_type_is_sniffed_from_the_content(content, expected):
    assert evidence.sniff_content_type(content) == expected


def test_five_mb_are_accepted_one_byte_more_is_too_large():
    assert not evidence.is_too_large(5 * 1024 * 1024)
    assert evidence.is_too_large(5 * 1024 * 1024 + 1)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Konzept 2026.pdf", "Konzept 2026.pdf"),
        ("C:\\Users\\qm\\Konzept.pdf", "Konzept.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("bad\x00\nname.pdf", "badname.pdf"),
        ("", "evidence.pdf"),
        ("..", "evidence.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_the_file_name_loses_folders_and_control_characters_and_keeps_its_extension(name, expected):
    assert evidence.clean_file_name(name, evidence.PDF) == expected


@pytest.mark.parametrize(("year", "valid"), [(1999, False), (2000, True), (2100, True), (2101, False), (None, False)])
def test_a_year_must_lie_between_2000_and_2100(year, valid):
    assert year_is_valid(year) is valid


def test_the_self_assessment_rows_are_the_17_facility_rows_of_the_catalogue():
    ids = [rec.id for rec in self_assessment_rows()]
    assert len(ids) == 17
    assert ids[0] == "1.3" and "9.13" in ids and "10.8" in ids
    assert "9.12" not in ids  # the weekly case conference is an indicator


# --- saving an answer ----------------------------------------------------------------------------------------------


def test_an_answer_is_saved_with_evidence_author_and_one_audit_row(manager, facility):
    when = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)
    row = save(
        manager,
        facility,
        answer="partly",
        evidence_text="  Steuerungsgruppe tagt quartalsweise.  ",
        evidence_url="https://klinik.example/mbor/steuerung",
        now=when,
    )
    row.refresh_from_db()
    assert (row.facility, row.year, row.recommendation, row.answer) == (facility, 2026, "9.2", "partly")
    assert row.evidence_text == "Steuerungsgruppe tagt quartalsweise."
    assert row.evidence_url == "https://klinik.example/mbor/steuerung"
    assert row.answered_by == manager and row.answered_at == when
    entry = AuditEntry.objects.get(action="compliance.self_assessment.saved")
    assert entry.user == manager and entry.object_id == str(row.pk)
    assert entry.data == {
        "facility": facility.pk,
        "year": 2026,
        "recommendation": "9.2",
        "answer": "partly",
        "created": True,
        "file_sha256": "",
    }


def test_a_second_save_changes_the_same_answer_and_keeps_the_first_in_the_history(manager, facility):
    first = save(manager, facility, answer="no", evidence_text="noch nicht")
    second = save(manager, facility, answer="yes", evidence_text="seit Oktober")
    assert first.pk == second.pk
    assert SelfAssessment.objects.count() == 1
    versions = list(SelfAssessment.history.filter(id=first.pk).order_by("history_date", "history_id"))
    assert [(v.answer, v.evidence_text) for v in versions] == [("no", "noch nicht"), ("yes", "seit Oktober")]
    assert all(v.history_user == manager for v in versions)
    assert AuditEntry.objects.filter(action="compliance.self_assessment.saved").count() == 2


def test_answers_of_different_years_are_separate_rows(manager, facility):
    save(manager, facility, year=2025, answer="no")
    save(manager, facility, year=2026, answer="yes")
    assert facility_self_assessment(facility, 2025)["9.2"].answer == "no"
    assert facility_self_assessment(facility, 2026)["9.2"].answer == "yes"


@pytest.mark.parametrize("year", [2000, 2100])
def test_the_first_and_last_allowed_year_are_accepted(manager, facility, year):
    assert save(manager, facility, year=year).year == year


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("konzept.pdf", PDF, evidence.PDF),
        ("foto.png", PNG, evidence.PNG),
        ("foto.jpg", JPEG, evidence.JPEG),
        ("protokoll.docx", docx_bytes(), evidence.DOCX),
    ],
)
def test_an_evidence_file_is_stored_with_its_sniffed_type_and_sha256(manager, facility, name, content, content_type):
    row = save(manager, facility, file=upload(name, content))
    row.refresh_from_db()
    assert bytes(row.evidence_file) == content
    assert row.evidence_file_name == name
    assert row.evidence_file_type == content_type
    assert row.evidence_file_sha256 == evidence.sha256(content)
    assert AuditEntry.objects.get().data["file_sha256"] == evidence.sha256(content)


def test_the_declared_type_and_the_name_are_not_trusted(manager, facility):
    """A PNG uploaded as "scan.pdf" with a PDF content type is stored as what it is: a PNG."""
    row = save(manager, facility, file=upload("scan.pdf", PNG, "application/pdf"))
    assert row.evidence_file_type == evidence.PNG


def test_a_file_of_exactly_5_mb_is_accepted(manager, facility):
    content = PDF + b"0" * (5 * 1024 * 1024 - len(PDF))
    row = save(manager, facility, file=upload("gross.pdf", content))
    assert len(bytes(row.evidence_file)) == 5 * 1024 * 1024


def test_a_save_without_a_file_keeps_the_stored_file(manager, facility):
    save(manager, facility, file=upload("konzept.pdf", PDF))
    row = save(manager, facility, answer="partly")
    row.refresh_from_db()
    assert bytes(row.evidence_file) == PDF and row.evidence_file_name == "konzept.pdf"


def test_a_new_file_replaces_the_old_and_the_old_name_and_hash_stay_in_the_history(manager, facility):
    save(manager, facility, file=upload("konzept-2025.pdf", PDF))
    new = PDF + b"% neu\n"
    row = save(manager, facility, file=upload("konzept-2026.pdf", new))
    row.refresh_from_db()
    assert bytes(row.evidence_file) == new
    versions = list(SelfAssessment.history.filter(id=row.pk).order_by("history_date", "history_id"))
    assert [(v.evidence_file_name, v.evidence_file_sha256) for v in versions] == [
        ("konzept-2025.pdf", evidence.sha256(PDF)),
        ("konzept-2026.pdf", evidence.sha256(new)),
    ]


def test_the_stored_file_can_be_removed_and_the_history_keeps_its_name(manager, facility):
    save(manager, facility, file=upload("konzept.pdf", PDF))
    row = save(manager, facility, remove_file=True)
    row.refresh_from_db()
    assert row.evidence_file is None
    assert row.evidence_file_name == row.evidence_file_type == row.evidence_file_sha256 == ""
    assert SelfAssessment.history.filter(id=row.pk, evidence_file_name="konzept.pdf").exists()


# --- refusals: a clear message, nothing stored -----------------------------------------------------------------------


def _nothing_stored():
    assert not SelfAssessment.objects.exists()
    assert not SelfAssessment.history.exists()
    assert not AuditEntry.objects.filter(action__startswith="compliance.self_assessment").exists()


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"recommendation": "8.12"},
            NotASelfAssessmentRow,
            "Recommendation 8.12 is not one the facility answers in its self-assessment.",
        ),
        (
            {"recommendation": "9.12"},
            NotASelfAssessmentRow,
            "Recommendation 9.12 is not one the facility answers in its self-assessment.",
        ),
        (
            {"recommendation": "99.9"},
            NotASelfAssessmentRow,
            "Recommendation 99.9 is not one the facility answers in its self-assessment.",
        ),
        ({"year": 1999}, SelfAssessmentYearInvalid, "The year must lie between 2000 and 2100."),
        ({"year": 2101}, SelfAssessmentYearInvalid, "The year must lie between 2000 and 2100."),
        ({"answer": "maybe"}, SelfAssessmentRefused, "Please choose an answer: yes, partly, no or not applicable."),
        ({"evidence_url": "klinik.example/mbor"}, EvidenceUrlInvalid, "The link is not a valid web address."),
        ({"evidence_url": "ftp://klinik.example/mbor"}, EvidenceUrlInvalid, "The link is not a valid web address."),
        ({"evidence_url": "javascript:alert(1)"}, EvidenceUrlInvalid, "The link is not a valid web address."),
        (
            {"evidence_url": "https://klinik.example/" + "a" * 178},
            EvidenceUrlInvalid,
            "The link is not a valid web address.",
        ),
        (
            {"file": upload("gross.pdf", PDF + b"0" * (5 * 1024 * 1024 + 1 - len(PDF)))},
            EvidenceFileTooLarge,
            "The file is larger than 5 MB.",
        ),
        (
            {"file": upload("seite.pdf", b"<html><body>hi</body></html>", "application/pdf")},
            EvidenceFileType,
            "Only PDF, PNG, JPEG or Word (DOCX) files are accepted",
        ),
        (
            {"file": upload("tabelle.docx", docx_bytes(word=False))},
            EvidenceFileType,
            "Only PDF, PNG, JPEG or Word (DOCX) files are accepted",
        ),
    ],
)
def test_a_refused_answer_names_the_rule_and_stores_nothing(manager, facility, kwargs, error, message):
    with translation.override("en"), pytest.raises(error) as refused:
        save(manager, facility, **kwargs)
    assert message in refused.value.message
    _nothing_stored()


def test_a_link_of_exactly_200_characters_is_accepted(manager, facility):
    url = "https://klinik.example/" + "a" * 177
    assert len(url) == 200
    assert save(manager, facility, evidence_url=url).evidence_url == url


def test_a_refused_change_leaves_the_earlier_answer_as_it_was(manager, facility):
    save(manager, facility, answer="yes", evidence_text="Konzept", file=upload("konzept.pdf", PDF))
    with pytest.raises(EvidenceFileType):
        save(manager, facility, answer="no", evidence_text="anders", file=upload("x.pdf", b"nope"))
    row = SelfAssessment.objects.get()
    assert (row.answer, row.evidence_text, bytes(row.evidence_file)) == ("yes", "Konzept", PDF)
    assert SelfAssessment.history.count() == 1


@pytest.mark.parametrize("who", ["treating_psychologist", "privacy_officer", "admin_user"])
def test_only_management_answers(request, facility, who):
    with translation.override("en"), pytest.raises(SelfAssessmentNotAllowed) as refused:
        save(request.getfixturevalue(who), facility)
    assert refused.value.message == "Only the management of this facility answers its self-assessment."
    _nothing_stored()


def test_management_of_another_facility_cannot_answer_for_this_one(manager, other_facility):
    with pytest.raises(SelfAssessmentNotAllowed):
        save(manager, other_facility)
    _nothing_stored()


# --- copy from an earlier year -------------------------------------------------------------------------------------


def test_the_copy_starts_a_year_from_the_latest_earlier_year_without_overwriting(manager, facility):
    save(manager, facility, year=2024, recommendation="9.1", answer="no")
    save(manager, facility, year=2025, recommendation="9.1", answer="yes", file=upload("konzept.pdf", PDF))
    save(manager, facility, year=2025, recommendation="9.2", answer="partly", evidence_text="Gruppe im Aufbau")
    save(manager, facility, year=2025, recommendation="9.13", answer="yes", evidence_url="https://klinik.example/s")
    save(manager, facility, year=2026, recommendation="9.2", answer="yes", evidence_text="Gruppe tagt")

    copied = self_assessment_copy_year(by=manager, facility=facility, year=2026)

    assert sorted(row.recommendation for row in copied) == ["9.1", "9.13"]
    answers = facility_self_assessment(facility, 2026)
    assert answers["9.1"].answer == "yes" and answers["9.1"].evidence_file_name == "konzept.pdf"
    assert bytes(SelfAssessment.objects.get(year=2026, recommendation="9.1").evidence_file) == PDF
    assert answers["9.13"].evidence_url == "https://klinik.example/s"
    assert (answers["9.2"].answer, answers["9.2"].evidence_text) == ("yes", "Gruppe tagt")  # not overwritten
    assert facility_self_assessment(facility, 2025)["9.1"].answer == "yes"  # the source is untouched
    entries = AuditEntry.objects.filter(action="compliance.self_assessment.copied")
    assert entries.count() == 2
    assert all(entry.data["from_year"] == 2025 and entry.user == manager for entry in entries)


def test_a_second_copy_copies_nothing(manager, facility):
    save(manager, facility, year=2025, recommendation="9.1")
    assert len(self_assessment_copy_year(by=manager, facility=facility, year=2026)) == 1
    assert self_assessment_copy_year(by=manager, facility=facility, year=2026) == []
    assert SelfAssessment.objects.filter(year=2026).count() == 1


def test_the_copy_never_reads_a_later_year_nor_another_facility(manager, facility, other_facility):
    other_manager = UserFactory(role=Role.MANAGEMENT, profession=Profession.OTHER, facilities=[other_facility])
    save(other_manager, other_facility, year=2025)
    save(manager, facility, year=2027)
    with translation.override("en"), pytest.raises(NothingToCopy) as refused:
        self_assessment_copy_year(by=manager, facility=facility, year=2026)
    assert refused.value.message == "There are no answers of an earlier year to copy."
    assert not SelfAssessment.objects.filter(year=2026).exists()


@pytest.mark.parametrize("year", [1999, 2101, None])
def test_the_copy_refuses_a_year_outside_2000_to_2100(manager, facility, year):
    with pytest.raises(SelfAssessmentYearInvalid):
        self_assessment_copy_year(by=manager, facility=facility, year=year)


def test_only_management_of_the_facility_copies(manager, facility, treating_psychologist):
    save(manager, facility, year=2025)
    with pytest.raises(SelfAssessmentNotAllowed):
        self_assessment_copy_year(by=treating_psychologist, facility=facility, year=2026)
    assert not SelfAssessment.objects.filter(year=2026).exists()


# --- the selector --------------------------------------------------------------------------------------------------


def test_the_selector_gives_the_years_answers_by_id_in_one_query(
    manager, facility, other_facility, django_assert_num_queries
):
    for rec in ("1.3", "9.1", "10.8"):
        save(manager, facility, recommendation=rec, file=upload("k.pdf", PDF))
    save(manager, facility, year=2025, recommendation="9.2")
    with django_assert_num_queries(1):
        answers = facility_self_assessment(facility, 2026)
        names = [row.answered_by.display_name for row in answers.values()]
    assert sorted(answers) == ["1.3", "10.8", "9.1"]
    assert names == [manager.display_name] * 3
    assert facility_self_assessment(other_facility, 2026) == {}
