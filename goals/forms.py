"""Forms of the goal agreement: input and its messages only; the rules live in goals.services and goals.rules."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from goals.models import AgreedHow, Goal, Occasion, Outcome, Responsible
from wmr.locking import VersionedFormMixin

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper(*buttons: tuple[str, str]) -> FormHelper:
    helper = FormHelper()
    for name, label in buttons:
        helper.add_input(Submit(name, label))
    return helper


class AgreementStartForm(forms.Form):
    written_on = forms.DateField(label=_("Goals written with the patient on"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["written_on"].initial = timezone.localdate()
        self.helper = _helper(("save", _("Start the goal agreement")))


class GoalForm(VersionedFormMixin, forms.ModelForm):
    """One goal: area, the goal, its measurable target, who is responsible, the review date (rec 3.4)."""

    class Meta:
        model = Goal
        fields = ["area", "text", "target", "responsible", "responsible_name", "review_on"]
        widgets = {
            "area": forms.Select(attrs={"autofocus": True}),
            "text": forms.Textarea(attrs={"rows": 2}),
            "target": forms.Textarea(attrs={"rows": 2}),
            "review_on": DATE_WIDGET,
        }
        error_messages = {
            "text": {"required": _("Please write the goal.")},
            "target": {"required": _("Please give a measurable target: how will you know the goal is reached?")},
            "review_on": {"required": _("Please give a review date.")},
        }

    def __init__(self, *args, add_another: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        buttons = [("save", _("Save goal"))]
        if add_another:
            buttons.append(("save_and_add", _("Save and add another goal")))
        self.helper = _helper(*buttons)

    def clean(self):
        data = super().clean()
        if data.get("responsible") == Responsible.NAMED and not (data.get("responsible_name") or "").strip():
            self.add_error("responsible_name", _("Please name the responsible person."))
        return data

    def _post_clean(self):
        """Leave the instance untouched: the service changes it, sets agreement and position, and validates it."""


class AgreeForm(forms.Form):
    agreed_on = forms.DateField(label=_("Agreed with the patient on"), widget=DATE_WIDGET)
    agreed_how = forms.ChoiceField(label=_("How it was agreed"), choices=AgreedHow.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed_on"].initial = timezone.localdate()
        self.helper = _helper(("save", _("Mark as agreed")))

    def clean(self):
        data = super().clean()
        if data.get("agreed_how") == AgreedHow.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", _("Please describe how the goals were agreed."))
        return data


class ReviewForm(forms.Form):
    """A review of the agreed version: occasion, date, and one outcome (with a note) per goal (rec 3.6)."""

    occasion = forms.ChoiceField(label=_("Occasion"), choices=Occasion.choices)
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        self.fields["reviewed_on"].initial = timezone.localdate()
        fieldsets = []
        for number, goal in enumerate(self.goals, start=1):
            self.fields[f"outcome_{goal.pk}"] = forms.ChoiceField(
                label=_("Outcome"),
                choices=Outcome.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Please choose an outcome for this goal.")},
            )
            self.fields[f"outcome_note_{goal.pk}"] = forms.CharField(
                label=_("Note on this goal"), required=False, widget=forms.TextInput
            )
            legend = format_html("{}. {}", number, goal.text)
            fieldsets.append(
                Fieldset(
                    legend,
                    HTML(format_html('<p class="small text-muted">{}</p>', goal.target)),
                    f"outcome_{goal.pk}",
                    f"outcome_note_{goal.pk}",
                )
            )
        self.helper = _helper(("save", _("Record review")))
        self.helper.layout = Layout("occasion", "reviewed_on", *fieldsets, "note")

    def outcomes(self) -> dict[int, tuple[str, str]]:
        return {
            goal.pk: (self.cleaned_data[f"outcome_{goal.pk}"], self.cleaned_data.get(f"outcome_note_{goal.pk}", ""))
            for goal in self.goals
        }


class HandedOverForm(forms.Form):
    handed_over_on = forms.DateField(label=_("Copy handed over to the patient on"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handed_over_on"].initial = timezone.localdate()
        self.helper = _helper(("save", _("Record handover")))
