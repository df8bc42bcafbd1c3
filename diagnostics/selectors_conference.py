"""Reads of the team conference (rec 4.10, 9.12; K-6, E15): the facility's conferences, the weekly indicator, a
stay's conference cases with their frozen comparisons, and the planned therapies the therapy app schedules.

The comparison itself is computed by ``diagnostics.comparison`` through ``selectors_comparison.stay_comparisons``;
here it is only frozen (``to_snapshot``) and read back (``from_snapshot``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone, translation

from diagnostics.chart import comparison_chart_svg
from diagnostics.comparison import Comparison, Status, from_snapshot, summary_text, to_snapshot
from diagnostics.models import (
    ConferenceCase,
    ConferenceFlag,
    FlagDecision,
    PlannedTherapy,
    Profile,
    TeamConference,
)
from diagnostics.rules_conference import (
    ConferenceDue,
    ConferenceFacts,
    Week,
    comparison_ready_on,
    conference_due_state,
    weekly_conferences,
)
from diagnostics.selectors_comparison import ComparisonView, current_ratings, stay_comparisons
from patients.models import Stay
from patients.selectors import stays_visible_to

# K-6: over- and underload are the proposals the conference confirms or dismisses.
FLAGGED_STATUSES = (Status.OVERLOAD_MARKED, Status.OVERLOAD, Status.UNDERLOAD)


def _language() -> str:
    return (translation.get_language() or "de")[:2]


# --- the frozen comparison (K-6, E15) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotFlag:
    """A dimension the frozen comparison flagged (over- or underload), in K-9 order."""

    dimension: str
    number: int
    status: str
    gap: int | None
    name_de: str
    name_en: str

    @property
    def label(self) -> str:
        name = self.name_en if _language() == "en" else self.name_de
        return f"{self.number}. {name} – {Status(self.status).label}"


@dataclass(frozen=True)
class FrozenComparison:
    capacity_profile: Profile | None
    demand_profile: Profile | None
    snapshot: dict
    flagged: list[str] = field(default_factory=list)


def _current_view(comparisons) -> ComparisonView | None:
    """The comparison the conference sees: the discharge comparison once there is one, else the admission one."""
    return comparisons.discharge or comparisons.admission


def _profile_facts(profile: Profile) -> dict:
    return {
        "id": profile.pk,
        "kind": profile.kind,
        "timepoint": profile.timepoint,
        "rated_on": profile.rated_on.isoformat(),
        "instrument_version_id": profile.instrument_id,
        "rating_ids": sorted(row.pk for row in current_ratings(profile).values()),
    }


def freeze_comparison(stay: Stay) -> FrozenComparison:
    """What ``case_add`` stores: the current comparison of the stay as a snapshot (K-6: rule version, every rating,
    gap and status, both profiles with their version and the rating rows used). Empty without both profiles; only
    the reason when the two profiles cannot be compared (K-7)."""
    view = _current_view(stay_comparisons(stay))
    if view is None:
        return FrozenComparison(None, None, {})
    if view.comparison is None:
        return FrozenComparison(view.capacity, view.demand, {"refused": view.refused})
    snapshot = to_snapshot(view.comparison) | {
        "profiles": {"capacity": _profile_facts(view.capacity), "demand": _profile_facts(view.demand)},
        "frozen_at": timezone.now().isoformat(),
    }
    flagged = [row.code for row in view.comparison.rows if row.status in FLAGGED_STATUSES]
    return FrozenComparison(view.capacity, view.demand, snapshot, flagged)


def snapshot_comparison(snapshot: dict) -> Comparison | None:
    return from_snapshot(snapshot) if snapshot and snapshot.get("rows") else None


def snapshot_flags(snapshot: dict) -> list[SnapshotFlag]:
    comparison = snapshot_comparison(snapshot)
    if comparison is None:
        return []
    return [
        SnapshotFlag(row.code, row.number, row.status.value, row.gap, row.name_de, row.name_en)
        for row in comparison.rows
        if row.status in FLAGGED_STATUSES
    ]


def _frozen_ready_on(snapshot: dict) -> dt.date | None:
    snapshot = snapshot or {}
    profiles = snapshot.get("profiles") or {}
    if not snapshot.get("rows") or "capacity" not in profiles or "demand" not in profiles:
        return None
    return comparison_ready_on(
        dt.date.fromisoformat(profiles["capacity"]["rated_on"]), dt.date.fromisoformat(profiles["demand"]["rated_on"])
    )


def newer_than_frozen(snapshot: dict, view: ComparisonView | None) -> bool:
    """E15: the comparison computed now differs from the frozen one: other profiles, other rating rows (a
    correction is a new row), or other results (e.g. a changed reference context)."""
    if view is None or view.comparison is None:
        return False
    if not snapshot or not snapshot.get("rows"):
        return True
    frozen = snapshot.get("profiles") or {}
    now = {"capacity": _profile_facts(view.capacity), "demand": _profile_facts(view.demand)}
    for kind in ("capacity", "demand"):
        then = frozen.get(kind) or {}
        if then.get("id") != now[kind]["id"] or then.get("rating_ids") != now[kind]["rating_ids"]:
            return True
    current = to_snapshot(view.comparison)
    return current["rows"] != snapshot["rows"] or current["warnings"] != snapshot.get("warnings", [])


def chart_of(comparison: Comparison | None, *, chart_id: str) -> str:
    if comparison is None:
        return ""
    return comparison_chart_svg(comparison, language=_language(), chart_id=chart_id)


# --- the facility's conferences -------------------------------------------------------------------------------------


def _conferences() -> QuerySet[TeamConference]:
    return (
        TeamConference.objects.select_related("facility", "created_by")
        .prefetch_related("participants")
        .annotate(case_count=Count("cases", distinct=True))
        .order_by("-held_on", "-id")
    )


def conferences_for(user) -> QuerySet[TeamConference]:
    """The conferences of the user's facilities, each with its participants, its number of stays and (as
    ``visible_cases``) only the stays of the user's care teams: other stays are counted, never named."""
    visible = stays_visible_to(user).values("pk")
    cases = ConferenceCase.objects.filter(stay__in=visible).select_related("stay__patient").order_by("id")
    return (
        _conferences()
        .filter(facility__in=user.facilities.all())
        .annotate(other_case_count=Count("cases", filter=~Q(cases__stay__in=visible), distinct=True))
        .prefetch_related(Prefetch("cases", queryset=cases, to_attr="visible_cases"))
    )


