"""Reads of the privacy app: the patient search, the rows stored on a patient, the patient's audit trail.

Everything here is for the privacy officer; the views check the role, these functions check the facility.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Max, Min, Q, QuerySet

from patients.models import Patient, Stay, StayStatus
from privacy import graph, rules
from wmr.audit_filters import audit_entries
from wmr.models import AuditEntry


def patients_of_officer(user) -> QuerySet[Patient]:
    """The patients of the officer's facilities (a patient elsewhere answers 404, like a stay outside a team)."""
    return Patient.objects.filter(facility__in=user.facilities.all())


def patient_for_officer(user, patient_id) -> Patient | None:
    try:
        return patients_of_officer(user).select_related("facility").get(pk=int(patient_id))
    except (Patient.DoesNotExist, TypeError, ValueError):
        return None


def patient_search(user, *, number: str = "", name: str = "", birth_date: dt.date | None = None) -> QuerySet[Patient]:
    """Patients of the officer's facilities by stay number, name (part of last or first name) and birth date."""
    rows = patients_of_officer(user)
    if number:
        rows = rows.filter(stays__number__iexact=number.strip())
    for part in name.split():
        rows = rows.filter(Q(last_name__icontains=part) | Q(first_name__icontains=part))
    if birth_date:
        rows = rows.filter(birth_date=birth_date)
    return rows.distinct().select_related("facility").prefetch_related("stays").order_by("last_name", "first_name")[:50]


# --- the rows stored on a patient ----------------------------------------------------------------------------------


@dataclass
class PatientRows:
    """The ids of every row of the graph that belongs to (``owned``) or refers to (``linked``) one patient.

    ``owned`` holds ids of live rows and ids only known from history (rows deleted earlier), per base model."""

    owned: dict[type, set] = field(default_factory=lambda: defaultdict(set))
    linked: dict[tuple[type, str], set] = field(default_factory=lambda: defaultdict(set))
    # rows the patient's rows refer to through PRIVATE_PARENTS but shares with others (a group session attended)
    referenced: dict[type, set] = field(default_factory=lambda: defaultdict(set))

    def export_ids(self, model) -> set:
        """Owned, referring and referenced rows: everything the export shows of ``model``."""
        ids = set(self.owned.get(model, set())) | self.referenced.get(model, set())
        for (linked_model, _field), linked_ids in self.linked.items():
            if linked_model is model:
                ids |= linked_ids
        return ids

    def live(self, model) -> QuerySet:
        return model._default_manager.filter(pk__in=self.owned.get(model, set()))

    def history(self, model) -> QuerySet | None:
        """The historical rows of ``model``'s owned ids, or None if it keeps no history."""
        historical = graph.historical_model(model)
        if historical is None:
            return None
        return historical._default_manager.filter(**{model._meta.pk.attname + "__in": self.owned.get(model, set())})


def _ids_through(link: graph.Link, parent_ids: set) -> set:
    """Ids (live and historical) of ``link.model`` rows whose ``link.field`` points at one of ``parent_ids``."""
    if not parent_ids:
        return set()
    attname = link.model._meta.get_field(link.field).attname
    pk = link.model._meta.pk.attname
    ids = set(link.model._default_manager.filter(**{attname + "__in": parent_ids}).values_list(pk, flat=True))
    historical = graph.historical_model(link.model)
    if historical is not None:
        ids |= set(historical._default_manager.filter(**{attname + "__in": parent_ids}).values_list(pk, flat=True))
    return ids


def _private_parents(rows: PatientRows) -> bool:
    """Add the rows of PRIVATE_PARENTS every child of which is the patient's; True if anything was added. The
    parents shared with others go to ``rows.referenced``."""
    added = False
    for child_label, field_name in graph.PRIVATE_PARENTS:
        child = apps.get_model(child_label)
        fk = child._meta.get_field(field_name)
        mine = rows.owned.get(child, set())
        if not mine:
            continue
        candidates = set(
            child._default_manager.filter(pk__in=mine).values_list(fk.attname, flat=True).exclude(**{fk.attname: None})
        )
        shared = set(
            child._default_manager.filter(**{fk.attname + "__in": candidates})
            .exclude(pk__in=mine)
            .values_list(fk.attname, flat=True)
        )
        rows.referenced[fk.related_model] = shared
        new = candidates - shared - rows.owned[fk.related_model]
        if new:
            rows.owned[fk.related_model] |= new
            added = True
    return added


