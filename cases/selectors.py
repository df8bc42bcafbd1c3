"""Pages that show a whole stay or many stays: composed from each app's selectors in journey order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from diagnostics.selectors import stay_diagnostics_state
from diagnostics.selectors_conference import stay_conference_state
from goals.selectors import stay_goals_state
from patients import selectors as patient_selectors
from patients.models import Stay
from reintegration.selectors import stay_reintegration_state
from screening.selectors_assignment import AssignmentState, stay_assignment
from therapy.selectors_progress import stay_therapy_state

# What the worklist's rows show (cases/templatetags/worklist.py): only these columns are read and turned into objects.
WORKLIST_FIELDS = (
    "number",
    "status",
    "department_code",
    "admission_date",
    "discharge_date",
    "patient__last_name",
    "patient__first_name",
    "patient__birth_date",
    "facility__name",
    "facility__short_name",
)


def worklist(user) -> QuerySet[Stay]:
    """The stays of the user's care teams, shaped for the worklist table (constant queries per page)."""
    return (
        patient_selectors.stays_visible_to(user)
        .select_related("patient", "facility")
        .only(*WORKLIST_FIELDS)
        .order_by("-admission_date", "number")
    )


@dataclass
class CaseOverview:
    stay: Stay
    today: object
    day: int | None
    age: int
    team: list = field(default_factory=list)
    consents: list = field(default_factory=list)
    consent_status: dict = field(default_factory=dict)
    contacts: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    links: list = field(default_factory=list)  # (link, state) pairs
    screening: AssignmentState | None = None  # screening at start, assignment steps, §301 code task
    goals: object | None = None  # goal agreement: written in the first week, agreed, copy, reviews
    diagnostics: object | None = None  # diagnostics minutes/professions, job description, profiles
    conference: object | None = None  # profile comparison, team conferences, planned therapies
    therapy: object | None = None  # counseling, groups, workplace training against their bars; topics
    reintegration: object | None = None  # sick leave and triggers, graded plan, RTW plan, checklists, letter


def case_overview_valid_until(case: CaseOverview, now):
    """Until when the overview composed at ``now`` stays true within its day: the first usable patient link to expire
    (its state is shown), else the end of the cache's day-long key (the day is part of it)."""
    expiries = [link.expires_at for link, state in case.links if state == "usable" and link.expires_at > now]
    return min(expiries, default=now + timedelta(days=1))


def case_overview(stay: Stay, *, today=None) -> CaseOverview:
    """Everything the case overview shows of a stay. Each later journey phase adds its selector call here."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    consents = list(patient_selectors.stay_consents(stay))
    return CaseOverview(
        stay=stay,
        today=today,
        day=stay.day(today),
        age=stay.patient.age(today),
        team=list(patient_selectors.stay_care_team(stay)),
        consents=consents,
        consent_status=patient_selectors.consent_status(consents, today),
        contacts=list(patient_selectors.stay_contacts(stay)),
        documents=list(patient_selectors.stay_documents(stay)),
        links=[(link, link.state(now)) for link in patient_selectors.stay_links(stay)],
        screening=stay_assignment(stay, today),
        goals=stay_goals_state(stay, today),
        diagnostics=stay_diagnostics_state(stay, today),
        conference=stay_conference_state(stay, today),
        therapy=stay_therapy_state(stay, today),
        reintegration=stay_reintegration_state(stay, today),
    )