def conference_for(user, pk: int) -> TeamConference | None:
    return conferences_for(user).filter(pk=pk).first()


def stays_to_discuss(user, conference: TeamConference) -> QuerySet[Stay]:
    """Stays of the user's care teams in the conference's facility, admitted by its date, not yet discussed there."""
    return (
        stays_visible_to(user)
        .filter(facility=conference.facility_id, admission_date__lte=conference.held_on)
        .exclude(conference_cases__conference=conference)
        .select_related("patient")
        .order_by("patient__last_name", "number")
    )


def facility_conferences(facility, start: dt.date, end: dt.date) -> QuerySet[TeamConference]:
    """The facility's conferences held from ``start`` to ``end`` (both included), with participants and the number
    of stays discussed (no stay names: for aggregates)."""
    return _conferences().filter(facility=facility, held_on__gte=start, held_on__lte=end)


def facility_weekly_conferences(facility, *, start: dt.date, end: dt.date) -> list[Week]:
    """Rec 9.12 per ISO week for a facility (``end`` = today for the running week). One query (conferences joined
    with their participants' professions as plain rows), whether or not the weeks hold conferences — so the dashboard
    costs the same queries for an empty quarter as for a full one. This is the function the compliance indicator
    ``weekly_case_conference`` calls."""
    rows = (
        TeamConference.objects.filter(facility=facility, held_on__gte=start - dt.timedelta(days=6), held_on__lte=end)
        .order_by("-held_on", "-pk", "participants__name", "participants__pk")  # as before: newest first, by name
        .values_list("pk", "held_on", "participants__profession")
    )
    conferences: dict[int, tuple[dt.date, list[str]]] = {}
    for pk, held_on, profession in rows:
        _held, professions = conferences.setdefault(pk, (held_on, []))
        if profession is not None:
            professions.append(profession)
    facts = [
        ConferenceFacts(held_on=held_on, professions=tuple(professions), conference_id=pk)
        for pk, (held_on, professions) in conferences.items()
    ]
    return weekly_conferences(facts, start=start, end=end)


