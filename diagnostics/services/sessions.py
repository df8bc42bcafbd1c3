"""Diagnostic sessions of a stay (rec 4.1): record one, correct one. A correction changes the row and
simple-history keeps every earlier version with who changed it and why (§630f BGB); the page shows them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diagnostics.models import DiagnosticPhase, DiagnosticSession
from diagnostics.rules import distinct_professions
from patients.errors import DomainError
from patients.models import Stay
from staff.models import Profession
from wmr import audit

SESSION_PROFESSIONS = [p for p in Profession.values if p != Profession.OTHER]  # clinical professions only


class SessionRefused(DomainError):
    """A session cannot be stored as entered; ``field`` names the input at fault (None: the whole entry)."""

    default_message = gettext_lazy("The session cannot be stored.")

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)


def _check(*, stay: Stay, held_on: dt.date, professions: list[str], today: dt.date) -> None:
    if not professions:
        raise SessionRefused(_("Name at least one profession involved in the session."), "professions")
    unknown = [p for p in professions if p not in SESSION_PROFESSIONS]
    if unknown:
        raise SessionRefused(_("Unknown profession: %(code)s.") % {"code": ", ".join(unknown)}, "professions")
    if held_on > today:
        raise SessionRefused(_("The session date lies in the future."), "held_on")
    if stay.admission_date and held_on < stay.admission_date:
        raise SessionRefused(
            _("The session date lies before the admission (%(date)s).") % {"date": f"{stay.admission_date:%d.%m.%Y}"},
            "held_on",
        )
    if stay.discharge_date and held_on > stay.discharge_date and stay.status == "discharged":
        raise SessionRefused(
            _("The session date lies after the discharge (%(date)s).") % {"date": f"{stay.discharge_date:%d.%m.%Y}"},
            "held_on",
        )


def session_record(
    *,
    by,
    stay: Stay,
    held_on: dt.date,
    minutes: int,
    professions: Iterable[str],
    phase: str = DiagnosticPhase.START,
    staff: Iterable = (),
    content: str = "",
    today: dt.date | None = None,
) -> DiagnosticSession:
    """Store one diagnostic session (date, minutes 1–600, the distinct professions involved, the staff present).

    Raises ``SessionRefused`` (nothing stored) for no or unknown professions or a date outside the stay or in the
    future; minutes outside 1–600 are refused by the model's validators (``ValidationError``).
    """
    today = today or timezone.localdate()
    professions = list(distinct_professions(professions))
    _check(stay=stay, held_on=held_on, professions=professions, today=today)
    with transaction.atomic():
        session = DiagnosticSession(
            stay=stay,
            phase=phase,
            held_on=held_on,
            minutes=minutes,
            professions=professions,
            content=content,
            created_by=by,
        )
        session.full_clean()
        session._history_user = by
        session.save()
        session.staff.set(list(staff))
        audit.log(
            session,
            "diagnostics.session.recorded",
            user=by,
            data={"phase": phase, "minutes": minutes, "professions": professions},
        )
    return session


def session_correct(
    *,
    by,
    session: DiagnosticSession,
    reason: str,
    held_on: dt.date,
    minutes: int,
    professions: Iterable[str],
    phase: str,
    staff: Iterable | None = None,
    content: str = "",
    today: dt.date | None = None,
) -> DiagnosticSession:
    """Correct a session: the row takes the new values, simple-history keeps the earlier version with ``reason``.

    Same checks as ``session_record``; a correction without a reason is refused.
    """
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise SessionRefused(_("Give a reason for the correction."), "reason")
    professions = list(distinct_professions(professions))
    _check(stay=session.stay, held_on=held_on, professions=professions, today=today)
    with transaction.atomic():
        values = {
            "held_on": held_on,
            "minutes": minutes,
            "professions": professions,
            "phase": phase,
            "content": content,
        }
        changed = sorted(field for field, value in values.items() if getattr(session, field) != value)
        for field, value in values.items():
            setattr(session, field, value)
        session.full_clean()
        session._history_user = by
        session._change_reason = reason[:100]
        session.save()
        if staff is not None:
            session.staff.set(list(staff))
        audit.log(session, "diagnostics.session.corrected", user=by, data={"fields": changed, "reason": reason})
    return session
