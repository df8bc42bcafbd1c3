"""Validation of a screening instrument definition (screening.md §4, I-1 … I-5).

A definition is plain data: a dict parsed from JSON (or YAML by the import view). ``validate_definition`` returns
every problem it finds at once, each with the path of the wrong field ("items[3].options[1].points") and a
translatable message, so an admin importing a new version can fix the whole file in one go. An empty list means
the definition is valid and ``engine.score`` can rely on its shape.

Shape (keys not listed here are reported as "Unknown field", which catches typos such as "point"):

- top level: ``code``, ``version``, ``variant``, ``name_de``, ``name_en``, ``is_official`` (bool), ``licence_note``,
  ``items``, ``scales``, ``positivity_rule``, ``missing_rule`` ("invalid" | "prorate"); optional ``max_missing``
  (int ≥ 0, required with "prorate": the most missing items one scale may have and still be prorated) and
  ``cutoff_presets``.
- item: ``code``, ``label_de``, ``label_en``, ``type`` and optional ``help_de``/``help_en``; then per type
  ``choice``: ``options`` [{``code``, ``label_de``, ``label_en``, ``points``}];
  ``integer``: ``min``, ``max`` and either ``bands`` [{``min``, ``max``, ``points``}] (inclusive, covering min..max
  without gaps or overlaps) or ``factor`` (points = answer × factor), optional ``unit_de``/``unit_en``;
  ``yes_no``: ``points`` {``yes``: n, ``no``: n}.
- scale: ``code``, ``items`` (item codes), ``min``, ``max``, optional ``label_de``/``label_en``. The declared range
  must be exactly the reachable one (I-3: SIMBO-C spans 0–100).
- rule node (I-4), exactly one of: ``{"threshold": {"scale", "op", "value"}}``, ``{"item_in": {"item",
  "options"}}``, ``{"all": [node, …]}``, ``{"any": [node, …]}``, ``{"not": node}``. The root of a rule may also
  carry ``"preset": "<code>"`` naming the cut-off preset it came from, so a frozen copy says which preset it was.
- cut-off preset: ``code``, ``label_de``, ``label_en``, ``rule``, optional ``note_de``/``note_en`` (shown when
  chosen) and ``warn_de``/``warn_en`` (a warning shown when chosen, e.g. a cut-off validated on another indication).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

ITEM_TYPES = ("choice", "integer", "yes_no")
OPERATORS = (">=", ">", "<=", "<", "==")
MISSING_RULES = ("invalid", "prorate")
RULE_NODES = ("threshold", "item_in", "all", "any", "not")
YES_NO = ("yes", "no")
MAX_RULE_DEPTH = 20  # deeper trees are certainly a mistake, and would end in a RecursionError
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

# Lengths of the columns the definition's header is copied into (screening.models.InstrumentVersion, preset_code).
MAX_LENGTH = {"code": 30, "version": 60, "variant": 40, "name_de": 120, "name_en": 120}
MAX_CODE_LENGTH = 40
# Points, ranges and cut-offs: scores are stored with one decimal in five digits (R-2, ScreeningResult.total).
NUMBER_LIMIT = Decimal("9999.9")

TOP_REQUIRED = (
    "code",
    "version",
    "variant",
    "name_de",
    "name_en",
    "is_official",
    "licence_note",
    "items",
    "scales",
    "positivity_rule",
    "missing_rule",
)
TOP_OPTIONAL = ("max_missing", "cutoff_presets")
ITEM_COMMON = ("code", "label_de", "label_en", "type")
ITEM_OPTIONAL = ("help_de", "help_en")
ITEM_FIELDS = {
    "choice": (("options",), ()),
    "integer": (("min", "max"), ("bands", "factor", "unit_de", "unit_en")),
    "yes_no": (("points",), ()),
}
OPTION_FIELDS = ("code", "label_de", "label_en", "points")
BAND_FIELDS = ("min", "max", "points")
SCALE_REQUIRED = ("code", "items", "min", "max")
SCALE_OPTIONAL = ("label_de", "label_en")
PRESET_REQUIRED = ("code", "label_de", "label_en", "rule")
PRESET_OPTIONAL = ("note_de", "note_en", "warn_de", "warn_en")


@dataclass(frozen=True)
class DefinitionError:
    """One wrong field: ``path`` like "items[3].options[1].points" ("" for the whole definition)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def validate_definition(data: Any) -> list[DefinitionError]:
    """Every problem of the definition ``data``, in document order; [] when it is valid (I-1 … I-5)."""
    check = _Checker()
    if not check.fields(data, "", TOP_REQUIRED, TOP_OPTIONAL):
        return check.errors
    for key, length in MAX_LENGTH.items():
        check.text(data, key, "", max_length=length, allow_empty=key == "variant", code=key == "code")
    check.text(data, "licence_note", "", allow_empty=True)
    if check.boolean(data, "is_official", "") and str(data.get("version", "")).upper().startswith("DEMO-"):
        check.add("is_official", _("A DEMO version cannot be official."))

    valid_items, items = _check_items(check, data.get("items"))
    _check_scales(check, data.get("scales"), valid_items, items)
    scales = _scale_codes(data.get("scales"))
    answers = _answer_codes(items)
    presets = _check_presets(check, data.get("cutoff_presets"), scales, answers)
    if "positivity_rule" in data:
        _check_rule(check, data["positivity_rule"], "positivity_rule", scales, answers, root=True)
        _check_default_preset(check, data["positivity_rule"], presets)
    _check_missing_rule(check, data)
    return check.errors


