"""Logging sessions: one individual session for a stay, one group session for all its participants, changes with
optimistic concurrency, cancellation (recommendations 5.1–5.12, 6.1–6.11, 7.1–7.11).

Rules every log obeys (refused with ``SessionRefused`` naming the field; nothing is stored):
- minutes 1–600; a session dated after ``today`` cannot be marked as held (a planned one can);
- not before the stay's admission, not after the discharge of a discharged stay; a held session needs an admitted
  (or discharged) stay;
- the topics must be offered for the session's kind (therapy.topics).

Who may log (PRODUCT CHOICE, also enforced by the views and the API):
- an individual session: a clinician on the stay's care team;
- a group session: the group's leader or any clinician of the group's facility. Group leaders are often not on every
  participant's care team, and the roster is a clinic-wide list; the safeguard is that attendance is written only
  for stays that are members of the group on the session's date (``membership_add`` needs the stay's care team).

Counting: a patient's minutes are the ``Attendance.minutes`` of held sessions (session minutes less late arrival and
early leaving; 0 when absent); a planned or cancelled session does not count (``therapy.rules``).

Planned therapies of the team conference (diagnostics.PlannedTherapy): a session of one stay is linked to the stay's
planned therapy of the same kind when exactly one is open on the session's date, unless the caller names one (or
``None``); the case overview counts the minutes logged per planned therapy.

Audit: one entry per session and, for a group session, one per participant's stay (so each patient's trail shows
it), written in bulk so logging 20 participants costs the same queries as logging 2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from diagnostics.models import PlannedTherapy
from patients.errors import DomainError, NotAllowed
from patients.models import Stay, StayStatus
from staff.models import Role
from therapy import rules
from therapy import topics as catalogue
from therapy.models import Attendance, GroupMembership, SessionKind, SessionStatus, TherapySession, WorkGroup
from wmr import audit

MIN_MINUTES, MAX_MINUTES = 1, 600
AUTO = object()  # planned_therapy of session_log: link the one open planned therapy of the kind, if unique
KEEP = object()  # planned_therapy of session_change: leave the link as it is


class SessionRefused(DomainError):
    """A session cannot be stored as entered; ``field`` names the input at fault (None: the whole entry)."""

    default_message = gettext_lazy("The session cannot be stored.")

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)


class SessionConflict(DomainError):
    """Someone saved the session after the version the user edited (optimistic concurrency)."""

    default_message = gettext_lazy(
        "Someone else changed this session while you were editing it. Your changes were not saved: "
        "please look at the current version and enter them again."
    )


@dataclass(frozen=True)
class Attendee:
    """One participant of a group session as entered: ``stay`` (a Stay or its id)."""

    stay: Stay | int
    present: bool = True
    late_minutes: int = 0
    left_early_minutes: int = 0
    note: str = ""

    @property
    def stay_id(self) -> int:
        return self.stay.pk if isinstance(self.stay, Stay) else int(self.stay)


# --- permissions ---------------------------------------------------------------------------------------------------


def may_log_for_stay(user, stay: Stay) -> bool:
    """A clinician on the stay's care team."""
    return (
        getattr(user, "role", None) == Role.CLINICIAN and user.is_active and user.has_perm("patients.change_stay", stay)
    )


def may_run_group(user, group: WorkGroup) -> bool:
    """The group's leader or a clinician of the group's facility (see the module docstring)."""
    if getattr(user, "role", None) != Role.CLINICIAN or not user.is_active:
        return False
    return group.leader_id == user.pk or user.facilities.filter(pk=group.facility_id).exists()


# --- checks --------------------------------------------------------------------------------------------------------


def _date(value: dt.date) -> str:
    return f"{value:%d.%m.%Y}"


def check_minutes(minutes, field: str = "minutes") -> None:
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise SessionRefused(
            _("The minutes must be a whole number from %(min)s to %(max)s.") % {"min": MIN_MINUTES, "max": MAX_MINUTES},
            field,
        )


