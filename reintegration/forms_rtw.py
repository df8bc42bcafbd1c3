"""Forms of the return-to-work plan and the checklists: input and its messages only; the rules live in
``reintegration.services.rtw`` and ``reintegration.services.checklists``."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patients.models import ExternalContact, Stay
from reintegration.models import ChecklistState, IntegrationGoal, RtwPlan, RtwStep, StakeholderKind
from reintegration.services.rtw import STAKEHOLDER_CONTACT_KIND
from wmr.locking import VersionedFormMixin

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper(label, *, action: str | None = None, form_tag: bool = True) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("save", label))
    helper.form_tag = form_tag
    if action:
        helper.form_action = action
    return helper


class RtwPlanForm(VersionedFormMixin, forms.ModelForm):
    """The integration goal and the goal in words (8.14)."""

    class Meta:
        model = RtwPlan
        fields = ["integration_goal", "goal_detail", "note"]
        widgets = {
            "integration_goal": forms.RadioSelect,
            "goal_detail": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {"integration_goal": {"required": _("Please choose the integration goal.")}}

    def __init__(self, *args, start: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["integration_goal"].choices = IntegrationGoal.choices
        self.fields["goal_detail"].help_text = _("For example: back to the warehouse, without night shifts.")
        self.helper = _helper(_("Start the return-to-work plan") if start else _("Save"))

    def _post_clean(self):
        """Leave the instance untouched: the service changes and validates it."""


class RtwStepForm(VersionedFormMixin, forms.ModelForm):
    """A step after WMR: what, by when, who."""

    class Meta:
        model = RtwStep
        fields = ["text", "due_on", "responsible"]
        widgets = {"text": forms.TextInput(attrs={"autofocus": True}), "due_on": DATE_WIDGET}
        error_messages = {"text": {"required": _("Please describe the step.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].help_text = _("The patient, the clinic's social service, the employer …")
        self.helper = _helper(_("Save step"))

    def _post_clean(self):
        """Leave the instance untouched: the service changes and validates it."""


class RtwStakeholderForm(forms.Form):
    """A stakeholder to involve, optionally with one of the stay's contacts of that kind. The consent is found by
    the service (the patient's valid consent of the matching kind); without one the stakeholder is refused."""

    kind = forms.ChoiceField(
        label=_("Stakeholder"),
        choices=[("", "---------"), *StakeholderKind.choices],
        error_messages={"required": _("Please choose a stakeholder.")},
    )
    contact = forms.ModelChoiceField(
        label=_("Contact (optional)"), queryset=ExternalContact.objects.none(), required=False
    )
    role = forms.CharField(label=_("What they do"), max_length=300, required=False)

    def __init__(self, *args, stay: Stay, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = stay.contacts.filter(kind__in=STAKEHOLDER_CONTACT_KIND.values()).order_by(
            "kind", "organisation"
        )
        self.fields["contact"].help_text = _("One of the stay's external contacts of the same kind.")
        self.helper = _helper(_("Add stakeholder"))

    def clean(self):
        data = super().clean()
        kind, contact = data.get("kind"), data.get("contact")
        if kind and contact is not None and contact.kind != STAKEHOLDER_CONTACT_KIND[kind]:
            self.add_error("contact", _("This contact is not of the kind of the stakeholder."))
        return data


class RtwAgreeForm(forms.Form):
    agreed_on = forms.DateField(label=_("Agreed with the patient on"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed_on"].initial = timezone.localdate()
        self.helper = _helper(_("Mark as agreed"))


class ChecklistEntryForm(forms.Form):
    """One item recorded as done or not applicable, with a date and a note (the note says why it does not apply)."""

    state = forms.ChoiceField(
        label=_("State"),
        choices=ChecklistState.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose done or not applicable.")},
    )
    on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, action: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        self.helper = _helper(_("Record"), action=action)
        self.helper.form_class = "checklist-form"
        self.helper.layout = Layout("state", "on", "note")
