"""Writes of the facility self-assessment: the rows of kind ``self_assessment`` (rec 1.3, 9.1–9.11, 9.13, 10.1, 10.2,
10.7, 10.8), answered per facility and year by the facility's management, with evidence.

Each service checks first (raising a ``SelfAssessmentRefused`` whose message names the rule; nothing is stored), then
writes in one transaction with ``full_clean`` and one audit row per answer written. Earlier answers stay readable in
the model's history (simple-history, the file's name and SHA-256 included; the file's bytes are not duplicated).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance import catalogue, evidence
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
from compliance.models import SelfAssessment, SelfAssessmentAnswer
from compliance.periods import MAX_YEAR, MIN_YEAR
from patients.models import Facility
from staff.models import Role
from wmr import audit

SELF_ASSESSMENT = "self_assessment"
URL_MAX_LENGTH = 200  # SelfAssessment.evidence_url (URLField default)
_url_validator = URLValidator(schemes=["http", "https"])


def year_is_valid(year) -> bool:
    """A year a self-assessment may be answered for: 2000–2100, both included."""
    return isinstance(year, int) and not isinstance(year, bool) and MIN_YEAR <= year <= MAX_YEAR


def self_assessment_rows() -> list[catalogue.Recommendation]:
    """The catalogue's rows the facility answers itself, in catalogue order."""
    return [rec for rec in catalogue.recommendations() if rec.kind == SELF_ASSESSMENT]


def _check_may_answer(by, facility: Facility) -> None:
    if by is None or getattr(by, "role", None) != Role.MANAGEMENT or not by.facilities.filter(pk=facility.pk).exists():
        raise SelfAssessmentNotAllowed()


def _check_year(year) -> None:
    if not year_is_valid(year):
        raise SelfAssessmentYearInvalid()


def _recommendation_id(recommendation) -> str:
    rec_id = str(getattr(recommendation, "id", recommendation) or "").strip()
    rec = catalogue.by_id().get(rec_id)
    if rec is None or rec.kind != SELF_ASSESSMENT:
        raise NotASelfAssessmentRow(rec_id)
    return rec_id


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > URL_MAX_LENGTH:
        raise EvidenceUrlInvalid()
    try:
        _url_validator(url)
    except ValidationError:
        raise EvidenceUrlInvalid() from None
    return url


def _read_file(file) -> tuple[bytes, str, str]:
    """The upload's bytes, cleaned name and sniffed content type; refused when too big or not an accepted type."""
    size = getattr(file, "size", None)
    if size is not None and evidence.is_too_large(size):
        raise EvidenceFileTooLarge()
    if hasattr(file, "seek"):
        file.seek(0)
    content = file.read(evidence.MAX_BYTES + 1)  # never more than one byte past the limit
    if evidence.is_too_large(len(content)):
        raise EvidenceFileTooLarge()
    content_type = evidence.sniff_content_type(content)
    if content_type is None:
        raise EvidenceFileType()
    return content, evidence.clean_file_name(getattr(file, "name", ""), content_type), content_type


def _full_clean(row: SelfAssessment) -> None:
    try:
        row.full_clean()
    except ValidationError as exc:
        raise SelfAssessmentRefused(" ".join(exc.messages)) from None


