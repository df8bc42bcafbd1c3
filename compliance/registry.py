"""Every indicator function of the catalogue, by its measure key (issue 8: each ``indicator`` row has exactly one).

CONTRACT (lead; the core engineer completes the adapters, the section engineers fill their modules):

- **Stay measures**: a *provider* is ``provider(stay, today) -> dict[measure_key, IndicatorResult]``; it reads the
  other apps through their selectors and calls pure functions. ``STAY_PROVIDERS`` lists them; ``STAY_BASIS`` says per
  measure which date places a stay in a period (``"admission"`` or ``"discharge"``).
- **Facility measures** (2.7 positive-screening share, 2.8 quarterly report, 9.12 weekly conference):
  ``fn(facility, period, today) -> FacilityResult``.
- ``stay_results(stay, today)`` joins all providers; ``test_every_indicator_row_has_a_function`` checks that the keys
  of ``STAY_BASIS`` ∪ ``FACILITY_MEASURES`` are exactly the measure keys of the catalogue's indicator rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from wmr.indicators import IndicatorResult


@dataclass(frozen=True)
class FacilityResult:
    """A facility-level indicator over a period: ``numerator`` of ``denominator`` (None = no data), the bar as a
    percentage where the recommendation names one (2.7: 75), and the reason in words."""

    numerator: int
    denominator: int
    reason: str
    target_percent: int | None = None

    @property
    def rate(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (Decimal(100) * self.numerator / self.denominator).quantize(Decimal("0.1"))


StayProvider = Callable[[object, dt.date], dict[str, IndicatorResult]]
FacilityMeasure = Callable[[object, object, dt.date], FacilityResult]

ADMISSION, DISCHARGE = "admission", "discharge"


def _providers() -> tuple[list[StayProvider], dict[str, str], dict[str, FacilityMeasure]]:
    from compliance.indicators import course, existing, start

    providers = [start.stay_results, course.stay_results, existing.stay_results]
    basis = {**start.STAY_BASIS, **course.STAY_BASIS, **existing.STAY_BASIS}
    facility = {**start.FACILITY_MEASURES, **course.FACILITY_MEASURES}
    return providers, basis, facility


def stay_basis() -> dict[str, str]:
    return _providers()[1]


def facility_measures() -> dict[str, FacilityMeasure]:
    return _providers()[2]


def stay_results(stay, today: dt.date) -> dict[str, IndicatorResult]:
    """Every stay-level indicator of ``stay`` on ``today``, by measure key."""
    results: dict[str, IndicatorResult] = {}
    for provider in _providers()[0]:
        results.update(provider(stay, today))
    return results
