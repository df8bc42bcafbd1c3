"""Scoring a screening questionnaire with a versioned instrument definition (screening.md §4, I-2 … I-5).

Pure: no ORM, no request, no clock. The numbers live in the definition (see ``schema``); this code is generic.
Every comparison is exact (Decimal). A missing answer never gives a silently low score: either the missing-answer
rule prorates it within its limit, or the result is "incomplete" without a total.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from screening.instruments.schema import (
    DefinitionError,
    rule_node,
    rule_references,
    validate_definition,
    validate_rule,
)

POSITIVE = "positive"
NEGATIVE = "negative"
INCOMPLETE = "incomplete"
ONE_DECIMAL = Decimal("0.1")  # scores are stored with one decimal place
SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}


@dataclass(frozen=True)
class ScoreResult:
    """The outcome of ``score``.

    ``total`` is the scale named "total", else the first scale; None when the result is incomplete.
    ``scales`` holds every scale (None where a missing answer leaves it unknown), ``item_points`` the points of each
    answered item, ``missing`` the unanswered item codes in definition order, ``rule_applied`` a deep copy of the
    rule that decided the status, ``answers`` the normalised answers (as ``validate_answers`` returns them).
    """

    status: str
    total: Decimal | None
    scales: dict[str, Decimal | None]
    item_points: dict[str, Decimal]
    missing: tuple[str, ...]
    rule_applied: dict
    answers: dict[str, Any] = field(default_factory=dict)


class AnswerError(ValueError):
    """An answer the questionnaire does not allow; ``item`` names the question, ``message`` is for the user."""

    def __init__(self, item: str, message: str):
        self.item = item
        self.message = str(message)
        super().__init__(self.message)


class DefinitionRejected(ValueError):
    """``score`` was given a definition or rule that fails validation; ``errors`` lists each wrong field."""

    def __init__(self, errors: list[DefinitionError]):
        self.errors = list(errors)
        super().__init__("; ".join(str(error) for error in self.errors))


def answer_errors(definition: dict, answers: dict[str, Any]) -> list[AnswerError]:
    """Every wrong answer (unknown questions last), for a form that shows them all at once; [] when all are fine."""
    return _normalise(definition, answers)[1]


def validate_answers(definition: dict, answers: dict[str, Any]) -> dict[str, Any]:
    """The answered items of a valid ``definition``, normalised, in definition order; raises the first AnswerError.

    choice → the option code (str); integer → int within the item's min..max ("7" is accepted); yes_no → bool
    (True/False or "yes"/"no"). None, "" and blank text mean "not answered" and are left out.
    """
    normalised, errors = _normalise(definition, answers)
    if errors:
        raise errors[0]
    return normalised


def score(definition: dict, answers: dict[str, Any], rule: dict | None = None) -> ScoreResult:
    """Score ``answers`` with ``definition`` and decide the status with ``rule`` (e.g. the facility's cut-off
    preset), or with the definition's own ``positivity_rule`` when ``rule`` is None.

    Raises AnswerError for an answer the questionnaire does not allow, DefinitionRejected for a definition or rule
    that fails validation. Missing answers (I-5): a scale with more missing items than allowed — none with
    "invalid", up to ``max_missing`` with "prorate" — is None, and the status is "incomplete" when the rule reads
    such a scale or a missing item.
    """
    errors = validate_definition(definition)
    if not errors and rule is not None:
        errors = validate_rule(definition, rule)
    if errors:
        raise DefinitionRejected(errors)
    applied = copy.deepcopy(definition["positivity_rule"] if rule is None else rule)
    given = validate_answers(definition, answers)
    items = definition["items"]
    item_points = {item["code"]: item_points_for(item, given[item["code"]]) for item in items if item["code"] in given}
    missing = tuple(item["code"] for item in items if item["code"] not in given)
    allowed_missing = definition.get("max_missing", 0) if definition["missing_rule"] == "prorate" else 0
    scales = {scale["code"]: _scale_value(scale, item_points, allowed_missing) for scale in definition["scales"]}

    needed_scales, needed_items = rule_references(applied)
    known = all(scales[code] is not None for code in needed_scales) and all(code in given for code in needed_items)
    status = INCOMPLETE
    if known:
        status = POSITIVE if _holds(applied, scales, given) else NEGATIVE
    total_code = "total" if "total" in scales else definition["scales"][0]["code"]
    total = None if status == INCOMPLETE else scales[total_code]
    return ScoreResult(
        status=status,
        total=total,
        scales=scales,
        item_points=item_points,
        missing=missing,
        rule_applied=applied,
        answers=given,
    )


def item_points_for(item: dict, answer: Any) -> Decimal:
    """The points of one normalised answer to a valid item."""
    if item["type"] == "choice":
        (points,) = (option["points"] for option in item["options"] if option["code"] == answer)
    elif item["type"] == "yes_no":
        points = item["points"]["yes" if answer else "no"]
    elif "bands" in item:
        (points,) = (band["points"] for band in item["bands"] if band["min"] <= answer <= band["max"])
    else:
        return _decimal(item["factor"]) * answer
    return _decimal(points)


def preset_rule(definition: dict, code: str) -> dict:
    """A deep copy of the rule of the cut-off preset ``code``, labelled with ``"preset": code``; KeyError if absent."""
    for preset in definition.get("cutoff_presets", []):
        if preset["code"] == code:
            rule = copy.deepcopy(preset["rule"])
            rule.pop("preset", None)
            return {"preset": code, **rule}
    raise KeyError(code)


def localized(data: dict, name: str, language: str) -> str:
    """``data[name + "_" + language]`` for the bilingual fields of a definition (name, label, help, note, warn),
    falling back to German, the clinic's language, then English; "" when there is none."""
    for suffix in (language[:2], "de", "en"):
        value = data.get(f"{name}_{suffix}")
        if value:
            return value
    return ""


