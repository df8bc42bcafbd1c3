"""Reads of the diagnostics app: sessions, job descriptions, profiles (shaped for the pages that show them).

Every function here costs a constant number of queries, whatever the number of sessions, profiles and ratings:
related rows come with ``select_related``/``prefetch_related`` and are grouped in Python, never fetched per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from diagnostics import rules
from diagnostics.comparison import Aggregates, profile_aggregates
from diagnostics.instruments import DEMO_MARK, Definition, Dimension, definition_from_dict
from diagnostics.models import (
    DiagnosticSession,
    JobDescription,
    Profile,
    ProfileKind,
    ProfileRating,
    Timepoint,
)
from diagnostics.selectors_comparison import as_ratings, current_ratings
from patients.history import HistoryEntry, history_entries
from patients.models import Stay
from staff.models import Profession

# --- building blocks ------------------------------------------------------------------------------------------------


def session_facts(sessions: Iterable[DiagnosticSession]) -> list[rules.SessionFact]:
    return [rules.SessionFact(s.phase, s.held_on, s.minutes, tuple(s.professions)) for s in sessions]


def stay_sessions(stay: Stay) -> QuerySet[DiagnosticSession]:
    return stay.diagnostic_sessions.select_related("created_by").order_by("held_on", "id")


def stay_jobs(stay: Stay) -> QuerySet[JobDescription]:
    return stay.job_descriptions.select_related("created_by").order_by("-recorded_on", "-id")


def stay_profiles(stay: Stay) -> QuerySet[Profile]:
    """The stay's profiles with instrument, job description, creator and every rating row (with its rater)."""
    ratings = ProfileRating.objects.select_related("rater").order_by("recorded_at", "id")
    return (
        stay.profiles.select_related("instrument", "job_description", "created_by")
        .prefetch_related(Prefetch("ratings", queryset=ratings))
        .order_by("kind", "-rated_on", "-id")
    )


def _language() -> str:
    return (translation.get_language() or "de")[:2]


# --- profiles -------------------------------------------------------------------------------------------------------


@dataclass
class DimensionRating:
    """One dimension of a profile: the rating that counts and every row before it (corrections keep originals)."""

    dimension: Dimension
    name: str
    current: ProfileRating | None
    history: list[ProfileRating]  # oldest first, the current one last
    scale_label: str = ""
    anchor: str = ""

    @property
    def state(self) -> str:
        """``rated``, ``not_assessable`` or ``not_rated`` (S-3: the last two are never 0)."""
        if self.current is None:
            return "not_rated"
        return "not_assessable" if self.current.not_assessable else "rated"

    @property
    def corrected(self) -> bool:
        return len(self.history) > 1


@dataclass
class Contributor:
    profession: str
    label: str
    raters: list[str]
    dimensions: list[str]  # names of the dimensions whose current rating is theirs


@dataclass
class ProfileSummary:
    profile: Profile
    definition: Definition
    name: str  # instrument display name, "(DEMO – nicht offiziell)" included for demo definitions
    rows: list[DimensionRating]
    aggregates: Aggregates  # n, mean over the rated, sum only when all are rated
    contributors: list[Contributor]
    warning: str | None  # P-4

    @property
    def dimensions(self) -> int:
        return len(self.rows)

    @property
    def rated(self) -> int:
        return sum(1 for row in self.rows if row.state == "rated")

    @property
    def not_assessable(self) -> int:
        return sum(1 for row in self.rows if row.state == "not_assessable")

    @property
    def not_rated(self) -> int:
        return sum(1 for row in self.rows if row.state == "not_rated")

    @property
    def has_ratings(self) -> bool:
        return any(row.current is not None for row in self.rows)

    @property
    def is_demo(self) -> bool:
        return not self.profile.instrument.is_official

    @property
    def scale_name(self) -> str:
        return self.definition.scale(self.profile.kind).name(_language())


def display_name(definition: Definition, language: str) -> str:
    """D-7: a demo definition carries the demo mark in every display name."""
    name = definition.name(language)
    return name if definition.is_official or DEMO_MARK in name else f"{name} {DEMO_MARK}"


