"""Profile instruments as data (mini_icf_app.md §8): schema check, frozen parsed definition, rating check (S-4) and
the shipped definitions. Pure Python: no ORM, no request, no clock."""

from diagnostics.instruments.definition import (
    CAPACITY,
    DEMAND,
    SELF,
    Definition,
    DefinitionRejected,
    Dimension,
    Group,
    Level,
    RatingInvalid,
    Scale,
    definition_from_dict,
    validate_rating,
)
from diagnostics.instruments.loader import SHIPPED, load_shipped
from diagnostics.instruments.schema import DEMO_MARK, validate_definition

__all__ = [
    "CAPACITY",
    "DEMAND",
    "DEMO_MARK",
    "SELF",
    "SHIPPED",
    "Definition",
    "DefinitionRejected",
    "Dimension",
    "Group",
    "Level",
    "RatingInvalid",
    "Scale",
    "definition_from_dict",
    "load_shipped",
    "validate_definition",
    "validate_rating",
]
