"""Rules of the team conference (pure: no ORM, no clock; ``today`` is a parameter).

- Rec 9.12 (weekly WMR case conference): per ISO week (Monday–Sunday, the dates as seen in Europe/Berlin) the
  indicator is met when at least one conference that week had participants of at least ``MIN_PROFESSIONS``
  distinct professions.

  PRODUCT CHOICES, documented here and in the tests:
  * Two conferences of one week are **not** combined: two meetings of two professions each are two
    non-interprofessional meetings, not one interprofessional one (9.12 asks for an interprofessional
    conference, a single event). The week shows the best single conference.
  * ``other`` ("other / administration") is not a profession for this count: a minute-taker does not make a
    conference interprofessional.
  * The week that contains ``end`` (today) and is not met yet is "not yet due": a conference may still follow.
- Rec 4.10 + K-6: the comparison of capacity and demand profile is compiled *before* the team conference; a stay
  discussed without a comparison is flagged. "Before" is counted in days: profiles rated on the conference day
  count (the morning's rating is ready for the afternoon's conference).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

# Rec 9.12: "interprofessional" – at least three professions (issue 5).
MIN_PROFESSIONS = 3
NOT_A_PROFESSION = frozenset({"other"})


class WeekState(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_YET_DUE = "not_yet_due"


@dataclass(frozen=True)
class ConferenceFacts:
    """What the rule needs of one conference: its date and the professions of its participants."""

    held_on: dt.date
    professions: tuple[str, ...]
    conference_id: int | None = None

    @property
    def counted_professions(self) -> frozenset[str]:
        return frozenset(p for p in self.professions if p and p not in NOT_A_PROFESSION)


@dataclass(frozen=True)
class Week:
    """One ISO week: met / not met / not yet due, the best conference and its professions, with the reason."""

    monday: dt.date
    state: WeekState
    conferences: int
    professions: frozenset[str] = field(default_factory=frozenset)  # of the best single conference
    best_conference_id: int | None = None

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def iso_week(self) -> tuple[int, int]:
        year, week, _day = self.monday.isocalendar()
        return year, week

    @property
    def met(self) -> bool:
        return self.state == WeekState.MET

    @property
    def reason(self) -> str:
        n = len(self.professions)
        if self.state == WeekState.MET:
            return str(_("A conference with %(n)d professions took place.") % {"n": n})
        if self.conferences == 0:
            if self.state == WeekState.NOT_YET_DUE:
                return str(_("No conference yet this week."))
            return str(_("No conference took place this week."))
        if self.state == WeekState.NOT_YET_DUE:
            return str(
                _("So far at most %(n)d professions at one conference; %(min)d are needed.")
                % {"n": n, "min": MIN_PROFESSIONS}
            )
        return str(
            _("At most %(n)d professions at one conference; %(min)d are needed.") % {"n": n, "min": MIN_PROFESSIONS}
        )


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly_conferences(conferences: Iterable[ConferenceFacts], *, start: dt.date, end: dt.date) -> list[Week]:
    """Rec 9.12 per ISO week from the week containing ``start`` to the week containing ``end`` (= today for a
    running week), oldest first. Conferences outside [start's Monday, end] are ignored, so a conference dated
    after ``end`` never counts."""
    if end < start:
        return []
    first, last = monday_of(start), monday_of(end)
    by_week: dict[dt.date, list[ConferenceFacts]] = {}
    for conference in conferences:
        if first <= conference.held_on <= end:
            by_week.setdefault(monday_of(conference.held_on), []).append(conference)
    weeks = []
    monday = first
    while monday <= last:
        held = by_week.get(monday, [])
        best = max(held, key=lambda c: (len(c.counted_professions), c.held_on), default=None)
        professions = best.counted_professions if best else frozenset()
        if len(professions) >= MIN_PROFESSIONS:
            state = WeekState.MET
        elif monday + dt.timedelta(days=6) > end:
            state = WeekState.NOT_YET_DUE
        else:
            state = WeekState.NOT_MET
        weeks.append(
            Week(
                monday=monday,
                state=state,
                conferences=len(held),
                professions=professions,
                best_conference_id=best.conference_id if best else None,
            )
        )
        monday += dt.timedelta(days=7)
    return weeks


def meets_weekly_rule(professions: Iterable[str]) -> bool:
    """Whether one conference with these participants' professions is interprofessional in the sense of 9.12."""
    return len({p for p in professions if p and p not in NOT_A_PROFESSION}) >= MIN_PROFESSIONS


# --- comparison before the team conference (rec 4.10, K-6) --------------------------------------------------------


class DueState(StrEnum):
    """The case overview's line "comparison before the team conference"."""

    OPEN = "open"  # no comparison yet, not discussed yet: nothing to do for the conference yet
    DUE = "due"  # comparison ready, waiting for the next conference
    OVERDUE = "overdue"  # comparison ready, a conference of the facility took place since without this stay
    MET = "met"  # discussed with a comparison that was ready on the conference day
    WITHOUT_COMPARISON = "without_comparison"  # discussed without a (timely) comparison: flagged


@dataclass(frozen=True)
class ConferenceDue:
    state: DueState
    comparison_ready_on: dt.date | None = None
    discussed_on: dt.date | None = None
    missed_conference_on: dt.date | None = None

    @property
    def flagged(self) -> bool:
        return self.state in {DueState.OVERDUE, DueState.WITHOUT_COMPARISON}

    @property
    def reason(self) -> str:
        def fmt(day):
            return f"{day:%d.%m.%Y}" if day else ""

        if self.state == DueState.MET:
            return str(
                _("Discussed at the team conference of %(date)s with the comparison of %(ready)s.")
                % {"date": fmt(self.discussed_on), "ready": fmt(self.comparison_ready_on)}
            )
        if self.state == DueState.WITHOUT_COMPARISON:
            return str(
                _("Discussed at the team conference of %(date)s without a comparison of capacity and demand profile.")
                % {"date": fmt(self.discussed_on)}
            )
        if self.state == DueState.OVERDUE:
            return str(
                _("The comparison has been ready since %(ready)s, but the conference of %(date)s did not discuss it.")
                % {"ready": fmt(self.comparison_ready_on), "date": fmt(self.missed_conference_on)}
            )
        if self.state == DueState.DUE:
            return str(
                _("The comparison is ready (%(ready)s): discuss it at the next team conference.")
                % {"ready": fmt(self.comparison_ready_on)}
            )
        return str(_("Compile capacity and demand profile before the team conference."))


def comparison_ready_on(capacity_rated_on: dt.date | None, demand_rated_on: dt.date | None) -> dt.date | None:
    """The comparison exists from the day both profiles (with ratings) exist: the later of the two dates."""
    if capacity_rated_on is None or demand_rated_on is None:
        return None
    return max(capacity_rated_on, demand_rated_on)


def conference_due_state(
    *,
    ready_on: dt.date | None,
    discussed_on: dt.date | None,
    discussed_with_comparison: bool,
    facility_conference_dates: Iterable[dt.date] = (),
    today: dt.date,
) -> ConferenceDue:
    """Rec 4.10/K-6 for one stay.

    ``ready_on``: the day the current comparison became possible (``comparison_ready_on``), None without one.
    ``discussed_on``/``discussed_with_comparison``: the stay's latest conference case, if any, and whether it froze
    a comparison whose profiles were rated on or before the conference day. ``facility_conference_dates``: dates of
    the facility's conferences (to tell a missed conference); dates after ``today`` are ignored.
    """
    if discussed_on is not None:
        if discussed_with_comparison:
            return ConferenceDue(DueState.MET, comparison_ready_on=ready_on, discussed_on=discussed_on)
        if ready_on is None or ready_on <= discussed_on:
            return ConferenceDue(DueState.WITHOUT_COMPARISON, comparison_ready_on=ready_on, discussed_on=discussed_on)
        # discussed without one, the comparison was compiled afterwards: due at (or missed by) a later conference
    elif ready_on is None:
        return ConferenceDue(DueState.OPEN)
    after = discussed_on or dt.date.min
    missed = [d for d in facility_conference_dates if ready_on <= d <= today and d > after]
    if missed:
        return ConferenceDue(
            DueState.OVERDUE, comparison_ready_on=ready_on, discussed_on=discussed_on, missed_conference_on=max(missed)
        )
    return ConferenceDue(DueState.DUE, comparison_ready_on=ready_on, discussed_on=discussed_on)