def summarize(profile: Profile, definition: Definition | None = None) -> ProfileSummary:
    """A profile with its rows per dimension (instrument order), A-1 aggregates, contributors and P-4 warning.

    Uses the prefetched ``ratings`` when the profile comes from ``stay_profiles``/``profile_for_stay`` (no query).
    """
    language = _language()
    definition = definition or definition_from_dict(profile.instrument.definition)
    scale = definition.scale(profile.kind)
    by_dimension: dict[str, list[ProfileRating]] = defaultdict(list)
    for row in sorted(profile.ratings.all(), key=lambda r: (r.recorded_at, r.pk)):
        by_dimension[row.dimension].append(row)
    rows = []
    for dimension in definition.dimensions:
        history = by_dimension.get(dimension.code, [])
        current = history[-1] if history else None
        rated = current is not None and not current.not_assessable
        rows.append(
            DimensionRating(
                dimension=dimension,
                name=dimension.name(language),
                current=current,
                history=history,
                scale_label=scale.label(current.value, language) if rated else "",
                anchor=scale.anchors(dimension.code).get(current.value, "") if rated else "",
            )
        )
    by_profession: dict[str, Contributor] = {}
    for row in rows:
        if row.current is None:
            continue
        code = row.current.profession
        contributor = by_profession.setdefault(code, Contributor(code, _label(code), [], []))
        rater = row.current.rater.display_name if row.current.rater else "–"
        if rater not in contributor.raters:
            contributor.raters.append(rater)
        contributor.dimensions.append(row.name)
    return ProfileSummary(
        profile=profile,
        definition=definition,
        name=display_name(definition, language),
        rows=rows,
        aggregates=profile_aggregates(definition, as_ratings(current_ratings(profile))),
        contributors=sorted(by_profession.values(), key=lambda c: c.label),
        warning=rules.interprofessional_warning(by_profession),
    )


def _label(profession: str) -> str:
    try:
        return str(Profession(profession).label)
    except ValueError:
        return profession


def summaries(profiles: Iterable[Profile]) -> list[ProfileSummary]:
    """``summarize`` each profile, parsing each instrument version once."""
    definitions: dict[int, Definition] = {}
    result = []
    for profile in profiles:
        if profile.instrument_id not in definitions:
            definitions[profile.instrument_id] = definition_from_dict(profile.instrument.definition)
        result.append(summarize(profile, definitions[profile.instrument_id]))
    return result


def profile_for_stay(stay: Stay, profile_id: int) -> Profile | None:
    """A profile of this stay (None for another stay's: the view answers 404), shaped like ``stay_profiles``."""
    return stay_profiles(stay).filter(pk=profile_id).first()


# --- the case overview ----------------------------------------------------------------------------------------------


@dataclass
class DueItem:
    code: str
    label: str
    due_date: dt.date
    state: str  # done / open / overdue / late
    detail: str = ""


@dataclass
class DiagnosticsState:
    sessions: list[DiagnosticSession]
    start: rules.StartDiagnostics
    jobs: list[JobDescription]
    profiles: list[ProfileSummary]
    due: list[DueItem] = field(default_factory=list)

    @property
    def minutes_total(self) -> int:
        return sum(s.minutes for s in self.sessions)

    def _latest(self, kind: str, timepoint: str | None = None) -> ProfileSummary | None:
        # ``profiles`` is ordered newest first within a kind
        return next(
            (
                p
                for p in self.profiles
                if p.profile.kind == kind and (timepoint is None or p.profile.timepoint == timepoint)
            ),
            None,
        )

    @property
    def capacity_admission(self) -> ProfileSummary | None:
        return self._latest(ProfileKind.CAPACITY, Timepoint.ADMISSION)

    @property
    def capacity_discharge(self) -> ProfileSummary | None:
        return self._latest(ProfileKind.CAPACITY, Timepoint.DISCHARGE)

    @property
    def demand(self) -> ProfileSummary | None:
        return self._latest(ProfileKind.DEMAND)

    @property
    def self_rating(self) -> ProfileSummary | None:
        return self._latest(ProfileKind.SELF)


