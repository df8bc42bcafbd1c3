"""Reads of sessions, attendance and groups, shaped for the pages and the API (a fixed number of queries per page,
however many rows). Permission filters are SQL: groups by the user's facilities, stays by the care team."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, QuerySet

from patients.history import HistoryEntry
from patients.models import Stay, StayStatus
from patients.selectors import stays_visible_to
from staff.models import Role, User
from therapy.models import Attendance, GroupMembership, SessionStatus, TherapySession, WorkGroup

HISTORY_TYPE = {"+": "created", "~": "changed", "-": "deleted"}


# --- a stay's contact log ------------------------------------------------------------------------------------------


def stay_attendances(stay: Stay) -> QuerySet[Attendance]:
    """Every session of the stay (its attendance row with the session, staff and group), newest first; cancelled
    ones included (the page shows them struck through). Queries: 1."""
    return (
        Attendance.objects.filter(stay=stay)
        .select_related("session", "session__staff", "session__group", "session__created_by")
        .order_by("-session__held_on", "-session__start", "-session__id")
    )


def stay_session(stay: Stay, session_id: int) -> TherapySession | None:
    """A session of ``stay`` logged for the stay alone (a group session is edited on its group's page)."""
    return (
        TherapySession.objects.filter(pk=session_id, group__isnull=True, attendances__stay=stay)
        .select_related("staff", "created_by", "planned_therapy")
        .first()
    )


def stay_sessions_for_api(stay: Stay) -> QuerySet[TherapySession]:
    """The sessions of a stay with all their attendance rows (for the API's list)."""
    return (
        TherapySession.objects.filter(attendances__stay=stay)
        .select_related("staff", "group")
        .prefetch_related(Prefetch("attendances", queryset=Attendance.objects.filter(stay=stay)))
        .order_by("-held_on", "-start", "-id")
    )


def facility_staff(facility_id: int) -> QuerySet[User]:
    """Active clinicians of a facility (the "staff" choices of the session forms)."""
    return User.objects.filter(facilities=facility_id, role=Role.CLINICIAN, is_active=True).order_by(
        "last_name", "first_name"
    )


def session_versions(session: TherapySession) -> list[HistoryEntry]:
    """Every version of the session (newest first) with what changed, and its attendance rows' versions."""
    label = str(TherapySession._meta.verbose_name)
    records = list(session.history.select_related("history_user").order_by("history_date", "history_id"))
    attendance_label = str(Attendance._meta.verbose_name)
    attendance_records = list(
        Attendance.history.filter(session_id=session.pk)
        .select_related("history_user", "stay")
        .order_by("id", "history_date", "history_id")
    )
    entries = _entries(records, label, lambda r: str(r.instance)) + _entries(
        attendance_records, attendance_label, lambda r: f"{r.stay.number} · {r.minutes} min", skip_created=True
    )
    return sorted(entries, key=lambda e: e.when, reverse=True)


def _entries(records, label: str, name, *, skip_created: bool = False) -> list[HistoryEntry]:
    entries = []
    previous: dict[int, object] = {}
    for record in records:
        changes = []
        before = previous.get(record.id)
        if before is not None and record.history_type == "~":
            for change in record.diff_against(before).changes:
                if change.field == "version":
                    continue
                field = record.instance_type._meta.get_field(change.field)
                changes.append((str(field.verbose_name), change.old, change.new))
        previous[record.id] = record
        if record.history_type == "~" and not changes:
            continue
        if skip_created and record.history_type == "+":
            continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                record=f"{label}: {name(record)}",
                kind=HISTORY_TYPE.get(record.history_type, record.history_type),
                changes=changes,
                snapshot=record,
            )
        )
    return entries


# --- groups --------------------------------------------------------------------------------------------------------


def groups_visible_to(user) -> QuerySet[WorkGroup]:
    """The groups of the user's facilities, for clinicians only (management and the others see none)."""
    if not user.is_authenticated or user.role != Role.CLINICIAN:
        return WorkGroup.objects.none()
    return WorkGroup.objects.filter(facility__in=user.facilities.all()).select_related("facility", "leader")


def group_list(user, today: dt.date) -> QuerySet[WorkGroup]:
    """The user's groups with the number of current members and of sessions (2 queries with the count)."""
    current = Q(memberships__starts_on__lte=today) & (
        Q(memberships__ends_on__isnull=True) | Q(memberships__ends_on__gte=today)
    )
    return (
        groups_visible_to(user)
        .annotate(
            current_members=Count("memberships", filter=current, distinct=True),
            session_count=Count("sessions", filter=~Q(sessions__status=SessionStatus.CANCELLED), distinct=True),
        )
        .order_by("ends_on", "name", "id")
    )


def group_for_user(user, group_id: int) -> WorkGroup | None:
    return groups_visible_to(user).filter(pk=group_id).first()


def group_memberships(group: WorkGroup) -> QuerySet[GroupMembership]:
    """All memberships of the group, current and past, with stay and patient (1 query)."""
    return group.memberships.select_related("stay", "stay__patient").order_by("ends_on", "stay__number", "id")


def named_stay_ids(user, stay_ids: Iterable[int]) -> set[int]:
    """Of ``stay_ids``, those whose patient the user may see by name (their care teams); 1 query."""
    ids = list(set(stay_ids))
    if not ids:
        return set()
    return set(stays_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def group_sessions(group: WorkGroup) -> QuerySet[TherapySession]:
    """The group's sessions, newest first, with staff and attendance (with stay and patient): 2 queries."""
    return (
        group.sessions.select_related("staff")
        .prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("stay", "stay__patient").order_by("stay__number"),
            )
        )
        .order_by("-held_on", "-start", "-id")
    )


def group_session(group: WorkGroup, session_id: int) -> TherapySession | None:
    return group_sessions(group).filter(pk=session_id).first()


def stays_to_add(user, group: WorkGroup, on: dt.date) -> QuerySet[Stay]:
    """Stays of the user's care teams in the group's facility, not discharged, not members of the group on ``on``."""
    members = GroupMembership.objects.filter(group=group, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )
    return (
        stays_visible_to(user)
        .filter(facility_id=group.facility_id)
        .exclude(status=StayStatus.DISCHARGED)
        .exclude(pk__in=members.values("stay_id"))
        .select_related("patient")
        .order_by("patient__last_name", "patient__first_name", "number")
    )
