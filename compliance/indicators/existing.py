"""Adapters for the indicator functions that live with their apps already: therapy (5.1, 5.2, 5.3, 6.1, 7.1) and
reintegration (8.2, 8.4, 8.6, 8.12, 8.13, 8.17).

The judgement stays where it is (``therapy.rules.INDICATORS``, ``reintegration.indicators``); these adapters only
call the apps' selectors that gather the facts, so the case overview and the dashboard read the very same results.
Queries per stay: 3 for therapy (``stays_facts``), 6 for reintegration (``stay_rtw_indicators``).
"""

from __future__ import annotations

import datetime as dt

from compliance.registry import DISCHARGE
from reintegration.selectors_indicators import stay_rtw_indicators
from therapy import rules as therapy_rules
from therapy.selectors_progress import stays_facts
from wmr.indicators import IndicatorResult

THERAPY_MEASURES = (
    "counseling_total_90min",  # 5.1
    "counseling_individual_60min",  # 5.2
    "first_counseling_within_14d",  # 5.3
    "work_groups_240min",  # 6.1
    "workplace_training_360min",  # 7.1
)
REINTEGRATION_MEASURES = (
    "bem_examined_after_6_weeks",  # 8.2
    "graded_rtw_examined_after_3_months",  # 8.4
    "vocational_rehab_recommended_when_limited",  # 8.6
    "sociomedical_appraisal_when_limited",  # 8.12
    "rtw_plan_documented",  # 8.13
    "two_discharge_copies",  # 8.17
)

# All of them are judged over the whole stay (minute bars, examinations, the discharge letter): outcome indicators,
# so a stay counts in the period of its discharge (ARCHITECTURE.md, "Conventions of the domain").
STAY_BASIS: dict[str, str] = dict.fromkeys(THERAPY_MEASURES + REINTEGRATION_MEASURES, DISCHARGE)


def therapy_results(stay, today: dt.date) -> dict[str, IndicatorResult]:
    """The therapy indicators of ``stay`` on ``today`` by measure key (``therapy.rules.INDICATORS``)."""
    facts = stays_facts([stay], today)[stay.pk]
    return {key: therapy_rules.INDICATORS[key](facts, today) for key in THERAPY_MEASURES}


def reintegration_results(stay, today: dt.date) -> dict[str, IndicatorResult]:
    """The return-to-work indicators of ``stay`` on ``today`` by measure key (``stay_rtw_indicators().by_key``)."""
    found = stay_rtw_indicators(stay, today).by_key
    return {key: found[key] for key in REINTEGRATION_MEASURES}


def stay_results(stay, today: dt.date) -> dict[str, IndicatorResult]:
    return {**therapy_results(stay, today), **reintegration_results(stay, today)}
