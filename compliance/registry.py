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
from functools import cache

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


@cache
def _providers() -> tuple[tuple[StayProvider, ...], dict[str, str], dict[str, FacilityMeasure]]:
    from compliance.indicators import course, existing, start

    modules = (start, course, existing)
    providers = tuple(module.stay_results for module in modules)
    basis = {key: value for module in modules for key, value in module.STAY_BASIS.items()}
    facility = {key: fn for module in modules for key, fn in getattr(module, "FACILITY_MEASURES", {}).items()}
    return providers, basis, facility


def stay_basis() -> dict[str, str]:
    """Which date places a stay in a period, per stay measure: ``ADMISSION`` or ``DISCHARGE``."""
    return _providers()[1]


def facility_measures() -> dict[str, FacilityMeasure]:
    """The facility-level indicators (2.7, 2.8, 9.12) by measure key."""
    return _providers()[2]


def measures_of_basis(basis: str) -> list[str]:
    """The stay measures placed in a period by ``basis`` (sorted, for a stable SQL ``IN``)."""
    return sorted(key for key, value in stay_basis().items() if value == basis)


def duplicate_keys() -> list[str]:
    """Measure keys that more than one module claims (the completeness test wants none)."""
    from compliance.indicators import course, existing, start

    seen: dict[str, int] = {}
    for module in (start, course, existing):
        for key in (*module.STAY_BASIS, *getattr(module, "FACILITY_MEASURES", {})):
            seen[key] = seen.get(key, 0) + 1
    return sorted(key for key, n in seen.items() if n > 1)


def stay_results(stay, today: dt.date) -> dict[str, IndicatorResult]:
    """Every stay-level indicator of ``stay`` on ``today``, by measure key. Each provider reads its apps through their
    selectors (a constant number of queries per stay); results of keys without a basis are dropped, so a provider
    cannot store a measure the registry does not know."""
    basis = stay_basis()
    results: dict[str, IndicatorResult] = {}
    for provider in _providers()[0]:
        results.update(provider(stay, today))
    return {key: result for key, result in results.items() if key in basis}


def stay_result(stay, today: dt.date, measure: str) -> IndicatorResult | None:
    """One stay-level indicator, computed by the one provider that owns ``measure`` (the drill-down recomputes the
    reason of 50 stays in the reader's language: one provider per stay instead of all three)."""
    from compliance.indicators import course, existing, start

    for module in (start, course, existing):
        if measure in module.STAY_BASIS:
            return module.stay_results(stay, today).get(measure)
    return None
