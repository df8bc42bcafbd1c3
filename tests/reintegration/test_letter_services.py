"""Services of the discharge letter: drafted from the record, edited as a draft, signed by a physician only (8.6,
8.12 refusals), versions never overwritten, the patient's two copies in one click (8.17), their handover, and a
render failure that keeps the draft."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.conf import settings
from django.utils import translation

from patients.models import Document, DocumentKind
from reintegration.errors import LetterExists, LetterLocked, LetterNotPhysician, LetterRefused, LetterRenderFailed
from reintegration.models import DischargeLetter
from reintegration.services import letter as services
from tests.reintegration.letter_fixtures import *  # noqa: F403 - the fixtures draft, signable, signed, full_record, missing_font
from tests.reintegration.letter_fixtures import COMPLETE, DIAGNOSES, TODAY, in_clinic_language, pdf_text
from wmr.models import AuditEntry


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refused(exc_type, call) -> str:
    with pytest.raises(exc_type) as caught:
        call()
    return caught.value.message


# --- drafting ------------------------------------------------------------------------------------------------------


def test_the_draft_is_version_1_drafted_from_the_record(full_record, physician_on_team):
    letter = services.letter_draft(by=physician_on_team, stay=full_record, today=TODAY)
    assert (letter.version, letter.status, letter.previous) == (1, "draft", None)
    assert letter.recipient == "Hausarztpraxis Dr. Lind\nAm Markt 3\n34537 Bad Wildungen"
    assert "02.11.2026" in letter.course and "07.12.2026" in letter.course
    # the agreed goal with the outcome of the review at discharge, in the clinic's language
    assert "Wieder vier Stunden am Stück am Schreibtisch arbeiten" in letter.goals_summary
    with translation.override(settings.LANGUAGE_CODE):
        from goals.models import Outcome

        assert str(Outcome.ACHIEVED.label) in letter.goals_summary
    assert "03.12.2026" in letter.goals_summary and "an 3 Tagen erreicht" in letter.goals_summary
    # the capacity profiles are proposed from the §9.1 comparison: over-demand is the negative profile
    assert "Widerstands- und Durchhaltefähigkeit" in letter.negative_profile
    assert "Widerstands- und Durchhaltefähigkeit" not in letter.positive_profile
    assert "Gruppenfähigkeit" in letter.positive_profile
    entry = AuditEntry.objects.get(action="reintegration.letter.drafted")
    assert entry.stay_id == full_record.pk and entry.data["version"] == 1


def test_a_stay_without_record_gets_an_empty_draft(stay, physician_on_team):
    letter = services.letter_draft(by=physician_on_team, stay=stay, today=TODAY)
    assert letter.recipient == letter.goals_summary == letter.positive_profile == letter.negative_profile == ""
    assert letter.diagnoses == []


def test_a_second_draft_is_refused(draft, physician_on_team, stay):
    refused(LetterExists, lambda: services.letter_draft(by=physician_on_team, stay=stay, today=TODAY))
    assert DischargeLetter.objects.filter(stay=stay).count() == 1


def test_a_signed_letter_is_not_drafted_again(signed, physician_on_team, stay):
    refused(LetterExists, lambda: services.letter_draft(by=physician_on_team, stay=stay, today=TODAY))


# --- editing -------------------------------------------------------------------------------------------------------


def test_the_draft_is_edited_and_codes_normalized(draft, physician_on_team):
    letter = services.letter_update(
        by=physician_on_team,
        letter=draft,
        values={"diagnoses": [{"code": " f32.1  g", "text": " Depressive Episode "}], "course": "  Verlauf  "},
    )
    letter.refresh_from_db()
    assert letter.diagnoses == [{"code": "F32.1 G", "text": "Depressive Episode"}]
    assert letter.course == "Verlauf"
    assert AuditEntry.objects.get(action="reintegration.letter.changed").data["fields"] == ["diagnoses", "course"]


def test_a_bad_icd_code_is_refused_with_the_line_and_nothing_is_stored(draft, physician_on_team):
    message = refused(
        LetterRefused,
        lambda: services.letter_update(
            by=physician_on_team,
            letter=draft,
            values={"diagnoses": [DIAGNOSES[0], {"code": "F3.2", "text": "Depression"}], "course": "neu"},
        ),
    )
    assert message.startswith("Diagnosis 2: “F3.2” is not an ICD-10-GM code.")
    draft.refresh_from_db()
    assert draft.diagnoses == [] and draft.course != "neu"
    assert not AuditEntry.objects.filter(action="reintegration.letter.changed").exists()


def test_a_code_without_words_and_an_eleventh_diagnosis_are_refused(draft, physician_on_team):
    message = refused(
        LetterRefused,
        lambda: services.letter_update(by=physician_on_team, letter=draft, values={"diagnoses": [{"code": "F43.2"}]}),
    )
    assert message == "Diagnosis 1 (F43.2): please add the diagnosis in words after the code."
    eleven = [{"code": "F43.2", "text": "x"}] * 11
    message = refused(
        LetterRefused, lambda: services.letter_update(by=physician_on_team, letter=draft, values={"diagnoses": eleven})
    )
    assert message == "Please enter at most 10 diagnoses."


def test_an_unknown_ability_value_is_refused_as_a_domain_error(draft, physician_on_team):
    refused(
        LetterRefused,
        lambda: services.letter_update(by=physician_on_team, letter=draft, values={"ability_last_job": "8_hours"}),
    )


def test_a_signed_version_is_locked(signed, physician_on_team):
    refused(
        LetterLocked, lambda: services.letter_update(by=physician_on_team, letter=signed, values={"course": "anders"})
    )
    signed.refresh_from_db()
    assert signed.course == COMPLETE["course"]


# --- signing: who and what 8.6 / 8.12 need ---------------------------------------------------------------------


def test_only_a_physician_signs(signable, treating_psychologist, social_worker):
    for user in (treating_psychologist, social_worker):
        message = refused(LetterNotPhysician, lambda u=user: services.letter_sign(by=u, letter=signable, today=TODAY))
        assert message == "Only a physician can sign or correct the discharge letter."
    signable.refresh_from_db()
    assert signable.status == "draft" and signable.document is None
    assert not Document.objects.filter(kind=DocumentKind.DISCHARGE_LETTER).exists()


def _sign_refused(letter, by, **values) -> str:
    services.letter_update(by=by, letter=letter, values=values)
    message = refused(LetterRefused, lambda: services.letter_sign(by=by, letter=letter, today=TODAY))
    letter.refresh_from_db()
    assert letter.status == "draft" and letter.signed_on is None
    assert not Document.objects.filter(kind=DocumentKind.DISCHARGE_LETTER).exists()
    return message


@pytest.mark.parametrize(
    ("blank", "named"),
    [
        ("appraisal_detail", "the detailed socio-medical appraisal"),
        ("positive_profile", "the positive capacity profile"),
        ("negative_profile", "the negative capacity profile"),
    ],
)
def test_8_12_limited_ability_needs_each_part_of_the_appraisal(signable, physician_on_team, blank, named):
    message = _sign_refused(signable, physician_on_team, **{blank: ""})
    assert message == f"The ability to work is limited (under 6 hours a day): please write {named} (8.12)."


def test_8_12_the_message_names_everything_missing(signable, physician_on_team):
    message = _sign_refused(signable, physician_on_team, appraisal_detail="", positive_profile="", negative_profile="")
    assert (
        "please write the detailed socio-medical appraisal, the positive capacity profile and the negative capacity "
        "profile (8.12)" in message
    )


def test_8_12_applies_to_the_general_labour_market_too(signable, physician_on_team):
    message = _sign_refused(
        signable, physician_on_team, ability_last_job="6_plus", ability_general_market="below_3", appraisal_detail=""
    )
    assert "the detailed socio-medical appraisal (8.12)" in message


def test_8_12_full_ability_signs_without_the_detailed_appraisal(signable, physician_on_team):
    services.letter_update(
        by=physician_on_team,
        letter=signable,
        values={"ability_last_job": "6_plus", "appraisal_detail": "", "negative_profile": ""},
    )
    letter = services.letter_sign(by=physician_on_team, letter=signable, today=TODAY)
    assert letter.status == "signed"


def test_8_6_limited_last_job_needs_vocational_rehab_or_a_reason(signable, physician_on_team):
    message = _sign_refused(signable, physician_on_team, vocational_rehab_recommended=False)
    assert message == (
        "The ability for the last job is limited: please recommend vocational rehabilitation or give the reason why it "
        "is not recommended (8.6)."
    )
    services.letter_update(
        by=physician_on_team, letter=signable, values={"vocational_rehab_reason": "Altersrente ab 01.03.2027"}
    )
    assert services.letter_sign(by=physician_on_team, letter=signable, today=TODAY).status == "signed"


def test_diagnoses_and_both_abilities_are_needed(draft, physician_on_team):
    message = refused(LetterRefused, lambda: services.letter_sign(by=physician_on_team, letter=draft, today=TODAY))
    assert "Please enter at least one diagnosis." in message
    assert "Please state the ability to work for the last job and on the general labour market" in message


def test_signing_stores_the_pdf_with_hash_facts_and_audit(signed, physician_on_team, stay):
    assert (signed.status, signed.signed_on, signed.signed_by) == ("signed", TODAY, physician_on_team)
    document = signed.document
    assert document.kind == DocumentKind.DISCHARGE_LETTER and document.stay == stay
    assert document.sha256 == hashlib.sha256(bytes(document.content)).hexdigest()
    assert document.created_by == physician_on_team
    assert document.facts["letter_id"] == signed.pk and document.facts["version"] == 1
    assert document.facts["ability_last_job"] == "3_to_6" and document.facts["ability_general_market"] == "6_plus"
    assert document.facts["vocational_rehab_recommended"] is True
    assert document.facts["sections"] == [
        "diagnoses",
        "course",
        "goals",
        "diagnostics",
        "therapies",
        "appraisal",
        "rtw_plan",
        "graded_plan",
        "recommendations",
    ]
    assert document.facts["diagnoses"] == ["F43.2", "F32.1 G", "Z73"]
    assert signed.record_snapshot["read_on"] == TODAY.isoformat()
    entry = AuditEntry.objects.get(action="reintegration.letter.signed")
    assert entry.data["sha256"] == document.sha256 and entry.stay_id == stay.pk


# --- a render failure keeps the draft ------------------------------------------------------------------------------


def test_a_missing_font_keeps_the_draft_and_says_so(signable, physician_on_team, missing_font):
    message = refused(
        LetterRenderFailed, lambda: services.letter_sign(by=physician_on_team, letter=signable, today=TODAY)
    )
    assert message.startswith("The letter could not be produced (")
    assert "Liberation Sans" in message
    assert message.endswith("); your draft is kept.")
    signable.refresh_from_db()
    assert (signable.status, signable.signed_on, signable.document) == ("draft", None, None)
    assert not Document.objects.exists()
    assert not AuditEntry.objects.filter(action="reintegration.letter.signed").exists()


def test_a_missing_font_stores_no_copy(signed, physician_on_team, missing_font):
    message = refused(LetterRenderFailed, lambda: services.letter_copies_create(by=physician_on_team, letter=signed))
    assert message.endswith("; nothing was stored.")
    assert not Document.objects.filter(kind=DocumentKind.DISCHARGE_LETTER_COPY).exists()


# --- versions ------------------------------------------------------------------------------------------------------


def test_a_correction_is_the_next_version_and_the_signed_one_stays(signed, physician_on_team):
    v2 = services.letter_revise(by=physician_on_team, letter=signed)
    assert (v2.version, v2.status, v2.previous) == (2, "draft", signed)
    assert v2.diagnoses == signed.diagnoses and v2.appraisal_detail == signed.appraisal_detail
    assert v2.document is None and v2.copies_handed_over_on is None
    signed.refresh_from_db()
    assert signed.status == "signed"  # valid until the correction is signed
    sha = signed.document.sha256

    services.letter_update(by=physician_on_team, letter=v2, values={"recommendations": "Nachsorge IRENA"})
    v2 = services.letter_sign(by=physician_on_team, letter=v2, today=TODAY + dt.timedelta(days=1))
    signed.refresh_from_db()
    assert signed.status == "superseded" and signed.recommendations == COMPLETE["recommendations"]
    assert signed.document.sha256 == sha  # the first signed PDF is kept as it was
    assert v2.status == "signed" and v2.document != signed.document
    assert "Nachsorge IRENA" in pdf_text(v2.document.content)
    assert AuditEntry.objects.get(action="reintegration.letter.revised").data == {"version": 2, "replaces": signed.pk}


def test_only_a_physician_corrects_and_only_the_signed_version(signed, draft, physician_on_team, social_worker):
    refused(LetterNotPhysician, lambda: services.letter_revise(by=social_worker, letter=signed))
    v2 = services.letter_revise(by=physician_on_team, letter=signed)
    refused(LetterRefused, lambda: services.letter_revise(by=physician_on_team, letter=v2))
    message = refused(LetterRefused, lambda: services.letter_revise(by=physician_on_team, letter=signed))
    assert "waiting to be signed" in message
    assert DischargeLetter.objects.count() == 2


# --- the patient's copies (8.17) -----------------------------------------------------------------------------------


def test_two_stamped_copies_are_made_in_one_call(signed, social_worker):
    copies = services.letter_copies_create(by=social_worker, letter=signed)
    assert [d.facts["copy"] for d in copies] == [1, 2]
    assert all(d.kind == DocumentKind.DISCHARGE_LETTER_COPY and d.facts["letter_id"] == signed.pk for d in copies)
    assert copies[0].sha256 != copies[1].sha256
    for n, document in enumerate(copies, start=1):
        text = pdf_text(document.content)
        assert in_clinic_language("Copy %(n)s for the patient to pass on") % {"n": n} in text
        assert "F43.2" in text
    entry = AuditEntry.objects.get(action="reintegration.letter.copies_created")
    assert entry.data["documents"] == [d.pk for d in copies]


def test_the_copies_show_the_record_as_signed(signed, social_worker, treating_psychologist, stay):
    """A session logged after signing does not change the copies: they print the record kept at signing."""
    from therapy.services.sessions import session_log

    session_log(
        by=treating_psychologist,
        stay=stay,
        kind="individual_counseling",
        held_on=dt.date(2026, 12, 4),
        minutes=55,
        today=TODAY,
    )
    copy = services.letter_copies_create(by=social_worker, letter=signed)[0]
    assert signed.record_snapshot["therapies"]["minutes"] == []
    assert in_clinic_language("No attended therapy sessions recorded.") in pdf_text(copy.content)


def test_copies_only_of_the_signed_letter_in_force(draft, social_worker):
    message = refused(LetterRefused, lambda: services.letter_copies_create(by=social_worker, letter=draft))
    assert message == "Copies for the patient can be made of the signed discharge letter in force only."
    assert not Document.objects.exists()


def test_handover_needs_both_copies_and_is_recorded_once(signed, social_worker):
    on = dt.date(2026, 12, 5)
    message = refused(
        LetterRefused, lambda: services.letter_copies_handed_over(by=social_worker, letter=signed, on=on, today=TODAY)
    )
    assert message == "Please make the two copies for the patient first."
    services.letter_copies_create(by=social_worker, letter=signed)
    refused(
        LetterRefused,
        lambda: services.letter_copies_handed_over(
            by=social_worker, letter=signed, on=TODAY + dt.timedelta(days=1), today=TODAY
        ),
    )
    refused(
        LetterRefused,
        lambda: services.letter_copies_handed_over(
            by=social_worker, letter=signed, on=dt.date(2026, 12, 4), today=TODAY
        ),
    )
    letter = services.letter_copies_handed_over(by=social_worker, letter=signed, on=on, today=TODAY)
    assert (letter.copies_handed_over_on, letter.copies_handed_over_by) == (on, social_worker)
    message = refused(
        LetterRefused, lambda: services.letter_copies_handed_over(by=social_worker, letter=signed, on=on, today=TODAY)
    )
    assert message == "The copies of this version were handed over on 05.12.2026 already."
    assert AuditEntry.objects.get(action="reintegration.letter.copies_handed_over").data["on"] == "2026-12-05"
