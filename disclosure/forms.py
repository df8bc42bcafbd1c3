"""Forms of the disclosure app: input only. Which sections may go out is decided again by the services."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from disclosure.rules import Purpose, Section
from disclosure.selectors import stay_contacts


class RecipientForm(forms.Form):
    """Step 1: to whom and why."""

    contact = forms.ModelChoiceField(label=_("Recipient"), queryset=None, empty_label=None)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)

    def __init__(self, *args, stay, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = stay_contacts(stay)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.attrs = {"data-testid": "recipient-form"}
        self.helper.add_input(Submit("choose", _("Show what may be sent"), css_id="recipient-submit"))


class PackageForm(forms.Form):
    """Step 2: the sections (the page offers only those the policy and the consent allow) and a note."""

    contact = forms.IntegerField(widget=forms.HiddenInput)
    purpose = forms.ChoiceField(choices=Purpose.choices, widget=forms.HiddenInput)
    sections = forms.MultipleChoiceField(
        label=_("Sections"), choices=Section.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    note = forms.CharField(label=_("Note (not printed)"), max_length=300, required=False)

    def __init__(self, *args, offered=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offered is not None:  # the page shows only what may go out; a crafted value is refused by the service
            self.fields["sections"].widget.choices = offered
        self.helper = FormHelper()
        self.helper.form_tag = False


class ScopeForm(forms.Form):
    """What the patient agreed to share under one consent."""

    purposes = forms.MultipleChoiceField(
        label=_("Purposes the patient agreed to"),
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    sections = forms.MultipleChoiceField(
        label=_("Sections the patient agreed to share"),
        choices=Section.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"data-testid": "scope-form"}
        self.helper.add_input(Submit("save", _("Save the scope")))