def check_session(*, kind: str, held_on: dt.date, minutes, status: str, topics: Sequence[str], today: dt.date) -> None:
    """The rules of a session independent of who attended."""
    if kind not in SessionKind.values:
        raise SessionRefused(_("Please choose the kind of session."), "kind")
    if status not in SessionStatus.values:
        raise SessionRefused(_("Unknown status."), "status")
    check_minutes(minutes)
    if status == SessionStatus.HELD and held_on > today:
        raise SessionRefused(_("A session in the future cannot be marked as held."), "held_on")
    wrong = catalogue.invalid_topics(topics, kind)
    if wrong:
        raise SessionRefused(
            _("These topics are not offered for a session of this kind: %(codes)s.") % {"codes": ", ".join(wrong)},
            "topics",
        )


def check_stay_date(stay: Stay, held_on: dt.date, status: str) -> None:
    """Within the stay: not before admission, not after the discharge of a discharged stay, held only once
    admitted. The message names the stay by its number (a group's logger may not be on the patient's team)."""
    who = stay.number
    if held_on < stay.admission_date:
        raise SessionRefused(
            _("The session date lies before the admission of %(who)s (%(date)s).")
            % {"who": who, "date": _date(stay.admission_date)},
            "held_on",
        )
    if stay.status == StayStatus.DISCHARGED and stay.discharge_date and held_on > stay.discharge_date:
        raise SessionRefused(
            _("The session date lies after the discharge of %(who)s (%(date)s).")
            % {"who": who, "date": _date(stay.discharge_date)},
            "held_on",
        )
    if status == SessionStatus.HELD and stay.status == StayStatus.INVITED:
        raise SessionRefused(
            _("%(who)s has not been admitted yet: only a planned session can be logged.") % {"who": who}, "status"
        )


def attended_minutes(minutes: int, *, present: bool, late_minutes: int, left_early_minutes: int) -> int:
    """The minutes that count for one participant (``rules.attended_minutes``); an absent participant gets 0."""
    return rules.attended_minutes(minutes, late_minutes, left_early_minutes) if present else 0


# --- audit in bulk -------------------------------------------------------------------------------------------------


def _session_audit(session: TherapySession, action: str, *, by, stay: Stay | None, data: dict) -> None:
    """An individual session's entry carries its stay; a group session's carries none (each attendee gets one)."""
    if stay is not None:
        audit.log(session, action, user=by, data=data, patient_id=stay.patient_id, stay_id=stay.pk)
    else:
        audit.log(session, action, user=by, data=data)


def _data(session: TherapySession) -> dict:
    return {
        "kind": session.kind,
        "held_on": session.held_on.isoformat(),
        "start": session.start.isoformat(timespec="minutes") if session.start else None,
        "minutes": session.minutes,
        "status": session.status,
        "topics": session.topics,
        "planned_therapy": session.planned_therapy_id,
        "version": session.version,
    }


# --- individual sessions -------------------------------------------------------------------------------------------


def session_log(
    *,
    by,
    stay: Stay,
    kind: str,
    held_on: dt.date,
    minutes: int,
    start: dt.time | None = None,
    status: str = SessionStatus.HELD,
    staff=None,
    topics: Iterable[str] = (),
    note: str = "",
    planned_therapy=AUTO,
    today: dt.date | None = None,
) -> TherapySession:
    """Log one session of one stay (the stay gets one ``Attendance`` with the full minutes).

    ``staff`` defaults to ``by``; ``planned_therapy`` defaults to the stay's one open planned therapy of the kind
    (module docstring). Raises ``NotAllowed`` unless ``by`` is a clinician of the stay's care team,
    ``SessionRefused`` for a rule of the module docstring; a cancelled session cannot be logged.
    """
    today = today or timezone.localdate()
    topics = list(topics)
    if not may_log_for_stay(by, stay):
        raise NotAllowed()
    if status == SessionStatus.CANCELLED:
        raise SessionRefused(_("A session is logged as held or planned; cancel it afterwards."), "status")
    check_session(kind=kind, held_on=held_on, minutes=minutes, status=status, topics=topics, today=today)
    check_stay_date(stay, held_on, status)
    if planned_therapy is AUTO:
        planned_therapy = matching_planned_therapy(stay, kind, held_on)
    _check_planned_therapy(planned_therapy, stay)
    with transaction.atomic():
        session = TherapySession(
            facility_id=stay.facility_id,
            kind=kind,
            planned_therapy=planned_therapy,
            held_on=held_on,
            start=start,
            minutes=minutes,
            status=status,
            staff=staff or by,
            topics=catalogue.clean_topics(topics),
            note=note.strip(),
            created_by=by,
        )
        session.full_clean()
        session._history_user = by
        session.save()
        attendance = Attendance(session=session, stay=stay, present=True, minutes=minutes)
        attendance.full_clean()
        attendance._history_user = by
        attendance.save()
        _session_audit(session, "therapy.session.logged", by=by, stay=stay, data=_data(session))
    return session


