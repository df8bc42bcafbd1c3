"""Writes of "My day": mark a planned session of today as held in one click."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from therapy.models import SessionStatus, TherapySession
from therapy.services.sessions import SessionRefused, session_change


def session_mark_held(*, by, session: TherapySession, version: int, today: dt.date) -> TherapySession:
    """A planned session becomes held, everything else as planned.

    Goes through ``session_change``: the same rules (not in the future, within the stay), the version check
    (``SessionConflict`` when someone saved the session meanwhile), the history and the audit rows. Refused with
    ``SessionRefused`` when the session is not planned.
    """
    if session.status != SessionStatus.PLANNED:
        raise SessionRefused(_("Only a planned session can be marked as held."), "status")
    return session_change(
        by=by,
        session=session,
        version=version,
        held_on=session.held_on,
        minutes=session.minutes,
        start=session.start,
        status=SessionStatus.HELD,
        staff=session.staff,
        topics=session.topics,
        note=session.note,
        kind=session.kind,
        reason=_("marked as held on My day"),
        today=today,
    )
