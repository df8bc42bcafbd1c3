"""Forms of the sick-leave history, its trigger outcomes and the work situation: input and its messages only; the
rules live in reintegration.services.sickleave and reintegration.sickleave."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reintegration.models import SickLeavePeriod, TriggerExamination, TriggerKind, WorkSituation

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("save", label))
    return helper


class SickLeavePeriodForm(forms.ModelForm):
    """One period of absence before the admission (B-2); "to" empty while it goes on."""

    class Meta:
        model = SickLeavePeriod
        fields = ["kind", "starts_on", "ends_on", "diagnosis_group", "note"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}
        help_texts = {
            "ends_on": _("Leave empty while the sick leave goes on: it then counts up to the day before admission."),
            "diagnosis_group": _("Optional, e.g. “mental disorders (F)” or “back pain (M54)”."),
        }
        error_messages = {"starts_on": {"required": _("Please give the first day of the sick leave.")}}

    def __init__(self, *args, correct: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save correction") if correct else _("Save period"))

    def _post_clean(self):
        """Leave the instance untouched: the service checks the dates, changes the period and validates it."""


class SickLeaveRemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this period removed?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        error_messages={"required": _("Please give the reason why this period is removed.")},
        help_text=_("Removing is for a period entered by mistake. To change the dates, correct the period instead."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Remove period"))


class TriggerExaminationForm(forms.ModelForm):
    """The outcome of examining a trigger: BEM (rec 8.2) or a graded return (rec 8.4)."""

    class Meta:
        model = TriggerExamination
        fields = ["kind", "examined_on", "outcome", "note"]
        widgets = {
            "examined_on": DATE_WIDGET,
            "outcome": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "kind": {"required": _("Please choose the trigger that was examined.")},
            "outcome": {"required": _("Please choose the outcome.")},
        }

    def __init__(self, *args, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["examined_on"].initial = timezone.localdate()
            if kind in TriggerKind.values:
                self.fields["kind"].initial = kind
        self.helper = _helper(_("Record outcome"))

    def _post_clean(self):
        """The service checks the date and validates the new row."""


class WorkSituationForm(forms.ModelForm):
    """The patient's work: contract, disability status, accident, benefits, job situation (one per stay)."""

    class Meta:
        model = WorkSituation
        fields = [
            "working_days_per_week",
            "hours_per_day",
            "disability",
            "work_accident",
            "unemployment_benefit",
            "statutory_sick_pay",
            "job_risk",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "working_days_per_week": _(
                "The BEM working-day rule counts the sick days that fall on working days, from Monday on: "
                "a 3-day week counts Monday to Wednesday."
            ),
            "hours_per_day": _("Of the patient's own contract (part-time staff: their hours)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save work situation"))
