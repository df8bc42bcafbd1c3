"""The worklist's filters: status, department code, admission dates, and a search by name or birth date."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from patients.models import DepartmentCode, Stay, StayStatus
from wmr.filters import DATE_INPUT, BootstrapFilterSet


def parse_birth_date(text: str) -> dt.date | None:
    """A search term that is a date (31.12.1970 or 1970-12-31) means a birth date."""
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


class WorklistFilter(BootstrapFilterSet):
    q = django_filters.CharFilter(label=_("Name or birth date"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=StayStatus.choices)
    department_code = django_filters.ChoiceFilter(label=_("Department"), choices=DepartmentCode.choices)
    admission_from = django_filters.DateFilter(
        label=_("Admission from"), field_name="admission_date", lookup_expr="gte", widget=DATE_INPUT
    )
    admission_to = django_filters.DateFilter(
        label=_("Admission until"), field_name="admission_date", lookup_expr="lte", widget=DATE_INPUT
    )

    class Meta:
        model = Stay
        fields: list[str] = []

    def search(self, queryset, name, value: str):
        value = value.strip()
        if not value:
            return queryset
        birth_date = parse_birth_date(value)
        if birth_date:
            return queryset.filter(patient__birth_date=birth_date)
        condition = Q()
        for word in value.split():
            condition &= Q(patient__last_name__icontains=word) | Q(patient__first_name__icontains=word)
        return queryset.filter(condition)