def validate_rule(definition: dict, rule: Any, path: str = "rule") -> list[DefinitionError]:
    """Problems of a positivity rule (e.g. a facility's own cut-off) against a valid ``definition``; [] when fine."""
    check = _Checker()
    items = _items_by_code(definition.get("items"))
    _check_rule(check, rule, path, _scale_codes(definition.get("scales")), _answer_codes(items), root=True)
    return check.errors


def item_point_range(item: dict) -> tuple[Decimal, Decimal]:
    """The lowest and highest points an answer to a valid ``item`` can give."""
    if item["type"] == "choice":
        points = [_decimal(option["points"]) for option in item["options"]]
    elif item["type"] == "yes_no":
        points = [_decimal(item["points"][answer]) for answer in YES_NO]
    elif "bands" in item:
        points = [_decimal(band["points"]) for band in item["bands"]]
    else:
        factor = _decimal(item["factor"])
        points = [factor * item["min"], factor * item["max"]]
    return min(points), max(points)


def rule_references(rule: dict) -> tuple[set[str], set[str]]:
    """The scale codes and item codes a valid rule reads (what "needed by the rule" means in I-5)."""
    scales: set[str] = set()
    items: set[str] = set()
    node, operand = rule_node(rule)
    if node == "threshold":
        scales.add(operand["scale"])
    elif node == "item_in":
        items.add(operand["item"])
    else:
        for child in operand if node in ("all", "any") else [operand]:
            child_scales, child_items = rule_references(child)
            scales |= child_scales
            items |= child_items
    return scales, items


def rule_node(rule: dict) -> tuple[str, Any]:
    """The operator of a valid rule node and its operand, ignoring the root's "preset" label."""
    (node,) = (key for key in rule if key in RULE_NODES)
    return node, rule[node]


# -- internals -------------------------------------------------------------------------------------------------------


