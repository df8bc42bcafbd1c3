"""Packages through the services: the record, the stored PDF and its hash, refusals with their audit rows, the PDF
holding the allowed sections only, the consent scope, and the privacy export."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.conf import settings
from django.utils import translation
from pypdf import PdfReader

from disclosure import rules, services
from disclosure.errors import DisclosureRefused
from disclosure.models import DisclosureRecord
from disclosure.rules import Section
from patients import services as patient_services
from patients.models import DocumentKind
from tests.disclosure.conftest import MARKERS, TODAY
from wmr.models import AuditEntry

pytestmark = pytest.mark.django_db


def pdf_text(record: DisclosureRecord) -> str:
    reader = PdfReader(io.BytesIO(bytes(record.document.content)))
    return "".join("".join(page.extract_text() for page in reader.pages).split())  # no spaces: cells wrap words


def send(stay, contact, purpose, sections, by):
    return services.package_create(by=by, stay=stay, contact=contact, purpose=purpose, sections=sections)


def test_a_package_is_stored_with_its_hash_and_recorded(stay, employer, consent, treating_psychologist):
    record = send(stay, employer, "graded_return", ["capacity_summary", "graded_plan"], treating_psychologist)
    document = record.document
    assert document.kind == DocumentKind.DISCLOSURE_PACKAGE
    assert bytes(document.content).startswith(b"%PDF")
    assert record.sha256 == document.sha256 == hashlib.sha256(bytes(document.content)).hexdigest()
    assert record.sections == ["graded_plan", "capacity_summary"]  # package order
    assert (record.contact, record.consent, record.purpose) == (employer, consent, "graded_return")
    assert record.recipient_kind == "employer" and record.recipient_name == "Muster GmbH, Frau Chef"
    assert record.created_by == treating_psychologist
    entry = AuditEntry.objects.get(action="disclosure.package.sent")
    assert (entry.stay_id, entry.patient_id, entry.user) == (stay.pk, stay.patient_id, treating_psychologist)
    assert entry.data["sections"] == ["graded_plan", "capacity_summary"]
    assert entry.data["sha256"] == record.sha256 and entry.data["consent"] == consent.pk


def test_without_a_consent_the_package_is_refused_with_the_reason_and_an_audit_row(
    stay, bare_contact, treating_psychologist
):
    with translation.override("en"), pytest.raises(DisclosureRefused) as refused:
        send(stay, bare_contact, "graded_return", ["graded_plan"], treating_psychologist)
    assert "has not given the consent" in refused.value.message
    assert "occupational physician" in refused.value.message
    assert not DisclosureRecord.objects.exists()
    entry = AuditEntry.objects.get(action="disclosure.package.refused")
    assert entry.data["reason"] == rules.NO_CONSENT and entry.stay_id == stay.pk


def test_a_withdrawn_consent_stops_future_packages_but_keeps_the_history(
    stay, employer, consent, treating_psychologist, social_worker
):
    first = send(stay, employer, "graded_return", ["graded_plan"], treating_psychologist)
    patient_services.consent_withdraw(by=social_worker, consent=consent, withdrawn_on=TODAY)
    with translation.override("en"), pytest.raises(DisclosureRefused) as refused:
        send(stay, employer, "graded_return", ["graded_plan"], treating_psychologist)
    assert "withdrew the consent" in refused.value.message and "20.11.2026" in refused.value.message
    assert list(DisclosureRecord.objects.all()) == [first]
    assert AuditEntry.objects.get(action="disclosure.package.refused").data["reason"] == rules.CONSENT_WITHDRAWN


def test_a_section_outside_the_policy_refuses_the_whole_package(stay, employer, treating_psychologist):
    with translation.override("en"), pytest.raises(DisclosureRefused) as refused:
        send(stay, employer, "graded_return", ["graded_plan", "diagnoses"], treating_psychologist)
    assert "Diagnoses" in refused.value.message
    assert not DisclosureRecord.objects.exists()
    entry = AuditEntry.objects.get(action="disclosure.package.refused")
    assert entry.data["outside"] == ["diagnoses"]


def test_a_section_the_patient_excluded_from_the_scope_is_refused(stay, employer, consent, treating_psychologist):
    services.scope_save(by=treating_psychologist, consent=consent, purposes=["graded_return"], sections=["graded_plan"])
    with pytest.raises(DisclosureRefused):
        send(stay, employer, "graded_return", ["graded_plan", "capacity_summary"], treating_psychologist)
    record = send(stay, employer, "graded_return", ["graded_plan"], treating_psychologist)
    assert record.sections == ["graded_plan"]
    with pytest.raises(DisclosureRefused):  # purpose not agreed
        send(stay, employer, "bem", ["graded_plan"], treating_psychologist)


def test_a_purpose_closed_for_the_recipient_is_refused(stay, employer, treating_psychologist):
    with pytest.raises(DisclosureRefused):
        send(stay, employer, "follow_up_treatment", ["graded_plan"], treating_psychologist)


def test_a_contact_of_another_stay_is_refused(stay, make_stay, employer, treating_psychologist):
    other = make_stay()
    with pytest.raises(DisclosureRefused):
        send(other, employer, "graded_return", ["graded_plan"], treating_psychologist)


def test_no_section_at_all_is_refused(stay, employer, treating_psychologist):
    with pytest.raises(DisclosureRefused):
        send(stay, employer, "graded_return", [], treating_psychologist)


def test_the_employer_pdf_holds_the_allowed_sections_only(full_record, employer, treating_psychologist):
    record = send(full_record, employer, "graded_return", ["graded_plan", "capacity_summary"], treating_psychologist)
    text = pdf_text(record)
    assert MARKERS["graded_plan"] in text and MARKERS["capacity_summary"] in text
    for section in ("goal_agreement", "transfer_strategies", "discharge_letter_work", "diagnoses"):
        assert MARKERS[section] not in text, section
    with translation.override(settings.LANGUAGE_CODE):  # the package is written in the clinic's language
        assert "".join(str(Section.GRADED_PLAN.label).split()) in text
        assert "".join(str(Section.DIAGNOSES.label).split()) not in text


@pytest.mark.parametrize("sections", [["graded_plan"], ["capacity_summary"]])
def test_only_the_chosen_sections_reach_the_pdf(full_record, employer, treating_psychologist, sections):
    record = send(full_record, employer, "graded_return", sections, treating_psychologist)
    text = pdf_text(record)
    for section, marker in MARKERS.items():
        assert (marker in text) is (section in sections), section


def test_the_family_doctor_may_get_the_diagnoses_for_follow_up_treatment(
    full_record, family_doctor, treating_psychologist
):
    allowed = rules.policy_sections("family_doctor", "follow_up_treatment")
    record = send(full_record, family_doctor, "follow_up_treatment", list(allowed), treating_psychologist)
    text = pdf_text(record)
    for marker in MARKERS.values():
        assert marker in text


def test_the_scope_is_saved_in_package_order_and_audited(consent, treating_psychologist):
    scope = services.scope_save(
        by=treating_psychologist,
        consent=consent,
        purposes=["bem", "graded_return"],
        sections=["rtw_plan", "graded_plan"],
    )
    assert scope.purposes == ["graded_return", "bem"] and scope.sections == ["graded_plan", "rtw_plan"]
    assert AuditEntry.objects.filter(action="disclosure.scope.saved").count() == 1
    with pytest.raises(DisclosureRefused):
        services.scope_save(by=treating_psychologist, consent=consent, purposes=["nonsense"], sections=[])


def test_the_privacy_export_includes_the_disclosures_and_scopes():
    from privacy import graph

    labels = {graph.label(model) for model in graph.export_models()}
    assert {"disclosure.disclosurerecord", "disclosure.consentscope", "disclosure.planlinkbinding"} <= labels


def test_the_plan_link_lives_fourteen_days(stay, treating_psychologist):
    link, raw = services.plan_link_create(by=treating_psychologist, stay=stay)
    assert link.purpose == "patient_plan" and len(raw) == 12
    assert link.expires_at - link.created_at == dt.timedelta(days=services.PLAN_LINK_TTL_DAYS)
