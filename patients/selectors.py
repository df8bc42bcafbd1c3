"""Queries about patients and stays, already filtered by permission in SQL."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from patients.models import (
    CareTeamMembership,
    Consent,
    Document,
    ExternalContact,
    Patient,
    PatientLink,
    Stay,
    StayUserObjectPermission,
)

VIEW_STAY = "patients.view_stay"


def stays_visible_to(user) -> QuerySet[Stay]:
    """The stays whose care team the user is on (guardian's direct-FK permission rows, joined in SQL).

    Only the user's own permissions count: the app grants stay permissions per person (care team, ``careteam_add``),
    never to groups, and never through global or superuser rights — what ``get_objects_for_user(user,
    "patients.view_stay", use_groups=False, accept_global_perms=False, with_superuser=False)`` answers, written as the
    one subquery it builds (an index lookup on ``patients_stayuserobjectpermission.user_id``, issue 10,
    docs/performance.md) without guardian's per-call Python (~1.5 ms a request) and the join to ``auth_permission``.
    """
    if not user.is_authenticated or not user.is_active:
        return Stay.objects.none()
    granted = StayUserObjectPermission.objects.filter(user=user, permission_id=view_stay_permission_id())
    return Stay.objects.filter(pk__in=granted.values("content_object_id"))


def stay_for_user(user, stay_id: int) -> Stay | None:
    """The stay with its patient and facility when the user may see it, else None (the view answers 404)."""
    if not user.is_authenticated or not user.is_active:
        return None
    return (
        Stay.objects.select_related("patient", "facility")
        .filter(
            pk=stay_id,
            stayuserobjectpermission__user=user,
            stayuserobjectpermission__permission_id=view_stay_permission_id(),
        )
        .first()
    )


_PERMISSION_IDS: dict[str, int] = {}


def view_stay_permission_id() -> int:
    """The id of ``patients.view_stay`` in this database, read once per process (forgotten after every migrate or
    flush, which may create the permission anew: ``patients.apps``)."""
    database = connection.settings_dict["NAME"]
    if database not in _PERMISSION_IDS:
        _PERMISSION_IDS[database] = Permission.objects.get(content_type__app_label="patients", codename="view_stay").pk
    return _PERMISSION_IDS[database]


def forget_permission_ids(**kwargs) -> None:
    _PERMISSION_IDS.clear()


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
