"""Reads of the compliance app: the facility dashboard and the drill-down, aggregated in SQL over ``StayIndicator``.

CONTRACT (lead; the core engineer implements the functions, the dashboard/export engineers render these shapes):
``facility_dashboard(*, facility, period, filters, today) -> Dashboard`` in a constant number of queries whatever the
number of stays; ``drilldown(*, facility, measure, period, filters) -> QuerySet[StayIndicator]`` (the stays that miss
the measure: state ``not_met``, with ``stay__patient`` selected).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from compliance.catalogue import Recommendation
from compliance.periods import Period


@dataclass(frozen=True)
class Filters:
    department: str | None = None  # "3100" / "3197"
    wmr: bool | None = None  # WMR yes / no / both
    team_user_id: int | None = None  # stays whose care team includes this user


@dataclass(frozen=True)
class Rate:
    """Stays of the period for one measure: ``numerator`` met of ``denominator`` (met + not met); not-yet-due and
    not-applicable stays are counted apart and never in the rate. ``rate`` None = no data (never 0 %)."""

    numerator: int = 0
    denominator: int = 0
    not_yet_due: int = 0
    not_applicable: int = 0

    @property
    def rate(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (Decimal(100) * self.numerator / self.denominator).quantize(Decimal("0.1"))

    @property
    def missing(self) -> int:
        return self.denominator - self.numerator


@dataclass
class IndicatorRow:
    recommendation: Recommendation
    rate: Rate
    light: str  # "green" / "amber" / "red" / "none" (no data)
    trend: list[tuple[Period, Decimal | None]] = field(default_factory=list)  # last four quarters, oldest first
    facility_level: bool = False  # 2.7, 2.8, 9.12
    reason: str = ""  # facility-level: the reason in words
    target_percent: int | None = None  # the bar where the recommendation names one (2.7: 75)


@dataclass
class SectionBlock:
    section: str  # "preparation", "screening", … (the csv's section key)
    label: str  # translated
    indicators: list[IndicatorRow] = field(default_factory=list)
    topics: list[tuple[Recommendation, int]] = field(default_factory=list)  # topic rows and stays that covered them
    workflows: list[tuple[Recommendation, int | None]] = field(default_factory=list)  # rows and stays with a record
    self_assessment: list[tuple[Recommendation, str | None]] = field(
        default_factory=list
    )  # rows and this year's answer


@dataclass
class Dashboard:
    facility: object
    period: Period
    filters: Filters
    today: dt.date
    stays: int  # stays in the period (after filters)
    sections: list[SectionBlock] = field(default_factory=list)
    positive_screening: IndicatorRow | None = None  # 2.7 against its 75 % bar
    thresholds: dict = field(default_factory=dict)  # {"shall": 90, "should": 75, "may": 50}


def facility_dashboard(*, facility, period: Period, filters: Filters, today: dt.date) -> Dashboard:
    raise NotImplementedError


def drilldown(*, facility, measure: str, period: Period, filters: Filters):
    raise NotImplementedError
