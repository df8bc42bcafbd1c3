"""Reads of the facility self-assessment (the dashboard shows this year's answers next to each section)."""

from __future__ import annotations

from compliance.models import SelfAssessment
from patients.models import Facility


def facility_self_assessment(facility: Facility, year: int) -> dict[str, SelfAssessment]:
    """The facility's answers for ``year`` by recommendation id ("9.2" → answer), in one query. Rows without an
    answer are absent. The file's bytes are not loaded (``evidence_file_name`` tells whether there is one)."""
    rows = (
        SelfAssessment.objects.filter(facility=facility, year=year).defer("evidence_file").select_related("answered_by")
    )
    return {row.recommendation: row for row in rows}


def self_assessment_answer_for(user, pk) -> SelfAssessment | None:
    """One answer of a facility among ``user``'s facilities (the view adds the role check), or None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        SelfAssessment.objects.filter(pk=pk, facility__in=user.facilities.all())
        .select_related("facility", "answered_by")
        .first()
    )