def _decimal(value: int | float | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, int)


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class _Checker:
    """Collects errors; each helper returns the checked value (or None) so the caller can go on."""

    def __init__(self) -> None:
        self.errors: list[DefinitionError] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(DefinitionError(path, str(message)))

    def fields(self, data: Any, path: str, required: Iterable[str], optional: Iterable[str] = ()) -> bool:
        if not isinstance(data, dict):
            self.add(path, _("Must be a mapping of fields."))
            return False
        required, optional = tuple(required), tuple(optional)
        for key in required:
            if key not in data:
                self.add(_join(path, key), _("This field is required."))
        for key in data:
            if key not in required and key not in optional:
                self.add(_join(path, str(key)), _("Unknown field."))
        return True

    def text(
        self,
        data: dict,
        key: str,
        path: str,
        *,
        allow_empty: bool = False,
        code: bool = False,
        max_length: int | None = None,
    ) -> str | None:
        if key not in data:
            return None  # fields() reports a missing required key
        value, where = data[key], _join(path, key)
        if not isinstance(value, str):
            self.add(where, _("Must be text."))
            return None
        if not value.strip() and not allow_empty:
            self.add(where, _("Must not be empty."))
            return None
        if code and not CODE.match(value):
            self.add(where, _("Use only letters, digits, “_” and “-”, starting with a letter or digit."))
            return None
        if max_length is not None and len(value) > max_length:
            self.add(where, _("At most %(length)d characters.") % {"length": max_length})
            return None
        return value

    def code(self, data: dict, key: str, path: str) -> str | None:
        return self.text(data, key, path, code=True, max_length=MAX_CODE_LENGTH)

    def boolean(self, data: dict, key: str, path: str) -> bool | None:
        if key not in data:
            return None
        if not isinstance(data[key], bool):
            self.add(_join(path, key), _("Must be true or false."))
            return None
        return data[key]

    def number(self, data: dict, key: str, path: str) -> Decimal | None:
        if key not in data:
            return None
        if not _is_number(data[key]):
            self.add(_join(path, key), _("Must be a number."))
            return None
        value = _decimal(data[key])
        if abs(value) > NUMBER_LIMIT:
            self.add(_join(path, key), _("Must lie between -%(limit)s and %(limit)s.") % {"limit": NUMBER_LIMIT})
            return None
        return value

    def integer(self, data: dict, key: str, path: str, *, minimum: int | None = None) -> int | None:
        if key not in data:
            return None
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(_join(path, key), _("Must be a whole number."))
            return None
        if minimum is not None and value < minimum:
            self.add(_join(path, key), _("Must be at least %(minimum)d.") % {"minimum": minimum})
            return None
        return value

    def listing(self, value: Any, path: str, *, allow_empty: bool = False) -> list | None:
        if not isinstance(value, list):
            self.add(path, _("Must be a list."))
            return None
        if not value and not allow_empty:
            self.add(path, _("Must not be empty."))
            return None
        return value


def _check_items(check: _Checker, items: Any) -> tuple[dict[str, dict], dict[str, dict]]:
    """(valid items, every item) by code, first occurrence. A wrong item is left out of the valid ones, so the
    scale ranges are only added up over items whose points are known; its own errors say what is wrong."""
    valid: dict[str, dict] = {}
    if check.listing(items, "items") is None:
        return valid, {}
    seen: set[str] = set()
    all_type_fields = tuple(key for required, optional in ITEM_FIELDS.values() for key in required + optional)
    for index, item in enumerate(items):
        path = _join("items", index)
        if not isinstance(item, dict):
            check.add(path, _("Must be a mapping of fields."))
            continue
        before = len(check.errors)
        item_type = item.get("type")
        if "type" in item and item_type not in ITEM_TYPES:
            check.add(_join(path, "type"), _("Must be one of: %(types)s.") % {"types": ", ".join(ITEM_TYPES)})
        # With an unknown type, do not also call its fields unknown: the type is the one mistake.
        required, optional = ITEM_FIELDS[item_type] if item_type in ITEM_TYPES else ((), all_type_fields)
        check.fields(item, path, ITEM_COMMON + required, ITEM_OPTIONAL + optional)
        code = check.code(item, "code", path)
        if code is not None:
            if code in seen:
                check.add(_join(path, "code"), _("Duplicate item id “%(code)s”.") % {"code": code})
            seen.add(code)
        for key in ("label_de", "label_en"):
            check.text(item, key, path)
        for key in ("help_de", "help_en", "unit_de", "unit_en"):
            check.text(item, key, path, allow_empty=True)
        if item_type == "choice":
            _check_options(check, item, path)
        elif item_type == "integer":
            _check_integer(check, item, path)
        elif item_type == "yes_no" and "points" in item and check.fields(item["points"], _join(path, "points"), YES_NO):
            for answer in YES_NO:
                check.number(item["points"], answer, _join(path, "points"))
        if code is not None and code not in valid and len(check.errors) == before:
            valid[code] = item
    return valid, _items_by_code(items)


