"""Validation of a profile instrument definition (mini_icf_app.md §8, D-1 … D-7). Pure: no ORM, no request.

A definition is plain data (a dict parsed from JSON). ``validate_definition`` returns every problem at once as
"path: message" (translated), so whoever imports a definition can fix the whole file in one go; [] means it is valid
and ``definition_from_dict`` can rely on its shape.

Shape (unknown keys are reported, which catches typos):

- top level: ``code``, ``version``, ``name_de``, ``name_en``, ``is_official`` (bool), ``licence_note``,
  ``direction`` ("impairment": higher = worse | "ability": higher = better), ``capacity_scale``, ``demand_scale``,
  ``groups`` (list, may be empty), ``dimensions``, ``comparison``; optional ``level_mapping`` (D-2).
- scale: ``name_de``, ``name_en``, ``min``, ``max`` (integers, min < max), ``levels`` [{``value``, ``label_de``,
  ``label_en``}] exactly min…max in order; the demand scale also ``not_relevant_value`` (a level or null).
- group: ``code``, ``name_de``, ``name_en``.
- dimension: ``code``, ``number`` (1…N in order), ``group`` ("" or a group code), ``name_de``, ``name_en``,
  optional ``anchors`` {"<level>": text} for the capacity scale (S-2: empty until a licensed clinic fills them).
- comparison: ``underload_min_reserve`` (integer ≥ 1, K-5), ``rule_version`` (text).
- level_mapping (D-2): {"<capacity rating>": capacity level on the demand scale} for every capacity level; required
  when the two scales have a different number of levels, else optional.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

DIRECTIONS = ("impairment", "ability")
DEMO_MARK = "(DEMO – nicht offiziell)"  # D-7: in every display name of a demo or placeholder definition
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_LENGTH = {"code": 40, "version": 40, "name_de": 160, "name_en": 160}  # ProfileInstrument columns

TOP_REQUIRED = (
    "code",
    "version",
    "name_de",
    "name_en",
    "is_official",
    "licence_note",
    "direction",
    "capacity_scale",
    "demand_scale",
    "groups",
    "dimensions",
    "comparison",
)
TOP_OPTIONAL = ("level_mapping",)
SCALE_REQUIRED = ("name_de", "name_en", "min", "max", "levels")
LEVEL_FIELDS = ("value", "label_de", "label_en")
GROUP_FIELDS = ("code", "name_de", "name_en")
DIMENSION_REQUIRED = ("code", "number", "group", "name_de", "name_en")
DIMENSION_OPTIONAL = ("anchors",)
COMPARISON_FIELDS = ("underload_min_reserve", "rule_version")


def is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}" if path else str(message))

    def mapping(self, data: Any, path: str, required: tuple, optional: tuple = ()) -> bool:
        if not isinstance(data, dict):
            self.add(path, _("Must be a mapping of fields."))
            return False
        for key in required:
            if key not in data:
                self.add(_join(path, key), _("This field is required."))
        for key in data:
            if key not in required and key not in optional:
                self.add(_join(path, str(key)), _("Unknown field."))
        return True

    def text(self, data: dict, key: str, path: str, *, allow_empty: bool = False, max_length: int = 0) -> str | None:
        if key not in data:
            return None
        value = data[key]
        where = _join(path, key)
        if not isinstance(value, str):
            self.add(where, _("Must be text."))
            return None
        if not allow_empty and not value.strip():
            self.add(where, _("Must not be empty."))
            return None
        if max_length and len(value) > max_length:
            self.add(where, _("At most %(length)d characters.") % {"length": max_length})
            return None
        return value

    def code(self, data: dict, key: str, path: str, max_length: int = 40) -> str | None:
        value = self.text(data, key, path, max_length=max_length)
        if value is not None and not CODE.match(value):
            self.add(
                _join(path, key), _("Use lower-case letters, digits, “_” and “-”, starting with a letter or digit.")
            )
            return None
        return value

    def integer(self, data: dict, key: str, path: str, *, minimum: int | None = None) -> int | None:
        if key not in data:
            return None
        value = data[key]
        if not is_integer(value):
            self.add(_join(path, key), _("Must be a whole number."))
            return None
        if minimum is not None and value < minimum:
            self.add(_join(path, key), _("Must be at least %(minimum)d.") % {"minimum": minimum})
            return None
        return value


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def validate_definition(data: Any) -> list[str]:
    """Every problem of the definition ``data`` as "path: message"; [] when it is valid (D-1 … D-7)."""
    check = _Checker()
    if not check.mapping(data, "", TOP_REQUIRED, TOP_OPTIONAL):
        return check.errors
    check.code(data, "code", "")
    check.text(data, "version", "", max_length=MAX_LENGTH["version"])
    for key in ("name_de", "name_en"):
        check.text(data, key, "", max_length=MAX_LENGTH[key])
    check.text(data, "licence_note", "", allow_empty=True)
    if "is_official" in data and not isinstance(data["is_official"], bool):
        check.add("is_official", _("Must be true or false."))
    elif data.get("is_official") is False:
        # D-7: a demo / placeholder definition says so in every display name.
        for key in ("name_de", "name_en"):
            if isinstance(data.get(key), str) and DEMO_MARK not in data[key]:
                check.add(
                    key, _("A definition that is not official must say “%(mark)s” in its name.") % {"mark": DEMO_MARK}
                )
    if str(data.get("version", "")).upper().startswith("DEMO") and data.get("is_official") is True:
        check.add("is_official", _("A DEMO version cannot be official."))
    if "direction" in data and data["direction"] not in DIRECTIONS:
        check.add("direction", _("Must be one of: %(choices)s.") % {"choices": ", ".join(DIRECTIONS)})

    capacity = _check_scale(check, data.get("capacity_scale"), "capacity_scale", demand=False)
    demand = _check_scale(check, data.get("demand_scale"), "demand_scale", demand=True)
    groups = _check_groups(check, data.get("groups"))
    _check_dimensions(check, data.get("dimensions"), groups, capacity)
    if check.mapping(data.get("comparison"), "comparison", COMPARISON_FIELDS):
        check.integer(data["comparison"], "underload_min_reserve", "comparison", minimum=1)
        check.text(data["comparison"], "rule_version", "comparison", max_length=80)
    if capacity and demand:
        _check_mapping(check, data, capacity, demand)
    return check.errors


def _check_scale(check: _Checker, scale: Any, path: str, *, demand: bool) -> tuple[int, int] | None:
    """The (min, max) of a valid scale, else None (its errors are recorded)."""
    required = SCALE_REQUIRED + (("not_relevant_value",) if demand else ())
    if not check.mapping(scale, path, required):
        return None
    check.text(scale, "name_de", path, max_length=160)
    check.text(scale, "name_en", path, max_length=160)
    low, high = check.integer(scale, "min", path), check.integer(scale, "max", path)
    if low is None or high is None:
        return None
    if low >= high:
        check.add(_join(path, "max"), _("Must be greater than the minimum."))
        return None
    valid = True
    levels = scale.get("levels")
    if not isinstance(levels, list):
        check.add(_join(path, "levels"), _("Must be a list."))
        return None
    values = []
    for index, level in enumerate(levels):
        where = _join(_join(path, "levels"), index)
        if not check.mapping(level, where, LEVEL_FIELDS):
            valid = False
            continue
        check.text(level, "label_de", where)
        check.text(level, "label_en", where)
        values.append(level.get("value"))
    if values != list(range(low, high + 1)):
        check.add(
            _join(path, "levels"),
            _("Give one level for every value from %(min)d to %(max)d, in order.") % {"min": low, "max": high},
        )
        valid = False
    if demand and "not_relevant_value" in scale:
        value = scale["not_relevant_value"]
        if value is not None and (not is_integer(value) or not low <= value <= high):
            check.add(_join(path, "not_relevant_value"), _("Must be a level of the scale or null."))
    return (low, high) if valid else None


def _check_groups(check: _Checker, groups: Any) -> set[str]:
    if not isinstance(groups, list):
        if groups is not None:
            check.add("groups", _("Must be a list."))
        return set()
    codes: set[str] = set()
    for index, group in enumerate(groups):
        where = _join("groups", index)
        if check.mapping(group, where, GROUP_FIELDS):
            code = check.code(group, "code", where)
            check.text(group, "name_de", where)
            check.text(group, "name_en", where)
            if code in codes:
                check.add(_join(where, "code"), _("Code “%(code)s” is used twice.") % {"code": code})
            if code:
                codes.add(code)
    return codes


def _check_dimensions(check: _Checker, dimensions: Any, groups: set[str], capacity: tuple[int, int] | None) -> None:
    if not isinstance(dimensions, list) or not dimensions:
        if dimensions is not None:
            check.add("dimensions", _("Give at least one dimension."))
        return
    codes: set[str] = set()
    for index, dimension in enumerate(dimensions):
        where = _join("dimensions", index)
        if not check.mapping(dimension, where, DIMENSION_REQUIRED, DIMENSION_OPTIONAL):
            continue
        code = check.code(dimension, "code", where)
        if code in codes:
            check.add(_join(where, "code"), _("Code “%(code)s” is used twice.") % {"code": code})
        if code:
            codes.add(code)
        number = check.integer(dimension, "number", where)
        if number is not None and number != index + 1:
            check.add(
                _join(where, "number"),
                _("Dimensions are numbered 1, 2, 3 … in order; expected %(n)d.") % {"n": index + 1},
            )
        check.text(dimension, "name_de", where)
        check.text(dimension, "name_en", where)
        group = dimension.get("group")
        if "group" in dimension and not (group == "" or group in groups):
            check.add(_join(where, "group"), _("Unknown group “%(group)s”.") % {"group": group})
        anchors = dimension.get("anchors", {})
        if not isinstance(anchors, dict) or not all(isinstance(text, str) for text in anchors.values()):
            check.add(_join(where, "anchors"), _("Must map levels to texts."))
        elif capacity is not None:
            allowed = {str(value) for value in range(capacity[0], capacity[1] + 1)}
            for key in anchors:
                if key not in allowed:
                    check.add(_join(_join(where, "anchors"), key), _("Not a level of the capacity scale."))


def _check_mapping(check: _Checker, data: dict, capacity: tuple[int, int], demand: tuple[int, int]) -> None:
    """D-2: scales with a different number of levels need an explicit mapping, else the definition is rejected."""
    mapping = data.get("level_mapping")
    if mapping is None:
        if capacity[1] - capacity[0] != demand[1] - demand[0]:
            check.add(
                "level_mapping",
                _("The capacity and demand scales have a different number of levels; give a level mapping."),
            )
        return
    if not isinstance(mapping, dict):
        check.add("level_mapping", _("Must map every capacity rating to a level of the demand scale."))
        return
    expected = {str(value) for value in range(capacity[0], capacity[1] + 1)}
    if set(mapping) != expected:
        check.add("level_mapping", _("Must map every capacity rating to a level of the demand scale."))
    for key, level in mapping.items():
        if not is_integer(level) or not demand[0] <= level <= demand[1]:
            check.add(_join("level_mapping", key), _("Must be a level of the demand scale."))
