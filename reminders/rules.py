"""Pure rules of the reminders (issue 11): which item is due today or overdue, and who is reminded. No ORM, no clock.

The judgement whether something is still open is never made here: each kind reads the result of the indicator
function the case overview and the compliance registry use (``wmr.indicators.IndicatorResult``) or the overview's
own state, and this module only turns "still open" plus a due date into ``due`` (today is the due date) or
``overdue`` (it has passed). Sources, due dates and recipients per kind:

=================  ==========================================  ====================================  ================
kind               source (measure key / overview state)        due date                              reminded
=================  ==========================================  ====================================  ================
first_counseling   ``first_counseling_within_14d`` (rec 5.3,    day 14 (``therapy.rules.              social worker
                   ``therapy.rules``): not yet due or not met    FIRST_COUNSELING_DUE_DAY``)
                   with no counseling held
department_code    ``department_code_corrected_week1`` (2.5,    the §301 task's due day (the          physician
                   ``compliance.indicators.start_rules``): not   result's ``target``: day 7, or the
                   yet due or not met, not corrected            discharge when earlier)
goal_review        the overview's goals state                   the earliest review date of the       primary
                   (``goals.selectors.stay_goals_state``,       agreed goals not reviewed yet          therapist
                   ``goals.rules.date_state``): due / overdue
discharge_letter   ``two_discharge_copies`` (8.17,              discharge + 5 days                    physician
                   ``reintegration.indicators``): not met and   (``LETTER_SIGN_DAYS``, issue 11)
                   no signed letter
graded_return      the stay's open graded-return plan not yet   K-5: discharge + 14 days              social worker
                   submitted (``reintegration.hamburg``)        (``hamburg.latest_submission_date``:
                                                                28-day window F-1 − 14 days lead V-8)
=================  ==========================================  ====================================  ================

Recipients: every care-team member holding the kind's function; when nobody on the team holds it, the next function
of ``RECIPIENTS`` (the primary therapist, who coordinates the case).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from wmr.indicators import IndicatorResult, IndicatorState

FIRST_COUNSELING = "first_counseling"
DEPARTMENT_CODE = "department_code"
GOAL_REVIEW = "goal_review"
DISCHARGE_LETTER = "discharge_letter"
GRADED_RETURN = "graded_return"
KINDS = (FIRST_COUNSELING, DEPARTMENT_CODE, GOAL_REVIEW, DISCHARGE_LETTER, GRADED_RETURN)

# The measure keys (wmr/data/recommendations.csv) whose indicator functions decide whether the item is open; goal
# review and graded return have no measure of their own and read the overview's state (see the table above).
MEASURES = {
    FIRST_COUNSELING: "first_counseling_within_14d",
    DEPARTMENT_CODE: "department_code_corrected_week1",
    GOAL_REVIEW: "",
    DISCHARGE_LETTER: "two_discharge_copies",
    GRADED_RETURN: "",
}

# Issue 11: "letter not signed 5 days after discharge" — due on the fifth day after the discharge date.
LETTER_SIGN_DAYS = 5
# PRODUCT CHOICE: discharged stays are looked at for four weeks after discharge (the graded return's DRV window, F-1);
# later an unsigned letter is on the compliance dashboard, not in the morning's reminders.
RECENT_DISCHARGE_DAYS = 28

PRIMARY_THERAPIST = "primary_therapist"
PHYSICIAN = "physician"
SOCIAL_WORKER = "social_worker"
# Who is reminded of what (team functions of patients.models.TeamFunction), in order of preference: psychosocial
# counseling and the graded return are the social service's; the §301 code and the letter the physician's; the goal
# review the primary therapist's, who agreed the goals with the patient.
RECIPIENTS: dict[str, tuple[str, ...]] = {
    FIRST_COUNSELING: (SOCIAL_WORKER, PRIMARY_THERAPIST),
    DEPARTMENT_CODE: (PHYSICIAN, PRIMARY_THERAPIST),
    GOAL_REVIEW: (PRIMARY_THERAPIST, PHYSICIAN),
    DISCHARGE_LETTER: (PHYSICIAN, PRIMARY_THERAPIST),
    GRADED_RETURN: (SOCIAL_WORKER, PRIMARY_THERAPIST),
}

DUE = "due"
OVERDUE = "overdue"

# Snoozing: until a later day, at most this far ahead (PRODUCT CHOICE: a reminder is not to be buried).
MAX_SNOOZE_DAYS = 60


@dataclass(frozen=True)
class DueItem:
    """One item of one stay that is due today or overdue."""

    stay_id: int
    kind: str
    item_key: str
    due_on: dt.date
    state: str  # DUE or OVERDUE
    measure: str = ""


def due_state(is_open: bool, due_on: dt.date | None, today: dt.date) -> str | None:
    """``due`` when the open item's due date is today, ``overdue`` once it has passed, None otherwise (met, not
    applicable, or not yet due)."""
    if not is_open or due_on is None or today < due_on:
        return None
    return DUE if today == due_on else OVERDUE


def day_date(admission: dt.date, day: int) -> dt.date:
    """The date of day ``day`` of the stay (day 1 = admission day)."""
    return admission + dt.timedelta(days=day - 1)


def _waiting(result: IndicatorResult) -> bool:
    """The indicator is still waiting for the record: not yet due, or not met without the thing recorded at all
    (``value`` None). A "not met" with a value was done late: nothing left to remind of."""
    if result.state == IndicatorState.NOT_YET_DUE:
        return True
    return result.state == IndicatorState.NOT_MET and result.value is None


def first_counseling(
    stay_id: int, admission: dt.date, result: IndicatorResult, due_day: int, today: dt.date
) -> DueItem | None:
    """Rec 5.3 from ``therapy.rules.first_counseling_within_14d``: due on day ``due_day`` (14) while no individual
    counseling is held."""
    due_on = day_date(admission, due_day)
    return _item(stay_id, FIRST_COUNSELING, FIRST_COUNSELING, due_on, _waiting(result), today)


def department_code(stay_id: int, admission: dt.date, result: IndicatorResult, today: dt.date) -> DueItem | None:
    """Rec 2.5 from ``department_code_corrected_week1``: the result's ``target`` is the day the correction is due."""
    if result.target is None:
        return None
    due_on = day_date(admission, result.target)
    return _item(stay_id, DEPARTMENT_CODE, DEPARTMENT_CODE, due_on, _waiting(result), today)


