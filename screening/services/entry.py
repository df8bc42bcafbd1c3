"""Staff entry of a screening (on screen or typed in from paper), "not possible" (S-4) and corrections (R-3).

Scoring always goes through ``results.result_record``, the one engine every channel uses.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.errors import DomainError
from patients.models import Stay
from screening.errors import InvalidAnswer, NoScreeningSetting
from screening.instruments.engine import AnswerError, validate_answers
from screening.models import Channel, ResultStatus, ScreeningResult, ScreeningSetting
from screening.selectors import setting_for
from screening.services.results import result_record
from wmr import audit

STAFF_CHANNELS = (Channel.STAFF, Channel.PAPER)


class EntryRefused(DomainError):
    """A staff entry that cannot be stored as asked (reason missing, a result that was corrected already …)."""


def current_setting(stay: Stay, today: dt.date) -> ScreeningSetting:
    """The setting the staff form is built from; ``NoScreeningSetting`` when the department has none yet."""
    setting = setting_for(stay, today)
    if setting is None:
        raise NoScreeningSetting()
    return setting


def _normalised(instrument, answers: dict) -> dict:
    """The answers as the engine reads them (numbers as int, yes/no as bool), so the stored raw answers are typed
    the same whichever channel entered them. Raises ``InvalidAnswer`` (nothing stored)."""
    try:
        return validate_answers(instrument.definition, answers)
    except AnswerError as exc:
        raise InvalidAnswer(exc.item, exc.message) from exc


def _check_completed_at(completed_at: dt.datetime, now: dt.datetime) -> None:
    if completed_at > now:
        raise EntryRefused(_("The completion time lies in the future."))


def result_enter(
    *,
    by,
    stay: Stay,
    answers: dict,
    channel: str,
    completed_at: dt.datetime,
    now: dt.datetime,
) -> ScreeningResult:
    """Score and store a questionnaire entered by staff with the setting in force today (``now``'s date).

    PRODUCT CHOICE: the setting of the day of entry, not of the completion date, because the form the answers were
    typed into was built from it. Raises ``NoScreeningSetting``, ``InvalidAnswer`` (nothing stored) or
    ``EntryRefused``.
    """
    if channel not in STAFF_CHANNELS:
        raise EntryRefused(_("Staff enter a screening on screen or from paper."))
    _check_completed_at(completed_at, now)
    setting = current_setting(stay, timezone.localdate(now))
    return result_record(
        stay=stay,
        instrument=setting.instrument,
        answers=_normalised(setting.instrument, answers),
        rule=setting.rule,
        preset_code=setting.preset_code,
        channel=channel,
        by=by,
        completed_at=completed_at,
    )


def result_not_possible(*, by, stay: Stay, reason: str, completed_at: dt.datetime, now: dt.datetime) -> ScreeningResult:
    """Record that the patient could not complete a questionnaire (S-4: language, cognition, refusal).

    Counts as not screened for 2.1 and as not positive for 2.7. The reason is required.
    """
    reason = (reason or "").strip()
    if not reason:
        raise EntryRefused(_("Please give the reason why the screening is not possible."))
    _check_completed_at(completed_at, now)
    setting = setting_for(stay, timezone.localdate(now))
    with transaction.atomic():
        result = ScreeningResult(
            stay=stay,
            instrument=setting.instrument if setting else None,
            channel=Channel.STAFF,
            entered_by=by,
            completed_at=completed_at,
            status=ResultStatus.NOT_POSSIBLE,
            not_possible_reason=reason,
        )
        result.full_clean()
        result.save()
        audit.log(result, "screening.result.not_possible", user=by, data={"status": result.status})
    return result


def result_correct(
    *, by, result: ScreeningResult, answers: dict, reason: str, completed_at: dt.datetime, now: dt.datetime
) -> ScreeningResult:
    """Correct the answers of a stored result: a new result pointing at the old one, which stays as it was (R-3).

    The correction is scored with the old result's instrument version and frozen rule (R-4: a later change of the
    facility's cut-off never changes what was screened). Only the latest version of a result can be corrected.
    """
    reason = (reason or "").strip()
    if not reason:
        raise EntryRefused(_("Please give the reason for the correction."))
    if result.status == ResultStatus.NOT_POSSIBLE or result.instrument is None:
        raise EntryRefused(_("A “not possible” record cannot be corrected; enter a new screening instead."))
    if result.corrections.exists():
        raise EntryRefused(_("This result was corrected already; correct its latest version."))
    _check_completed_at(completed_at, now)
    return result_record(
        stay=result.stay,
        instrument=result.instrument,
        answers=_normalised(result.instrument, answers),
        rule=result.rule,
        preset_code=result.preset_code,
        channel=result.channel,
        by=by,
        link=result.link,
        started_at=result.started_at,
        completed_at=completed_at,
        corrects=result,
        correction_reason=reason,
    )
