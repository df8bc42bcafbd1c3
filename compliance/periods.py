"""Reporting periods: a quarter ("2026-Q3") or a month ("2026-07"), in Europe/Berlin calendar dates.

``parse_period(text) -> Period`` raises ``PeriodInvalid`` (translated message naming the expected form) for nonsense
such as "2026-Q5", "2026-13", "abc" or ""; ``current_quarter(today)``; ``previous_quarters(period, n)`` for the trend.
Quarters are calendar quarters (ARCHITECTURE.md: Q1 = January–March). Pure: no ORM, no clock.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext

# Years a period may name (the same bounds as a self-assessment's year).
MIN_YEAR, MAX_YEAR = 2000, 2100

_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])")
_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


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

    @property
    def is_quarter(self) -> bool:
        return "Q" in self.code

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def quarter(self) -> int:
        """The calendar quarter (1–4) the period lies in (a month's quarter for a month)."""
        return (self.start.month - 1) // 3 + 1

    @property
    def year_quarter(self) -> tuple[int, int]:
        """(year, quarter): the key of the trend, as ``ExtractYear``/``ExtractQuarter`` compute it in SQL."""
        return self.year, self.quarter

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.label


def quarter(year: int, number: int) -> Period:
    """The calendar quarter ``number`` (1–4) of ``year``."""
    first_month = 3 * (number - 1) + 1
    last_month = first_month + 2
    return Period(
        start=dt.date(year, first_month, 1),
        end=dt.date(year, last_month, calendar.monthrange(year, last_month)[1]),
        code=f"{year}-Q{number}",
        label=f"Q{number} {year}",
    )


def month(year: int, number: int) -> Period:
    """The calendar month ``number`` (1–12) of ``year``."""
    return Period(
        start=dt.date(year, number, 1),
        end=dt.date(year, number, calendar.monthrange(year, number)[1]),
        code=f"{year}-{number:02d}",
        label=f"{number:02d}/{year}",
    )


def _invalid(text: str) -> PeriodInvalid:
    return PeriodInvalid(
        gettext(
            "“%(text)s” is not a period: enter a quarter like 2026-Q3 or a month like 2026-07 (years %(min)d–%(max)d)."
        )
        % {"text": text, "min": MIN_YEAR, "max": MAX_YEAR}
    )


def parse_period(text: str) -> Period:
    """The quarter ("2026-Q3") or month ("2026-07") ``text`` names. Strict: nothing else is accepted (no lower-case
    "q", no single-digit month, no surrounding spaces), and the year lies in 2000–2100."""
    text = text if isinstance(text, str) else ""
    if found := _QUARTER.fullmatch(text):
        year, number, make = int(found[1]), int(found[2]), quarter
    elif found := _MONTH.fullmatch(text):
        year, number, make = int(found[1]), int(found[2]), month
    else:
        raise _invalid(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _invalid(text)
    return make(year, number)


def quarter_of(day: dt.date) -> Period:
    """The calendar quarter ``day`` falls in."""
    return quarter(day.year, (day.month - 1) // 3 + 1)


def current_quarter(today: dt.date) -> Period:
    """The quarter of ``today`` (Europe/Berlin: the caller passes ``timezone.localdate()``)."""
    return quarter_of(today)


def previous_quarters(period: Period, n: int) -> list[Period]:
    """The ``n`` quarters ending with ``period``'s quarter, oldest first (for the four-quarter trend). For a month
    period they end with the quarter that holds the month."""
    index = period.year * 4 + period.quarter - 1  # quarters since year 0
    return [quarter(i // 4, i % 4 + 1) for i in range(index - n + 1, index + 1)]
