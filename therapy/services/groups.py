"""Work-related groups (6.1–6.11) and their members over time.

Who may do what (PRODUCT CHOICE; the views and the API check the same):
- create or change a group: a clinician of the group's facility; the leader must work in that facility;
- add a stay as member: a clinician on the stay's care team (the team refers its patient to the group; the roster
  itself is clinic-wide and shows other teams' patients only by stay number);
- end a membership: the group's leader or a clinician of the facility (running the group, like logging a session).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from patients.errors import NotAllowed
from patients.models import Stay, StayStatus
from staff.models import Role
from therapy.models import GroupMembership, SessionKind, WorkGroup
from therapy.services.sessions import SessionRefused, may_log_for_stay, may_run_group
from wmr import audit

GROUP_KINDS = [k for k in SessionKind.values if k != SessionKind.INDIVIDUAL_COUNSELING]


class GroupRefused(SessionRefused):
    """A group or membership cannot be stored as entered; ``field`` names the input at fault."""


def _date(value: dt.date) -> str:
    return f"{value:%d.%m.%Y}"


def is_facility_clinician(user, facility_id: int) -> bool:
    return (
        getattr(user, "role", None) == Role.CLINICIAN
        and user.is_active
        and user.facilities.filter(pk=facility_id).exists()
    )


def _check_group(*, facility_id: int, kind: str, leader, starts_on: dt.date, ends_on: dt.date | None) -> None:
    if kind not in GROUP_KINDS:
        raise GroupRefused(_("A group is a group kind of session (not individual counseling)."), "kind")
    if ends_on and ends_on < starts_on:
        raise GroupRefused(_("The group cannot end before it starts."), "ends_on")
    if leader is not None and not is_facility_clinician(leader, facility_id):
        raise GroupRefused(_("The group leader must be a clinician of the group's facility."), "leader")


def _group_data(group: WorkGroup) -> dict:
    return {
        "name": group.name,
        "kind": group.kind,
        "leader": group.leader_id,
        "starts_on": group.starts_on.isoformat(),
        "ends_on": group.ends_on.isoformat() if group.ends_on else None,
    }


def group_create(
    *,
    by,
    facility,
    name: str,
    starts_on: dt.date,
    leader=None,
    kind: str = SessionKind.WORK_GROUP,
    ends_on: dt.date | None = None,
    default_start: dt.time | None = None,
    default_minutes: int | None = None,
    catalogue_item=None,
) -> WorkGroup:
    """A new group of ``facility``; ``leader`` defaults to ``by``. ``NotAllowed`` unless ``by`` is a clinician of the
    facility; ``GroupRefused`` for a wrong kind, an end before the start or a leader from elsewhere."""
    if not is_facility_clinician(by, facility.pk):
        raise NotAllowed()
    leader = leader or by
    _check_group(facility_id=facility.pk, kind=kind, leader=leader, starts_on=starts_on, ends_on=ends_on)
    with transaction.atomic():
        group = WorkGroup(
            facility=facility,
            name=name.strip(),
            kind=kind,
            leader=leader,
            starts_on=starts_on,
            ends_on=ends_on,
            default_start=default_start,
            default_minutes=default_minutes,
            catalogue_item=catalogue_item,
            created_by=by,
        )
        group.full_clean()
        group._history_user = by
        group.save()
        audit.log(group, "therapy.group.created", user=by, data=_group_data(group))
    return group


def group_change(
    *,
    by,
    group: WorkGroup,
    name: str,
    starts_on: dt.date,
    leader,
    kind: str,
    ends_on: dt.date | None = None,
    default_start: dt.time | None = None,
    default_minutes: int | None = None,
    catalogue_item=None,
) -> WorkGroup:
    """Change a group (its history keeps the earlier version). Same rules as ``group_create``; the kind of a group
    that has sessions cannot change (its sessions were logged with that kind)."""
    if not is_facility_clinician(by, group.facility_id):
        raise NotAllowed()
    _check_group(facility_id=group.facility_id, kind=kind, leader=leader, starts_on=starts_on, ends_on=ends_on)
    if kind != group.kind and group.sessions.exists():
        raise GroupRefused(_("The group has sessions already; its kind cannot change."), "kind")
    before = _group_data(group)
    with transaction.atomic():
        group.name = name.strip()
        group.kind = kind
        group.leader = leader
        group.starts_on = starts_on
        group.ends_on = ends_on
        group.default_start = default_start
        group.default_minutes = default_minutes
        group.catalogue_item = catalogue_item
        group.full_clean()
        group._history_user = by
        group.save()
        audit.log(group, "therapy.group.changed", user=by, data={"before": before, "after": _group_data(group)})
    return group


def membership_add(
    *, by, group: WorkGroup, stay: Stay, starts_on: dt.date, ends_on: dt.date | None = None
) -> GroupMembership:
    """Make ``stay`` a member of ``group`` from ``starts_on`` (to ``ends_on``, open = still a member).

    ``NotAllowed`` unless ``by`` is a clinician on the stay's care team. ``GroupRefused`` for a stay of another
    facility, a discharged stay, a start before the admission or outside the group's run, an end before the start,
    or a membership overlapping one the stay already has in this group.
    """
    if not may_log_for_stay(by, stay):
        raise NotAllowed()
    if stay.facility_id != group.facility_id:
        raise GroupRefused(_("The stay belongs to another facility than the group."), "stay")
    if stay.status == StayStatus.DISCHARGED:
        raise GroupRefused(_("The patient has been discharged."), "stay")
    if starts_on < stay.admission_date:
        raise GroupRefused(
            _("The membership cannot start before the admission (%(date)s).") % {"date": _date(stay.admission_date)},
            "starts_on",
        )
    if starts_on < group.starts_on or (group.ends_on and starts_on > group.ends_on):
        raise GroupRefused(_("The membership must start while the group runs."), "starts_on")
    if ends_on and ends_on < starts_on:
        raise GroupRefused(_("The membership cannot end before it starts."), "ends_on")
    overlapping = GroupMembership.objects.filter(group=group, stay=stay).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
    )
    if ends_on:
        overlapping = overlapping.filter(starts_on__lte=ends_on)
    if overlapping.exists():
        raise GroupRefused(_("%(stay)s is already a member of this group then.") % {"stay": stay.number}, "stay")
    with transaction.atomic():
        membership = GroupMembership(group=group, stay=stay, starts_on=starts_on, ends_on=ends_on, created_by=by)
        membership.full_clean()
        membership._history_user = by
        membership.save()
        audit.log(
            membership,
            "therapy.membership.added",
            user=by,
            data={"group": group.pk, "starts_on": starts_on.isoformat()},
        )
    return membership


def membership_end(*, by, membership: GroupMembership, ends_on: dt.date) -> GroupMembership:
    """End a membership on ``ends_on`` (the last day as a member). ``NotAllowed`` unless ``by`` may run the group;
    ``GroupRefused`` for a membership already ended or an end before its start."""
    if not may_run_group(by, membership.group):
        raise NotAllowed()
    if membership.ends_on is not None:
        raise GroupRefused(
            _("This membership has already ended (%(date)s).") % {"date": _date(membership.ends_on)}, "ends_on"
        )
    if ends_on < membership.starts_on:
        raise GroupRefused(_("The membership cannot end before it starts."), "ends_on")
    with transaction.atomic():
        membership.ends_on = ends_on
        membership.full_clean()
        membership._history_user = by
        membership.save()
        audit.log(
            membership,
            "therapy.membership.ended",
            user=by,
            data={"group": membership.group_id, "ends_on": ends_on.isoformat()},
        )
    return membership
