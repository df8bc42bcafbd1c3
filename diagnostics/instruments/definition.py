"""A parsed, frozen instrument definition (mini_icf_app.md §8) and the rating check the forms use (S-4).

Pure: no ORM, no request, no clock. ``definition_from_dict`` expects a dict that passed ``validate_definition``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diagnostics.instruments.schema import validate_definition
from patients.errors import DomainError

CAPACITY, DEMAND, SELF = "capacity", "demand", "self"  # the profile kinds (diagnostics.models.ProfileKind)


def _pick(de: str, en: str, language: str) -> str:
    return en if (language or "de")[:2] == "en" else de


@dataclass(frozen=True)
class Level:
    value: int
    label_de: str
    label_en: str

    def label(self, language: str = "de") -> str:
        return _pick(self.label_de, self.label_en, language)


@dataclass(frozen=True)
class Group:
    code: str
    name_de: str
    name_en: str

    def name(self, language: str = "de") -> str:
        return _pick(self.name_de, self.name_en, language)


@dataclass(frozen=True)
class Dimension:
    code: str
    number: int
    group: str
    name_de: str
    name_en: str
    anchors: tuple[tuple[int, str], ...] = ()  # (capacity level, anchor text); S-2: empty until a licensed clinic fills

    def name(self, language: str = "de") -> str:
        return _pick(self.name_de, self.name_en, language)

    def anchor(self, level: int) -> str:
        return dict(self.anchors).get(level, "")


@dataclass(frozen=True)
class Scale:
    kind: str  # "capacity" or "demand"
    name_de: str
    name_en: str
    min: int
    max: int
    levels: tuple[Level, ...]
    not_relevant_value: int | None = None
    anchor_table: tuple[tuple[str, tuple[tuple[int, str], ...]], ...] = ()  # dimension code → anchors

    def name(self, language: str = "de") -> str:
        return _pick(self.name_de, self.name_en, language)

    @property
    def values(self) -> range:
        return range(self.min, self.max + 1)

    def labels(self, language: str = "de") -> list[tuple[int, str]]:
        """(value, label) for every level, lowest first: the choices of a rating field."""
        return [(level.value, level.label(language)) for level in self.levels]

    def label(self, value: int, language: str = "de") -> str:
        return next((level.label(language) for level in self.levels if level.value == value), str(value))

    def anchors(self, dimension: str) -> dict[int, str]:
        """The anchor text per level of one dimension ({} on the demand scale; "" where none is filled in)."""
        return dict(dict(self.anchor_table).get(dimension, ()))


@dataclass(frozen=True)
class Definition:
    code: str
    version: str
    name_de: str
    name_en: str
    is_official: bool
    licence_note: str
    direction: str  # "impairment" (higher = worse) or "ability" (higher = better)
    capacity: Scale
    demand: Scale
    groups: tuple[Group, ...]
    dimensions: tuple[Dimension, ...]
    underload_min_reserve: int
    rule_version: str
    level_mapping: tuple[tuple[int, int], ...] = ()  # D-2: capacity rating → capacity level on the demand scale

    def name(self, language: str = "de") -> str:
        return _pick(self.name_de, self.name_en, language)

    @property
    def dimension_codes(self) -> tuple[str, ...]:
        return tuple(dimension.code for dimension in self.dimensions)

    def dimension(self, code: str) -> Dimension:
        """The dimension with this code (KeyError if the definition has none)."""
        for dimension in self.dimensions:
            if dimension.code == code:
                return dimension
        raise KeyError(code)

    def group(self, code: str) -> Group | None:
        return next((group for group in self.groups if group.code == code), None)

    def scale(self, kind: str) -> Scale:
        """The scale a profile of ``kind`` is rated on: capacity and self-ratings share the capacity scale (G-5)."""
        if kind == DEMAND:
            return self.demand
        if kind in (CAPACITY, SELF):
            return self.capacity
        raise ValueError(f"unknown profile kind {kind!r}")

    def capacity_level(self, rating: int) -> int:
        """D-2 / K-1: the capacity level C of a raw capacity rating, on the demand scale, pointing the same way as
        the demand (higher = more capacity). Mini-ICF-APP: C = 4 − I. MELBA: C = rating. An explicit
        ``level_mapping`` wins."""
        if self.level_mapping:
            return dict(self.level_mapping)[rating]
        if self.direction == "impairment":
            return self.demand.min + (self.capacity.max - rating)
        return self.demand.min + (rating - self.capacity.min)


class DefinitionRejected(DomainError):
    """A definition failed ``validate_definition``; ``errors`` lists "path: message" per wrong field."""

    default_message = gettext_lazy("The instrument definition is not valid.")

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__()


def _scale(kind: str, data: dict, dimensions: list[dict] | None = None) -> Scale:
    table = ()
    if dimensions is not None:
        table = tuple(
            (
                dimension["code"],
                tuple(sorted((int(level), text) for level, text in (dimension.get("anchors") or {}).items())),
            )
            for dimension in dimensions
        )
    return Scale(
        kind=kind,
        name_de=data["name_de"],
        name_en=data["name_en"],
        min=data["min"],
        max=data["max"],
        levels=tuple(Level(level["value"], level["label_de"], level["label_en"]) for level in data["levels"]),
        not_relevant_value=data.get("not_relevant_value"),
        anchor_table=table,
    )


def definition_from_dict(data: dict) -> Definition:
    """The frozen ``Definition`` of a definition dict; ``DefinitionRejected`` if it is not valid."""
    errors = validate_definition(data)
    if errors:
        raise DefinitionRejected(errors)
    dimensions = data["dimensions"]
    return Definition(
        code=data["code"],
        version=data["version"],
        name_de=data["name_de"],
        name_en=data["name_en"],
        is_official=data["is_official"],
        licence_note=data["licence_note"],
        direction=data["direction"],
        capacity=_scale(CAPACITY, data["capacity_scale"], dimensions),
        demand=_scale(DEMAND, data["demand_scale"]),
        groups=tuple(Group(g["code"], g["name_de"], g["name_en"]) for g in data["groups"]),
        dimensions=tuple(
            Dimension(
                code=d["code"],
                number=d["number"],
                group=d["group"],
                name_de=d["name_de"],
                name_en=d["name_en"],
                anchors=tuple(sorted((int(level), text) for level, text in (d.get("anchors") or {}).items())),
            )
            for d in dimensions
        ),
        underload_min_reserve=data["comparison"]["underload_min_reserve"],
        rule_version=data["comparison"]["rule_version"],
        level_mapping=tuple(sorted((int(k), v) for k, v in (data.get("level_mapping") or {}).items())),
    )


# --- S-4: one rating -----------------------------------------------------------------------------------------------


class RatingInvalid(DomainError):
    """S-4: a rating the scale does not allow; the message names the dimension, ``dimension`` is its code."""

    def __init__(self, dimension: str, message: str):
        self.dimension = dimension
        super().__init__(message)


def _as_integer(value: Any) -> int | None:
    """An integer from an int, an integral number or the text of one; None if it is not a whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        value = value.strip()
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)


