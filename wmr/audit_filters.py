"""The audit viewer's rows and filters: by patient (id or stay number), user, action and a date range.

The privacy officer is on no care team, so nothing here shows or searches patient names: a patient is an id, a
stay is its number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patients.models import Stay
from wmr.audit import ACTIONS
from wmr.filters import DATE_INPUT, BootstrapFilterSet
from wmr.models import AuditEntry


def audit_entries() -> QuerySet[AuditEntry]:
    """Every audit row, newest first, with its user and the number of its stay in the same query."""
    stay_number = Stay.objects.filter(pk=OuterRef("stay_id")).values("number")[:1]
    return AuditEntry.objects.select_related("user").annotate(stay_number=Subquery(stay_number)).order_by("-at", "-id")


@dataclass(frozen=True)
class PatientRef:
    """What the patient filter resolved: the patient id, and the stay number when one was typed."""

    patient_id: int
    stay_number: str = ""


class PatientOrStayField(forms.CharField):
    """A patient id (digits only) or a stay number such as 2026-000123, which stands for its patient."""

    def clean(self, value) -> PatientRef | None:
        text = super().clean(value).strip()
        if not text:
            return None
        if text.isascii() and text.isdigit():
            if len(text) > 18:  # beyond the database's bigint: no such patient, and no database error either
                raise forms.ValidationError(_("This is not a patient id."), code="bad_patient_id")
            return PatientRef(patient_id=int(text))
        patient_id = Stay.objects.filter(number__iexact=text).values_list("patient_id", flat=True).first()
        if patient_id is None:
            raise forms.ValidationError(
                _("There is no stay with the number %(number)s."), code="unknown_stay", params={"number": text}
            )
        return PatientRef(patient_id=patient_id, stay_number=text)


class PatientFilter(django_filters.Filter):
    field_class = PatientOrStayField


def action_choices() -> list[tuple[str, str]]:
    return sorted(((code, str(label)) for code, label in ACTIONS.items()), key=lambda choice: choice[1].lower())


def _start_of_day(day: dt.date) -> dt.datetime:
    """Midnight of a calendar day in the clinic's time zone (Europe/Berlin), as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


class AuditFilter(BootstrapFilterSet):
    patient = PatientFilter(label=_("Patient id or stay number"), method="filter_patient")
    user = django_filters.CharFilter(label=_("User name"), method="filter_user")
    action = django_filters.ChoiceFilter(label=_("Action"), choices=action_choices)
    date_from = django_filters.DateFilter(label=_("From"), method="filter_date_from", widget=DATE_INPUT)
    date_to = django_filters.DateFilter(label=_("Until"), method="filter_date_to", widget=DATE_INPUT)

    class Meta:
        model = AuditEntry
        fields: list[str] = []

    def filter_patient(self, queryset, name, value: PatientRef | None):
        return queryset.filter(patient_id=value.patient_id) if value else queryset

    def filter_user(self, queryset, name, value: str):
        """The account's user name; for failed logins (no account) the user name that was tried."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(username__iexact=value) | Q(user__isnull=True, data__username__iexact=value))

    def filter_date_from(self, queryset, name, value: dt.date):
        return queryset.filter(at__gte=_start_of_day(value))

    def filter_date_to(self, queryset, name, value: dt.date):
        return queryset.filter(at__lt=_start_of_day(value + dt.timedelta(days=1)))

    def used(self) -> dict[str, str]:
        """The filters the user set, as typed, for the audit row of the viewer itself."""
        return {key: str(self.data[key]).strip()[:100] for key in self.filters if str(self.data.get(key, "")).strip()}

    def patient_id(self) -> int | None:
        """The patient the rows are filtered by, when the filter is valid."""
        if not self.is_bound or not self.form.is_valid():
            return None
        ref = self.form.cleaned_data.get("patient")
        return ref.patient_id if ref else None
