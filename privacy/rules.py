"""Pure rules of the patient's data rights: when the retention period of a record ends (§630f (3) BGB).

No ORM, no clock: ``today`` is a parameter (STYLE.md 2).

§630f (3) BGB keeps the record "for ten years after the end of the treatment". The period is computed like every
period of the BGB: the event day (the last discharge) is not counted (§187 (1)); a period of years ends with the
expiry of the day in the last year that has the same date as the event day (§188 (2)); if that day does not exist in
the last month — a discharge on 29 February — the period ends with the last day of that month, 28 February
(§188 (3)). So a patient discharged on 15.03.2016 is kept until the end of 15.03.2026 (``retention_end``) and is due
for erasure from 16.03.2026 (``erasure_due_on``); one discharged on 29.02.2016 is kept until the end of 28.02.2026
and due from 01.03.2026. The nightly job never erases on the last day of the period itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MINIMUM_RETENTION_YEARS = 10  # §630f (3) BGB


@dataclass(frozen=True)
class StayFacts:
    """What the rule needs to know about one stay: is it finished (discharged), and on which day."""

    discharged: bool
    discharge_date: dt.date | None


@dataclass(frozen=True)
class Retention:
    """The outcome for one patient. ``end_of_treatment`` is None while a stay is open (or has no discharge date):
    then nothing is ever due."""

    end_of_treatment: dt.date | None
    retention_end: dt.date | None
    erasure_due_on: dt.date | None
    due: bool


def add_years(day: dt.date, years: int) -> dt.date:
    """The same date ``years`` later; 29 February becomes 28 February in a common year (§188 (3) BGB)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29.02. in a year that has none
        return day.replace(year=day.year + years, day=28)


def retention_end(end_of_treatment: dt.date, years: int) -> dt.date:
    """The last day of the retention period (§187 (1), §188 (2), (3) BGB)."""
    if years < MINIMUM_RETENTION_YEARS:
        raise ValueError(f"retention must be at least {MINIMUM_RETENTION_YEARS} years (§630f BGB), got {years}")
    return add_years(end_of_treatment, years)


def end_of_treatment(stays: list[StayFacts]) -> dt.date | None:
    """The last discharge date; None if the patient has no stay, a stay not yet discharged, or a discharged stay
    without a date (unknown ends are never guessed: such a record is kept)."""
    if not stays or any(not stay.discharged or stay.discharge_date is None for stay in stays):
        return None
    return max(stay.discharge_date for stay in stays if stay.discharge_date is not None)


def retention(stays: list[StayFacts], *, today: dt.date, years: int) -> Retention:
    """Is the patient's record due for erasure on ``today``? Due from the day after the retention period ended."""
    end = end_of_treatment(stays)
    if end is None:
        return Retention(end_of_treatment=None, retention_end=None, erasure_due_on=None, due=False)
    last_day = retention_end(end, years)
    due_on = last_day + dt.timedelta(days=1)
    return Retention(end_of_treatment=end, retention_end=last_day, erasure_due_on=due_on, due=today >= due_on)


def latest_due_discharge(*, today: dt.date, years: int) -> dt.date:
    """The latest discharge date that can be due on ``today`` (a prefilter for the query; the rule above decides).

    Discharged on D ⇒ due iff add_years(D, years) < today, which implies D ≤ add_years(today, -years) (also around
    29 February). Filter with ``<=`` this date, then let ``retention`` decide."""
    return add_years(today, -years)