def validate_rating(
    definition: Definition,
    kind: str,
    dimension: str,
    value: Any,
    not_assessable: bool = False,
    reason: str = "",
) -> int | None:
    """Check one rating of ``dimension`` on the scale of a ``kind`` profile (S-3, S-4, E5, E7).

    Returns the rating as an integer (None for a reasoned "not assessable"). Raises ``RatingInvalid`` naming the
    dimension for: an unknown dimension, a non-integer, a value outside the scale, "not assessable" without a reason
    or together with a value, and no value at all (leave the dimension out instead: that is "not rated").
    """
    try:
        name = definition.dimension(dimension).name(translation.get_language() or "de")
    except KeyError:
        raise RatingInvalid(
            dimension, _("“%(dimension)s” is not a dimension of this instrument.") % {"dimension": dimension}
        ) from None
    scale = definition.scale(kind)
    empty = value is None or (isinstance(value, str) and not value.strip())
    if not_assessable:
        if not (reason or "").strip():
            raise RatingInvalid(
                dimension, _("%(dimension)s: give a reason why it is not assessable.") % {"dimension": name}
            )
        if not empty:
            raise RatingInvalid(
                dimension,
                _("%(dimension)s: either enter a rating or mark it not assessable, not both.") % {"dimension": name},
            )
        return None
    if empty:
        raise RatingInvalid(
            dimension,
            _("%(dimension)s: enter a rating, or mark it not assessable and give a reason.") % {"dimension": name},
        )
    number = _as_integer(value)
    if number is None:
        raise RatingInvalid(dimension, _("%(dimension)s: the rating must be a whole number.") % {"dimension": name})
    if not scale.min <= number <= scale.max:
        raise RatingInvalid(
            dimension,
            _("%(dimension)s: the rating must lie between %(min)d and %(max)d.")
            % {"dimension": name, "min": scale.min, "max": scale.max},
        )
    return number