def _items_by_code(items: Any) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("code"), str):
            found.setdefault(item["code"], item)
    return found


def _check_options(check: _Checker, item: dict, path: str) -> None:
    options = check.listing(item.get("options"), _join(path, "options")) if "options" in item else None
    seen: set[str] = set()
    for index, option in enumerate(options or []):
        where = _join(_join(path, "options"), index)
        if not check.fields(option, where, OPTION_FIELDS):
            continue
        code = check.code(option, "code", where)
        if code is not None:
            if code in seen:
                check.add(_join(where, "code"), _("Duplicate answer code “%(code)s”.") % {"code": code})
            seen.add(code)
        check.text(option, "label_de", where)
        check.text(option, "label_en", where)
        check.number(option, "points", where)


def _check_integer(check: _Checker, item: dict, path: str) -> None:
    low, high = check.integer(item, "min", path), check.integer(item, "max", path)
    if low is not None and high is not None and low > high:
        check.add(_join(path, "max"), _("The maximum must not be below the minimum."))
        low = high = None
    if ("bands" in item) == ("factor" in item):
        check.add(path, _("Give either “bands” or a “factor” for the points of a number answer."))
        return
    if "factor" in item:
        check.number(item, "factor", path)
        return
    bands = check.listing(item["bands"], _join(path, "bands"))
    ranges: list[tuple[int, int, str]] = []
    for index, band in enumerate(bands or []):
        where = _join(_join(path, "bands"), index)
        if not check.fields(band, where, BAND_FIELDS):
            continue
        band_low, band_high = check.integer(band, "min", where), check.integer(band, "max", where)
        check.number(band, "points", where)
        if band_low is not None and band_high is not None:
            if band_low > band_high:
                check.add(_join(where, "max"), _("The maximum must not be below the minimum."))
            else:
                ranges.append((band_low, band_high, where))
    if low is None or high is None or bands is None or len(ranges) != len(bands):
        return
    outside = [where for band_low, band_high, where in ranges if band_low < low or band_high > high]
    for where in outside:
        check.add(
            where, _("The band must stay within the item's range %(low)d to %(high)d.") % {"low": low, "high": high}
        )
    if outside:
        return
    # The bands cover min..max exactly once (I-2): every whole-number answer falls into exactly one band.
    expected = low
    for band_low, band_high, where in sorted(ranges):
        if band_low > expected:
            check.add(where, _("No band covers %(low)d to %(high)d.") % {"low": expected, "high": band_low - 1})
        elif band_low < expected:
            check.add(where, _("This band overlaps another band."))
        expected = max(expected, band_high + 1)
    if expected <= high:
        check.add(_join(path, "bands"), _("No band covers %(low)d to %(high)d.") % {"low": expected, "high": high})


