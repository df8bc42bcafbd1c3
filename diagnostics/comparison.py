"""The comparison of a capacity profile with a job-demand profile — "WMR app comparison rule v1", a PRODUCT
DESIGN CHOICE (mini_icf_app.md §6), never official scoring — and the aggregates of §7.

Pure: no ORM, no request, no clock. Ratings come in as ``Rating`` values keyed by dimension code; a dimension
without an entry is "not rated" and never counts as 0 (S-3).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from diagnostics.instruments import Definition
from patients.errors import DomainError

# K-8: the reference contexts a capacity may be rated against for an exact comparison (G-4 lists four).
EXACT_CONTEXTS = ("concrete_job", "occupational_field")
WARNING_CONTEXT = "reference_context"
WARNING_NO_CONTEXT = "no_reference_context"


class Status(StrEnum):
    """K-3, checked top to bottom (the first match wins)."""

    NOT_RATED = "not_rated"
    NOT_ASSESSABLE = "not_assessable"
    NOT_RELEVANT = "not_relevant"
    OVERLOAD_MARKED = "overload_marked"
    OVERLOAD = "overload"
    FIT_NO_RESERVE = "fit_no_reserve"
    FIT_RESERVE = "fit_reserve"
    UNDERLOAD = "underload"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def category(self) -> str | None:
        """K-3 summary category: "over" (over-demand), "fit", "under" (under-demand) or None."""
        return CATEGORY.get(self)


STATUS_LABELS = {
    Status.OVERLOAD_MARKED: gettext_lazy("marked over-demand"),
    Status.OVERLOAD: gettext_lazy("slight over-demand"),
    Status.FIT_NO_RESERVE: gettext_lazy("fit without reserve"),
    Status.FIT_RESERVE: gettext_lazy("fit with reserve"),
    Status.UNDERLOAD: gettext_lazy("under-demand"),
    Status.NOT_RELEVANT: gettext_lazy("not relevant for this job"),
    Status.NOT_ASSESSABLE: gettext_lazy("not assessable"),
    Status.NOT_RATED: gettext_lazy("not rated"),
}
CATEGORY = {
    Status.OVERLOAD_MARKED: "over",
    Status.OVERLOAD: "over",
    Status.FIT_NO_RESERVE: "fit",
    Status.FIT_RESERVE: "fit",
    Status.UNDERLOAD: "under",
}
CATEGORY_LABELS = {
    "over": gettext_lazy("over-demand"),
    "fit": gettext_lazy("fit"),
    "under": gettext_lazy("under-demand"),
}
# K-9: overloads, fit, underload, not relevant, not assessable, not rated
_RANK = {
    Status.OVERLOAD_MARKED: 0,
    Status.OVERLOAD: 0,
    Status.FIT_NO_RESERVE: 1,
    Status.FIT_RESERVE: 1,
    Status.UNDERLOAD: 2,
    Status.NOT_RELEVANT: 3,
    Status.NOT_ASSESSABLE: 4,
    Status.NOT_RATED: 5,
}
STATUS_ORDER = (
    Status.OVERLOAD_MARKED,
    Status.OVERLOAD,
    Status.FIT_NO_RESERVE,
    Status.FIT_RESERVE,
    Status.UNDERLOAD,
    Status.NOT_RELEVANT,
    Status.NOT_ASSESSABLE,
    Status.NOT_RATED,
)


def _language(language: str | None = None) -> str:
    return (language or translation.get_language() or "de")[:2]


@dataclass(frozen=True)
class Rating:
    """The current rating of one dimension: a value, or "not assessable" with a reason (S-3)."""

    value: int | None = None
    not_assessable: bool = False
    reason: str = ""


@dataclass(frozen=True)
class DimensionResult:
    """One row of the comparison: I = raw capacity rating, C = capacity level (K-1), D = demand, gap (K-2)."""

    code: str
    number: int
    name_de: str
    name_en: str
    capacity_rating: int | None  # I
    capacity_level: int | None  # C
    demand: int | None  # D
    gap: int | None  # D − C; None when not computed (not rated, not assessable, not relevant)
    status: Status
    reason: str = ""  # why not assessable

    def name(self, language: str | None = None) -> str:
        return self.name_en if _language(language) == "en" else self.name_de

    @property
    def category(self) -> str | None:
        return self.status.category

    @property
    def is_overload(self) -> bool:
        return self.category == "over"


@dataclass(frozen=True)
class Comparison:
    """A computed comparison (A-2): rows in K-9 order and what the page, PDF, API and conference show of it."""

    instrument_code: str
    capacity_version: str
    demand_version: str
    rule_version: str
    underload_min_reserve: int
    capacity_context: str
    rows: tuple[DimensionResult, ...]
    warnings: tuple[str, ...] = field(default=())  # codes; ``warning_texts`` translates them
    level_min: int = 0  # the common axis of C and D: the demand scale's range
    level_max: int = 4

    @property
    def rows_by_number(self) -> tuple[DimensionResult, ...]:
        """The rows in the instrument's dimension order (the chart and side-by-side tables)."""
        return tuple(sorted(self.rows, key=lambda row: row.number))

    @property
    def counts(self) -> dict[str, int]:
        """Rows per status, every status present (A-2)."""
        counts = {status.value: 0 for status in STATUS_ORDER}
        for row in self.rows:
            counts[row.status.value] += 1
        return counts

    @property
    def category_counts(self) -> dict[str, int]:
        """Rows per summary category: over-demand, fit, under-demand (K-3)."""
        counts = {"over": 0, "fit": 0, "under": 0}
        for row in self.rows:
            if row.category:
                counts[row.category] += 1
        return counts

    @property
    def max_gap(self) -> int | None:
        gaps = [row.gap for row in self.rows if row.gap is not None]
        return max(gaps) if gaps else None

    @property
    def overloads(self) -> tuple[DimensionResult, ...]:
        """The over-demand rows, largest gap first, then by dimension number (K-9)."""
        return tuple(row for row in self.rows if row.category == "over")

    @property
    def underloads(self) -> tuple[DimensionResult, ...]:
        return tuple(row for row in self.rows if row.category == "under")

    def row(self, code: str) -> DimensionResult:
        return next(row for row in self.rows if row.code == code)

    def warning_texts(self) -> list[str]:
        return [str(WARNING_TEXTS[code]) for code in self.warnings]