def matching_planned_therapy(stay: Stay, kind: str, on: dt.date) -> PlannedTherapy | None:
    """The stay's planned therapy of ``kind`` open on ``on`` (not ended before), when there is exactly one."""
    candidates = list(
        PlannedTherapy.objects.filter(stay=stay, item__kind=kind, created_at__date__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .order_by("id")[:2]
    )
    return candidates[0] if len(candidates) == 1 else None


def _check_planned_therapy(planned_therapy, stay: Stay) -> None:
    if planned_therapy is not None and planned_therapy.stay_id != stay.pk:
        raise SessionRefused(_("The planned therapy belongs to another stay."), "planned_therapy")


# --- group sessions ------------------------------------------------------------------------------------------------


def members_on(group: WorkGroup, on: dt.date):
    """The memberships of ``group`` current on ``on``, with stay and patient (one query)."""
    return (
        GroupMembership.objects.filter(group=group, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("stay", "stay__patient")
        .order_by("stay__number")
    )


def _check_group_date(group: WorkGroup, held_on: dt.date) -> None:
    if held_on < group.starts_on or (group.ends_on and held_on > group.ends_on):
        until = _date(group.ends_on) if group.ends_on else "…"
        raise SessionRefused(
            _("The group runs from %(start)s to %(end)s; the session date lies outside.")
            % {"start": _date(group.starts_on), "end": until},
            "held_on",
        )


def _check_not_logged_yet(group: WorkGroup, held_on: dt.date, start: dt.time, exclude_pk: int | None = None) -> None:
    same = TherapySession.objects.filter(group=group, held_on=held_on, start=start).exclude(
        status=SessionStatus.CANCELLED
    )
    if exclude_pk:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise _already_logged(held_on, start)


def _already_logged(held_on: dt.date, start: dt.time) -> SessionRefused:
    return SessionRefused(
        _("This group session (%(date)s, %(start)s) has already been logged.")
        % {"date": _date(held_on), "start": f"{start:%H:%M}"},
        "start",
    )


def _attendance_rows(
    attendees: Sequence[Attendee], members: dict[int, GroupMembership], *, held_on: dt.date, minutes: int, status: str
) -> list[tuple[Attendee, Stay, int]]:
    """Check every attendee (member on the date, stay dates, late/early minutes); (attendee, stay, minutes) each."""
    if not attendees:
        raise SessionRefused(_("Tick at least one participant."), "attendees")
    seen: set[int] = set()
    rows = []
    for attendee in attendees:
        stay_id = attendee.stay_id
        if stay_id in seen:
            raise SessionRefused(_("A participant is listed twice."), "attendees")
        seen.add(stay_id)
        membership = members.get(stay_id)
        if membership is None:
            raise SessionRefused(
                _("Stay %(id)s is not a member of the group on %(date)s.")
                % {"id": getattr(attendee.stay, "number", stay_id), "date": _date(held_on)},
                "attendees",
            )
        stay = membership.stay
        check_stay_date(stay, held_on, status)
        for value in (attendee.late_minutes, attendee.left_early_minutes):
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_MINUTES:
                raise SessionRefused(
                    _("Minutes late or left early must be a whole number from 0 to %(max)s (%(who)s).")
                    % {"max": MAX_MINUTES, "who": stay.number},
                    "attendees",
                )
        counted = attended_minutes(
            minutes,
            present=attendee.present,
            late_minutes=attendee.late_minutes,
            left_early_minutes=attendee.left_early_minutes,
        )
        if attendee.present and counted < 1:
            raise SessionRefused(
                _("Late arrival and early leaving leave no minutes attended for %(who)s.") % {"who": stay.number},
                "attendees",
            )
        rows.append((attendee, stay, counted))
    if not any(attendee.present for attendee, _stay, _minutes in rows):
        raise SessionRefused(_("Tick at least one participant who was present."), "attendees")
    return rows


def group_session_log(
    *,
    by,
    group: WorkGroup,
    held_on: dt.date,
    start: dt.time | None,
    minutes: int,
    attendees: Sequence[Attendee],
    status: str = SessionStatus.HELD,
    staff=None,
    topics: Iterable[str] = (),
    note: str = "",
    today: dt.date | None = None,
) -> TherapySession:
    """Log one session of a group once; every attendee's stay gets an ``Attendance`` (all or nothing).

    Attendees must be members of the group on ``held_on``; a present attendee counts the session's minutes less
    ``late_minutes`` and ``left_early_minutes`` (at least 1 must remain), an absent one 0. The same group, date and
    start logged twice is refused (a cancelled session does not block). ``NotAllowed`` unless ``by`` may run the
    group (module docstring).

    Queries, whatever the number of attendees: the permission check, the members on the date, the duplicate check,
    the session's validation and insert with its history row, one bulk insert of attendances and one of their
    history, one audit row for the session and one bulk insert of the attendees' audit rows.
    """
    today = today or timezone.localdate()
    topics = list(topics)
    attendees = list(attendees)
    if not may_run_group(by, group):
        raise NotAllowed()
    if status == SessionStatus.CANCELLED:
        raise SessionRefused(_("A session is logged as held or planned; cancel it afterwards."), "status")
    check_session(kind=group.kind, held_on=held_on, minutes=minutes, status=status, topics=topics, today=today)
    if start is None:
        raise SessionRefused(_("A group session needs its start time."), "start")
    _check_group_date(group, held_on)
    members = {m.stay_id: m for m in members_on(group, held_on)}
    rows = _attendance_rows(attendees, members, held_on=held_on, minutes=minutes, status=status)
    _check_not_logged_yet(group, held_on, start)
    try:
        with transaction.atomic():
            session = TherapySession(
                facility_id=group.facility_id,
                kind=group.kind,
                group=group,
                held_on=held_on,
                start=start,
                minutes=minutes,
                status=status,
                staff=staff or by,
                topics=catalogue.clean_topics(topics),
                note=note.strip(),
                created_by=by,
            )
            # the duplicate check above ran already; the database constraint guards the race
            session.full_clean(validate_constraints=False)
            session._history_user = by
            session.save()
            attendances = [
                Attendance(
                    session=session,
                    stay=stay,
                    present=attendee.present,
                    late_minutes=attendee.late_minutes if attendee.present else 0,
                    left_early_minutes=attendee.left_early_minutes if attendee.present else 0,
                    minutes=counted,
                    note=attendee.note.strip(),
                )
                for attendee, stay, counted in rows
            ]
            for attendance in attendances:
                # field validators only: the foreign keys were loaded above, uniqueness was checked (one per stay)
                attendance.full_clean(exclude=["session", "stay"], validate_unique=False, validate_constraints=False)
            attendances = bulk_create_with_history(attendances, Attendance, default_user=by)
            for attendance, (_attendee, stay, _counted) in zip(attendances, rows, strict=True):
                attendance.stay = stay  # audit_scope reads the patient without a query
            data = {**_data(session), "group": group.pk, "attendees": len(attendances)}
            _session_audit(session, "therapy.group_session.logged", by=by, stay=None, data=data)
            audit.log_many(attendances, "therapy.attendance.logged", user=by, data={"session": session.pk})
    except IntegrityError as exc:  # a concurrent log of the same group session
        raise _already_logged(held_on, start) from exc
    return session


# --- change and cancel ---------------------------------------------------------------------------------------------


def _claim_version(session: TherapySession, version: int) -> int:
    """Move the stored version from ``version`` to the next one, or raise ``SessionConflict`` (a conditional UPDATE,
    so two concurrent saves of the same version cannot both win)."""
    claimed = TherapySession.objects.filter(pk=session.pk, version=version).update(version=F("version") + 1)
    if not claimed:
        raise SessionConflict()
    return version + 1


def session_stays(session: TherapySession) -> list[Stay]:
    return [a.stay for a in session.attendances.select_related("stay", "stay__patient")]


def session_change(
    *,
    by,
    session: TherapySession,
    version: int,
    held_on: dt.date,
    minutes: int,
    start: dt.time | None = None,
    status: str = SessionStatus.HELD,
    staff=None,
    topics: Iterable[str] = (),
    note: str = "",
    kind: str | None = None,
    attendees: Sequence[Attendee] | None = None,
    planned_therapy=KEEP,
    reason: str = "",
    today: dt.date | None = None,
) -> TherapySession:
    """Change a logged session; the earlier version stays in its history (with ``reason``).

    ``version`` is the version the user edited: if the session was saved since, ``SessionConflict`` (nothing
    changed). Same rules as logging. ``kind`` may change for a session without a group. For a group session,
    ``attendees`` (when given) replaces the attendance: listed members get or keep a row, rows of stays not listed
    become absent (0 minutes; never deleted, so the history keeps them); without ``attendees`` the rows stay and only
    their minutes follow the new session minutes. ``planned_therapy`` (a session of one stay only) changes the link
    when given (``None`` removes it).
    """
    today = today or timezone.localdate()
    topics = list(topics)
    if session.status == SessionStatus.CANCELLED:
        raise SessionRefused(_("A cancelled session cannot be changed."), None)
    if status == SessionStatus.CANCELLED:
        raise SessionRefused(_("Use “cancel session” to cancel it, with a reason."), "status")
    group = session.group
    kind = group.kind if group is not None else (kind or session.kind)
    existing = list(session.attendances.select_related("stay", "stay__patient"))
    if group is None:
        stay = existing[0].stay
        if not may_log_for_stay(by, stay):
            raise NotAllowed()
        if planned_therapy is not KEEP:
            _check_planned_therapy(planned_therapy, stay)
    elif not may_run_group(by, group):
        raise NotAllowed()
    elif planned_therapy is not KEEP and planned_therapy is not None:
        raise SessionRefused(_("A group session is not linked to one patient's planned therapy."), "planned_therapy")
    check_session(kind=kind, held_on=held_on, minutes=minutes, status=status, topics=topics, today=today)
    if group is not None:
        if start is None:
            raise SessionRefused(_("A group session needs its start time."), "start")
        _check_group_date(group, held_on)
        _check_not_logged_yet(group, held_on, start, exclude_pk=session.pk)
    plan = _attendance_plan(session, existing, attendees, held_on=held_on, minutes=minutes, status=status)
    before = _data(session)
    try:
        with transaction.atomic():
            session.version = _claim_version(session, version)
            session.kind = kind
            session.held_on = held_on
            session.start = start
            session.minutes = minutes
            session.status = status
            session.staff = staff or session.staff or by
            session.topics = catalogue.clean_topics(topics)
            session.note = note.strip()
            if planned_therapy is not KEEP:
                session.planned_therapy = planned_therapy
            session.full_clean(validate_constraints=False)
            session._history_user = by
            session._change_reason = reason.strip()[:100] or None
            session.save()
            changed = _apply_attendance_plan(session, plan, by=by)
            data = {"before": before, "after": _data(session)}
            if group is None:
                _session_audit(session, "therapy.session.changed", by=by, stay=existing[0].stay, data=data)
            else:
                _session_audit(session, "therapy.group_session.changed", by=by, stay=None, data=data)
                audit.log_many(changed, "therapy.attendance.changed", user=by, data={"session": session.pk})
    except IntegrityError as exc:
        raise _already_logged(held_on, start) from exc
    return session


def _attendance_plan(
    session: TherapySession,
    existing: list[Attendance],
    attendees: Sequence[Attendee] | None,
    *,
    held_on: dt.date,
    minutes: int,
    status: str,
) -> list[tuple[Attendance | None, Stay, Attendee]]:
    """What each attendance row becomes: (existing row or None for a new one, stay, input)."""
    if session.group is None:
        for attendance in existing:
            check_stay_date(attendance.stay, held_on, status)
        return [(a, a.stay, Attendee(a.stay, note=a.note)) for a in existing]
    if attendees is None:
        attendees = [Attendee(a.stay, a.present, a.late_minutes, a.left_early_minutes, a.note) for a in existing]
    members = {m.stay_id: m for m in members_on(session.group, held_on)}
    rows = _attendance_rows(list(attendees), members, held_on=held_on, minutes=minutes, status=status)
    by_stay = {a.stay_id: a for a in existing}
    plan = [(by_stay.get(stay.pk), stay, attendee) for attendee, stay, _counted in rows]
    listed = {stay.pk for _attendee, stay, _counted in rows}
    for attendance in existing:
        if attendance.stay_id not in listed:
            plan.append((attendance, attendance.stay, Attendee(attendance.stay, present=False, note=attendance.note)))
    return plan


def _apply_attendance_plan(session: TherapySession, plan, *, by) -> list[Attendance]:
    changed = []
    for attendance, stay, wanted in plan:
        counted = attended_minutes(
            session.minutes,
            present=wanted.present,
            late_minutes=wanted.late_minutes,
            left_early_minutes=wanted.left_early_minutes,
        )
        row = attendance or Attendance(session=session, stay=stay)
        values = {
            "present": wanted.present,
            "late_minutes": wanted.late_minutes if wanted.present else 0,
            "left_early_minutes": wanted.left_early_minutes if wanted.present else 0,
            "minutes": counted,
            "note": wanted.note.strip(),
        }
        if attendance is not None and all(getattr(row, k) == v for k, v in values.items()):
            continue
        for key, value in values.items():
            setattr(row, key, value)
        row.full_clean(exclude=["session", "stay"], validate_unique=False, validate_constraints=False)
        row._history_user = by
        row.save()
        changed.append(row)
    return changed


def session_cancel(*, by, session: TherapySession, reason: str, version: int | None = None) -> TherapySession:
    """Cancel a session with a reason: it stays readable (and in the history) but no longer counts.

    ``version`` (when given) must be the stored one, else ``SessionConflict``.
    """
    reason = (reason or "").strip()
    if session.status == SessionStatus.CANCELLED:
        raise SessionRefused(_("This session is already cancelled."), None)
    if not reason:
        raise SessionRefused(_("Give a reason for the cancellation."), "cancel_reason")
    attendances = list(session.attendances.select_related("stay", "stay__patient"))
    if session.group is None:
        if not may_log_for_stay(by, attendances[0].stay):
            raise NotAllowed()
    elif not may_run_group(by, session.group):
        raise NotAllowed()
    with transaction.atomic():
        session.version = _claim_version(session, session.version if version is None else version)
        session.status = SessionStatus.CANCELLED
        session.cancel_reason = reason[:300]
        session.full_clean(validate_constraints=False)
        session._history_user = by
        session._change_reason = reason[:100]
        session.save()
        data = {"reason": session.cancel_reason, "version": session.version}
        if session.group is None:
            _session_audit(session, "therapy.session.cancelled", by=by, stay=attendances[0].stay, data=data)
        else:
            _session_audit(session, "therapy.group_session.cancelled", by=by, stay=None, data=data)
            audit.log_many(attendances, "therapy.attendance.cancelled", user=by, data={"session": session.pk})
    return session