def self_assessment_save(
    *,
    by,
    facility: Facility,
    year: int,
    recommendation,
    answer: str,
    evidence_text: str = "",
    evidence_url: str = "",
    file=None,
    remove_file: bool = False,
    now: dt.datetime | None = None,
) -> SelfAssessment:
    """Answer (or change the answer to) one self-assessment row of ``facility`` for ``year``.

    ``recommendation`` is the row's id ("9.2") or its ``Recommendation``. ``file`` (an upload: PDF/PNG/JPEG/DOCX up to
    5 MB, the type sniffed from the content) replaces the stored file; without one the stored file stays unless
    ``remove_file``. Refused (``SelfAssessmentRefused``, nothing stored) for someone not in the facility's
    management, a row that is not of kind ``self_assessment``, a year outside 2000–2100, an unknown answer, a link
    that is not an http(s) address, a file too big or of another type. One audit row
    ``compliance.self_assessment.saved``."""
    _check_may_answer(by, facility)
    rec_id = _recommendation_id(recommendation)
    _check_year(year)
    if answer not in SelfAssessmentAnswer.values:
        raise SelfAssessmentRefused(_("Please choose an answer: yes, partly, no or not applicable."))
    url = _clean_url(evidence_url)
    upload = _read_file(file) if file is not None else None
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            SelfAssessment.objects.select_for_update()
            .filter(facility=facility, year=year, recommendation=rec_id)
            .first()
        )
        created = row is None
        if created:
            row = SelfAssessment(facility=facility, year=year, recommendation=rec_id)
        row.answer = answer
        row.evidence_text = (evidence_text or "").strip()
        row.evidence_url = url
        if upload is not None:
            content, name, content_type = upload
            row.evidence_file = content
            row.evidence_file_name = name
            row.evidence_file_type = content_type
            row.evidence_file_sha256 = evidence.sha256(content)
        elif remove_file:
            row.evidence_file = None
            row.evidence_file_name = row.evidence_file_type = row.evidence_file_sha256 = ""
        row.answered_by = by
        row.answered_at = now
        row._history_user = by
        _full_clean(row)
        row.save()
        audit.log(
            row,
            "compliance.self_assessment.saved",
            user=by,
            data={
                "facility": facility.pk,
                "year": year,
                "recommendation": rec_id,
                "answer": answer,
                "created": created,
                "file_sha256": row.evidence_file_sha256,
            },
        )
    return row


def previous_answered_year(facility: Facility, year: int) -> int | None:
    """The latest year before ``year`` in which ``facility`` answered any row (one query), or None."""
    return SelfAssessment.objects.filter(facility=facility, year__lt=year).aggregate(last=Max("year"))["last"]


def self_assessment_copy_year(*, by, facility: Facility, year: int, now: dt.datetime | None = None) -> list:
    """Start ``year`` from the latest earlier year's answers: every row of that year that ``year`` has no answer for
    yet is copied (answer, evidence text, link and file); nothing already answered is overwritten.

    Returns the new answers (empty when every row was answered already). Refused for someone not in the facility's
    management, a year outside 2000–2100, or when no earlier year has answers. One audit row
    ``compliance.self_assessment.copied`` per copied answer."""
    _check_may_answer(by, facility)
    _check_year(year)
    source_year = previous_answered_year(facility, year)
    if source_year is None:
        raise NothingToCopy()
    rows = {rec.id for rec in self_assessment_rows()}
    now = now or timezone.now()
    copied = []
    with transaction.atomic():
        taken = set(
            SelfAssessment.objects.select_for_update()
            .filter(facility=facility, year=year)
            .values_list("recommendation", flat=True)
        )
        sources = SelfAssessment.objects.filter(facility=facility, year=source_year).order_by("recommendation")
        for source in sources:
            if source.recommendation in taken or source.recommendation not in rows:
                continue
            row = SelfAssessment(
                facility=facility,
                year=year,
                recommendation=source.recommendation,
                answer=source.answer,
                evidence_text=source.evidence_text,
                evidence_url=source.evidence_url,
                evidence_file=source.evidence_file,
                evidence_file_name=source.evidence_file_name,
                evidence_file_type=source.evidence_file_type,
                evidence_file_sha256=source.evidence_file_sha256,
                answered_by=by,
                answered_at=now,
            )
            row._history_user = by
            _full_clean(row)
            row.save()
            audit.log(
                row,
                "compliance.self_assessment.copied",
                user=by,
                data={
                    "facility": facility.pk,
                    "year": year,
                    "from_year": source_year,
                    "recommendation": row.recommendation,
                },
            )
            copied.append(row)
    return copied
