"""Reads of the screening app."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from patients.models import Stay
from screening.models import ScreeningResult, ScreeningSetting


def setting_for(stay: Stay, on: dt.date) -> ScreeningSetting | None:
    """The facility's setting for the stay's department in force on ``on`` (I-7), else None."""
    return (
        ScreeningSetting.objects.select_related("instrument")
        .filter(facility_id=stay.facility_id, department_code=stay.department_code, effective_from__lte=on)
        .order_by("-effective_from", "-id")
        .first()
    )


def stay_results(stay: Stay) -> QuerySet[ScreeningResult]:
    """All results of a stay, newest first, corrections included (a corrected result stays visible)."""
    return stay.screenings.select_related("instrument", "entered_by", "corrects").order_by("-completed_at", "-id")
