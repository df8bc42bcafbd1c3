"""The patient's own screening on the one-time link from the invitation letter (S-2, rec. 1.1/2.1).

Answers are saved as the patient goes (one ``ScreeningDraft`` per link), so a reload or a lost connection loses
nothing; the link stays usable until the final submit, which scores the answers with the same engine as every other
channel (``result_record``), stores the named contacts and uses the link up — all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from patients.models import PatientLink
from patients.services import pre_admission_submit
from screening.errors import InvalidAnswer
from screening.instruments.engine import AnswerError, validate_answers
from screening.models import Channel, InstrumentVersion, ScreeningDraft, ScreeningResult, ScreeningSetting
from screening.services.results import result_record
from wmr import audit


def draft_for(link: PatientLink, instrument: InstrumentVersion) -> ScreeningDraft | None:
    """The link's draft for ``instrument``; None when there is none yet or it was started on another version."""
    draft = ScreeningDraft.objects.filter(link=link).first()
    if draft is None or draft.instrument_id != instrument.pk:
        return None
    return draft


def _valid(instrument: InstrumentVersion, answers: dict) -> dict:
    try:
        return validate_answers(instrument.definition, answers)
    except AnswerError as exc:
        raise InvalidAnswer(exc.item, exc.message) from exc


def draft_answers_save(
    *,
    link: PatientLink,
    instrument: InstrumentVersion,
    answers: dict,
    cleared: Iterable[str] = (),
    now: dt.datetime | None = None,
) -> ScreeningDraft:
    """Store the given answers (validated with the engine; InvalidAnswer and nothing saved when one is wrong) and
    forget the ``cleared`` ones. A draft of another instrument version (the facility changed its setting while the
    patient was away) is started afresh."""
    given = _valid(instrument, answers)
    cleared = [code for code in cleared if code not in given]
    now = now or timezone.now()
    with transaction.atomic():
        draft, created = ScreeningDraft.objects.select_for_update().get_or_create(
            link=link, defaults={"instrument": instrument, "started_at": now, "updated_at": now}
        )
        if draft.instrument_id != instrument.pk:
            draft.instrument, draft.answers, draft.started_at = instrument, {}, now
        stored = {code: value for code, value in draft.answers.items() if code not in cleared}
        draft.answers = _valid(instrument, {**stored, **given})
        draft.updated_at = now
        draft.full_clean()
        draft.save()
        audit.log(link, "screening.draft.saved", data={"items": sorted([*given, *cleared]), "new": created})
    return draft


def link_screening_submit(
    *,
    link: PatientLink,
    setting: ScreeningSetting,
    answers: dict,
    contacts: list[dict],
    now: dt.datetime | None = None,
) -> ScreeningResult:
    """The final submit: the link is used up (LinkInvalid when another tab was first), the contacts are stored as
    before (``pre_admission_submit``) and the answers scored and recorded as a patient-link result. Missing answers
    are allowed; the engine then decides (e.g. "incomplete"). One transaction: all of it or nothing."""
    now = now or timezone.now()
    instrument = setting.instrument
    given = _valid(instrument, answers)
    draft = draft_for(link, instrument)
    with transaction.atomic():
        pre_admission_submit(link=link, contacts=contacts, now=now)
        result = result_record(
            stay=link.stay,
            instrument=instrument,
            answers=given,
            rule=setting.rule,
            preset_code=setting.preset_code,
            channel=Channel.PATIENT_LINK,
            by=None,
            link=link,
            started_at=draft.started_at if draft else None,
            completed_at=now,
        )
        ScreeningDraft.objects.filter(link=link).delete()
    return result