def recent_weeks(facility, *, today: dt.date, weeks: int = 12) -> list[Week]:
    """The last ``weeks`` ISO weeks up to the running one, newest first (the weekly page)."""
    start = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=weeks - 1)
    return list(reversed(facility_weekly_conferences(facility, start=start, end=today)))


# --- a stay's conference cases --------------------------------------------------------------------------------------


def planned_therapies_for(stay: Stay) -> QuerySet[PlannedTherapy]:
    """Every therapy planned for the stay (running first, then ended), with its catalogue item and the conference
    that planned it: what the therapy app schedules and counts sessions against (``ended_on`` empty = running)."""
    return (
        PlannedTherapy.objects.filter(stay=stay)
        .select_related("item", "case__conference", "created_by")
        .order_by(F("ended_on").asc(nulls_first=True), "id")
    )


def _cases(stay: Stay) -> QuerySet[ConferenceCase]:
    return (
        ConferenceCase.objects.filter(stay=stay)
        .select_related("conference", "created_by", "capacity_profile", "demand_profile")
        .prefetch_related(Prefetch("flags", queryset=ConferenceFlag.objects.order_by("id")))
        .order_by("-conference__held_on", "-id")
    )


def stay_case(stay: Stay, conference: TeamConference) -> ConferenceCase | None:
    return ConferenceCase.objects.filter(stay=stay, conference=conference).select_related("stay", "conference").first()


@dataclass
class CaseSummary:
    """One conference case as the pages show it: the frozen comparison, the flags and their decisions."""

    case: ConferenceCase
    comparison: Comparison | None
    flagged: list[SnapshotFlag]
    flags: list[ConferenceFlag]
    summary: str = ""
    chart: str = ""

    @property
    def decided(self) -> dict[str, ConferenceFlag]:
        return {flag.dimension: flag for flag in self.flags}

    @property
    def rows(self) -> list[tuple[SnapshotFlag, ConferenceFlag | None]]:
        decided = self.decided
        return [(flag, decided.get(flag.dimension)) for flag in self.flagged]

    @property
    def confirmed(self) -> list[SnapshotFlag]:
        decided = self.decided
        return [
            f
            for f in self.flagged
            if f.dimension in decided and decided[f.dimension].decision == FlagDecision.CONFIRMED
        ]

    @property
    def undecided(self) -> int:
        return sum(1 for flag in self.flagged if flag.dimension not in self.decided)

    @property
    def refused(self) -> str:
        return (self.case.snapshot or {}).get("refused", "")


def _summary(case: ConferenceCase, *, with_chart: bool) -> CaseSummary:
    comparison = snapshot_comparison(case.snapshot)
    return CaseSummary(
        case=case,
        comparison=comparison,
        flagged=snapshot_flags(case.snapshot),
        flags=list(case.flags.all()),
        summary=summary_text(comparison, _language()) if comparison else "",
        chart=chart_of(comparison, chart_id=f"conference-chart-{case.pk}") if with_chart else "",
    )


@dataclass
class StayConferenceState:
    """The case overview's section: the latest conference case with its frozen comparison (and chart), all cases,
    the planned therapies, whether a newer comparison exists (E15), the due state and where to discuss it next."""

    latest: CaseSummary | None
    cases: list[ConferenceCase]
    therapies: list[PlannedTherapy]
    newer_comparison: bool
    due: ConferenceDue
    conferences: list[TeamConference]  # of the facility since admission, not yet with this stay, newest first

    @property
    def running_therapies(self) -> list[PlannedTherapy]:
        return [t for t in self.therapies if t.ended_on is None]


