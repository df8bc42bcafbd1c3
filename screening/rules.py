"""Pure rules of the screening start and the department code (../shared/domain/screening.md S-3, A-7, D-1…D-6).

No ORM, no clock: ``today`` is always a parameter. Day counting: the admission day is day 1 of the stay, so day n
is ``admission + (n - 1)`` days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext

# §301 department codes (D-6: 3100 and 3197 are the active ones; outpatient WMR 3198 is out of scope).
CODE_PSYCHOSOMATICS = "3100"
CODE_WMR = "3197"

DEFAULT_DUE_DAY = 7  # S-3 PRODUCT CHOICE, the facility setting ``screening_due_day`` (1–7)
WEEK1_LAST_DAY = 7  # D-2, rec. 2.5 "within the first treatment week"
SWITCH_UPDATE_DAYS = 7  # D-5 PRODUCT CHOICE: a switch after week 1 is due 7 calendar days after the decision

COMPLETE = frozenset({"positive", "negative"})


def day_date(admission: dt.date, day: int) -> dt.date:
    """The calendar date of treatment day ``day`` (day 1 = admission day)."""
    return admission + dt.timedelta(days=day - 1)


def screening_due_date(admission: dt.date, due_day: int = DEFAULT_DUE_DAY) -> dt.date:
    """S-3: the last date on which a screening still counts as done at the start of rehab."""
    return day_date(admission, due_day)


@dataclass(frozen=True)
class ResultFact:
    """What S-3 needs of a stored result: its status and the (Europe/Berlin) date it was completed."""

    status: str
    completed_on: dt.date


def screened_at_start(results: Iterable[ResultFact], admission: dt.date, due_day: int = DEFAULT_DUE_DAY) -> bool:
    """S-3 (rec. 2.1): a complete result (positive or negative) completed on or before treatment day ``due_day``.

    A result from the patient link before admission counts (S-2); ``not_possible`` and ``incomplete`` never do.
    """
    due = screening_due_date(admission, due_day)
    return any(r.status in COMPLETE and r.completed_on <= due for r in results)


def screening_start_state(results: Iterable[ResultFact], admission: dt.date, due_day: int, today: dt.date) -> str:
    """The overview's state of S-3: ``met``; ``late`` (complete only after the due day); ``open`` (nothing
    complete yet, still in time); ``overdue`` (nothing complete and the due day has passed)."""
    results = list(results)
    if screened_at_start(results, admission, due_day):
        return "met"
    if any(r.status in COMPLETE for r in results):
        return "late"
    return "open" if today <= screening_due_date(admission, due_day) else "overdue"


def target_code(decision: str) -> str:
    """A-7: ``assign`` → 3197 (WMR inpatient), ``not_assign`` → 3100."""
    return CODE_WMR if decision == "assign" else CODE_PSYCHOSOMATICS


@dataclass(frozen=True)
class CodeTask:
    """A "correct the department code in the §301 data" task (D-1).

    ``week1`` tasks (D-2) feed the indicator ``department_code_corrected_week1``; a switch after week 1 makes a
    "§301 update" task (D-5) outside that indicator.
    """

    from_code: str
    to_code: str
    due: dt.date
    week1: bool


def code_task(
    allocated: str,
    target: str,
    admission: dt.date,
    discharge: dt.date | None,
    decided_on: dt.date,
    first_week: bool,
) -> CodeTask | None:
    """D-1…D-5: None when the code in the §301 data (``allocated``) already equals the ``target``.

    ``first_week`` is true for the stay's first decision and for a switch decided by day 7: due at the end of day 7
    (admission + 6 days), or on the discharge date when the patient leaves earlier (D-2, PRODUCT CHOICE). A switch
    decided after week 1 is due ``decided_on`` + 7 calendar days (D-5, PRODUCT CHOICE).
    """
    if allocated == target:
        return None
    if first_week:
        due = day_date(admission, WEEK1_LAST_DAY)
        if discharge is not None and discharge < due:
            due = discharge
        return CodeTask(from_code=allocated, to_code=target, due=due, week1=True)
    return CodeTask(
        from_code=allocated, to_code=target, due=decided_on + dt.timedelta(days=SWITCH_UPDATE_DAYS), week1=False
    )


def decided_in_first_week(admission: dt.date, decided_on: dt.date) -> bool:
    """True when ``decided_on`` is on or before treatment day 7."""
    return decided_on <= day_date(admission, WEEK1_LAST_DAY)


def code_task_state(task: CodeTask, corrected_on: dt.date | None, today: dt.date) -> str:
    """D-3/D-4: ``done_on_time`` (corrected on or before the due date), ``done_late``, ``open`` (until the due
    date) or ``overdue`` (from the day after the due date, i.e. from day 8 for a week-1 task)."""
    if corrected_on is not None:
        return "done_on_time" if corrected_on <= task.due else "done_late"
    return "open" if today <= task.due else "overdue"


def week1_code_indicator(task: CodeTask | None, corrected_on: dt.date | None, today: dt.date) -> str:
    """D-4, indicator ``department_code_corrected_week1``: ``not_applicable`` without a week-1 mismatch, else
    ``met`` / ``not_met`` / ``not_yet_due``."""
    if task is None or not task.week1:
        return "not_applicable"
    state = code_task_state(task, corrected_on, today)
    if state == "done_on_time":
        return "met"
    if state == "open":
        return "not_yet_due"
    return "not_met"


def decision_needs_reason(decision: str, screening_positive: bool, is_switch: bool) -> bool:
    """A-6/A-8: a reason is required for a switch and for ``not_assign`` despite a positive screening."""
    return is_switch or (decision == "not_assign" and screening_positive)


ASSIGN = "assign"  # models.Decision.ASSIGN (kept as a literal: this module imports no models)


# --- is the stay WMR on a date? (a switch out of WMR ends applicability from the switch date) ---------------


@dataclass(frozen=True)
class DecisionFact:
    """An assignment decision (models.AssignmentDecision): ``assign`` = WMR, ``not_assign`` = no WMR."""

    decision: str
    decided_on: dt.date
    effective_from: dt.date


@dataclass(frozen=True)
class Applicability:
    applies: bool
    reason: str = ""


def wmr_applicability(decisions: Iterable[DecisionFact], today: dt.date) -> Applicability:
    """Do the WMR indicators apply to the stay on ``today``?

    The current decision is the last one decided on or before ``today`` (``decisions`` oldest first, as recorded).
    WMR → applies. A switch out of WMR ends the applicability from its effective date (before that date the stay
    is still WMR). No decision, or decided against WMR from the start → not applicable.
    """
    known = [d for d in decisions if d.decided_on <= today]
    if not known:
        return Applicability(False, gettext("No WMR decision yet."))
    current = known[-1]
    if current.decision == ASSIGN:
        return Applicability(True)
    if any(d.decision == ASSIGN for d in known[:-1]):
        if today < current.effective_from:
            return Applicability(True)
        return Applicability(
            False, gettext("Switched out of WMR from %(date)s.") % {"date": f"{current.effective_from:%d.%m.%Y}"}
        )
    return Applicability(False, gettext("The stay is not assigned to WMR."))
