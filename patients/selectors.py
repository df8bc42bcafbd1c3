"""Queries about patients and stays, already filtered by permission in SQL."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from patients.models import (
    CareTeamMembership,
    Consent,
    Document,
    ExternalContact,
    Patient,
    PatientLink,
    Stay,
)

VIEW_STAY = "patients.view_stay"


def stays_visible_to(user) -> QuerySet[Stay]:
    """The stays whose care team the user is on (guardian object permission, joined in SQL).

    Only the user's own permissions count (``use_groups=False``): the app grants stay permissions per person (care
    team, ``careteam_add``), never to groups. With groups, guardian ORs a second subquery over the group table, and
    PostgreSQL then filters every row of the stays table (30 ms at 50,000 stays, growing with the table); the user's
    rows alone are an index lookup on ``patients_stayuserobjectpermission.user_id`` (issue 10, docs/performance.md).
    """
    if not user.is_authenticated or not user.is_active:
        return Stay.objects.none()
    return get_objects_for_user(
        user, VIEW_STAY, klass=Stay, use_groups=False, accept_global_perms=False, with_superuser=False
    )


def stay_for_user(user, stay_id: int) -> Stay | None:
    """The stay with its patient and facility when the user may see it, else None (the view answers 404)."""
    return stays_visible_to(user).select_related("patient", "facility").filter(pk=stay_id).first()


def stay_care_team(stay: Stay) -> QuerySet[CareTeamMembership]:
    return stay.care_team.select_related("user").order_by("function", "user__last_name")


def stay_consents(stay: Stay) -> QuerySet[Consent]:
    return stay.consents.select_related("recorded_by", "withdrawal_recorded_by").order_by("kind", "-given_on")


def stay_contacts(stay: Stay) -> QuerySet[ExternalContact]:
    return stay.contacts.prefetch_related("events").order_by("kind", "organisation")


def stay_documents(stay: Stay) -> QuerySet[Document]:
    return stay.documents.defer("content").select_related("created_by").order_by("-created_at")


def stay_links(stay: Stay) -> QuerySet[PatientLink]:
    return stay.links.select_related("created_by").order_by("-created_at")


def valid_consent(stay: Stay, kind: str, on: dt.date) -> Consent | None:
    """The consent of ``kind`` valid on ``on`` (given on or before, not withdrawn by then), newest first."""
    return (
        stay.consents.filter(kind=kind, given_on__lte=on)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
        .order_by("-given_on")
        .first()
    )


def consent_status(consents: list[Consent], on: dt.date) -> list[tuple[str, str, str]]:
    """Per consent kind (kind, label, 'valid' | 'withdrawn' | 'missing') on a day, from an already loaded list."""
    from patients.models import ConsentKind

    status = {kind: "missing" for kind in ConsentKind.values}
    for consent in consents:
        if consent.is_valid_on(on):
            status[consent.kind] = "valid"
        elif consent.withdrawn_on and status[consent.kind] == "missing":
            status[consent.kind] = "withdrawn"
    return [(kind, str(label), status[kind]) for kind, label in ConsentKind.choices]


def possible_duplicates(
    *, last_name: str, birth_date: dt.date | None, kvnr: str = "", exclude_id: int | None = None
) -> QuerySet[Patient]:
    """Patients with the same last name (case-insensitive) and birth date, or the same health-insurance number."""
    condition = Q(pk__in=[])
    if last_name and birth_date:
        condition |= Q(last_name__iexact=last_name.strip(), birth_date=birth_date)
    if kvnr:
        condition |= Q(kvnr=kvnr)
    qs = Patient.objects.filter(condition).prefetch_related(
        Prefetch("stays", queryset=Stay.objects.order_by("-admission_date"))
    )
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs.order_by("last_name", "first_name")
