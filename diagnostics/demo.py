"""The diagnostics part of the demo clinic (mini_icf_app.md §9.1, rec 4.1, 4.5): sessions, a job description and
capacity + demand profiles on Mini-ICF-APP for a few demo stays with a WMR decision.

Runs after ``patients.demo``, ``screening.demo`` (the WMR decisions) and ``goals.demo``; idempotent (a stay with a
session or profile is left alone). Everything goes through the services (audit rows, rules enforced).

- Katharina Braun (bank clerk in customer service) gets the worked profile of §9.1, rated by two professions each,
  so the comparison shows 1 marked overload (endurance) and 4 overloads (planning, flexibility, assertiveness,
  contact); her diagnostics at the start reach 105 minutes with three professions (rec 4.1 met).
- The next WMR stay gets one session of 60 minutes by a psychologist only: short of rec 4.1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from diagnostics.models import DiagnosticSession, Profile, ProfileInstrument
from diagnostics.services.jobs import job_description_save
from diagnostics.services.profiles import RatingEntry, profile_create, rating_record
from diagnostics.services.sessions import session_record
from patients.demo import FACILITIES
from patients.models import Stay, StayStatus
from screening.models import Decision
from screening.selectors_assignment import stay_assignment
from staff.models import User

WORKED_STAY = ("Katharina", "Braun")

# §9.1: impairment I (capacity) and demand D per dimension, customer-service clerk
WORKED_I = {
    "rules_routines": 1,
    "planning": 2,
    "flexibility": 2,
    "competence": 0,
    "judgement": 1,
    "proactivity": 2,
    "endurance": 3,
    "assertiveness": 2,
    "contact": 1,
    "group": 1,
    "dyadic": 1,
    "self_care": 0,
    "mobility": 0,
}
WORKED_D = {
    "rules_routines": 3,
    "planning": 3,
    "flexibility": 3,
    "competence": 2,
    "judgement": 2,
    "proactivity": 2,
    "endurance": 3,
    "assertiveness": 3,
    "contact": 4,
    "group": 2,
    "dyadic": 0,
    "self_care": 1,
    "mobility": 1,
}
# who rates which dimensions (rec 4.8: interprofessional)
CAPACITY_RATERS = (("psychologin", list(WORKED_I)[:8]), ("ergotherapie", list(WORKED_I)[8:]))
DEMAND_RATERS = (("sozialarbeit", list(WORKED_D)[:7]), ("ergotherapie", list(WORKED_D)[7:]))
ANCHORS = {
    "endurance": "Bricht Belastungserprobung nach 90 Minuten erschöpft ab (Beobachtung Arbeitstherapie).",
    "planning": "Braucht für mehrschrittige Aufgaben eine schriftliche Struktur.",
    "contact": "Im Gruppenkontakt zugewandt, am Telefon rasch angespannt.",
}


def _day(stay: Stay, n: int) -> dt.date:
    return stay.admission_date + dt.timedelta(days=n - 1)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _wmr_stays(today: dt.date) -> list[Stay]:
    stays = (
        Stay.objects.filter(facility__ik_number__in=[f.ik_number for f in FACILITIES], status=StayStatus.ADMITTED)
        .filter(diagnostic_sessions__isnull=True, profiles__isnull=True)
        .select_related("patient", "facility")
        .order_by("admission_date", "number")
        .distinct()
    )
    found = []
    for stay in stays:
        decision = stay_assignment(stay, today).current_decision
        if decision is not None and decision.decision == Decision.ASSIGN and today >= _day(stay, 3):
            found.append(stay)
    # the worked profile's stay first
    return sorted(found, key=lambda s: (s.patient.first_name, s.patient.last_name) != WORKED_STAY)


def _worked(stay: Stay, today: dt.date) -> None:
    psych, social, ot = _user("psychologin"), _user("sozialarbeit"), _user("ergotherapie")
    session_record(
        by=psych,
        stay=stay,
        held_on=_day(stay, 2),
        minutes=60,
        professions=["psychologist", "social_worker"],
        staff=[psych, social],
        content="Arbeitsanamnese, Belastungen am Arbeitsplatz, Erwartungen an die Rückkehr",
        today=today,
    )
    session_record(
        by=ot,
        stay=stay,
        held_on=_day(stay, 3),
        minutes=45,
        professions=["occupational_therapist"],
        staff=[ot],
        content="Arbeitsprobe Bildschirmarbeit mit Telefonunterbrechungen",
        today=today,
    )
    job = job_description_save(
        by=social,
        stay=stay,
        data={
            "job_title": "Kundenberaterin Servicecenter (Bank)",
            "hours_per_week": Decimal("39.0"),
            "shift_work": "two_shifts",
            "main_tasks": "Telefonische und schriftliche Kundenanfragen, Reklamationen, Terminvergabe",
            "physical_demands": "Überwiegend sitzend am Bildschirm, Headset",
            "mental_demands": "Hohe Taktung, Zielvorgaben je Stunde, schwierige Kundengespräche",
            "source": "company",
            "source_note": "Stellenbeschreibung der Personalabteilung",
            "recorded_on": _day(stay, 3),
        },
    )
    if today < _day(stay, 5):
        return
    mini_icf = ProfileInstrument.objects.get(code="mini_icf_app", version="1")
    capacity = profile_create(
        by=psych,
        stay=stay,
        kind="capacity",
        instrument=mini_icf,
        timepoint="admission",
        reference_context="concrete_job",
        reference_job_title=job.job_title,
        evidence_sources=["interview", "observation", "assessment"],
        rated_on=_day(stay, 4),
        today=today,
    )
    demand = profile_create(
        by=social,
        stay=stay,
        kind="demand",
        instrument=mini_icf,
        job_description=job,
        rated_on=_day(stay, 5),
        today=today,
    )
    for profile, raters, values in ((capacity, CAPACITY_RATERS, WORKED_I), (demand, DEMAND_RATERS, WORKED_D)):
        for username, codes in raters:
            rater = _user(username)
            entries = {
                code: RatingEntry(value=values[code], anchor=ANCHORS.get(code, "") if profile is capacity else "")
                for code in codes
            }
            rating_record(by=rater, profile=profile, ratings=entries)


def _short(stay: Stay, today: dt.date) -> None:
    session_record(
        by=_user("psychologin"),
        stay=stay,
        held_on=_day(stay, 2),
        minutes=60,
        professions=["psychologist"],
        content="Arbeitsanamnese",
        today=today,
    )


def load_diagnostics_demo(today: dt.date) -> int:
    """Diagnostics for up to two demo WMR stays (worked profile §9.1, and one short of rec 4.1); returns how many
    stays got diagnostics. A stay that has any already is left alone, so a second run changes nothing."""
    if DiagnosticSession.objects.filter(stay__facility__ik_number__in=[f.ik_number for f in FACILITIES]).exists():
        return 0
    if Profile.objects.filter(stay__facility__ik_number__in=[f.ik_number for f in FACILITIES]).exists():
        return 0
    stays = _wmr_stays(today)
    for stay, build in zip(stays, (_worked, _short), strict=False):
        build(stay, today)
    return min(len(stays), 2)
