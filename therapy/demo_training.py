"""The workplace-training part of the demo clinic: one WMR stay with a training plan, three sub-goals (one achieved,
one partly, one open), two work situations practised and three transfer strategies in the patient's words.

Runs after ``patients.demo`` and ``screening.demo`` (the stay must be WMR by then). Everything goes through the
services (audit rows, rules enforced) by the demo occupational therapist. Idempotent: when one of the candidate stays
already has a training nothing is written. The data is German, as the clinic staff would have typed it.
"""

from __future__ import annotations

import datetime as dt

from patients.demo import FACILITIES
from patients.models import Stay, StayStatus
from screening.models import Decision
from screening.selectors_assignment import stay_assignment
from staff.models import User
from therapy.models import TrainingPlan
from therapy.selectors_training import profile_basis_suggestion
from therapy.services import training as services

DEMO_THERAPIST = "ergotherapie"
# Admitted WMR stays of the demo with the occupational therapist on the team, in order of preference; each has
# reached at least day 15, so every date below lies in the past.
CANDIDATES = (("Sabine", "Hoffmann"), ("Katharina", "Braun"))
LAST_DAY_USED = 13

FALLBACK_BASIS = (
    "Fähigkeitsprofil bei Aufnahme: Ausdauer und Belastbarkeit deutlich unter den Anforderungen der Pflege im "
    "Schichtdienst; Planung und Strukturierung leicht eingeschränkt; Kontaktfähigkeit erhalten."
)
SUBGOALS = (
    ("Eine Dienstübergabe von 20 Minuten strukturiert führen", "Beobachtung im Rollenspiel mit Checkliste", "yes", ""),
    (
        "Zwei Stunden am Stück körperlich arbeiten, mit selbst gewählter Pause",
        "Arbeitsprotokoll der Trainingseinheiten",
        "partly",
        "Pause wird noch oft vergessen, nach 90 Minuten deutliche Erschöpfung.",
    ),
    ("Einen Konflikt mit einer Kollegin sachlich ansprechen", "Rollenspiel mit Rückmeldung der Gruppe", None, ""),
)
SITUATIONS = (
    (7, "Dienstübergabe am Stationsbett (Rollenspiel)", "Strukturiert, anfangs hohes Tempo, dann ruhiger."),
    (10, "Lagern und Mobilisieren an der Übungspuppe, 90 Minuten", "Nach 70 Minuten Rückenschmerz, Pause eingelegt."),
)
STRATEGIES = (
    (11, "Wenn der Dienst hektisch wird", "Ich atme einmal tief durch und schreibe die drei wichtigsten Aufgaben auf."),
    (12, "Nach 90 Minuten körperlicher Arbeit", "Ich mache fünf Minuten Pause, auch wenn viel los ist."),
    (13, "Wenn mich eine Kollegin kritisiert", "Ich frage nach, was genau sie meint, bevor ich antworte."),
)


def _demo_stays():
    return (
        Stay.objects.filter(facility__ik_number__in=[f.ik_number for f in FACILITIES], status=StayStatus.ADMITTED)
        .select_related("patient")
        .order_by("admission_date", "number")
    )


def _candidate(today: dt.date) -> Stay | None:
    stays = {(s.patient.first_name, s.patient.last_name): s for s in _demo_stays()}
    for name in CANDIDATES:
        stay = stays.get(name)
        if stay is None or (stay.day(today) or 0) <= LAST_DAY_USED:
            continue
        decision = stay_assignment(stay, today).current_decision
        if decision is not None and decision.decision == Decision.ASSIGN:
            return stay
    return None


def load_training_demo(today: dt.date) -> int:
    """Record the demo training on the first candidate stay that is WMR; returns 1 when it was recorded, 0 when a
    candidate already has one or none is WMR (yet)."""
    if TrainingPlan.objects.filter(stay__in=_demo_stays()).exists():
        return 0
    stay = _candidate(today)
    if stay is None:
        return 0
    therapist = User.objects.get(username=DEMO_THERAPIST)

    def day(n: int) -> dt.date:
        return stay.admission_date + dt.timedelta(days=n - 1)

    plan = services.training_plan_start(
        by=therapist, stay=stay, starts_on=day(5), profile_basis=profile_basis_suggestion(stay) or FALLBACK_BASIS
    )
    for text, verification, result, note in SUBGOALS:
        subgoal = services.subgoal_add(
            by=therapist, plan=plan, text=text, verification=verification, agreed_on=day(5), today=today
        )
        if result:
            services.subgoal_assess(
                by=therapist, subgoal=subgoal, result=result, note=note, assessed_on=day(LAST_DAY_USED), today=today
            )
    for n, description, observation in SITUATIONS:
        services.situation_add(
            by=therapist, plan=plan, description=description, practised_on=day(n), observation=observation, today=today
        )
    for n, situation, strategy in STRATEGIES:
        services.strategy_add(
            by=therapist, plan=plan, situation=situation, strategy=strategy, written_on=day(n), today=today
        )
    return 1
