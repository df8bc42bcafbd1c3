"""What every filter bar shares: Bootstrap's small inputs and the browser's date picker."""

from __future__ import annotations

import django_filters
from django import forms

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BootstrapFilterSet(django_filters.FilterSet):
    """A FilterSet whose form renders with Bootstrap's small controls (components/_filter_form.html)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            small = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = small
