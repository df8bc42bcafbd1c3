"""The patient's data graph, read from Django's model metadata (no queries).

Every concrete model with a foreign-key path to ``patients.Patient`` belongs to the graph, so a model added later
is exported and erased without touching this app. A link is *owning* when its foreign key is NOT NULL: such a row
exists only for its parent and goes with it (a consent, a goal, a plan step). A nullable link only *refers* to a
row of the patient (a therapy session's planned therapy): the export lists the row, the erasure clears the
reference. django-simple-history's historical models are not linked by constraint (``db_constraint=False``,
``DO_NOTHING``); each is paired with its model and found by the original id or by its own foreign keys, so history
of rows already deleted is found too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import models

ROOT = "patients.patient"

# Rows the patient owns although no NOT NULL key says so: a therapy session whose every attendance is the
# patient's (an individual session) holds notes about the patient only; a group session stays with the others.
PRIVATE_PARENTS: dict[tuple[str, str], str] = {
    ("therapy.attendance", "session"): "an individual session is part of its one patient's record",
}

# In the graph, but not part of the Art. 15/20 export (they are erased with the patient all the same).
EXPORT_EXCLUDED: dict[str, str] = {
    "patients.stayuserobjectpermission": "access control (django-guardian) mirroring the care team, which is exported",
    "patients.staygroupobjectpermission": "access control (django-guardian) for groups; mirrors the care team",
    "compliance.stayindicator": "derived cache of indicator results, recomputed from the exported records",
}


@dataclass(frozen=True)
class Link:
    model: type[models.Model]
    field: str  # the foreign key's name on ``model``
    parent: type[models.Model]
    owning: bool


def is_historical(model: type[models.Model]) -> bool:
    return hasattr(model, "instance_type") and any(f.name == "history_id" for f in model._meta.concrete_fields)


def historical_model(model: type[models.Model]) -> type[models.Model] | None:
    """django-simple-history's model of ``model``, if it keeps history."""
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, manager).model if manager else None


def _base_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.abstract and not model._meta.proxy and not is_historical(model)
    ]


@cache
def links() -> tuple[Link, ...]:
    """Every foreign key from a model of the graph to a model of the graph, found by walking out from Patient."""
    root = apps.get_model(ROOT)
    members: set[type[models.Model]] = {root}
    found: list[Link] = []
    changed = True
    while changed:
        changed = False
        for model in _base_models():
            for field in model._meta.concrete_fields:
                if not field.is_relation or field.related_model not in members:
                    continue
                link = Link(model, field.name, field.related_model, owning=not field.null)
                if link not in found:
                    found.append(link)
                    changed = changed or model not in members
                    members.add(model)
    return tuple(found)


@cache
def graph_models() -> tuple[type[models.Model], ...]:
    """Patient first, then every model linked to the graph, in the order they were reached."""
    ordered = [apps.get_model(ROOT)]
    for link in links():
        if link.model not in ordered:
            ordered.append(link.model)
    return tuple(ordered)


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def export_models() -> list[type[models.Model]]:
    """The models (with their historical models right after them) the export contains."""
    result: list[type[models.Model]] = []
    for model in graph_models():
        if label(model) in EXPORT_EXCLUDED:
            continue
        result.append(model)
        history = historical_model(model)
        if history is not None:
            result.append(history)
    return result
