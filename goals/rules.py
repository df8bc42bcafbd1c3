"""Pure rules of the goal agreement (recommendations 3.4–3.9). No ORM, no clock: ``today`` is a parameter.

Day counting (ARCHITECTURE.md): the admission day is day 1; "in the first week" means on or before day 7.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

FIRST_WEEK_LAST_DAY = 7  # rec 3.4 "at the start of rehab": goals written on or before day 7

OUTCOMES = ("achieved", "partly", "not_achieved", "changed")
CHANGED = "changed"


def first_week_due(admission: dt.date) -> dt.date:
    """The last date on which goals count as written in the first week (day 7)."""
    return admission + dt.timedelta(days=FIRST_WEEK_LAST_DAY - 1)


def first_week_state(written_on: dt.date | None, admission: dt.date, today: dt.date) -> str:
    """Rec 3.4 on the overview: ``met`` (written on or before day 7), ``late`` (written after day 7), ``open``
    (nothing written yet, day 7 not passed) or ``overdue`` (nothing written and day 7 has passed)."""
    due = first_week_due(admission)
    if written_on is not None:
        return "met" if written_on <= due else "late"
    return "open" if today <= due else "overdue"


def date_state(due: dt.date | None, today: dt.date) -> str:
    """A planned review: ``none`` (no date), ``upcoming`` (later than today), ``due`` (today), ``overdue``."""
    if due is None:
        return "none"
    if due > today:
        return "upcoming"
    return "due" if due == today else "overdue"


def next_review_on(pending_review_dates: Iterable[dt.date]) -> dt.date | None:
    """The earliest review date of the goals that no review has covered yet."""
    return min(pending_review_dates, default=None)


@dataclass(frozen=True)
class OutcomeCheck:
    """What is wrong with the outcomes of a review: goals without one, unknown goals, unknown outcome codes."""

    missing: tuple[int, ...] = ()
    unknown_goals: tuple[int, ...] = ()
    invalid: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unknown_goals or self.invalid)


def check_outcomes(goal_ids: Iterable[int], outcomes: Mapping[int, str]) -> OutcomeCheck:
    """Rec 3.6: a review records exactly one outcome (achieved / partly / not achieved / changed) per goal of the
    reviewed version, and none for a goal outside it."""
    goal_ids = list(goal_ids)
    return OutcomeCheck(
        missing=tuple(g for g in goal_ids if not outcomes.get(g)),
        unknown_goals=tuple(sorted(g for g in outcomes if g not in goal_ids)),
        invalid=tuple(sorted(g for g, code in outcomes.items() if code and code not in OUTCOMES)),
    )


def needs_new_version(outcomes: Iterable[str]) -> bool:
    """Rec 3.5: a goal changed in a review makes a new version of the agreement, to be agreed again."""
    return CHANGED in set(outcomes)


def written_on_problem(written_on: dt.date, admission: dt.date, today: dt.date) -> str | None:
    """``future`` or ``before_admission`` when the date the goals were written cannot be right."""
    if written_on > today:
        return "future"
    if written_on < admission:
        return "before_admission"
    return None


def agreed_on_problem(agreed_on: dt.date, written_on: dt.date, previous_agreed_on: dt.date | None, today: dt.date):
    """``future``, ``before_written`` or ``before_previous`` when the agreement date cannot be right."""
    if agreed_on > today:
        return "future"
    if agreed_on < written_on:
        return "before_written"
    if previous_agreed_on is not None and agreed_on < previous_agreed_on:
        return "before_previous"
    return None


def reviewed_on_problem(reviewed_on: dt.date, agreed_on: dt.date, today: dt.date) -> str | None:
    """``future`` or ``before_agreement`` (a review cannot lie before the agreement it reviews)."""
    if reviewed_on > today:
        return "future"
    if reviewed_on < agreed_on:
        return "before_agreement"
    return None


def handed_over_problem(handed_over_on: dt.date, agreed_on: dt.date, today: dt.date) -> str | None:
    """``future`` or ``before_agreement`` (rec 3.9: the copy of the agreed goals is handed over)."""
    if handed_over_on > today:
        return "future"
    if handed_over_on < agreed_on:
        return "before_agreement"
    return None


def review_date_problem(review_on: dt.date, admission: dt.date) -> str | None:
    """``before_admission`` when a goal's review date lies before the stay began."""
    return "before_admission" if review_on < admission else None