def patient_rows(patient_id: int) -> PatientRows:
    """Walk the graph from the patient until no new row turns up (a fixpoint: a row may hang on two parents)."""
    rows = PatientRows()
    rows.owned[graph.graph_models()[0]].add(patient_id)
    changed = True
    while changed:
        changed = False
        for link in graph.links():
            if not link.owning:
                continue
            new = _ids_through(link, rows.owned.get(link.parent, set())) - rows.owned[link.model]
            if new:
                rows.owned[link.model] |= new
                changed = True
        changed = _private_parents(rows) or changed
    for link in graph.links():
        if not link.owning:
            referring = _ids_through(link, rows.owned.get(link.parent, set())) - rows.owned.get(link.model, set())
            if referring:
                rows.linked[(link.model, link.field)] = referring
    return rows


# --- retention -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuePatient:
    patient: Patient
    stays: int
    retention: rules.Retention


def patients_due_for_erasure(*, today: dt.date, years: int | None = None) -> list[DuePatient]:
    """Patients whose retention period ended before ``today`` (rules.retention decides; SQL only prefilters)."""
    years = years or settings.RETENTION_YEARS
    candidates = (
        Patient.objects.annotate(
            open_stays=Count("stays", filter=~Q(stays__status=StayStatus.DISCHARGED) | Q(stays__discharge_date=None)),
            last_discharge=Max("stays__discharge_date"),
        )
        .filter(open_stays=0, last_discharge__lte=rules.latest_due_discharge(today=today, years=years))
        .select_related("facility")
        .order_by("pk")
    )
    due = []
    for patient in candidates:
        stays, retention = patient_retention(patient.pk, today=today, years=years)
        if retention.due:
            due.append(DuePatient(patient=patient, stays=stays, retention=retention))
    return due


def patient_retention(patient_id: int, *, today: dt.date, years: int) -> tuple[int, rules.Retention]:
    """The number of the patient's stays and the retention rule's verdict on ``today``."""
    stays = list(Stay.objects.filter(patient_id=patient_id).values_list("status", "discharge_date"))
    facts = [rules.StayFacts(discharged=state == StayStatus.DISCHARGED, discharge_date=day) for state, day in stays]
    return len(stays), rules.retention(facts, today=today, years=years)


# --- the audit trail -----------------------------------------------------------------------------------------------


def patient_stay_ids(patient: Patient) -> list[int]:
    return list(Stay.objects.filter(patient=patient).values_list("pk", flat=True))


def patient_audit_entries(
    patient: Patient, *, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[AuditEntry]:
    """Every audit row about the patient: filed under the patient or under one of the patient's stays."""
    rows = audit_entries().filter(Q(patient_id=patient.pk) | Q(stay_id__in=patient_stay_ids(patient)))
    if start:
        rows = rows.filter(at__date__gte=start)
    if end:
        rows = rows.filter(at__date__lte=end)
    return rows.order_by("at", "id")


@dataclass(frozen=True)
class PersonSummary:
    user_id: int | None
    name: str
    role: str
    profession: str
    first: dt.datetime
    last: dt.datetime
    reads: int
    writes: int
    exports: int


def access_summary(entries: QuerySet[AuditEntry]) -> list[PersonSummary]:
    """Per person: first and last access and how many reads, writes and exports (one grouped query)."""
    from wmr.audit import READ_SUFFIXES

    export_q = Q(action__endswith="exported") | Q(action__endswith="downloaded")
    read_q = Q()
    for suffix in READ_SUFFIXES:
        read_q |= Q(action__endswith=suffix)
    grouped = (
        entries.order_by()
        .values("user_id", "username", "user__first_name", "user__last_name", "user__title", "user__role")
        .annotate(
            first=Min("at"),
            last=Max("at"),
            total=Count("id"),
            reads=Count("id", filter=read_q & ~export_q),
            exports=Count("id", filter=export_q),
            profession=Max("user__profession"),
        )
        .order_by("-last")
    )
    from staff.models import Profession, Role

    result = []
    for row in grouped:
        name = " ".join(p for p in (row["user__title"], row["user__first_name"], row["user__last_name"]) if p)
        result.append(
            PersonSummary(
                user_id=row["user_id"],
                name=name or row["username"] or "–",
                role=str(Role(row["user__role"]).label) if row["user__role"] else "",
                profession=str(Profession(row["profession"]).label) if row["profession"] else "",
                first=row["first"],
                last=row["last"],
                reads=row["reads"],
                writes=row["total"] - row["reads"] - row["exports"],
                exports=row["exports"],
            )
        )
    return result
