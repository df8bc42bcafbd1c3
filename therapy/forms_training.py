"""Forms of the workplace training: input and its messages only; the rules live in therapy.services.training."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from therapy.models import SubGoalResult, TrainingPlan, TrainingSubGoal, TransferStrategy, WorkSituation

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _TrainingForm:
    """Crispy helper with one submit button; date fields default to today; ``action`` posts elsewhere (the forms
    shown on the training page post to their own form pages)."""

    submit_label = _("Save")
    date_fields: tuple[str, ...] = ()

    def _setup(self, action: str = "") -> None:
        if not self.is_bound:
            for name in self.date_fields:
                self.fields[name].initial = self.fields[name].initial or timezone.localdate()
        for name in self.date_fields:
            self.fields[name].widget = DATE_WIDGET
        self.helper = FormHelper()
        if action:
            self.helper.form_action = action
        self.helper.add_input(Submit("save", self.submit_label))


class TrainingPlanForm(_TrainingForm, forms.ModelForm):
    submit_label = _("Start the workplace training")
    date_fields = ("starts_on",)

    class Meta:
        model = TrainingPlan
        fields = ["starts_on", "profile_basis"]
        widgets = {"profile_basis": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "profile_basis": _(
                "Recommendation 7.2: the training starts from the work-ability profile. Filled in from the latest "
                "profile comparison when there is one; otherwise describe it in your own words."
            )
        }

    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, action: str = "", suggestion: str = "", change: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if suggestion and not self.is_bound and not self.initial.get("profile_basis"):
            self.initial["profile_basis"] = suggestion
        if change:
            self.submit_label = _("Save changes")
        self._setup(action)


class SubGoalForm(_TrainingForm, forms.ModelForm):
    submit_label = _("Add sub-goal")
    date_fields = ("agreed_on",)

    class Meta:
        model = TrainingSubGoal
        fields = ["text", "verification", "agreed_on"]
        widgets = {"text": forms.TextInput(attrs={"autofocus": True})}
        help_texts = {
            "verification": _(
                "Recommendation 7.3: every sub-goal is verifiable, e.g. “works 2 hours at the "
                "screen with one short break”."
            )
        }

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verification"].required = True
        self._setup(action)


class SubGoalAssessForm(_TrainingForm, forms.Form):
    submit_label = _("Save the assessment")
    date_fields = ("assessed_on",)

    result = forms.ChoiceField(
        label=_("Achieved?"),
        choices=[(value, label) for value, label in SubGoalResult.choices if value != SubGoalResult.OPEN],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note on the result"),
        max_length=500,
        required=False,
        help_text=_("Needed when the sub-goal was achieved only partly or not at all."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    assessed_on = forms.DateField(label=_("Assessed on"))
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._setup(action)


class SituationForm(_TrainingForm, forms.ModelForm):
    submit_label = _("Add work situation")
    date_fields = ("practised_on",)

    class Meta:
        model = WorkSituation
        fields = ["description", "practised_on", "observation"]
        widgets = {"observation": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._setup(action)


class StrategyForm(_TrainingForm, forms.ModelForm):
    submit_label = _("Add strategy")
    date_fields = ("written_on",)

    class Meta:
        model = TransferStrategy
        fields = ["situation", "strategy", "written_on"]
        widgets = {"strategy": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"strategy": _("Recommendation 7.8: in the patient's own words, as they wrote it down.")}

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._setup(action)


class StrategyChangeForm(_TrainingForm, forms.Form):
    submit_label = _("Save changes")

    situation = forms.CharField(label=_("when / where"), max_length=300)
    strategy = forms.CharField(label=_("what I will do"), widget=forms.Textarea(attrs={"rows": 4}))
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup()