WARNING_TEXTS = {
    WARNING_CONTEXT: gettext_lazy(
        "The capacity was rated against a different reference than the job; the comparison is approximate."
    ),
    WARNING_NO_CONTEXT: gettext_lazy(
        "No reference context was recorded for the capacity profile; the comparison is approximate."
    ),
}


class ComparisonRefused(DomainError):
    """K-7: the two profiles are not on the same instrument with identical dimensions."""

    default_message = gettext_lazy(
        "The capacity profile and the demand profile use different instruments or dimensions; they cannot be compared."
    )


def status_for(
    capacity: Rating | None, demand: Rating | None, definition: Definition, *, reserve: int | None = None
) -> tuple[Status, int | None, int | None]:
    """K-3 for one dimension: (status, C, gap). ``reserve`` defaults to the definition's underload_min_reserve."""
    reserve = definition.underload_min_reserve if reserve is None else reserve
    level = None
    if capacity is not None and not capacity.not_assessable and capacity.value is not None:
        level = definition.capacity_level(capacity.value)  # K-1
    if _missing(capacity) or _missing(demand):
        return Status.NOT_RATED, level, None
    if capacity.not_assessable or demand.not_assessable:
        return Status.NOT_ASSESSABLE, level, None
    if definition.demand.not_relevant_value is not None and demand.value == definition.demand.not_relevant_value:
        return Status.NOT_RELEVANT, level, None
    gap = demand.value - level  # K-2
    if gap >= 2:
        status = Status.OVERLOAD_MARKED
    elif gap == 1:
        status = Status.OVERLOAD
    elif gap == 0:
        status = Status.FIT_NO_RESERVE
    elif gap > -reserve:
        status = Status.FIT_RESERVE
    else:
        status = Status.UNDERLOAD
    return status, level, gap


