"""The compliance part of the demo clinic: the indicator results of every demo stay and a few self-assessment answers.

Runs last (``cases/management/commands/load_demo.py``), when every other app's demo part has written its records:

- **Indicator results**: ``compliance.services.refresh_facility`` for each demo facility computes every stay-level
  indicator of the demo stays (the admitted ones count in the current quarter, the discharged ones in the previous
  quarter, ``patients.demo.stay_dates``). The write hook refreshes a stay after each write already; running the
  refresh here makes the dashboard complete at once also where the hook's tasks go to a worker (Redis broker).
- **Self-assessment** of the demo clinic ("Am Kurpark") for ``today``'s year, answered by the demo manager through
  ``compliance.services_selfassessment.self_assessment_save``: the concept is published and visible to the team, the
  steering group exists only partly, onboarding has no WMR part yet, supervision is in place. The data is German,
  as the clinic's management would have typed it.

Idempotent: when every demo stay has results and the clinic has an answer for each demo row of the year, nothing is
written and 0 is returned. Answers changed by hand are never overwritten (only missing rows are answered).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef

from compliance.models import SelfAssessment, SelfAssessmentAnswer, StayIndicator
from compliance.services import refresh_facility
from compliance.services_selfassessment import self_assessment_save
from patients.demo import FACILITIES
from patients.models import Facility, Stay
from staff.models import User

DEMO_MANAGER = "leitung"
DEMO_CLINIC = FACILITIES[0].ik_number  # "Am Kurpark", where most demo stays are

# (recommendation, answer, evidence text, link: True = the clinic's WMR page)
ANSWERS = (
    (
        "1.3",
        SelfAssessmentAnswer.YES,
        "MBOR-Konzept mit Ablauf, Angeboten und Ansprechpartnern auf der Website der Klinik veröffentlicht.",
        True,
    ),
    (
        "9.1",
        SelfAssessmentAnswer.YES,
        "MBOR-Konzept (Fassung 3.2) im Intranet für das gesamte Reha-Team abrufbar; in der Teamsitzung vorgestellt.",
        False,
    ),
    (
        "9.2",
        SelfAssessmentAnswer.PARTLY,
        "Steuerungsgruppe benannt (Chefarzt, Leitung Sozialdienst, Leitung Psychologie); Geschäftsordnung und "
        "regelmäßige Sitzungstermine fehlen noch, bisher halbjährliche Treffen.",
        False,
    ),
    (
        "9.7",
        SelfAssessmentAnswer.NO,
        "Das Einarbeitungskonzept enthält noch keinen MBOR-Teil; Entwurf bis zum nächsten Quartal geplant.",
        False,
    ),
    (
        "9.13",
        SelfAssessmentAnswer.YES,
        "Externe Supervision alle sechs Wochen, Intervision im Team wöchentlich in der Fallbesprechung.",
        False,
    ),
)


def _demo_facilities() -> list[Facility]:
    return list(Facility.objects.filter(ik_number__in=[f.ik_number for f in FACILITIES]).order_by("pk"))


def _stays_without_results(facilities: list[Facility]) -> bool:
    has_results = StayIndicator.objects.filter(stay_id=OuterRef("pk"))
    return Stay.objects.filter(facility__in=facilities).filter(~Exists(has_results)).exists()


def _answered(clinic: Facility, year: int) -> set[str]:
    return set(
        SelfAssessment.objects.filter(facility=clinic, year=year, recommendation__in=[row[0] for row in ANSWERS])
        .values_list("recommendation", flat=True)
        .order_by()
    )


def load_compliance_demo(*, today: dt.date) -> int:
    """Compute the indicator results of every demo stay (``refresh_facility`` per demo facility) and answer the demo
    clinic's missing self-assessment rows of ``today``'s year. Returns the number of stays refreshed; 0 when
    everything was there already (nothing written) or when the demo clinic or its manager is missing."""
    facilities = _demo_facilities()
    clinic = next((f for f in facilities if f.ik_number == DEMO_CLINIC), None)
    manager = User.objects.filter(username=DEMO_MANAGER).first()
    if clinic is None or manager is None:
        return 0
    answered = _answered(clinic, today.year)
    if len(answered) == len(ANSWERS) and not _stays_without_results(facilities):
        return 0
    refreshed = sum(refresh_facility(facility, today=today) for facility in facilities)
    for recommendation, answer, text, with_link in ANSWERS:
        if recommendation in answered:
            continue
        self_assessment_save(
            by=manager,
            facility=clinic,
            year=today.year,
            recommendation=recommendation,
            answer=answer,
            evidence_text=text,
            evidence_url=clinic.wmr_info_url if with_link else "",
        )
    return refreshed
