"""The catalogue's search bar (GET): text, section, grade, kind. Input only; the search is ``catalogue.search``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from compliance.catalogue import GRADES, KINDS, SECTIONS

TEXT_MAX = 200


def _choices(labels: dict, everything) -> list[tuple[str, object]]:
    return [("", everything), *labels.items()]


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=TEXT_MAX,
        error_messages={"max_length": _("Please search with at most %(limit_value)d characters.")},
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number or words, e.g. 8.12 or BEM")}),
    )
    section = forms.ChoiceField(
        label=_("Section"),
        required=False,
        choices=_choices(SECTIONS, _("all sections")),
        error_messages={"invalid_choice": _("There is no such section; showing all sections.")},
    )
    grade = forms.ChoiceField(
        label=_("Grade"),
        required=False,
        choices=_choices(GRADES, _("all grades")),
        error_messages={"invalid_choice": _("Please choose the grade shall, should or may; showing all grades.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=_choices(KINDS, _("all kinds")),
        error_messages={"invalid_choice": _("There is no such kind; showing all kinds.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"

    def filters(self) -> dict[str, str]:
        """The valid filters only: a bad value is left out (and shown as the field's error), never a failure."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        filters = {name: cleaned.get(name) or "" for name in ("section", "grade", "kind")}
        return filters | {"text": cleaned.get("q") or ""}