def _missing(rating: Rating | None) -> bool:
    return rating is None or (not rating.not_assessable and rating.value is None)


def _sort_key(row: DimensionResult) -> tuple:
    over = row.category == "over"
    return (_RANK[row.status], -(row.gap or 0) if over else 0, row.number)


def compare(
    capacity_definition: Definition,
    capacity_ratings: Mapping[str, Rating],
    demand_definition: Definition,
    demand_ratings: Mapping[str, Rating],
    *,
    capacity_context: str,
) -> Comparison:
    """Compare a capacity profile with a demand profile, dimension by dimension (K-1 … K-9).

    Raises ``ComparisonRefused`` when the instrument codes or the dimension codes differ (K-7; different versions
    with identical dimensions are fine). The capacity definition's settings (underload limit, rule version) apply.
    A ``capacity_context`` other than the concrete job or the occupational field adds a warning (K-8).
    """
    if capacity_definition.code != demand_definition.code or set(capacity_definition.dimension_codes) != set(
        demand_definition.dimension_codes
    ):
        raise ComparisonRefused()
    rows = []
    for dimension in capacity_definition.dimensions:
        capacity = capacity_ratings.get(dimension.code)
        demand = demand_ratings.get(dimension.code)
        status, level, gap = status_for(capacity, demand, capacity_definition)
        reasons = [r.reason for r in (capacity, demand) if r is not None and r.not_assessable and r.reason]
        rows.append(
            DimensionResult(
                code=dimension.code,
                number=dimension.number,
                name_de=dimension.name_de,
                name_en=dimension.name_en,
                capacity_rating=None if _missing(capacity) or capacity.not_assessable else capacity.value,
                capacity_level=level,
                demand=None if _missing(demand) or demand.not_assessable else demand.value,
                gap=gap,
                status=status,
                reason=" / ".join(reasons) if status == Status.NOT_ASSESSABLE else "",
            )
        )
    warnings = ()
    if not capacity_context:
        warnings = (WARNING_NO_CONTEXT,)
    elif capacity_context not in EXACT_CONTEXTS:
        warnings = (WARNING_CONTEXT,)
    return Comparison(
        instrument_code=capacity_definition.code,
        capacity_version=capacity_definition.version,
        demand_version=demand_definition.version,
        rule_version=capacity_definition.rule_version,
        underload_min_reserve=capacity_definition.underload_min_reserve,
        capacity_context=capacity_context,
        rows=tuple(sorted(rows, key=_sort_key)),
        warnings=warnings,
        level_min=capacity_definition.demand.min,
        level_max=capacity_definition.demand.max,
    )


def summary_text(comparison: Comparison, language: str | None = None) -> str:
    """The headline of a comparison, e.g. "3 dimensions of over-demand: endurance and resilience, planning …"."""
    language = _language(language)
    with translation.override(language):
        parts = []
        over = comparison.overloads
        if over:
            parts.append(
                ngettext(
                    "%(count)d dimension of over-demand: %(names)s.",
                    "%(count)d dimensions of over-demand: %(names)s.",
                    len(over),
                )
                % {"count": len(over), "names": ", ".join(row.name(language) for row in over)}
            )
        else:
            parts.append(_("No dimension of over-demand."))
        under = comparison.underloads
        if under:
            parts.append(
                ngettext(
                    "%(count)d dimension of under-demand: %(names)s.",
                    "%(count)d dimensions of under-demand: %(names)s.",
                    len(under),
                )
                % {"count": len(under), "names": ", ".join(row.name(language) for row in under)}
            )
        not_rated = comparison.counts[Status.NOT_RATED]
        if not_rated:
            parts.append(
                ngettext("%(count)d dimension not rated.", "%(count)d dimensions not rated.", not_rated)
                % {"count": not_rated}
            )
        return " ".join(parts)


