"""Pure rules of the work-related diagnostics (../shared/domain/mini_icf_app.md §1 rec 4.1, P-4).

A-1 (aggregates of a profile) lives with the comparison engine: ``diagnostics.comparison.profile_aggregates``.

No ORM, no clock: ``today`` is always a parameter. Day counting: the admission day is day 1 of the stay, so day n
is ``admission + (n - 1)`` days; "by day 10" means on or before day 10.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Rec 4.1 (grade "shall"): work-related diagnostics at the start of rehab, at least 90 minutes, several professions
# (the app reads "several" as at least two, §1). "At the start" = phase "start", on or before day 10 (PRODUCT
# CHOICE of issue 5, the case overview's due day).
MIN_MINUTES = 90
MIN_PROFESSIONS = 2
DEFAULT_DUE_DAY = 10
START_PHASE = "start"

# P-4 (rec 4.8), PRODUCT CHOICE: a profile built by fewer than two distinct professions gets a warning.
MIN_PROFILE_PROFESSIONS = 2


def day_date(admission: dt.date, day: int) -> dt.date:
    """The calendar date of treatment day ``day`` (day 1 = admission day)."""
    return admission + dt.timedelta(days=day - 1)


def distinct_professions(professions: Iterable[str]) -> tuple[str, ...]:
    """The distinct, non-empty profession codes, sorted (one profession twice is still one profession)."""
    return tuple(sorted({p for p in professions if p}))


@dataclass(frozen=True)
class SessionFact:
    """What rec 4.1 needs of a stored diagnostic session."""

    phase: str
    held_on: dt.date
    minutes: int
    professions: tuple[str, ...] = ()


@dataclass(frozen=True)
class StartDiagnostics:
    """The case overview's state of rec 4.1.

    ``state``: ``met`` (≥ 90 minutes and ≥ 2 professions in start sessions by the due day), ``late`` (reached, but
    only with start sessions after the due day), ``open`` (not reached, still in time) or ``overdue`` (not reached
    and the due day has passed). ``minutes`` and ``professions`` are those of the start sessions that count (on or
    before the due date); ``minutes_all``/``professions_all`` include the later start sessions.
    """

    state: str
    due_day: int
    due_date: dt.date
    minutes: int
    professions: tuple[str, ...]
    minutes_all: int
    professions_all: tuple[str, ...]

    @property
    def minutes_missing(self) -> int:
        return max(0, MIN_MINUTES - self.minutes)

    @property
    def professions_missing(self) -> int:
        return max(0, MIN_PROFESSIONS - len(self.professions))

    @property
    def reason(self) -> str:
        """The state in words (translated at the time it is read)."""
        counted = _("%(minutes)d minutes, %(n)d profession(s) in start sessions by day %(day)d (%(date)s).") % {
            "minutes": self.minutes,
            "n": len(self.professions),
            "day": self.due_day,
            "date": f"{self.due_date:%d.%m.%Y}",
        }
        if self.state == "met":
            return counted
        if self.state == "late":
            return _(
                "Reached only after day %(day)d: %(minutes)d minutes, %(n)d profession(s) in all start sessions."
            ) % {
                "day": self.due_day,
                "minutes": self.minutes_all,
                "n": len(self.professions_all),
            }
        missing = []
        if self.minutes_missing:
            missing.append(
                ngettext("%(n)d minute missing", "%(n)d minutes missing", self.minutes_missing)
                % {"n": self.minutes_missing}
            )
        if self.professions_missing:
            missing.append(
                ngettext("%(n)d more profession needed", "%(n)d more professions needed", self.professions_missing)
                % {"n": self.professions_missing}
            )
        return f"{counted} {'; '.join(missing)}."


def _reached(minutes: int, professions: tuple[str, ...]) -> bool:
    return minutes >= MIN_MINUTES and len(professions) >= MIN_PROFESSIONS


def diagnostics_at_start(
    sessions: Iterable[SessionFact], *, admission: dt.date, today: dt.date, due_day: int = DEFAULT_DUE_DAY
) -> StartDiagnostics:
    """Rec 4.1: did the work-related diagnostics at the start reach ≥ 90 minutes involving ≥ 2 distinct professions?

    Only sessions of phase ``start`` count; minutes add up over sessions and the professions are pooled (two
    sessions of 45 minutes, one by a psychologist and one by a social worker, meet the rule). A session counts when
    held on or before treatment day ``due_day``.
    """
    due_date = day_date(admission, due_day)
    start = [s for s in sessions if s.phase == START_PHASE]
    in_time = [s for s in start if s.held_on <= due_date]
    minutes = sum(s.minutes for s in in_time)
    professions = distinct_professions(p for s in in_time for p in s.professions)
    minutes_all = sum(s.minutes for s in start)
    professions_all = distinct_professions(p for s in start for p in s.professions)
    if _reached(minutes, professions):
        state = "met"
    elif _reached(minutes_all, professions_all):
        state = "late"
    else:
        state = "open" if today <= due_date else "overdue"
    return StartDiagnostics(
        state=state,
        due_day=due_day,
        due_date=due_date,
        minutes=minutes,
        professions=professions,
        minutes_all=minutes_all,
        professions_all=professions_all,
    )


def due_state(done: bool, *, due_date: dt.date, today: dt.date) -> str:
    """A thing due by ``due_date``: ``done``, ``open`` (until and including the due date) or ``overdue``."""
    if done:
        return "done"
    return "open" if today <= due_date else "overdue"


def interprofessional_warning(professions: Iterable[str]) -> str | None:
    """P-4 (rec 4.8): a warning when fewer than two distinct professions contributed to a profile, else None."""
    distinct = distinct_professions(professions)
    if len(distinct) >= MIN_PROFILE_PROFESSIONS:
        return None
    if not distinct:
        return _("No profession has rated this profile yet; it should be built by at least two professions.")
    return _("Only one profession has rated this profile; it should be built by at least two professions.")
