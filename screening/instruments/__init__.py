"""The screening instrument engine: definitions as data (``schema``), generic scoring (``engine``) and the shipped
DEMO definitions (``loader``). Pure Python: no ORM, no request, no clock."""

from screening.instruments.engine import (
    INCOMPLETE,
    NEGATIVE,
    POSITIVE,
    AnswerError,
    DefinitionRejected,
    ScoreResult,
    answer_errors,
    item_points_for,
    localized,
    preset_rule,
    rule_text,
    score,
    validate_answers,
)
from screening.instruments.loader import list_definitions, load_definition
from screening.instruments.schema import DefinitionError, item_point_range, validate_definition, validate_rule

__all__ = [
    "INCOMPLETE",
    "NEGATIVE",
    "POSITIVE",
    "AnswerError",
    "DefinitionError",
    "DefinitionRejected",
    "ScoreResult",
    "answer_errors",
    "item_point_range",
    "item_points_for",
    "list_definitions",
    "load_definition",
    "localized",
    "preset_rule",
    "rule_text",
    "score",
    "validate_answers",
    "validate_definition",
    "validate_rule",
]
