"""The traffic light of an indicator rate by the recommendation's grade (pure: no ORM, no clock).

Issue 8: a "shall" below 90 % is red, a "should" below 75 % amber, thresholds configurable per facility
(``ComplianceSettings``; a "may" below 50 % amber by default). A recommendation that names its own bar (2.7: over
75 % of the WMR patients screened positive) is judged against that bar instead. No data (rate None) is "none", never
red: an empty quarter is not a failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"
SHALL, SHOULD, MAY = "shall", "should", "may"


@dataclass(frozen=True)
class Thresholds:
    """Percent below which a rate turns red ("shall") or amber ("should", "may"); the field defaults are the issue's
    and ``ComplianceSettings``' defaults."""

    shall_red_below: int = 90
    should_amber_below: int = 75
    may_amber_below: int = 50

    def as_dict(self) -> dict[str, int]:
        return {SHALL: self.shall_red_below, SHOULD: self.should_amber_below, MAY: self.may_amber_below}


DEFAULT_THRESHOLDS = Thresholds()


def thresholds_from(settings) -> Thresholds:
    """The thresholds of a facility's ``ComplianceSettings`` (any object with the three fields), the defaults for
    None."""
    if settings is None:
        return DEFAULT_THRESHOLDS
    return Thresholds(settings.shall_red_below, settings.should_amber_below, settings.may_amber_below)


def light(grade: str, rate: Decimal | float | None, thresholds: Thresholds, bar: int | None = None) -> str:
    """``"green"``, ``"amber"``, ``"red"`` or ``"none"`` (no data) for a rate in percent.

    - rate None → none;
    - with a ``bar`` named by the recommendation (2.7: 75): below it → red for "shall", amber otherwise;
    - "shall" below ``shall_red_below`` → red; "should" below ``should_amber_below`` → amber; "may" below
      ``may_amber_below`` → amber; a rate at the threshold or above → green.
    """
    if rate is None:
        return NONE
    if bar is not None:
        if rate < bar:
            return RED if grade == SHALL else AMBER
        return GREEN
    if grade == SHALL:
        return RED if rate < thresholds.shall_red_below else GREEN
    if grade == SHOULD:
        return AMBER if rate < thresholds.should_amber_below else GREEN
    if grade == MAY:
        return AMBER if rate < thresholds.may_amber_below else GREEN
    raise ValueError(f"unknown grade {grade!r}")
