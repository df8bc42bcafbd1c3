"""Synthetic goal agreements (issue 10, recommendations 3.4–3.9). See ``synthetic.core`` for the frame.

Per admitted or discharged stay, the rows ``goals.services`` would write: version 1 written with the patient on day
3–6 (late on day 8–12, or never, when ``rng.random() > plan.compliance``) and agreed a day later, 3–5 goals (area,
measurable target, who is responsible, review date), the patient's copy handed over (the date only: the stored PDF
is not generated), the review after the diagnostics (day 14–20) with one outcome per goal — about one stay in six
changes a goal there, which makes version 2 (goals copied, each pointing at the goal it continues; agreed a day or
two later, version 1 superseded) — and the review at discharge. A stay whose next step lies after its last day
(``plan.last_day``) stops there: a draft waiting to be agreed, goals whose review is still ahead.

Rows: agreements and goals with ``Writer.insert`` (reviews and outcomes point at them), reviews likewise, outcomes
with ``Writer.copy``. Six bulk statements per chunk (each batched), no query per stay.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from goals.models import AgreedHow, AgreementStatus, Goal, GoalAgreement, GoalOutcome, GoalReview, Occasion
from synthetic.core import days

NAME = "goals"
BERLIN = ZoneInfo("Europe/Berlin")

# (area, goal, measurable target, responsible); "named" goals name the stay's social worker
GOALS = {
    "work": (
        (
            "Wieder sechs Stunden am Tag konzentriert arbeiten",
            "In der Arbeitstherapie an 5 Tagen je 3 Stunden am Stück, mit Belastungsprotokoll",
            "patient",
        ),
        (
            "Den Arbeitstag mit festen Pausen strukturieren",
            "Tagesplan mit mindestens drei Pausen an 10 aufeinanderfolgenden Tagen eingehalten",
            "patient",
        ),
        (
            "Konflikte mit Vorgesetzten ansprechen können",
            "Zwei Rollenspiele im Training sozialer Kompetenzen mit Selbsteinschätzung ≥ 6 von 10",
            "therapist",
        ),
        (
            "Die körperliche Belastbarkeit für die Tätigkeit aufbauen",
            "Arbeitsprobe über 4 Stunden ohne Abbruch, Schmerzskala ≤ 4",
            "team",
        ),
        (
            "Klarheit über die berufliche Perspektive gewinnen",
            "Entscheidung Rückkehr an den Arbeitsplatz oder Umschulung mit Begründung dokumentiert",
            "therapist",
        ),
    ),
    "health": (
        (
            "Frühe Warnzeichen von Überlastung erkennen und gegensteuern",
            "Drei persönliche Warnzeichen und je eine Gegenmaßnahme schriftlich festgehalten",
            "therapist",
        ),
        (
            "Besser ein- und durchschlafen",
            "Schlaftagebuch: an 5 von 7 Nächten mindestens 6 Stunden Schlaf",
            "patient",
        ),
        (
            "Eine Entspannungsmethode im Alltag anwenden",
            "Progressive Muskelentspannung an 5 Tagen pro Woche, im Protokoll belegt",
            "patient",
        ),
        (
            "Grübeln über die Arbeit begrenzen",
            "Grübelzeit von täglich über 2 Stunden auf unter 30 Minuten (Selbstbeobachtungsbogen)",
            "therapist",
        ),
    ),
    "participation": (
        (
            "Die Rückkehr an den Arbeitsplatz mit dem Arbeitgeber vorbereiten",
            "Gespräch mit dem Arbeitgeber oder BEM-Team vereinbart, Stufenplan besprochen",
            "named",
        ),
        (
            "Unterstützung nach der Reha organisieren",
            "Termin bei ambulanter Psychotherapie oder Nachsorgeangebot vereinbart",
            "named",
        ),
        (
            "Soziale Kontakte außerhalb der Arbeit wieder aufnehmen",
            "Zwei Verabredungen pro Woche in der Belastungserprobung am Wochenende",
            "patient",
        ),
    ),
}
CHANGED = {
    "work": (
        "Stufenweise wieder in die Arbeit einsteigen, zunächst vier Stunden am Tag",
        "Stufenplan mit 4 Stunden in den ersten zwei Wochen mit Arbeitgeber und Ärztin abgestimmt",
        "team",
    ),
    "health": (
        "Belastungsgrenzen im Alltag einhalten",
        "Belastungsprotokoll über 14 Tage ohne Überschreitung der vereinbarten Grenze",
        "patient",
    ),
    "participation": (
        "Den Wiedereinstieg mit dem Betriebsarzt abstimmen",
        "Termin beim Betriebsarzt vor der Entlassung vereinbart",
        "named",
    ),
}
AREA_ORDER = ("work", "health", "work", "participation", "health")
NOTES = ("", "", "", "Ziele im Bezugstherapeutengespräch erarbeitet.", "Patientin/Patient hat Ziele selbst formuliert.")
REVIEW_NOTES = ("", "", "Abgleich mit dem Fähigkeits- und Anforderungsprofil der Diagnostik.")


def _at(day: dt.date, rng) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.randrange(60)), tzinfo=BERLIN)


def _pick(rng, weights: tuple[tuple[str, int], ...]) -> str:
    x = rng.random() * sum(w for _, w in weights)
    for value, weight in weights:
        x -= weight
        if x < 0:
            return value
    return weights[-1][0]


MID_OUTCOMES = (("achieved", 25), ("partly", 50), ("not_achieved", 15))
END_OUTCOMES = (("achieved", 50), ("partly", 35), ("not_achieved", 15))


@dataclass
class _Stay:
    """The plan of one stay's agreement, decided before anything is inserted."""

    stay: object
    therapist: object
    named: str  # "a named person": the stay's social worker
    v1: GoalAgreement
    goals1: list[Goal]
    v2: GoalAgreement | None = None
    goals2: list[Goal] = field(default_factory=list)
    mid: tuple | None = None  # (reviewed_on, [outcome per goal], note)
    end: tuple | None = None  # (reviewed_on, [outcome per goal]) on the version agreed at discharge


