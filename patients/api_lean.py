"""The lean read path of the API's list endpoints (issue 10): the same JSON as the serializers, built from plain rows.

A list page of 50 stays through ``ModelSerializer`` costs ~150 model instances and ~2,500 field look-ups before a
byte is written; the page's count is a second query. Here the page is one query of plain values
(``values_list``) with the total as a window count (``COUNT(*) OVER ()``), and each row becomes the serializer's
dict through a *plan* derived once from the serializer class itself: every field's own ``to_representation`` is
applied to the column it reads (dates, time zones and choices come out exactly as the serializer writes them), so
a field added to the serializer appears here as well — or the plan refuses it (``LeanPlanError``) and the test
``tests/patients/test_api_lean.py`` fails, rather than the two drifting apart.

The pagination contract is DRF's ``PageNumberPagination`` unchanged: ``count``, ``next``, ``previous``,
``results``; a page number that is not a plain positive number (``last``, ``0``, ``x``) or a page past the end goes
through DRF's own ``paginate_queryset``, so its answers (the last page, 404 "Invalid page.") stay DRF's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page
from django.db.models import Count, QuerySet, Window
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

TOTAL = "_lean_total"
PLAIN_PAGE = re.compile(r"[1-9][0-9]{0,8}")  # ASCII digits only: "+2", " 2", "2_0" are DRF's to judge


class LeanPlanError(TypeError):
    """The serializer has a field the lean path cannot build from a column; read it through the serializer."""


@dataclass(frozen=True)
class _Column:
    key: str
    index: int  # position in the value rows
    convert: Callable[[Any], Any] | None  # the field's to_representation; None: the value as stored
    keep: type | None = None  # values of exactly this type are the field's answer already (str of a CharField)


@dataclass(frozen=True)
class _Nested:
    key: str
    index: int  # the relation's id column: None → the nested object is None, as in the serializer
    columns: tuple[_Column, ...]


@dataclass(frozen=True)
class _Computed:
    key: str  # a SerializerMethodField or a nested list, filled by the caller from what it fetched for the page


@dataclass(frozen=True)
class Plan:
    lookups: tuple[str, ...]  # the values_list() columns
    entries: tuple[_Column | _Nested | _Computed, ...]

    def represent(self, rows: Sequence[Sequence[Any]], computed: dict[str, Callable] | None = None) -> list[dict]:
        """The serializer's list of dicts for these value rows (``computed``: a method field's or nested list's name
        → its value for a row)."""
        computed = computed or {}
        missing = {entry.key for entry in self.entries if isinstance(entry, _Computed)} - set(computed)
        if missing:
            raise LeanPlanError(f"no values for {', '.join(sorted(missing))}")
        build = self.builder
        return [build(row, computed) for row in rows]

    @cached_property
    def builder(self) -> Callable[[Sequence[Any], dict[str, Callable]], dict]:
        """One function that writes a row's dict (a list page calls it 50 times with ~20 fields each): None stays None
        without asking the field, as the serializer does (check_for_none); a value of the column's ``keep`` type is
        written as it is; any other goes through the field's ``to_representation``. Plain closures, no generated code:
        the lists are cached (patients.list_cache), so the last fraction of a millisecond is not worth an ``exec``."""

        def cell(entry: _Column) -> Callable[[Sequence[Any]], Any]:
            index, convert, keep = entry.index, entry.convert, entry.keep
            if convert is None:
                return lambda row: row[index]

            def value(row: Sequence[Any]) -> Any:
                v = row[index]
                if v is None or (keep is not None and type(v) is keep):
                    return v
                return convert(v)

            return value

        steps: list[tuple[str, Callable]] = []
        for entry in self.entries:
            if isinstance(entry, _Column):
                steps.append((entry.key, cell(entry)))
            elif isinstance(entry, _Nested):
                inner = [(c.key, cell(c)) for c in entry.columns]
                steps.append(
                    (
                        entry.key,
                        lambda row, index=entry.index, inner=inner: (
                            None if row[index] is None else {key: get(row) for key, get in inner}
                        ),
                    )
                )
            else:
                steps.append((entry.key, None))

        def build(row: Sequence[Any], computed: dict[str, Callable]) -> dict:
            return {key: (computed[key](row) if get is None else get(row)) for key, get in steps}

        return build

    def position(self, lookup: str) -> int:
        return self.lookups.index(lookup)


def _kept_type(field: serializers.Field) -> type | None:
    """The type whose values the field's ``to_representation`` returns unchanged, so it need not be called: ``str``
    for a CharField (``str(value)``) and for a ChoiceField of string choices (the value itself), ``int`` for an
    IntegerField (``int(value)``), ``bool`` for a BooleanField. Only for DRF's own methods, never an override."""
    method = type(field).to_representation
    if method is serializers.CharField.to_representation:
        return str
    if method is serializers.ChoiceField.to_representation and all(isinstance(key, str) for key in field.choices):
        return str
    if method is serializers.IntegerField.to_representation:
        return int
    if method is serializers.BooleanField.to_representation:
        return bool
    return None


