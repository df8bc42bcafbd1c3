"""The team-conference part of the demo clinic (rec 4.10, 9.12; mini_icf_app.md K-6).

Runs after ``diagnostics.demo`` (the worked profile of §9.1 on Katharina Braun's stay); idempotent: when the demo
facilities have any conference, nothing is written. Everything goes through the services (audit rows, rules).

- Three weekly conferences in "Am Kurpark" on the Wednesdays of the last three weeks: the newest two with four
  professions (9.12 met), the oldest with a psychologist and a social worker only (9.12 not met).
- The stay with the customer-service job ("Kundenberater…", the §9.1 profile) is discussed at the newest conference
  after its comparison was ready: endurance, planning, assertiveness and contact confirmed, flexibility dismissed
  with a note, the underloads decided; three therapies planned from the catalogue (work-related group, workplace
  training with its focus, individual counseling).
- The admin role's "Administration" group may manage the therapy catalogue in the Django admin.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group, Permission

from diagnostics.models import Profile, ProfileKind, TeamConference, TherapyCatalogueItem
from diagnostics.services.conference import (
    ParticipantInput,
    case_add,
    case_findings_set,
    case_flags_decide,
    conference_create,
    planned_therapy_add,
)
from patients.demo import ADMIN_GROUP, FACILITIES
from patients.models import Facility, Stay
from staff.models import Profession, User

WEDNESDAY = 2
FULL_TEAM = (
    ("psychologin", Profession.PSYCHOLOGIST),
    ("aerztin", Profession.PHYSICIAN),
    ("sozialarbeit", Profession.SOCIAL_WORKER),
    ("ergotherapie", Profession.OCCUPATIONAL_THERAPIST),
)
TWO_PROFESSIONS = (("psychologin", Profession.PSYCHOLOGIST), ("sozialarbeit", Profession.SOCIAL_WORKER))
RECORDER = "psychologin"
DEMO_FLAGGED = {"overload_marked", "overload", "underload"}

DECISIONS = {
    "endurance": ("confirmed", "Deckt sich mit dem Abbruch der Belastungserprobung nach 90 Minuten."),
    "planning": ("confirmed", ""),
    "assertiveness": ("confirmed", "Reklamationsgespräche sind der Hauptauslöser."),
    "contact": ("confirmed", ""),
    "flexibility": ("dismissed", "Im Stationsalltag flexibel; das Rating war zu streng angesetzt."),
    "competence": ("confirmed", "Fachlich unterfordert seit der Umstellung auf das Servicecenter."),
    "self_care": ("dismissed", "Für die Tätigkeit ohne Bedeutung."),
    "mobility": ("dismissed", "Für die Tätigkeit ohne Bedeutung."),
}
THERAPIES = (
    ("work_group_stress", "", ["endurance", "planning"], 90),
    (
        "workplace_training",
        "Reklamationstelefonate unter Zeitvorgabe, mit Pausenplanung",
        ["endurance", "contact", "assertiveness"],
        120,
    ),
    ("individual_counseling", "Tagesstruktur und Prioritäten im Servicecenter", ["planning"], 50),
)
FINDINGS = (
    "Ausgeprägte Überforderung bei Durchhaltefähigkeit; Überforderung bei Planung, Durchsetzung und Kontakt mit "
    "Kunden am Telefon. Flexibilität nicht bestätigt. Fachliche Unterforderung ansprechen (Gespräch mit der "
    "Personalentwicklung nach Einwilligung)."
)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _wednesdays(today: dt.date, n: int) -> list[dt.date]:
    """The last ``n`` Wednesdays on or before ``today``, newest first."""
    newest = today - dt.timedelta(days=(today.weekday() - WEDNESDAY) % 7)
    return [newest - dt.timedelta(weeks=i) for i in range(n)]


def _discussed_stay(facility: Facility) -> Stay | None:
    """The §9.1 stay (its job description is the customer-service job), else any stay with both profiles."""
    stays = Stay.objects.filter(facility=facility).select_related("patient")
    worked = stays.filter(job_descriptions__job_title__startswith="Kundenberater").order_by("admission_date").first()
    if worked is not None:
        return worked
    with_capacity = Profile.objects.filter(kind=ProfileKind.CAPACITY).values("stay_id")
    with_demand = Profile.objects.filter(kind=ProfileKind.DEMAND).values("stay_id")
    return stays.filter(pk__in=with_capacity).filter(pk__in=with_demand).order_by("admission_date").first()


def _ready_on(stay: Stay) -> dt.date | None:
    dates = {
        kind: Profile.objects.filter(stay=stay, kind=kind, ratings__isnull=False).order_by("-rated_on").first()
        for kind in (ProfileKind.CAPACITY, ProfileKind.DEMAND)
    }
    if any(p is None for p in dates.values()):
        return None
    return max(p.rated_on for p in dates.values())


def grant_catalogue_to_admin_group() -> None:
    """The admin role maintains the therapy catalogue (and nothing else of diagnostics) in the Django admin."""
    group = Group.objects.filter(name=ADMIN_GROUP).first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="diagnostics",
                content_type__model="therapycatalogueitem",
                codename__in=["add_therapycatalogueitem", "change_therapycatalogueitem", "view_therapycatalogueitem"],
            )
        )


def _discuss(conference: TeamConference, stay: Stay) -> None:
    recorder = _user(RECORDER)
    case = case_add(by=recorder, conference=conference, stay=stay)
    flagged = {row["code"] for row in case.snapshot.get("rows", []) if row["status"] in DEMO_FLAGGED}
    decisions = {code: decision for code, decision in DECISIONS.items() if code in flagged}
    case_flags_decide(by=recorder, case=case, decisions=decisions)
    case_findings_set(by=recorder, case=case, findings=FINDINGS)
    confirmed = {code for code, (decision, _note) in decisions.items() if decision == "confirmed"}
    for code, focus, dimensions, minutes in THERAPIES:
        item = TherapyCatalogueItem.objects.filter(facility__isnull=True, code=code, active=True).first()
        if item is None:
            continue
        planned_therapy_add(
            by=recorder,
            case=case,
            item=item,
            focus=focus,
            dimensions=[d for d in dimensions if d in confirmed],
            minutes_per_week=minutes,
        )


def load_conference_demo(today: dt.date) -> int:
    """Weekly conferences of the demo clinic and the §9.1 stay discussed; returns how many conferences were
    recorded (0 when the demo facilities have conferences already)."""
    grant_catalogue_to_admin_group()
    facility = Facility.objects.filter(ik_number=FACILITIES[0].ik_number).first()
    demo = [f.ik_number for f in FACILITIES]
    if facility is None or TeamConference.objects.filter(facility__ik_number__in=demo).exists():
        return 0
    newest, middle, oldest = _wednesdays(today, 3)
    plan = ((oldest, TWO_PROFESSIONS, ""), (middle, FULL_TEAM, ""), (newest, FULL_TEAM, "Dr. Werner (Betriebsarzt)"))
    conferences = []
    for held_on, team, external in plan:
        participants = [ParticipantInput(user=_user(username), profession=p) for username, p in team]
        if external:
            participants.append(ParticipantInput(name=external, profession=Profession.PHYSICIAN))
        conferences.append(
            conference_create(
                by=_user(RECORDER),
                facility=facility,
                held_on=held_on,
                participants=participants,
                note="Wöchentliche WMR-Fallkonferenz",
                today=today,
            )
        )
    stay = _discussed_stay(facility)
    ready = _ready_on(stay) if stay else None
    if stay is not None and ready is not None:
        target = next((c for c in reversed(conferences) if c.held_on >= max(ready, stay.admission_date)), None)
        if target is not None and _user(RECORDER).has_perm("patients.change_stay", stay):
            _discuss(target, stay)
    return len(conferences)
