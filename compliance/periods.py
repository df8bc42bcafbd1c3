"""Reporting periods: a quarter ("2026-Q3") or a month ("2026-07"), in Europe/Berlin calendar dates.

CONTRACT (lead): ``parse_period(text) -> Period`` raises ``PeriodInvalid`` (translated message) for nonsense such as
"2026-Q5"; ``current_quarter(today)``, ``previous_quarters(period, n)`` for the trend. The core engineer fills in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class PeriodInvalid(ValueError):
    """A period text that is not a quarter or month; ``message`` is shown to the user."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    code: str  # "2026-Q3" or "2026-07"
    label: str  # "Q3 2026" / "07/2026"


def parse_period(text: str) -> Period:
    raise NotImplementedError


def current_quarter(today: dt.date) -> Period:
    raise NotImplementedError


def previous_quarters(period: Period, n: int) -> list[Period]:
    """The ``n`` quarters ending with ``period``'s quarter, oldest first (for the four-quarter trend)."""
    raise NotImplementedError
