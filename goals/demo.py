"""The goal-agreement part of the demo clinic: the demo stays with a WMR decision get a goal agreement (rec 3.4–3.9).

Runs after ``patients.demo`` and ``screening.demo``; idempotent (a stay with an agreement is left alone). Everything
goes through the services (audit rows, rules enforced). The first stay far enough into its stay has its goals
reviewed after the diagnostics with one goal changed, so it shows two versions; discharged stays are reviewed at
discharge; every third stay has not received its copy yet, and one stay wrote its goals late (day 9).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from goals import documents, services
from goals.models import GoalAgreement
from patients.demo import DEMO_PSYCHOLOGIST, FACILITIES
from patients.models import Stay, StayStatus, TeamFunction
from screening.models import Decision
from screening.selectors_assignment import stay_assignment
from staff.models import User

BERLIN = ZoneInfo("Europe/Berlin")


def _goals(review_on: dt.date) -> list[dict]:
    return [
        {
            "area": "work",
            "text": "Wieder sechs Stunden am Tag konzentriert am Arbeitsplatz arbeiten",
            "target": "In der Arbeitstherapie an 5 Tagen je 3 Stunden am Stück, mit Belastungsprotokoll",
            "responsible": "patient",
            "review_on": review_on,
        },
        {
            "area": "health",
            "text": "Frühe Warnzeichen von Überlastung erkennen und gegensteuern",
            "target": "Drei persönliche Warnzeichen und je eine Gegenmaßnahme schriftlich festgehalten",
            "responsible": "therapist",
            "review_on": review_on,
        },
        {
            "area": "participation",
            "text": "Die Rückkehr an den Arbeitsplatz mit dem Arbeitgeber vorbereiten",
            "target": "Gespräch mit dem Arbeitgeber oder BEM-Team vereinbart, Stufenplan besprochen",
            "responsible": "named",
            "responsible_name": "Sozialdienst (Herr Krause)",
            "review_on": review_on,
        },
    ]


CHANGED_GOAL = {
    "area": "work",
    "text": "Stufenweise wieder in die Arbeit einsteigen, zunächst vier Stunden am Tag",
    "target": "Stufenplan mit 4 Stunden in den ersten zwei Wochen mit Arbeitgeber und Ärztin abgestimmt",
    "responsible": "team",
}


def _day(stay: Stay, n: int) -> dt.date:
    return stay.admission_date + dt.timedelta(days=n - 1)


def _primary(stay: Stay) -> User:
    membership = stay.care_team.filter(function=TeamFunction.PRIMARY_THERAPIST).select_related("user").first()
    return membership.user if membership else User.objects.get(username=DEMO_PSYCHOLOGIST)


def _copy(by: User, agreement: GoalAgreement, on: dt.date, today: dt.date, *, hand_over: bool) -> None:
    documents.copy_create(by=by, agreement=agreement, now=dt.datetime.combine(on, dt.time(14), tzinfo=BERLIN))
    if hand_over:
        services.copy_handed_over_record(by=by, agreement=agreement, handed_over_on=on, today=today)


def _outcomes(agreement: GoalAgreement, codes: list[str]) -> dict[int, tuple[str, str]]:
    goals = list(agreement.goals.order_by("position"))
    return {goal.pk: (code, "") for goal, code in zip(goals, codes, strict=True)}


def _agreement_for(stay: Stay, *, index: int, with_change: bool, today: dt.date) -> bool:
    """Write, agree, print and review the goals of one stay as far as its days allow; True if it got a change."""
    last_day = min(today, stay.discharge_date or today)
    if last_day < _day(stay, 4):
        return False
    by = _primary(stay)
    written_on = _day(stay, 9) if index == 2 and last_day >= _day(stay, 10) else _day(stay, 3)
    agreement = services.agreement_start(by=by, stay=stay, written_on=written_on, today=today)
    for values in _goals(review_on=_day(stay, 14)):
        services.goal_add(by=by, agreement=agreement, **values)
    agreed_on = written_on + dt.timedelta(days=1)
    services.agreement_agree(
        by=by,
        agreement=agreement,
        agreed_on=agreed_on,
        agreed_how="signed" if index % 2 else "conversation",
        today=today,
    )
    _copy(by, agreement, agreed_on, today, hand_over=index % 3 != 1)
    if last_day < _day(stay, 14):
        return False
    review = services.review_record(
        by=by,
        agreement=agreement,
        occasion="after_diagnostics",
        reviewed_on=_day(stay, 14),
        outcomes=_outcomes(agreement, ["changed" if with_change else "partly", "achieved", "partly"]),
        note="Abgleich mit dem Fähigkeits- und Anforderungsprofil der Diagnostik.",
        today=today,
    )
    if review.new_version is not None:
        new = review.new_version
        services.goal_update(by=by, goal=new.goals.get(position=1), **CHANGED_GOAL, review_on=_day(stay, 21))
        services.agreement_agree(by=by, agreement=new, agreed_on=_day(stay, 14), agreed_how="signed", today=today)
        _copy(by, new, _day(stay, 14), today, hand_over=True)
        agreement = new
    if stay.status == StayStatus.DISCHARGED and stay.discharge_date and stay.discharge_date <= today:
        services.review_record(
            by=by,
            agreement=agreement,
            occasion="discharge",
            reviewed_on=stay.discharge_date,
            outcomes=_outcomes(agreement, ["achieved", "achieved", "partly"]),
            today=today,
        )
    return review.new_version is not None


def load_goals_demo(today: dt.date) -> int:
    """Goal agreements for the demo stays with a current WMR decision; returns how many stays got one."""
    stays = (
        Stay.objects.filter(facility__ik_number__in=[f.ik_number for f in FACILITIES])
        .exclude(status=StayStatus.INVITED)
        .filter(goal_agreements__isnull=True)
        .select_related("patient", "facility")
        .order_by("admission_date", "number")
    )
    done = 0
    changed = GoalAgreement.objects.filter(stay__facility__ik_number__in=[f.ik_number for f in FACILITIES], version=2)
    change_left = not changed.exists()
    for stay in stays:
        decision = stay_assignment(stay, min(today, stay.discharge_date or today)).current_decision
        if decision is None or decision.decision != Decision.ASSIGN:
            continue
        if _agreement_for(stay, index=done, with_change=change_left, today=today):
            change_left = False
        if GoalAgreement.objects.filter(stay=stay).exists():
            done += 1
    return done
