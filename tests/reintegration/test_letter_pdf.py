"""The discharge letter PDF parsed back (issue 7, "tests that must exist"): every section heading, the diagnoses, the
therapy minutes, the profile comparison, the RTW plan and the graded plan of the record, the appraisal, the
letterhead, page numbers and the signature; the patient's copies stamped on every page; a draft marked as such."""

from __future__ import annotations

import pytest
from django.utils import translation

from reintegration.documents_letter import SECTIONS
from reintegration.services import letter as services
from tests.reintegration.letter_fixtures import *  # noqa: F403 - the fixtures full_record, draft
from tests.reintegration.letter_fixtures import COMPLETE, DIAGNOSES, TODAY, in_clinic_language, pdf_pages, pdf_text


@pytest.fixture
def letter_pdf(full_record, physician_on_team):
    """The signed letter of the full record (drafted from it, completed by the physician)."""
    letter = services.letter_draft(by=physician_on_team, stay=full_record, today=TODAY)
    values = {k: v for k, v in COMPLETE.items() if k not in ("positive_profile", "negative_profile")}
    services.letter_update(by=physician_on_team, letter=letter, values=values)
    letter = services.letter_sign(by=physician_on_team, letter=letter, today=TODAY)
    return letter, bytes(letter.document.content)


def test_every_section_heading_is_in_the_pdf_in_order(letter_pdf):
    _letter, content = letter_pdf
    text = pdf_text(content)
    positions = [text.find(in_clinic_language(str(heading))) for _key, heading in SECTIONS]
    assert -1 not in positions, [str(h) for (_k, h), p in zip(SECTIONS, positions, strict=True) if p == -1]
    assert positions == sorted(positions)


def test_the_diagnoses_are_printed_with_code_and_text(letter_pdf):
    text = pdf_text(letter_pdf[1])
    for diagnosis in DIAGNOSES:
        assert f"{diagnosis['code']} {diagnosis['text']}" in text


def test_the_record_is_printed_goals_therapy_minutes_comparison_and_both_plans(letter_pdf):
    text = pdf_text(letter_pdf[1])
    # goals and their attainment (drafted from the discharge review)
    assert "Wieder vier Stunden am Stück am Schreibtisch arbeiten" in text and "an 3 Tagen erreicht" in text
    # therapy minutes per kind: 2 × 50 min individual counseling, 90 min work group, 190 in total
    with translation.override("de"):
        from therapy.models import SessionKind

        assert f"{SessionKind.INDIVIDUAL_COUNSELING.label} 100" in text
        assert f"{SessionKind.WORK_GROUP.label} 90" in text
    assert f"{in_clinic_language('Total')} 190" in text
    # the §9.1 comparison: its summary and the chart (the SVG's dimension rows are text in the PDF)
    assert "5 Dimensionen mit Überforderung" in text
    assert "13. Mobilität und Verkehrsfähigkeit" in text
    # the agreed RTW plan with its step and stakeholder
    assert "Rückkehr in den Kundenservice mit angepasster Telefonzeit" in text
    assert "Gespräch mit der Betriebsärztin 10.12.2026" in text and "Stufenplan abstimmen" in text
    # Helen's six steps (hamburg_model.md 11.1) from 14.12.2026: 13 weeks, last day 14.03.2027
    assert "1 14.12.2026 27.12.2026" in text and "6 22.02.2027 14.03.2027" in text
    assert "14.03.2027" in text and "15.03.2027" in text


def test_the_appraisal_is_printed(letter_pdf):
    text = pdf_text(letter_pdf[1])
    with translation.override("de"):
        from reintegration.models import WorkAbility

        assert f"{in_clinic_language('Ability for the last job')} {WorkAbility.THREE_TO_SIX.label}" in text
        assert f"{in_clinic_language('Ability on the general labour market')} {WorkAbility.SIX_PLUS.label}" in text
    assert COMPLETE["appraisal_detail"] in text
    assert "Widerstands- und Durchhaltefähigkeit" in text  # the drafted negative profile
    assert in_clinic_language("Detailed socio-medical appraisal") in text
    assert (
        in_clinic_language(
            "We recommend benefits for participation in working life (vocational rehabilitation); the patient was "
            "informed in person."
        )
        in text
    )


def test_letterhead_recipient_page_numbers_and_signature(letter_pdf, full_record):
    letter, content = letter_pdf
    pages = pdf_pages(content)
    assert len(pages) >= 2
    assert "Klinik am Kurpark" in pages[0] and "IK 260500001" in pages[0]  # letterhead and footer of the facility
    assert "Hausarztpraxis Dr. Lind" in pages[0]  # the family doctor as recipient
    assert f"{in_clinic_language('Date')} 05.12.2026" in pages[0]
    n = len(pages)
    for number in range(2, n + 1):
        assert f"{in_clinic_language('Page')} {number} {in_clinic_language('of')} {n}" in pages[number - 1]
    assert "Dr. med. Dora Doktor" in pages[-1]
    signed = in_clinic_language("Signed electronically on %(d)s (version %(v)s).") % {"d": "05.12.2026", "v": 1}
    assert signed in pages[-1]
    assert in_clinic_language("DRAFT – not signed") not in pdf_text(content)


def test_the_letter_is_written_in_the_clinics_language_whatever_the_screen(draft, physician_on_team, stay):
    services.letter_update(by=physician_on_team, letter=draft, values=COMPLETE)
    with translation.override("en"):
        letter = services.letter_sign(by=physician_on_team, letter=draft, today=TODAY)
    assert in_clinic_language("Kind regards") in pdf_text(letter.document.content)
    assert "Mit freundlichen Grüßen" in pdf_text(letter.document.content)


def test_each_copy_is_stamped_on_every_page(letter_pdf, social_worker):
    letter, signed_content = letter_pdf
    for document in services.letter_copies_create(by=social_worker, letter=letter):
        stamp = in_clinic_language("Copy %(n)s for the patient to pass on") % {"n": document.facts["copy"]}
        pages = pdf_pages(document.content)
        assert len(pages) == len(pdf_pages(signed_content))
        assert all(stamp in page for page in pages)
        assert "F43.2" in pages[0]


def test_a_preview_of_the_draft_is_marked_and_not_stored(draft, physician_on_team):
    from patients.models import Document

    rendered = services.letter_preview(by=physician_on_team, letter=draft, today=TODAY)
    text = pdf_text(rendered.content)
    assert in_clinic_language("DRAFT – not signed") in text
    mark = in_clinic_language("Draft for review: this letter is not signed and not valid as a discharge report.")
    assert mark in text
    assert rendered.filename.endswith("-draft.pdf")
    assert not Document.objects.exists()