def goal_review(stay_id: int, next_review_on: dt.date | None, overview_state: str, today: dt.date) -> DueItem | None:
    """The overview's goal-review state (``goals.rules.date_state``: due / overdue); one item per review date, so a
    new date after a review is a new item."""
    if next_review_on is None:
        return None
    key = f"{GOAL_REVIEW}:{next_review_on.isoformat()}"
    return _item(stay_id, GOAL_REVIEW, key, next_review_on, overview_state in (DUE, OVERDUE), today)


def letter_due_on(discharged_on: dt.date) -> dt.date:
    return discharged_on + dt.timedelta(days=LETTER_SIGN_DAYS)


def discharge_letter(
    stay_id: int, discharged_on: dt.date | None, result: IndicatorResult, letter_signed: bool, today: dt.date
) -> DueItem | None:
    """8.17's "no signed discharge letter" (``two_discharge_copies`` not met and no signed version), due
    ``LETTER_SIGN_DAYS`` after the discharge."""
    if discharged_on is None:
        return None
    is_open = result.state == IndicatorState.NOT_MET and not letter_signed
    return _item(stay_id, DISCHARGE_LETTER, DISCHARGE_LETTER, letter_due_on(discharged_on), is_open, today)


def graded_return(
    stay_id: int, latest_submission_on: dt.date | None, plan_waiting: bool, today: dt.date
) -> DueItem | None:
    """K-5: an open graded-return plan not yet submitted is due on the latest submission date that keeps the start
    within 28 days of the discharge (``hamburg.latest_submission_date``)."""
    return _item(stay_id, GRADED_RETURN, GRADED_RETURN, latest_submission_on, plan_waiting, today)


def _item(stay_id: int, kind: str, key: str, due_on: dt.date | None, is_open: bool, today: dt.date):
    state = due_state(is_open, due_on, today)
    if state is None:
        return None
    return DueItem(stay_id=stay_id, kind=kind, item_key=key, due_on=due_on, state=state, measure=MEASURES[kind])


def recipients(kind: str, team: Iterable[tuple[int, str]]) -> list[int]:
    """The user ids of the care team (``(user id, function)`` pairs) reminded of ``kind``: everyone holding the first
    function of ``RECIPIENTS[kind]`` that someone on the team holds; nobody when none does."""
    team = list(team)
    for function in RECIPIENTS[kind]:
        found = sorted({user_id for user_id, held in team if held == function})
        if found:
            return found
    return []


def snooze_problem(until: dt.date, today: dt.date) -> str | None:
    """``not_future`` (today or earlier) or ``too_far`` (more than ``MAX_SNOOZE_DAYS`` ahead)."""
    if until <= today:
        return "not_future"
    if (until - today).days > MAX_SNOOZE_DAYS:
        return "too_far"
    return None
