"""Reads for the profile comparison: the current ratings of a profile and the comparisons of a stay (admission and
discharge, rec 4.2), each with its parsed definitions, in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from diagnostics.comparison import (
    Aggregates,
    Change,
    Comparison,
    ComparisonRefused,
    Rating,
    capacity_change,
    compare,
    profile_aggregates,
)
from diagnostics.instruments import Definition, definition_from_dict
from diagnostics.models import Profile, ProfileInstrument, ProfileKind, ProfileRating, Timepoint


def _newest_per_dimension(rows) -> dict[str, ProfileRating]:
    """Append-only rows (P-1): the newest per dimension counts (latest ``recorded_at``, then highest id)."""
    current: dict[str, ProfileRating] = {}
    for row in rows:
        held = current.get(row.dimension)
        if held is None or (row.recorded_at, row.pk) > (held.recorded_at, held.pk):
            current[row.dimension] = row
    return current


def current_ratings(profile: Profile) -> dict[str, ProfileRating]:
    """The rating that counts per dimension code (the newest row); a dimension without a row is not rated.

    One query, or none when the profile's ``ratings`` are prefetched.
    """
    cache = getattr(profile, "_prefetched_objects_cache", {})
    rows = cache["ratings"] if "ratings" in cache else profile.ratings.all()
    return _newest_per_dimension(rows)


def as_ratings(rows: dict[str, ProfileRating]) -> dict[str, Rating]:
    """The pure ``Rating`` values of current rating rows (for ``comparison.compare``)."""
    return {
        code: Rating(value=row.value, not_assessable=row.not_assessable, reason=row.reason)
        for code, row in rows.items()
    }


def definition_of(instrument: ProfileInstrument) -> Definition:
    """The parsed definition of an instrument version (stored definitions passed the schema when imported)."""
    return definition_from_dict(instrument.definition)


@dataclass(frozen=True)
class ComparisonView:
    """One comparison of a stay: the two profiles, their definitions and ratings, the result (or why it was
    refused, K-7) and the capacity profile's aggregates (A-1)."""

    capacity: Profile
    demand: Profile
    capacity_definition: Definition
    demand_definition: Definition
    capacity_ratings: dict[str, Rating]
    demand_ratings: dict[str, Rating]
    comparison: Comparison | None
    refused: str
    aggregates: Aggregates

    @property
    def is_demo(self) -> bool:
        return not (self.capacity.instrument.is_official and self.demand.instrument.is_official)


@dataclass(frozen=True)
class StayComparisons:
    """The latest admission comparison and the latest discharge comparison of a stay, with ΔI between the two
    capacity profiles (A-3) when both exist on the same instrument."""

    capacity_admission: Profile | None
    capacity_discharge: Profile | None
    demand: Profile | None
    admission: ComparisonView | None
    discharge: ComparisonView | None
    change: dict[str, Change] = field(default_factory=dict)


def _view(capacity: Profile, demand: Profile, definitions: dict[int, Definition]) -> ComparisonView:
    cap_def, dem_def = definitions[capacity.instrument_id], definitions[demand.instrument_id]
    cap_ratings, dem_ratings = as_ratings(current_ratings(capacity)), as_ratings(current_ratings(demand))
    try:
        comparison = compare(cap_def, cap_ratings, dem_def, dem_ratings, capacity_context=capacity.reference_context)
        refused = ""
    except ComparisonRefused as exc:
        comparison, refused = None, exc.message
    return ComparisonView(
        capacity=capacity,
        demand=demand,
        capacity_definition=cap_def,
        demand_definition=dem_def,
        capacity_ratings=cap_ratings,
        demand_ratings=dem_ratings,
        comparison=comparison,
        refused=refused,
        aggregates=profile_aggregates(cap_def, cap_ratings),
    )


def stay_profiles_for_comparison(stay):
    """Capacity and demand profiles of the stay, newest first, with instrument, job and ratings (2 queries)."""
    return (
        Profile.objects.filter(stay=stay, kind__in=[ProfileKind.CAPACITY, ProfileKind.DEMAND])
        .select_related("instrument", "job_description", "created_by")
        .prefetch_related(Prefetch("ratings", queryset=ProfileRating.objects.order_by("recorded_at", "id")))
        .order_by("-rated_on", "-id")
    )


def stay_comparisons(stay) -> StayComparisons:
    """The admission comparison (latest admission capacity profile vs the latest demand profile) and the discharge
    comparison (latest discharge capacity profile vs the same demand profile). Two queries whatever the counts."""
    profiles = list(stay_profiles_for_comparison(stay))

    def latest(kind: str, timepoint: str | None = None) -> Profile | None:
        return next((p for p in profiles if p.kind == kind and (timepoint is None or p.timepoint == timepoint)), None)

    cap_admission = latest(ProfileKind.CAPACITY, Timepoint.ADMISSION)
    cap_discharge = latest(ProfileKind.CAPACITY, Timepoint.DISCHARGE)
    demand = latest(ProfileKind.DEMAND)
    definitions = {p.instrument_id: definition_of(p.instrument) for p in (cap_admission, cap_discharge, demand) if p}
    admission = _view(cap_admission, demand, definitions) if cap_admission and demand else None
    discharge = _view(cap_discharge, demand, definitions) if cap_discharge and demand else None
    change: dict[str, Change] = {}
    if cap_admission and cap_discharge and cap_admission.instrument.code == cap_discharge.instrument.code:
        definition = definitions[cap_admission.instrument_id]
        if set(definition.dimension_codes) == set(definitions[cap_discharge.instrument_id].dimension_codes):
            change = capacity_change(
                definition,
                as_ratings(current_ratings(cap_admission)),
                as_ratings(current_ratings(cap_discharge)),
            )
    return StayComparisons(
        capacity_admission=cap_admission,
        capacity_discharge=cap_discharge,
        demand=demand,
        admission=admission,
        discharge=discharge,
        change=change,
    )