def _check_scales(check: _Checker, scales: Any, valid_items: dict[str, dict], items: dict[str, dict]) -> None:
    if check.listing(scales, "scales") is None:
        return
    seen: set[str] = set()
    for index, scale in enumerate(scales):
        path = _join("scales", index)
        if not check.fields(scale, path, SCALE_REQUIRED, SCALE_OPTIONAL):
            continue
        code = check.code(scale, "code", path)
        if code is not None:
            if code in seen:
                check.add(_join(path, "code"), _("Duplicate scale code “%(code)s”.") % {"code": code})
            seen.add(code)
        for key in SCALE_OPTIONAL:
            check.text(scale, key, path)
        declared_min, declared_max = check.number(scale, "min", path), check.number(scale, "max", path)
        codes = check.listing(scale["items"], _join(path, "items")) if "items" in scale else None
        ranges: list[tuple[Decimal, Decimal]] = []
        listed: set[str] = set()
        for position, item_code in enumerate(codes or []):
            where = _join(_join(path, "items"), position)
            if not isinstance(item_code, str) or item_code not in items:
                check.add(where, _("Unknown item “%(code)s”.") % {"code": item_code})
            elif item_code in listed:
                check.add(where, _("The item “%(code)s” is listed twice.") % {"code": item_code})
            else:
                listed.add(item_code)
                if item_code in valid_items:
                    ranges.append(item_point_range(valid_items[item_code]))
        if codes is None or len(ranges) != len(codes) or declared_min is None or declared_max is None:
            continue
        # I-3: the declared range is the reachable one, so a score can never leave it (R-2: SIMBO-C 0–100).
        reachable_min = sum((low for low, _high in ranges), Decimal(0))
        reachable_max = sum((high for _low, high in ranges), Decimal(0))
        if reachable_max != declared_max:
            check.add(
                _join(path, "max"),
                _("The maximum is %(declared)s, but the items add up to at most %(reachable)s.")
                % {"declared": declared_max, "reachable": reachable_max},
            )
        if reachable_min != declared_min:
            check.add(
                _join(path, "min"),
                _("The minimum is %(declared)s, but the items add up to at least %(reachable)s.")
                % {"declared": declared_min, "reachable": reachable_min},
            )


def _scale_codes(scales: Any) -> set[str]:
    if not isinstance(scales, list):
        return set()
    return {scale["code"] for scale in scales if isinstance(scale, dict) and isinstance(scale.get("code"), str)}


def _answer_codes(items: dict[str, dict]) -> dict[str, set[str] | None]:
    """Per item the answer codes an ``item_in`` may list (None: not a choice or yes/no item, so it has none)."""
    codes: dict[str, set[str] | None] = {}
    for code, item in items.items():
        if item.get("type") == "choice":
            options = item.get("options") if isinstance(item.get("options"), list) else []
            codes[code] = {
                option["code"] for option in options if isinstance(option, dict) and isinstance(option.get("code"), str)
            }
        elif item.get("type") == "yes_no":
            codes[code] = set(YES_NO)
        else:
            codes[code] = None
    return codes