def _model_path(model, path: str) -> None:
    """Refuse a source that is not a concrete column (a property, a method, a reverse relation)."""
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist as exc:
            raise LeanPlanError(f"{model.__name__}.{part} is not a model field") from exc
        if not field.concrete or field.many_to_many:
            raise LeanPlanError(f"{model.__name__}.{part} is not a column")
        model = field.related_model if field.is_relation else None
        if model is None:
            return


def _index(lookups: list[str], lookup: str) -> int:
    """The column of ``lookup``, added once however many fields read it."""
    if lookup not in lookups:
        lookups.append(lookup)
    return lookups.index(lookup)


def _column(field: serializers.Field, key: str, lookups: list[str], prefix: str, model, lookup: str = "") -> _Column:
    if field.source == "*" or "." in field.source:
        raise LeanPlanError(f"{key}: source {field.source!r} is not a column of the row")
    _model_path(model, field.source)
    index = _index(lookups, lookup or prefix + field.source)
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        if field.pk_field is not None:
            raise LeanPlanError(f"{key}: pk_field is not supported")
        return _Column(key, index, None)
    if isinstance(field, serializers.RelatedField | serializers.ManyRelatedField):
        raise LeanPlanError(f"{key}: {type(field).__name__} is not supported")
    if type(field).to_representation is serializers.JSONField.to_representation and not field.binary:
        return _Column(key, index, None)  # the decoded value as it is
    return _Column(key, index, field.to_representation, _kept_type(field))


@cache
def plan_for(serializer_class: type[serializers.ModelSerializer]) -> Plan:
    """The plan of a read serializer: its fields in order, nested model serializers one level deep, method fields and
    nested lists left to the caller. Built once per process (the fields' to_representation read the time zone and
    the formats when called, not when built)."""
    model = serializer_class.Meta.model
    lookups: list[str] = []
    entries: list[_Column | _Nested | _Computed] = []
    for key, field in serializer_class().fields.items():
        if field.write_only:
            continue
        if isinstance(field, serializers.SerializerMethodField | serializers.ListSerializer):
            entries.append(_Computed(key))  # the caller fetches these for the whole page
        elif isinstance(field, serializers.BaseSerializer):
            if "." in field.source or field.source == "*":
                raise LeanPlanError(f"{key}: source {field.source!r} is not a relation of the row")
            _model_path(model, field.source)
            index = _index(lookups, field.source)  # the relation's id: None → None
            relation = model._meta.get_field(field.source)
            related = relation.related_model
            columns = []
            for sub_key, sub_field in field.fields.items():
                if sub_field.write_only:
                    continue
                if isinstance(sub_field, serializers.BaseSerializer | serializers.SerializerMethodField):
                    raise LeanPlanError(f"{key}.{sub_key}: only plain fields are supported one level down")
                # the related object's primary key is the relation's own column (no second column for it)
                same = sub_field.source == related._meta.pk.name and relation.target_field == related._meta.pk
                lookup = field.source if same else ""
                columns.append(_column(sub_field, sub_key, lookups, field.source + "__", related, lookup))
            entries.append(_Nested(key, index, tuple(columns)))
        else:
            entries.append(_column(field, key, lookups, "", model))
    return Plan(tuple(lookups), tuple(entries))


# --- pagination ---------------------------------------------------------------------------------------------------


def paginate_values(
    paginator: PageNumberPagination, queryset: QuerySet, request: Request, view, lookups: Sequence[str]
) -> list[tuple]:
    """One page of value rows (the columns ``lookups``), in one query with the total; ``paginator`` is left exactly
    as its own ``paginate_queryset`` leaves it, so ``get_paginated_response`` answers as usual."""
    raw = request.query_params.get(paginator.page_query_param) or "1"
    size = paginator.get_page_size(request)
    if not size or not PLAIN_PAGE.fullmatch(raw):
        return _drf_page(paginator, queryset.values_list(*lookups), request, view)
    number = int(raw)
    offset = (number - 1) * size
    rows = list(queryset.annotate(**{TOTAL: Window(Count("*"))}).values_list(*lookups, TOTAL)[offset : offset + size])
    if not rows and number != 1:
        return _drf_page(paginator, queryset.values_list(*lookups), request, view)  # past the end: DRF's own 404
    total = rows[0][-1] if rows else 0
    django_paginator = paginator.django_paginator_class([], size)  # never read: its count is known
    django_paginator.__dict__["count"] = total  # the cached_property, known from the window count
    paginator.request = request
    paginator.page = Page([row[:-1] for row in rows], number, django_paginator)
    if django_paginator.num_pages > 1 and paginator.template is not None:
        paginator.display_page_controls = True
    return paginator.page.object_list


def _drf_page(paginator: PageNumberPagination, values: QuerySet, request: Request, view) -> list[tuple]:
    page = paginator.paginate_queryset(values, request, view=view)
    return list(page) if page is not None else list(values)
