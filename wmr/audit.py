"""Audit in one line: ``audit.log(obj, "patients.stay.viewed", user=request.user)``.

Action codes are dotted (``<app>.<object>.<verb>``); ``ACTIONS`` maps each to the translated text the audit viewer
shows. The object may offer ``audit_scope() -> (patient_id, stay_id)`` so the entry can be found by patient.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wmr.models import AuditEntry

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("audit_request", default=None)

VERBS = {
    "viewed": _("read"),
    "listed": _("listed"),
    "exported": _("exported"),
    "downloaded": _("downloaded"),
    "created": _("created"),
    "changed": _("changed"),
    "deleted": _("deleted"),
}

ACTIONS: dict[str, Any] = {
    "patients.patient.created": _("Patient created"),
    "patients.patient.changed": _("Patient changed"),
    "patients.patient.viewed": _("Patient read"),
    "patients.patient.duplicate_offered": _("Possible duplicate patient offered"),
    "patients.stay.created": _("Stay created"),
    "patients.stay.changed": _("Stay changed"),
    "patients.stay.viewed": _("Case overview read"),
    "patients.stay.history_viewed": _("Stay history read"),
    "patients.stay.api_viewed": _("Stay read through the API"),
    "patients.stay.api_listed": _("Stays listed through the API"),
    "patients.patient.api_viewed": _("Patient read through the API"),
    "patients.patient.api_listed": _("Patients listed through the API"),
    "patients.careteam.added": _("Care-team member added"),
    "patients.careteam.removed": _("Care-team member removed"),
    "patients.consent.given": _("Consent recorded"),
    "patients.consent.withdrawn": _("Consent withdrawn"),
    "patients.consent.refused": _("Action refused: consent missing"),
    "patients.contact.created": _("External contact created"),
    "patients.contact.changed": _("External contact changed"),
    "patients.contact.deleted": _("External contact deleted"),
    "patients.contact.reached": _("External contact contacted"),
    "patients.invitation.created": _("Invitation letter created"),
    "patients.document.downloaded": _("Document downloaded"),
    "patients.link.created": _("Patient link created"),
    "patients.link.revoked": _("Patient link revoked"),
    "patients.link.opened": _("Patient link opened by the patient"),
    "patients.link.used": _("Patient link used by the patient"),
    "patients.link.rejected": _("Invalid patient link tried"),
    "screening.result.recorded": _("Screening result recorded"),
    "screening.result.corrected": _("Screening result corrected"),
    "screening.result.api_listed": _("Screening results read through the API"),
    "screening.assignment.api_viewed": _("Assignment state read through the API"),
    "screening.draft.saved": _("Screening answers saved by the patient on the link"),
    "screening.result.not_possible": _("Screening recorded as not possible"),
    "screening.results.viewed": _("Screening results of a stay read"),
    "screening.instrument.imported": _("Screening instrument version imported"),
    "screening.instrument.changed": _("Screening instrument version changed"),
    "screening.instrument.change_refused": _("Change of a screening instrument version with results refused"),
    "screening.setting.changed": _("Facility screening setting changed"),
    "screening.assignment.need_recorded": _("WMR need assessment recorded"),
    "screening.assignment.motivation_recorded": _("Motivation for work-related topics recorded"),
    "screening.assignment.contraindications_checked": _("Contraindication check recorded"),
    "screening.assignment.decided": _("WMR assignment decided"),
    "screening.assignment.switched": _("WMR assignment switched during the stay"),
    "screening.assignment.code_corrected": _("Department code correction (§301) recorded"),
    "screening.report.requested": _("Screening-quota report requested"),
    "screening.report.built": _("Screening-quota report built"),
    "screening.report.shared": _("Screening-quota report marked as shared with the team"),
    "screening.report.downloaded": _("Screening-quota report downloaded"),
    "wmr.audit.viewed": _("Audit log read"),
    "wmr.audit.exported": _("Audit log exported"),
    "staff.login.succeeded": _("Login"),
    "staff.login.failed": _("Failed login"),
    "staff.login.locked_out": _("Login refused: account locked after failed logins"),
    "staff.logout": _("Logout"),
}


# The test suite sets this: an action code without a label then fails the test that wrote it. In production an
# unlabelled code is still logged (the viewer shows the raw code) rather than failing the clinical write.
STRICT = False


# Listeners told the stay id after every logged action that is not a read (compliance recomputes the stay's indicator
# results). A code whose last segment ends in one of READ_SUFFIXES is a read: "patients.stay.viewed",
# "screening.report.downloaded", "patients.stay.api_listed".
READ_SUFFIXES = ("viewed", "listed", "downloaded", "previewed", "exported")
_stay_listeners: list[Callable[[int, str], None]] = []


def on_stay_write(callback: Callable[[int, str], None]) -> Callable[[int, str], None]:
    """Register ``callback(stay_id, action)``, called by ``log``/``log_many`` for every row with a stay that records a
    change (not a read). Later journey apps register from ``AppConfig.ready``; registering twice is a no-op."""
    if callback not in _stay_listeners:
        _stay_listeners.append(callback)
    return callback


def is_read(action: str) -> bool:
    return action.rsplit(".", 1)[-1].endswith(READ_SUFFIXES)


def _tell_listeners(stay_ids: Iterable[int | None], action: str) -> None:
    if is_read(action) or not _stay_listeners:
        return
    for stay_id in dict.fromkeys(stay_ids):  # once per stay, in order
        if stay_id is not None:
            for callback in _stay_listeners:
                callback(stay_id, action)


def register_actions(actions: dict[str, Any]) -> None:
    """Later journey apps add their action codes from ``AppConfig.ready`` (wmr never imports them)."""
    clash = set(actions) & set(ACTIONS)
    if clash:
        raise ValueError(f"audit action codes registered twice: {sorted(clash)}")
    ACTIONS.update(actions)


def action_label(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else code


def bind_request(request: HttpRequest) -> contextvars.Token:
    return _current_request.set(request)


def unbind_request(token: contextvars.Token) -> None:
    _current_request.reset(token)


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address, for the audit log and the patient link's rate limit.

    Behind the production reverse proxy REMOTE_ADDR is the proxy. With TRUST_X_FORWARDED_FOR set, the right-most
    X-Forwarded-For entry is taken: it is the one our own proxy appended, so a client cannot forge it.
    """
    if request is None:
        return None
    from django.conf import settings

    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or None