# --- aggregates (A-1, A-3) -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Aggregates:
    """A-1: n rated dimensions, mean rating over them (2 decimals), sum only when every dimension is rated."""

    n: int
    dimensions: int
    mean: Decimal | None
    total: int | None


def profile_aggregates(definition: Definition, ratings: Mapping[str, Rating]) -> Aggregates:
    """A-1 over the raw ratings; not assessable and not rated dimensions are left out of n and the mean (E6, E6b).
    No aggregate triggers anything: there is no official cut-off."""
    values = [
        ratings[d.code].value
        for d in definition.dimensions
        if d.code in ratings and not ratings[d.code].not_assessable and ratings[d.code].value is not None
    ]
    n = len(values)
    mean = (Decimal(sum(values)) / n).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if n else None
    total = sum(values) if n == len(definition.dimensions) else None
    return Aggregates(n=n, dimensions=len(definition.dimensions), mean=mean, total=total)


@dataclass(frozen=True)
class Change:
    """A-3: the change of one dimension between two capacity profiles (ΔI = later − earlier)."""

    code: str
    number: int
    earlier: int | None
    later: int | None
    delta: int | None  # None when either is not rated / not assessable


def capacity_change(
    definition: Definition, earlier: Mapping[str, Rating], later: Mapping[str, Rating]
) -> dict[str, Change]:
    """ΔI per dimension between two capacity profiles of one stay (A-3, rec 4.2). With an impairment scale a
    negative ΔI is an improvement."""

    def value(ratings: Mapping[str, Rating], code: str) -> int | None:
        rating = ratings.get(code)
        return None if rating is None or rating.not_assessable else rating.value

    changes = {}
    for dimension in definition.dimensions:
        a, b = value(earlier, dimension.code), value(later, dimension.code)
        delta = b - a if a is not None and b is not None else None
        changes[dimension.code] = Change(dimension.code, dimension.number, a, b, delta)
    return changes


# --- the conference freeze (K-6) -----------------------------------------------------------------------------------

SNAPSHOT_FORMAT = 1


def to_snapshot(comparison: Comparison) -> dict:
    """A JSON-ready copy of the comparison as it stands (K-6: rule version, every gap and status)."""
    return {
        "format": SNAPSHOT_FORMAT,
        "instrument": comparison.instrument_code,
        "capacity_version": comparison.capacity_version,
        "demand_version": comparison.demand_version,
        "rule_version": comparison.rule_version,
        "underload_min_reserve": comparison.underload_min_reserve,
        "capacity_context": comparison.capacity_context,
        "warnings": list(comparison.warnings),
        "level_min": comparison.level_min,
        "level_max": comparison.level_max,
        "rows": [
            {
                "code": row.code,
                "number": row.number,
                "name_de": row.name_de,
                "name_en": row.name_en,
                "I": row.capacity_rating,
                "C": row.capacity_level,
                "D": row.demand,
                "gap": row.gap,
                "status": row.status.value,
                "reason": row.reason,
            }
            for row in comparison.rows
        ],
        "counts": comparison.counts,
        "max_gap": comparison.max_gap,
        "overloads": [row.code for row in comparison.overloads],
    }


def from_snapshot(data: dict) -> Comparison:
    """The ``Comparison`` a snapshot froze (counts, max gap and lists are recomputed from its rows)."""
    return Comparison(
        instrument_code=data["instrument"],
        capacity_version=data["capacity_version"],
        demand_version=data["demand_version"],
        rule_version=data["rule_version"],
        underload_min_reserve=data["underload_min_reserve"],
        capacity_context=data.get("capacity_context", ""),
        rows=tuple(
            DimensionResult(
                code=row["code"],
                number=row["number"],
                name_de=row["name_de"],
                name_en=row["name_en"],
                capacity_rating=row["I"],
                capacity_level=row["C"],
                demand=row["D"],
                gap=row["gap"],
                status=Status(row["status"]),
                reason=row.get("reason", ""),
            )
            for row in data["rows"]
        ),
        warnings=tuple(data.get("warnings", ())),
        level_min=data.get("level_min", 0),
        level_max=data.get("level_max", 4),
    )
