"""Recording screening results. Every channel (staff, paper, patient link) scores with the same pure engine."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from patients.models import PatientLink, Stay
from screening.errors import InvalidAnswer, InvalidDefinition
from screening.instruments.engine import AnswerError, DefinitionRejected, score
from screening.models import InstrumentVersion, ScreeningResult
from wmr import audit


def result_record(
    *,
    stay: Stay,
    instrument: InstrumentVersion,
    answers: dict,
    rule: dict,
    preset_code: str,
    channel: str,
    by=None,
    link: PatientLink | None = None,
    started_at: dt.datetime | None = None,
    completed_at: dt.datetime | None = None,
    corrects: ScreeningResult | None = None,
    correction_reason: str = "",
) -> ScreeningResult:
    """Score ``answers`` with ``instrument`` and ``rule`` (the facility's frozen cut-off) and store the result (R-1).

    Raises InvalidAnswer (nothing stored) for an answer outside the options or range. The rule is stored as a
    frozen copy, so a later change of the facility's cut-off never changes this result (R-4).
    """
    try:
        scored = score(instrument.definition, answers, rule)
    except AnswerError as exc:
        raise InvalidAnswer(exc.item, str(exc)) from exc
    except DefinitionRejected as exc:  # a faulty stored definition or rule: say so, never a 500
        raise InvalidDefinition(exc.errors) from exc
    with transaction.atomic():
        result = ScreeningResult(
            stay=stay,
            instrument=instrument,
            channel=channel,
            entered_by=by,
            link=link,
            started_at=started_at,
            completed_at=completed_at or timezone.now(),
            answers=scored.answers,
            item_points={code: str(points) for code, points in scored.item_points.items()},
            scales={code: (None if value is None else str(value)) for code, value in scored.scales.items()},
            total=scored.total,
            rule=scored.rule_applied,
            preset_code=preset_code,
            status=scored.status,
            missing=list(scored.missing),
            corrects=corrects,
            correction_reason=correction_reason,
        )
        result.full_clean()
        result.save()
        audit.log(
            result,
            "screening.result.corrected" if corrects else "screening.result.recorded",
            user=by,
            data={"channel": channel, "status": scored.status, "instrument": instrument.pk},
        )
    return result
