"""The document chain: every stored document and each built quarterly report (PDF, CSV) is sealed with the SHA-256
of its bytes; changed bytes or a changed stored hash are reported; an erased patient's documents are not a break,
a document deleted otherwise is."""

from __future__ import annotations

import datetime as dt

import pytest

from integrity import services
from integrity.models import DocumentSeal
from patients.models import Stay, StayStatus
from privacy import services as privacy_services
from screening.models import QuotaReport, ReportStatus
from tests.integrity.conftest import run_verify, tamper

pytestmark = pytest.mark.django_db


def test_stored_documents_are_sealed_with_the_hash_of_their_bytes_and_no_personal_data(stay, store_document):
    letter = store_document(stay)
    copy = store_document(stay, b"%PDF copy", kind="discharge_letter_copy")

    assert services.seal_documents() == 2
    assert services.seal_documents() == 0

    seals = list(DocumentSeal.objects.order_by("position"))
    assert [(s.object_id, s.kind, s.sha256) for s in seals] == [
        (letter.pk, "discharge_letter", letter.sha256),
        (copy.pk, "discharge_letter_copy", copy.sha256),
    ]
    assert {s.patient_id for s in seals} == {stay.patient_id}
    names = (stay.patient.last_name, stay.patient.first_name)
    assert not any(name in str(vars(s)) for s in seals for name in names)
    ok, out = run_verify("--no-record")
    assert ok, out
    assert "Documents: 2 sealed, intact; 0 erased; 0 not yet sealed" in out


def test_a_built_quarterly_report_is_sealed_pdf_and_csv_a_queued_one_not(facility):
    built = QuotaReport.objects.create(
        facility=facility, year=2026, quarter=1, status=ReportStatus.DONE, pdf=b"%PDF report", csv=b"a;b\n",
        pdf_sha256=__import__("hashlib").sha256(b"%PDF report").hexdigest(),
        csv_sha256=__import__("hashlib").sha256(b"a;b\n").hexdigest(),
    )  # fmt: skip
    QuotaReport.objects.create(facility=facility, year=2026, quarter=2, status=ReportStatus.QUEUED)

    assert services.seal_documents() == 2
    assert sorted(DocumentSeal.objects.values_list("object_id", "part")) == [(built.pk, "csv"), (built.pk, "pdf")]

    tamper("screening_quotareport", "UPDATE screening_quotareport SET csv = %s WHERE id = %s", [b"a;c\n", built.pk])
    report = services.verify()
    assert [(p["code"], p["table"], p["id"], p["part"]) for p in report.documents.first] == [
        ("bytes", "screening_quotareport", built.pk, "csv")
    ]


def test_changed_bytes_of_a_stored_document_are_reported_and_the_command_fails(stay, store_document):
    letter = store_document(stay)
    other = store_document(stay, b"%PDF other")
    services.seal_documents()
    forged = b"%PDF-1.7 a different letter"
    sha = __import__("hashlib").sha256(forged).hexdigest()
    # the attacker rewrites the bytes and the hash stored next to them
    tamper("patients_document", "UPDATE patients_document SET content = %s, sha256 = %s WHERE id = %s",
           [forged, sha, letter.pk])  # fmt: skip

    ok, out = run_verify("--no-record")

    assert not ok
    assert "Documents: BROKEN (1 problem(s)" in out
    assert f"the bytes of patients_document row {letter.pk} (content) differ from the SHA-256 sealed" in out
    assert f"expected: {letter.sha256}" in out
    assert f"found:    {sha}" in out
    assert "Audit chain:" in out
    assert other.pk not in [p["id"] for p in services.verify().documents.first]


def test_a_changed_stored_hash_alone_is_reported(stay, store_document):
    letter = store_document(stay)
    services.seal_documents()
    tamper("patients_document", "UPDATE patients_document SET sha256 = %s WHERE id = %s", ["0" * 64, letter.pk])
    assert [p["code"] for p in services.verify().documents.first] == ["stored_hash"]


def test_an_unsealed_document_whose_bytes_differ_from_its_hash_is_reported(stay, store_document):
    letter = store_document(stay)
    tamper("patients_document", "UPDATE patients_document SET content = %s WHERE id = %s", [b"x", letter.pk])
    report = services.verify()
    assert report.documents.unsealed == 1
    assert [(p["code"], p["id"]) for p in report.documents.first] == [("unsealed_bytes", letter.pk)]


def test_a_document_deleted_outside_erasure_is_a_break(stay, store_document):
    letter = store_document(stay)
    services.seal_documents()
    tamper("patients_document", "DELETE FROM patients_document WHERE id = %s", [letter.pk])
    assert [(p["code"], p["id"]) for p in services.verify().documents.first] == [("deleted", letter.pk)]


def test_an_erased_patients_documents_are_reported_as_erased_not_broken(stay, store_document):
    store_document(stay)
    store_document(stay, b"%PDF goals", kind="goal_agreement_copy")
    services.seal_all()
    stays = Stay.objects.filter(patient_id=stay.patient_id)
    stays.update(admission_date=dt.date(2014, 5, 1))
    stays.update(status=StayStatus.DISCHARGED, discharge_date=dt.date(2014, 6, 5))

    assert privacy_services.patient_erase(patient_id=stay.patient_id, today=dt.date(2026, 12, 6)) is not None
    services.seal_all()  # the erasure's own audit row

    ok, out = run_verify("--no-record")
    assert ok, out
    assert "Documents: 0 sealed, intact; 2 erased; 0 not yet sealed" in out
    assert ", intact;" in out.splitlines()[0]
