"""Reads of the reminders app: the stays and care teams of a run, the items due on them (through the indicator
functions of the case overview and the compliance registry), and a user's own reminders for the pages and the API.

Queries of ``due_items`` (linear in the stays, never in the care-team members): 3 for the first counseling of all
admitted stays at once (``therapy.selectors_progress.stays_facts``), 1 for the graded-return plans of all stays, and
per stay only where a deadline can have come: 9 for the department code (from day 7), 3 for the goal review
(admitted stays), 6 for the discharge letter (from discharge + 5 days).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from compliance.indicators import start as start_indicators
from compliance.indicators import start_rules
from goals.selectors import stay_goals_state
from patients.models import CareTeamMembership, Stay, StayStatus
from reintegration import hamburg
from reintegration.models import GradedReturnPlan, PlanStatus
from reintegration.selectors_indicators import stay_rtw_indicators
from reminders import rules
from reminders.models import Reminder, ReminderPreference, ReminderState
from screening import rules as screening_rules
from therapy import rules as therapy_rules
from therapy.selectors_progress import stays_facts

# A plan in these states is still being prepared in the clinic (K-5: to be submitted to the payer).
PLAN_NOT_SUBMITTED = (PlanStatus.DRAFT, PlanStatus.CONSENTS_PENDING, PlanStatus.READY)


def stays_for_run(today: dt.date, facility_ids: Iterable[int] | None = None) -> list[Stay]:
    """Admitted stays and stays discharged within ``RECENT_DISCHARGE_DAYS`` (one query, with the facility)."""
    since = today - dt.timedelta(days=rules.RECENT_DISCHARGE_DAYS)
    stays = Stay.objects.filter(
        Q(status=StayStatus.ADMITTED) | Q(status=StayStatus.DISCHARGED, discharge_date__gte=since)
    ).select_related("facility")
    if facility_ids is not None:
        stays = stays.filter(facility_id__in=list(facility_ids))
    return list(stays.order_by("facility_id", "pk"))


def care_teams(stay_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """``(user id, team function)`` of the active members of each stay's care team (one query)."""
    teams: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = CareTeamMembership.objects.filter(stay_id__in=stay_ids, user__is_active=True).values_list(
        "stay_id", "user_id", "function"
    )
    for stay_id, user_id, function in rows:
        teams[stay_id].append((user_id, function))
    return teams


def _first_counseling(admitted: list[Stay], today: dt.date) -> list[rules.DueItem]:
    """Rec 5.3 for every admitted stay from day 14 on, in three queries."""
    due_day = therapy_rules.FIRST_COUNSELING_DUE_DAY
    stays = [s for s in admitted if today >= rules.day_date(s.admission_date, due_day)]
    facts = stays_facts(stays, today)
    items = []
    for stay in stays:
        result = therapy_rules.first_counseling_within_14d(facts[stay.pk], today)
        items.append(rules.first_counseling(stay.pk, stay.admission_date, result, due_day, today))
    return [item for item in items if item]


def _department_code(stay: Stay, today: dt.date) -> rules.DueItem | None:
    """Rec 2.5 from day 7 (or from the discharge, when earlier): 9 queries (the overview's ``stay_assignment``)."""
    earliest = rules.day_date(stay.admission_date, screening_rules.WEEK1_LAST_DAY)
    if stay.discharge_date is not None:
        earliest = min(earliest, stay.discharge_date)
    if today < earliest:
        return None
    result = start_rules.department_code_corrected_week1(start_indicators.stay_facts(stay, today), today)
    return rules.department_code(stay.pk, stay.admission_date, result, today)


def _goal_review(stay: Stay, today: dt.date) -> rules.DueItem | None:
    state = stay_goals_state(stay, today)  # 3 queries, as on the case overview
    return rules.goal_review(stay.pk, state.next_review_on, state.next_review_state, today)


def _discharge_letter(stay: Stay, today: dt.date) -> rules.DueItem | None:
    if stay.status != StayStatus.DISCHARGED or today < rules.letter_due_on(stay.discharge_date):
        return None
    found = stay_rtw_indicators(stay, today)  # 6 queries, as on the case overview
    result = found.by_key[rules.MEASURES[rules.DISCHARGE_LETTER]]
    return rules.discharge_letter(stay.pk, found.facts.discharged_on, result, found.facts.letter is not None, today)


def _graded_return(stays: list[Stay], today: dt.date) -> list[rules.DueItem]:
    """K-5 for the newest graded-return plan of every stay with a discharge date (one query)."""
    dated = {s.pk: s for s in stays if s.discharge_date is not None}
    newest: dict[int, str] = {}
    rows = (
        GradedReturnPlan.objects.filter(stay_id__in=list(dated))
        .order_by("stay_id", "-version")
        .values_list("stay_id", "status")
    )
    for stay_id, status in rows:
        newest.setdefault(stay_id, status)
    items = []
    for stay_id, status in newest.items():
        latest = hamburg.latest_submission_date(dated[stay_id].discharge_date)
        items.append(rules.graded_return(stay_id, latest, status in PLAN_NOT_SUBMITTED, today))
    return [item for item in items if item]


def due_items(stays: list[Stay], today: dt.date) -> list[rules.DueItem]:
    """Every item due today or overdue on ``stays``, each judged once per stay (not per care-team member)."""
    admitted = [s for s in stays if s.status == StayStatus.ADMITTED]
    items = _first_counseling(admitted, today) + _graded_return(stays, today)
    for stay in stays:
        items.append(_department_code(stay, today))
        items.append(_discharge_letter(stay, today))
    for stay in admitted:
        items.append(_goal_review(stay, today))
    return sorted((item for item in items if item), key=lambda i: (i.stay_id, rules.KINDS.index(i.kind)))


def live_reminders(today: dt.date) -> QuerySet[Reminder]:
    """Reminders a run may have to close or skip: open and snoozed ones, and those of ``today`` (any state)."""
    return Reminder.objects.filter(Q(state__in=[ReminderState.OPEN, ReminderState.SNOOZED]) | Q(created_for=today))


def email_users(user_ids: Iterable[int]) -> set[int]:
    """Those of ``user_ids`` who want their reminders by e-mail too (one query)."""
    return set(
        ReminderPreference.objects.filter(user_id__in=list(user_ids), email=True).values_list("user_id", flat=True)
    )


def my_reminders(user) -> QuerySet[Reminder]:
    """The user's open and snoozed reminders on stays whose care team they are still on, with stay and patient."""
    return (
        Reminder.objects.filter(
            user=user,
            state__in=[ReminderState.OPEN, ReminderState.SNOOZED],
            stay__care_team__user=user,
        )
        .select_related("stay__patient")
        .order_by("due_on", "stay__number", "kind")
    )


def my_reminder(user, pk) -> Reminder | None:
    """One reminder of the user's own (any state), or None for anyone else's or an unknown id."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return Reminder.objects.filter(user=user, pk=pk).select_related("stay__patient").first()


def preference_of(user) -> bool:
    return ReminderPreference.objects.filter(user=user, email=True).exists()