def _goal_rows(rng, named: str, review_on: dt.date, count: int) -> list[Goal]:
    """The goals of version 1 (``agreement_id`` is set once the agreement has its primary key)."""
    used: set[str] = set()
    goals = []
    for position in range(1, count + 1):
        area = AREA_ORDER[position - 1]
        text, target, responsible = rng.choice([g for g in GOALS[area] if g[0] not in used] or GOALS[area])
        used.add(text)
        goals.append(
            Goal(
                position=position,
                area=area,
                text=text,
                target=target,
                responsible=responsible,
                responsible_name=named if responsible == "named" else "",
                review_on=review_on + days(7 if area == "participation" and rng.random() < 0.5 else 0),
            )
        )
    return goals


def _plan_stay(rng, options, plan, stay, team) -> _Stay | None:
    last = plan.last_day(options.today)
    if last is None:
        return None
    compliant = rng.random() <= plan.compliance
    if not compliant and rng.random() < 0.35:
        return None  # never written (rec 3.4 not met)
    written_on = plan.day(rng.randint(3, 6) if compliant else rng.randint(8, 12))
    if written_on > last:
        return None
    therapist = team["primary_therapist"]
    agreed_on = written_on + days(rng.choice((0, 1, 1, 2)))
    agreed = agreed_on <= last
    v1 = GoalAgreement(
        stay_id=stay.pk,
        version=1,
        status=AgreementStatus.AGREED if agreed else AgreementStatus.DRAFT,
        written_on=written_on,
        agreed_on=agreed_on if agreed else None,
        agreed_how=rng.choice((AgreedHow.CONVERSATION, AgreedHow.SIGNED, AgreedHow.SIGNED)) if agreed else "",
        note=rng.choice(NOTES),
        created_by_id=therapist.pk,
        created_at=_at(written_on, rng),
    )
    review_on = plan.day(rng.randint(14, 18))
    named = f"Sozialdienst ({team['social_worker'].display_name})"
    goals = _goal_rows(rng, named, review_on, rng.randint(3, 5))
    entry = _Stay(stay=stay, therapist=therapist, named=named, v1=v1, goals1=goals)
    if not agreed:
        return entry
    _copy(rng, plan, v1, therapist, last)
    current, current_goals = v1, entry.goals1
    mid_on = max(review_on, agreed_on) + days(rng.randint(0, 2))
    if mid_on <= last and rng.random() <= plan.compliance + 0.1:
        outcomes = [_pick(rng, MID_OUTCOMES) for _ in entry.goals1]
        if rng.random() < 0.18:
            outcomes[rng.randrange(len(outcomes))] = "changed"
        entry.mid = (mid_on, outcomes, rng.choice(REVIEW_NOTES))
        if "changed" in outcomes:
            entry.v2, entry.goals2 = _next_version(rng, plan, entry, outcomes, mid_on, last)
            if entry.v2.status == AgreementStatus.AGREED:
                v1.status = AgreementStatus.SUPERSEDED
                current, current_goals = entry.v2, entry.goals2
    if plan.status == "discharged" and rng.random() <= plan.compliance + 0.05:
        end_on = plan.discharge - days(rng.choice((0, 0, 1)))
        if end_on >= current.agreed_on:
            entry.end = (end_on, [_pick(rng, END_OUTCOMES) for _ in current_goals])
    return entry


