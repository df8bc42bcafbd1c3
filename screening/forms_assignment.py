"""Forms of the WMR assignment workflow: input and its messages only; the rules live in the services."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from screening.models import Contraindication, Decision, MotivationRecord, NeedAssessment

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("The date lies in the future."))
    return value


class _AssignmentForm:
    submit_label = _("Save")
    date_fields: tuple[str, ...] = ()

    def _setup(self) -> None:
        if not self.is_bound:
            for name in self.date_fields:
                if name in self.fields and self.fields[name].required:
                    self.fields[name].initial = timezone.localdate()
        for name in self.date_fields:
            if name in self.fields:
                self.fields[name].validators.append(_not_in_future)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", self.submit_label))


class NeedAssessmentForm(_AssignmentForm, forms.ModelForm):
    submit_label = _("Record need assessment")
    date_fields = ("assessed_on",)

    class Meta:
        model = NeedAssessment
        fields = ["source", "assessed_on", "reason"]
        widgets = {"assessed_on": DATE_WIDGET, "reason": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup()


class MotivationForm(_AssignmentForm, forms.ModelForm):
    submit_label = _("Record motivation")
    date_fields = ("recorded_on",)

    class Meta:
        model = MotivationRecord
        fields = ["motivation", "recorded_on", "note"]
        widgets = {
            "motivation": forms.RadioSelect,
            "recorded_on": DATE_WIDGET,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup()


class ContraindicationCheckForm(_AssignmentForm, forms.Form):
    """Either the contraindications found, or the explicit statement that there are none (A-4)."""

    submit_label = _("Record contraindication check")
    date_fields = ("checked_on",)

    checked_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    findings = forms.MultipleChoiceField(
        label=_("Contraindications found"), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_text = forms.CharField(label=_("Other contraindication"), max_length=300, required=False)
    none_found = forms.BooleanField(label=_("No contraindication found"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = (translation.get_language() or "de")[:2]
        self.fields["findings"].choices = [
            (c.code, c.label(language)) for c in Contraindication.objects.filter(active=True)
        ]
        self._setup()

    def clean(self):
        cleaned = super().clean()
        findings, none_found = cleaned.get("findings") or [], cleaned.get("none_found")
        if findings and none_found:
            raise forms.ValidationError(_("Either tick the contraindications found or confirm that there are none."))
        if not findings and not none_found:
            raise forms.ValidationError(_("Tick the contraindications found, or confirm that there are none."))
        return cleaned


class DecisionForm(_AssignmentForm, forms.Form):
    submit_label = _("Record decision")
    date_fields = ("decided_on", "effective_from")

    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    decided_on = forms.DateField(label=_("Date of the decision"), widget=DATE_WIDGET)
    effective_from = forms.DateField(
        label=_("Effective from"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("For a switch during the stay; empty = the date of the decision."),
    )
    participants = forms.CharField(label=_("Participants"), max_length=300, required=False)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required for a switch and for no WMR despite a positive screening."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup()
        self.fields["effective_from"].validators.remove(_not_in_future)  # a switch may take effect tomorrow


class CodeCorrectionForm(_AssignmentForm, forms.Form):
    submit_label = _("Record correction")
    date_fields = ("corrected_on",)

    corrected_on = forms.DateField(label=_("Corrected in the §301 data on"), widget=DATE_WIDGET)
    reference = forms.CharField(label=_("§301 message reference"), max_length=80)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup()