def _check_rule(
    check: _Checker,
    rule: Any,
    path: str,
    scales: set[str],
    answers: dict[str, set[str] | None],
    *,
    root: bool = False,
    depth: int = 0,
) -> None:
    if depth > MAX_RULE_DEPTH:
        check.add(path, _("The rule is nested too deeply."))
        return
    if not isinstance(rule, dict):
        check.add(path, _("Must be a mapping of fields."))
        return
    nodes = [key for key in rule if key in RULE_NODES]
    extra = [key for key in rule if key not in RULE_NODES and not (root and key == "preset")]
    for key in extra:
        check.add(_join(path, str(key)), _("Unknown field."))
    if root and "preset" in rule:
        check.code(rule, "preset", path)
    if len(nodes) != 1:
        check.add(path, _("A rule needs exactly one of: %(nodes)s.") % {"nodes": ", ".join(RULE_NODES)})
        return
    node = nodes[0]
    operand, where = rule[node], _join(path, node)
    if node == "threshold":
        if not check.fields(operand, where, ("scale", "op", "value")):
            return
        if "scale" in operand and (not isinstance(operand["scale"], str) or operand["scale"] not in scales):
            check.add(_join(where, "scale"), _("Unknown scale “%(code)s”.") % {"code": operand["scale"]})
        if "op" in operand and operand["op"] not in OPERATORS:
            check.add(_join(where, "op"), _("Must be one of: %(ops)s.") % {"ops": ", ".join(OPERATORS)})
        check.number(operand, "value", where)
    elif node == "item_in":
        if not check.fields(operand, where, ("item", "options")):
            return
        item = operand.get("item")
        if "item" in operand and (not isinstance(item, str) or item not in answers):
            check.add(_join(where, "item"), _("Unknown item “%(code)s”.") % {"code": item})
        elif "item" in operand and answers[item] is None:
            check.add(_join(where, "item"), _("Only a choice or yes/no item can be compared with answers."))
        options = check.listing(operand["options"], _join(where, "options")) if "options" in operand else None
        allowed = answers.get(item) if isinstance(item, str) else None  # unknown item: reported above
        for index, option in enumerate(options or []):
            if allowed is not None and (not isinstance(option, str) or option not in allowed):
                check.add(
                    _join(_join(where, "options"), index),
                    _("“%(option)s” is not an answer of the item “%(item)s”.") % {"option": option, "item": item},
                )
    elif node in ("all", "any"):
        for index, child in enumerate(check.listing(operand, where) or []):
            _check_rule(check, child, _join(where, index), scales, answers, depth=depth + 1)
    else:
        _check_rule(check, operand, where, scales, answers, depth=depth + 1)


def _check_presets(
    check: _Checker, presets: Any, scales: set[str], answers: dict[str, set[str] | None]
) -> dict[str, dict]:
    valid: dict[str, dict] = {}
    if presets is None or check.listing(presets, "cutoff_presets", allow_empty=True) is None:
        return valid
    for index, preset in enumerate(presets):
        path = _join("cutoff_presets", index)
        before = len(check.errors)
        if not check.fields(preset, path, PRESET_REQUIRED, PRESET_OPTIONAL):
            continue
        code = check.code(preset, "code", path)
        if code is not None and code in valid:
            check.add(_join(path, "code"), _("Duplicate preset code “%(code)s”.") % {"code": code})
            code = None
        for key in ("label_de", "label_en"):
            check.text(preset, key, path)
        for key in PRESET_OPTIONAL:
            check.text(preset, key, path)
        if "rule" in preset:
            _check_rule(check, preset["rule"], _join(path, "rule"), scales, answers, root=True)
        if code is not None and len(check.errors) == before:
            valid[code] = preset
    return valid


def _check_default_preset(check: _Checker, rule: Any, presets: dict[str, dict]) -> None:
    """A positivity rule labelled with a preset must be that preset's rule, so the label never lies."""
    if not isinstance(rule, dict) or not isinstance(rule.get("preset"), str):
        return
    preset = presets.get(rule["preset"])
    if preset is None:
        check.add("positivity_rule.preset", _("Unknown cut-off preset “%(code)s”.") % {"code": rule["preset"]})
        return
    if _without_label(rule) != _without_label(preset["rule"]):
        check.add(
            "positivity_rule", _("The rule differs from the cut-off preset “%(code)s”.") % {"code": rule["preset"]}
        )


def _without_label(rule: dict) -> dict:
    return {key: value for key, value in rule.items() if key != "preset"}


def _check_missing_rule(check: _Checker, data: dict) -> None:
    missing_rule = data.get("missing_rule")
    if "missing_rule" in data and missing_rule not in MISSING_RULES:
        check.add("missing_rule", _("Must be one of: %(rules)s.") % {"rules": ", ".join(MISSING_RULES)})
    if missing_rule == "prorate":
        if "max_missing" not in data:
            check.add("max_missing", _("Prorating needs “max_missing”, the most missing answers allowed per scale."))
        check.integer(data, "max_missing", "", minimum=0)
    elif missing_rule == "invalid" and "max_missing" in data:
        check.add("max_missing", _("Only used with the missing-answer rule “prorate”."))