def rule_text(rule: dict, language: str) -> str:
    """A rule in words for the display of a frozen rule, e.g. "total ≥ 27" or
    "prognosis ≥ 2 or (employment_status = unemployed and prognosis ≥ 1)". Codes stay codes."""
    with translation.override(language):
        return _text(rule, language, nested=False)


# -- internals -------------------------------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _normalise(definition: dict, answers: Any) -> tuple[dict[str, Any], list[AnswerError]]:
    if not isinstance(answers, dict):
        return {}, [AnswerError("", _("The answers could not be read."))]
    normalised: dict[str, Any] = {}
    errors: list[AnswerError] = []
    items = definition["items"]
    for item in items:
        code = item["code"]
        value = answers.get(code)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            normalised[code] = _normalise_answer(item, value)
        except AnswerError as error:
            errors.append(error)
    known = {item["code"] for item in items}
    for code in answers:
        if code not in known:
            errors.append(AnswerError(str(code), _("There is no question “%(item)s”.") % {"item": code}))
    return normalised, errors


def _normalise_answer(item: dict, value: Any) -> Any:
    code = item["code"]
    if item["type"] == "choice":
        if isinstance(value, str) and value in {option["code"] for option in item["options"]}:
            return value
        raise AnswerError(code, _("Please choose one of the given answers."))
    if item["type"] == "yes_no":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
            return value.strip().lower() == "yes"
        raise AnswerError(code, _("Please answer yes or no."))
    number = _whole_number(value)
    if number is None:
        raise AnswerError(code, _("Please enter a whole number."))
    if not item["min"] <= number <= item["max"]:
        raise AnswerError(
            code, _("Please enter a number from %(min)d to %(max)d.") % {"min": item["min"], "max": item["max"]}
        )
    return number


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None  # JSON numbers from a browser may arrive as 7.0
    if isinstance(value, Decimal):
        return int(value) if value.is_finite() and value == value.to_integral_value() else None
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        return int(text) if digits.isascii() and digits.isdigit() else None
    return None


def _scale_value(scale: dict, item_points: dict[str, Decimal], allowed_missing: int) -> Decimal | None:
    """The sum of the scale's item points; with missing items, prorated (I-5) within ``allowed_missing`` or None."""
    codes = scale["items"]
    answered = [item_points[code] for code in codes if code in item_points]
    missing = len(codes) - len(answered)
    if missing == 0:
        value = sum(answered, Decimal(0))
    elif missing <= allowed_missing and answered:
        # Mean of the answered items × number of items; clamped so a prorated value never leaves the declared range
        # (items may differ in their maximum, so the mean of the answered ones can overshoot).
        value = sum(answered, Decimal(0)) * len(codes) / len(answered)
        value = min(max(value, _decimal(scale["min"])), _decimal(scale["max"]))
    else:
        return None
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _holds(rule: dict, scales: dict[str, Decimal | None], answers: dict[str, Any]) -> bool:
    node, operand = rule_node(rule)
    if node == "threshold":
        return _compare(scales[operand["scale"]], operand["op"], _decimal(operand["value"]))
    if node == "item_in":
        answer = answers[operand["item"]]
        if isinstance(answer, bool):
            answer = "yes" if answer else "no"
        return answer in operand["options"]
    if node == "all":
        return all(_holds(child, scales, answers) for child in operand)
    if node == "any":
        return any(_holds(child, scales, answers) for child in operand)
    return not _holds(operand, scales, answers)


def _compare(value: Decimal, op: str, limit: Decimal) -> bool:
    return {
        ">=": value >= limit,
        ">": value > limit,
        "<=": value <= limit,
        "<": value < limit,
        "==": value == limit,
    }[op]


def _number_text(value: Any, language: str) -> str:
    number = _decimal(value)
    text = str(int(number)) if number == number.to_integral_value() else str(number.normalize())
    return text.replace(".", ",") if language.startswith("de") else text


def _text(rule: dict, language: str, *, nested: bool) -> str:
    node, operand = rule_node(rule)
    if node == "threshold":
        return f"{operand['scale']} {SYMBOLS[operand['op']]} {_number_text(operand['value'], language)}"
    if node == "item_in":
        if len(operand["options"]) == 1:
            return f"{operand['item']} = {operand['options'][0]}"
        return _("%(item)s is one of %(options)s") % {"item": operand["item"], "options": ", ".join(operand["options"])}
    if node == "not":
        return f"{pgettext('screening rule', 'not')} ({_text(operand, language, nested=False)})"
    joiner = pgettext("screening rule", "and") if node == "all" else pgettext("screening rule", "or")
    text = f" {joiner} ".join(_text(child, language, nested=True) for child in operand)
    return f"({text})" if nested and len(operand) > 1 else text