def _copy(rng, plan, agreement: GoalAgreement, by, last: dt.date) -> None:
    """Rec 3.9: the copy handed over on the day of the agreement or soon after (not always)."""
    if rng.random() <= plan.compliance:
        on = min(last, agreement.agreed_on + days(rng.choice((0, 0, 1, 2))))
        agreement.copy_handed_over_on = on
        agreement.copy_handed_over_by_id = by.pk


def _next_version(rng, plan, entry: _Stay, outcomes: list[str], reviewed_on: dt.date, last: dt.date):
    """The draft a "changed" outcome makes (goals copied, the changed one rewritten), agreed when the days allow."""
    agreed_on = reviewed_on + days(rng.choice((0, 1, 2)))
    agreed = agreed_on <= last
    v2 = GoalAgreement(
        stay_id=entry.stay.pk,
        version=2,
        status=AgreementStatus.AGREED if agreed else AgreementStatus.DRAFT,
        written_on=reviewed_on,
        agreed_on=agreed_on if agreed else None,
        agreed_how=AgreedHow.SIGNED if agreed else "",
        note=f"Neue Version nach der Überprüfung vom {reviewed_on:%d.%m.%Y}.",
        created_by_id=entry.therapist.pk,
        created_at=_at(reviewed_on, rng),
    )
    goals = []
    for goal, outcome in zip(entry.goals1, outcomes, strict=True):
        copy = Goal(
            position=goal.position,
            area=goal.area,
            text=goal.text,
            target=goal.target,
            responsible=goal.responsible,
            responsible_name=goal.responsible_name,
            review_on=goal.review_on,
        )
        if outcome == "changed":
            copy.text, copy.target, copy.responsible = CHANGED[goal.area]
            copy.responsible_name = entry.named if copy.responsible == "named" else ""
            copy.review_on = reviewed_on + days(7)
        goals.append(copy)
    if agreed:
        _copy(rng, plan, v2, entry.therapist, last)
    return v2, goals


def seed_chunk(options, writer, chunk) -> None:
    rng = chunk.rng(options.seed, NAME)
    entries = []
    for plan, stay in zip(chunk.plans, chunk.stays, strict=True):
        if plan.status == "invited":
            continue
        entry = _plan_stay(rng, options, plan, stay, chunk.team[stay.pk])
        if entry is not None:
            entries.append(entry)
    writer.insert([e.v1 for e in entries])
    for e in entries:
        if e.v2 is not None:
            e.v2.previous_id = e.v1.pk
    writer.insert([e.v2 for e in entries if e.v2 is not None])
    goals = []
    for e in entries:
        for goal in e.goals1:
            goal.agreement_id = e.v1.pk
            goals.append(goal)
    writer.insert(goals)
    goals = []
    for e in entries:
        for old, new in zip(e.goals1, e.goals2, strict=False):
            new.agreement_id, new.previous_id = e.v2.pk, old.pk
            goals.append(new)
    writer.insert(goals)
    reviews = []  # (review, goals, outcome codes)
    for e in entries:
        by = e.therapist.pk
        if e.mid is not None:
            on, codes, note = e.mid
            review = GoalReview(
                agreement_id=e.v1.pk,
                occasion=Occasion.AFTER_DIAGNOSTICS,
                reviewed_on=on,
                note=note,
                new_version_id=e.v2.pk if e.v2 is not None else None,
                created_by_id=by,
                created_at=_at(on, rng),
            )
            reviews.append((review, e.goals1, codes))
        if e.end is not None:
            on, codes = e.end
            second = e.v2 is not None and e.v2.status == AgreementStatus.AGREED
            review = GoalReview(
                agreement_id=(e.v2 if second else e.v1).pk,
                occasion=Occasion.DISCHARGE,
                reviewed_on=on,
                created_by_id=by,
                created_at=_at(on, rng),
            )
            reviews.append((review, e.goals2 if second else e.goals1, codes))
    writer.insert([r for r, _, _ in reviews])
    writer.copy_values(
        GoalOutcome,
        ["review_id", "goal_id", "outcome", "note"],
        [
            (review.pk, goal.pk, code, "")
            for review, goals, codes in reviews
            for goal, code in zip(goals, codes, strict=True)
        ],
    )
    chunk.extra["goals.agreements"] = {e.stay.pk: (e.v2 if e.v2 and e.v2.agreed_on else e.v1) for e in entries}
