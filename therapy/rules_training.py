"""Pure rules of the workplace training (recommendations 7.2–7.8): dates within the stay, what an assessment of a
sub-goal needs, and the counts the case overview shows. No ORM, no clock: ``today`` is a parameter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

# Results of a sub-goal (therapy.models.SubGoalResult values; repeated here so the rules need no model import).
OPEN, YES, PARTLY, NO = "open", "yes", "partly", "no"
ASSESSED_RESULTS = (YES, PARTLY, NO)


def within_stay(day: dt.date, *, admission: dt.date, discharge: dt.date | None) -> bool:
    """On or after the admission day and, when a discharge date is known, on or before it."""
    return day >= admission and (discharge is None or day <= discharge)


def in_future(day: dt.date, *, today: dt.date) -> bool:
    """Something that has happened (agreed, assessed, practised, written) cannot be dated after ``today``."""
    return day > today


def assessment_needs_note(result: str) -> bool:
    """7.3: a sub-goal achieved only partly or not at all needs a note saying why (what was missing)."""
    return result in (PARTLY, NO)


@dataclass(frozen=True)
class SubGoalCounts:
    total: int = 0
    achieved: int = 0
    partly: int = 0
    not_achieved: int = 0
    open: int = 0

    @property
    def assessed(self) -> int:
        return self.total - self.open


def subgoal_counts(results: Iterable[str]) -> SubGoalCounts:
    """How many sub-goals there are and how they turned out (7.3: each one verifiable)."""
    results = list(results)
    return SubGoalCounts(
        total=len(results),
        achieved=results.count(YES),
        partly=results.count(PARTLY),
        not_achieved=results.count(NO),
        open=results.count(OPEN),
    )
