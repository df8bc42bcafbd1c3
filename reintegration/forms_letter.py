"""Forms of the discharge letter: input and its messages only; the rules live in ``reintegration.services.letter``
and ``reintegration.rules_letter``."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reintegration.models import DischargeLetter, WorkAbility
from wmr.locking import VersionedFormMixin

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _rows(n: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": n})


def diagnoses_as_text(diagnoses: list[dict]) -> str:
    """One diagnosis per line, ``code text`` (the edit form's textarea)."""
    return "\n".join(f"{d.get('code', '')} {d.get('text', '')}".strip() for d in diagnoses)


def diagnoses_from_text(text: str) -> list[dict]:
    """Each non-empty line is ``code text``; a certainty mark after the code (``F32.1 G``) belongs to the code."""
    diagnoses = []
    for line in (text or "").splitlines():
        parts = line.split()
        if not parts:
            continue
        code, rest = parts[0], parts[1:]
        # ICD-10-GM additional marks written with a space: certainty (G, V, Z, A) and side (R, L, B)
        while rest and rest[0] in {"G", "V", "Z", "A", "R", "L", "B"}:
            code, rest = f"{code} {rest[0]}", rest[1:]
        diagnoses.append({"code": code, "text": " ".join(rest)})
    return diagnoses


class LetterForm(VersionedFormMixin, forms.Form):
    """The content of a draft: diagnoses (one per line, ICD-10-GM code and text), course, goals, therapies, the
    socio-medical appraisal (8.12), vocational rehabilitation (8.6), recommendations."""

    recipient = forms.CharField(
        label=_("Recipient (address block)"),
        required=False,
        widget=_rows(4),
        help_text=_("One line each: name, street, postal code and city."),
    )
    diagnoses = forms.CharField(
        label=_("Diagnoses"),
        required=False,
        widget=_rows(5),
        help_text=_(
            "One per line: the ICD-10-GM code, then the diagnosis in words, e.g. “F43.2 Adjustment disorder”. "
            "At most ten."
        ),
    )
    course = forms.CharField(label=_("Course of the rehabilitation"), required=False, widget=_rows(5))
    goals_summary = forms.CharField(label=_("Goals and their attainment"), required=False, widget=_rows(6))
    therapies_summary = forms.CharField(
        label=_("Remarks on the therapies received"),
        required=False,
        widget=_rows(3),
        help_text=_("The minutes per kind of therapy are printed from the therapy record."),
    )
    ability_last_job = forms.ChoiceField(
        label=_("Ability for the last job (hours per day)"),
        required=False,
        choices=[("", _("not stated yet")), *WorkAbility.choices],
    )
    ability_general_market = forms.ChoiceField(
        label=_("Ability on the general labour market (hours per day)"),
        required=False,
        choices=[("", _("not stated yet")), *WorkAbility.choices],
    )
    positive_profile = forms.CharField(label=_("Positive capacity profile"), required=False, widget=_rows(3))
    negative_profile = forms.CharField(label=_("Negative capacity profile"), required=False, widget=_rows(3))
    appraisal_detail = forms.CharField(
        label=_("Detailed socio-medical appraisal"),
        required=False,
        widget=_rows(5),
        help_text=_("Required when the ability to work is under 6 hours a day (8.12)."),
    )
    vocational_rehab_recommended = forms.BooleanField(
        label=_("Vocational rehabilitation recommended and explained to the patient (8.6)"), required=False
    )
    vocational_rehab_reason = forms.CharField(
        label=_("Why vocational rehabilitation is not recommended"),
        required=False,
        widget=_rows(2),
        help_text=_("Needed when the ability for the last job is limited and it is not recommended (8.6)."),
    )
    recommendations = forms.CharField(label=_("Recommendations"), required=False, widget=_rows(4))

    def __init__(self, *args, letter: DischargeLetter | None = None, **kwargs):
        if letter is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(letter, name) for name in self.base_fields if name != "diagnoses"} | {
                "diagnoses": diagnoses_as_text(letter.diagnoses)
            }
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("Letter"), "recipient", "diagnoses", "course", "goals_summary", "therapies_summary"),
            Fieldset(
                _("Socio-medical appraisal"),
                "ability_last_job",
                "ability_general_market",
                "positive_profile",
                "negative_profile",
                "appraisal_detail",
                "vocational_rehab_recommended",
                "vocational_rehab_reason",
            ),
            Fieldset(_("Recommendations"), "recommendations"),
        )
        self.helper.render_hidden_fields = True  # the version the draft was loaded with (wmr.locking)
        self.helper.add_input(Submit("save", _("Save draft")))

    def values(self) -> dict:
        """The cleaned data as ``letter_update`` takes it (diagnoses as a list of ``{code, text}``)."""
        data = dict(self.cleaned_data)
        data["diagnoses"] = diagnoses_from_text(data["diagnoses"])
        return data


class HandedOverForm(forms.Form):
    on = forms.DateField(label=_("The two copies were handed over to the patient on"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Record handover")))
