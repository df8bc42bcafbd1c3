"""GET forms of the privacy officer's pages: the patient search and the access report's period."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d")


class PatientSearchForm(forms.Form):
    number = forms.CharField(
        label=_("Stay number"), max_length=20, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    name = forms.CharField(
        label=_("Name"), max_length=100, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE_INPUT)

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in ("number", "name", "birth_date")) and not self.errors:
            raise forms.ValidationError(_("Enter a stay number, a name or a date of birth."), code="empty")
        return data


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("Until"), required=False, widget=DATE_INPUT)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end of the period lies before its start."), code="period_reversed")
        return data