def _context(user: Any) -> tuple[Any, str | None, str]:
    """The acting user (the request's unless given), the client address and the path to record."""
    request = _current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    # a view may name a redacted path (the patient link's token never reaches the log)
    path = getattr(request, "audit_path", request.path)[:300] if request is not None else ""
    return user, client_address(request), path


def _check(action: str) -> None:
    if STRICT and action not in ACTIONS:
        raise ValueError(f"audit action {action!r} has no label in wmr.audit.ACTIONS (register it)")


def _storable(value: Any) -> Any:
    """The details as PostgreSQL's JSON column takes them: it refuses the NUL character (``\\u0000``), which a
    hostile query string can carry into the logged filters (found by tests/fuzz); it becomes U+FFFD."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(v) for v in value]
    return value


def log(
    obj: Any,
    action: str,
    *,
    user: Any = None,
    data: dict | None = None,
    patient_id: int | None = None,
    stay_id: int | None = None,
) -> AuditEntry:
    """Append one audit row. ``user`` defaults to the request's user; address and path come from the request."""
    _check(action)
    user, address, path = _context(user)
    object_type = object_id = ""
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
        if hasattr(obj, "audit_scope"):
            scope_patient, scope_stay = obj.audit_scope()
            patient_id = patient_id if patient_id is not None else scope_patient
            stay_id = stay_id if stay_id is not None else scope_stay
    entry = AuditEntry.objects.create(
        user=user,
        username=user.get_username() if user is not None else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        patient_id=patient_id,
        stay_id=stay_id,
        ip_address=address,
        path=path,
        data=_storable(data or {}),
    )
    _tell_listeners([stay_id], action)
    return entry


def log_many(objects: Iterable[Any], action: str, *, user: Any = None, data: dict | None = None) -> None:
    """One row per object (each filed under its ``audit_scope``) in one INSERT: a group session's attendees, the
    members a roster page shows. Same fields as ``log``."""
    _check(action)
    user, address, path = _context(user)
    now = timezone.now()
    rows = []
    for obj in objects:
        patient_id, stay_id = obj.audit_scope()
        rows.append(
            AuditEntry(
                at=now,
                user=user,
                username=user.get_username() if user is not None else "",
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                patient_id=patient_id,
                stay_id=stay_id,
                ip_address=address,
                path=path,
                data=_storable(data or {}),
            )
        )
    AuditEntry.objects.bulk_create(rows)
    _tell_listeners((row.stay_id for row in rows), action)
