"""Pure rules about patients and stays: ages, stay days, date plausibility. ``today`` is always a parameter.

Day counting (ARCHITECTURE.md, conventions): the admission day is day 1 of the stay.
"""

from __future__ import annotations

import datetime as dt

MAX_AGE_YEARS = 100


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Completed years of life on ``day``."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def stay_day(admission_date: dt.date | None, today: dt.date) -> int | None:
    """Day N of the stay: the admission day is day 1; None before admission."""
    if admission_date is None or today < admission_date:
        return None
    return (today - admission_date).days + 1


def date_of_stay_day(admission_date: dt.date, day: int) -> dt.date:
    """The calendar date of day N (day 1 = admission day)."""
    return admission_date + dt.timedelta(days=day - 1)


def birth_date_problem(birth_date: dt.date, today: dt.date) -> str | None:
    """'future' or 'too_old' when a birth date cannot be right, else None."""
    if birth_date > today:
        return "future"
    if birth_date < years_before(today, MAX_AGE_YEARS):
        return "too_old"
    return None


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
