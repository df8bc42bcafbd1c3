"""The dashboard's filter bar (GET): facility, period, department, WMR yes/no, team (issue 8).

Every value is checked against what the reader may see: a facility that is not among ``user.facilities``, a team
member who is not a clinician of the chosen facility, a department code that is not 3100/3197 or a period such as
"2026-Q5" is a form error shown on the page again — never another clinic's numbers, never a 500.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from compliance.periods import Period, PeriodInvalid, current_quarter, month, parse_period, previous_quarters
from compliance.selectors import Filters
from patients.models import DepartmentCode
from staff.models import Role

RECENT_QUARTERS = 8
RECENT_MONTHS = 6
WMR_CHOICES = [("", _("WMR and other stays")), ("yes", _("WMR stays only")), ("no", _("stays without WMR only"))]


def recent_periods(today: dt.date) -> list[Period]:
    """The suggestions of the period field: the last eight quarters and the last six months, newest first."""
    quarters = list(reversed(previous_quarters(current_quarter(today), RECENT_QUARTERS)))
    months = []
    year, number = today.year, today.month
    for _i in range(RECENT_MONTHS):
        months.append(month(year, number))
        year, number = (year, number - 1) if number > 1 else (year - 1, 12)
    return quarters + months


class _ListIterator(ModelChoiceIterator):
    """The choices from the objects the form read already (``FacilityChoiceField.objects``): no query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.objects:
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self.field.objects) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.field.objects)


class FacilityChoiceField(forms.ModelChoiceField):
    """The reader's facilities as the form read them once (``objects``, a list): rendering and validating the choice
    cost no query. A value that is not one of them is an ``invalid_choice`` error, as for the queryset."""

    iterator = _ListIterator
    objects: list = []

    def label_from_instance(self, obj) -> str:
        return obj.name

    def to_python(self, value):
        if value in self.empty_values:
            return None
        for obj in self.objects:
            if str(obj.pk) == str(value):
                return obj
        raise forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class DashboardFilterForm(forms.Form):
    """Bound to ``request.GET`` (missing values take their defaults: the reader's first facility, the current
    quarter). ``with_facility``/``with_team`` False for the group page, which shows every facility and no team."""

    facility = FacilityChoiceField(
        label=_("Facility"), queryset=None, empty_label=None, widget=forms.Select(attrs={"class": "select form-select"})
    )
    period = forms.CharField(
        label=_("Quarter or month"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "list": "period-suggestions",
                "size": 10,
                "autocomplete": "off",
                "placeholder": "2026-Q3",
                "title": _("A quarter like 2026-Q3 or a month like 2026-07."),
                "class": "textinput form-control",
            }
        ),
    )
    department = forms.ChoiceField(
        label=_("Department"),
        required=False,
        choices=[("", _("all departments")), *DepartmentCode.choices],
        widget=forms.Select(attrs={"class": "select form-select"}),
    )
    wmr = forms.ChoiceField(
        label=_("WMR"), required=False, choices=WMR_CHOICES, widget=forms.Select(attrs={"class": "select form-select"})
    )
    team = TeamChoiceField(
        label=_("Care team includes"),
        queryset=None,
        required=False,
        empty_label=_("anyone"),
        widget=forms.Select(
            attrs={"title": _("Only stays whose care team includes this clinician."), "class": "select form-select"}
        ),
    )

    def __init__(self, query, *, user, today: dt.date, with_facility: bool = True, with_team: bool = True):
        self.today = today
        self.facilities = list(user.facilities.order_by("name", "pk"))
        data = query.copy()
        if not data.get("period"):
            data["period"] = current_quarter(today).code
        if with_facility and not data.get("facility") and self.facilities:
            data["facility"] = str(self.facilities[0].pk)
        super().__init__(data)
        self.suggestions = recent_periods(today)
        if with_facility:
            self.fields["facility"].queryset = user.facilities.order_by("name", "pk")
            self.fields["facility"].objects = self.facilities
        else:
            del self.fields["facility"]
        if with_team:
            self.fields["team"].queryset = self._clinicians(data.get("facility"))
        else:
            del self.fields["team"]

    def full_clean(self):
        """As Django's, then the fields with errors marked for Bootstrap (``is-invalid``, the message's id) as the
        filter bar's template (``_filter_field.html``) shows them."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-describedby"] = f"id_{name}_error"

    def _clinicians(self, facility_value):
        """The clinicians of the facility the query names, if it is one of the reader's, else none (the facility
        field then reports the error)."""
        from staff.models import User

        chosen = next((f for f in self.facilities if str(f.pk) == str(facility_value)), None)
        if chosen is None:
            return User.objects.none()
        return User.objects.filter(facilities=chosen, role=Role.CLINICIAN, is_active=True).order_by(
            "last_name", "first_name", "pk"
        )

    def clean_period(self) -> Period:
        text = self.cleaned_data["period"].strip().upper()
        try:
            return parse_period(text)
        except PeriodInvalid as exc:
            raise forms.ValidationError(exc.message, code="invalid_period") from exc

    def clean(self):
        cleaned = super().clean()
        if "facility" in self.fields and not self.facilities:
            raise forms.ValidationError(_("You are not assigned to any facility; ask the administrator."))
        return cleaned

    @property
    def filters(self) -> Filters:
        """The selector's filters from the cleaned values (call after ``is_valid()``)."""
        data = self.cleaned_data
        wmr = {"yes": True, "no": False}.get(data.get("wmr") or "")
        team = data.get("team")
        return Filters(department=data.get("department") or None, wmr=wmr, team_user_id=team.pk if team else None)

    def query(self, **extra) -> str:
        """The cleaned values as a query string, for links that keep the filters (drill-down, group, exports)."""
        data = self.cleaned_data
        params = {
            "facility": data["facility"].pk if data.get("facility") else "",
            "period": data["period"].code,
            "department": data.get("department") or "",
            "wmr": data.get("wmr") or "",
            "team": data["team"].pk if data.get("team") else "",
        }
        params.update(extra)
        return urlencode({key: value for key, value in params.items() if value not in ("", None)})