def _due_items(state: DiagnosticsState, today: dt.date) -> list[DueItem]:
    start = state.start
    items = [
        DueItem(
            "diagnostics_at_start",
            str(_("Diagnostics at the start: ≥ 90 minutes, ≥ 2 professions")),
            start.due_date,
            "done" if start.state == "met" else start.state,
            start.reason,
        )
    ]
    # PRODUCT CHOICE: the profiles are the main output of the diagnostics at the start (§1, 4.1/4.3), so they are
    # due by the same day; "present" = a profile with at least one rating (the count of rated dimensions is shown).
    for code, label, summary in (
        ("capacity_profile", _("Capacity profile (admission)"), state.capacity_admission),
        ("demand_profile", _("Job-demand profile"), state.demand),
    ):
        present = summary is not None and summary.has_ratings
        detail = (
            str(_("%(rated)d of %(n)d dimensions rated")) % {"rated": summary.rated, "n": summary.dimensions}
            if summary
            else ""
        )
        items.append(
            DueItem(
                code, str(label), start.due_date, rules.due_state(present, due_date=start.due_date, today=today), detail
            )
        )
    return items


def stay_diagnostics_state(stay: Stay, today: dt.date) -> DiagnosticsState:
    """What the case overview shows of a stay's diagnostics and profiles: sessions and the rec 4.1 state, job
    descriptions, profiles with n rated, contributors by profession and the P-4 warning, and what is due by day 10.

    Four queries, whatever the number of sessions, profiles and ratings: sessions, job descriptions, profiles (with
    instrument and job description), rating rows (with rater).
    """
    sessions = list(stay.diagnostic_sessions.order_by("held_on", "id"))
    state = DiagnosticsState(
        sessions=sessions,
        start=rules.diagnostics_at_start(session_facts(sessions), admission=stay.admission_date, today=today),
        jobs=list(stay.job_descriptions.order_by("-recorded_on", "-id")),
        profiles=summaries(stay_profiles(stay)),
    )
    state.due = _due_items(state, today)
    return state


# --- the diagnostics page -------------------------------------------------------------------------------------------


def version_history(model, stay: Stay, label: str) -> dict[int, list[HistoryEntry]]:
    """Every version of ``model`` rows of the stay (one query), newest first, grouped by row id."""
    records = (
        model.history.filter(stay_id=stay.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    grouped: dict[int, list[HistoryEntry]] = defaultdict(list)
    for entry in history_entries(records, label):
        grouped[entry.snapshot.id].append(entry)
    return {key: list(reversed(entries)) for key, entries in grouped.items()}


@dataclass
class SessionRow:
    session: DiagnosticSession
    professions: list[str]  # translated labels
    staff: list
    versions: list[HistoryEntry]  # newest first; more than one = corrected


@dataclass
class JobRow:
    job: JobDescription
    versions: list[HistoryEntry]


@dataclass
class DiagnosticsPage:
    state: DiagnosticsState
    sessions: list[SessionRow]
    jobs: list[JobRow]


def stay_diagnostics_page(stay: Stay, today: dt.date) -> DiagnosticsPage:
    """The overview state plus, per session and job description, its versions (two more queries) and the sessions'
    staff (one more)."""
    state = stay_diagnostics_state(stay, today)
    links = DiagnosticSession.staff.through.objects.filter(diagnosticsession__stay=stay).select_related("user")
    staff: dict[int, list] = defaultdict(list)
    for link in links:
        staff[link.diagnosticsession_id].append(link.user)
    session_versions = version_history(DiagnosticSession, stay, "")
    job_versions = version_history(JobDescription, stay, "")
    return DiagnosticsPage(
        state=state,
        sessions=[
            SessionRow(s, [_label(code) for code in s.professions], staff[s.pk], session_versions.get(s.pk, []))
            for s in state.sessions
        ],
        jobs=[JobRow(job, job_versions.get(job.pk, [])) for job in state.jobs],
    )