def stay_conference_state(stay: Stay, today: dt.date) -> StayConferenceState:
    """What the case overview shows of a stay's profile comparison, conferences and planned therapies.

    Queries (constant): conference cases + their flags (2), planned therapies (1), the current comparison's
    profiles + ratings (2, ``stay_comparisons``), the facility's conferences since admission (1).
    """
    cases = list(_cases(stay))
    therapies = list(planned_therapies_for(stay))
    view = _current_view(stay_comparisons(stay))
    facility_conferences_since = list(
        TeamConference.objects.filter(
            facility=stay.facility_id, held_on__gte=stay.admission_date, held_on__lte=today
        ).order_by("-held_on", "-id")
    )
    latest = _summary(cases[0], with_chart=True) if cases else None
    ready_on = None
    if view is not None and view.comparison is not None and view.capacity_ratings and view.demand_ratings:
        ready_on = comparison_ready_on(view.capacity.rated_on, view.demand.rated_on)
    discussed_on = latest.case.conference.held_on if latest else None
    frozen_ready = _frozen_ready_on(latest.case.snapshot) if latest else None
    due = conference_due_state(
        ready_on=ready_on,
        discussed_on=discussed_on,
        discussed_with_comparison=frozen_ready is not None and frozen_ready <= discussed_on,
        facility_conference_dates=[c.held_on for c in facility_conferences_since],
        today=today,
    )
    discussed = {case.conference_id for case in cases}
    return StayConferenceState(
        latest=latest,
        cases=cases,
        therapies=therapies,
        newer_comparison=newer_than_frozen(latest.case.snapshot, view) if latest else False,
        due=due,
        conferences=[c for c in facility_conferences_since if c.pk not in discussed],
    )


@dataclass
class CasePage:
    """The stay-at-a-conference page: the case (None until the stay is added), or the preview of what would be
    frozen; the earlier versions of flags and findings (§630f BGB)."""

    case: ConferenceCase | None
    summary: CaseSummary | None
    preview: ComparisonView | None
    preview_chart: str
    therapies: list[PlannedTherapy]
    flag_history: list
    findings_history: list
    newer_comparison: bool

    @property
    def flagged(self) -> list[SnapshotFlag]:
        return self.summary.flagged if self.summary else []

    @property
    def flags(self) -> list[ConferenceFlag]:
        return self.summary.flags if self.summary else []

    @property
    def confirmed(self) -> list[SnapshotFlag]:
        return self.summary.confirmed if self.summary else []


def stay_case_page(stay: Stay, conference: TeamConference) -> CasePage:
    case = _cases(stay).filter(conference=conference).first()
    view = _current_view(stay_comparisons(stay))
    if case is None:
        preview_chart = chart_of(view.comparison if view else None, chart_id="conference-preview-chart")
        return CasePage(None, None, view, preview_chart, [], [], [], False)
    therapies = list(planned_therapies_for(stay).filter(case=case))
    flag_history = list(
        ConferenceFlag.history.filter(case_id=case.pk).select_related("history_user").order_by("-history_date")
    )
    findings_history = [
        record
        for record in ConferenceCase.history.filter(id=case.pk).select_related("history_user").order_by("-history_date")
        if record.findings
    ]
    return CasePage(
        case=case,
        summary=_summary(case, with_chart=True),
        preview=None,
        preview_chart="",
        therapies=therapies,
        flag_history=flag_history,
        findings_history=findings_history,
        newer_comparison=newer_than_frozen(case.snapshot, view),
    )


def stay_conference_cases(stay: Stay) -> list[CaseSummary]:
    """Every conference case of the stay with its frozen comparison and flags (the API)."""
    return [_summary(case, with_chart=False) for case in _cases(stay)]
