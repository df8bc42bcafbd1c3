"""Forms of the reminders: input and its messages only; the rules live in reminders.rules and reminders.services."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from reminders import rules

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SnoozeForm(forms.Form):
    until = forms.DateField(
        label=_("Snooze until"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Please choose the day the reminder is to come back.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Please give a reason for snoozing.")},
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["until"].initial = today + dt.timedelta(days=1)
        self.helper = FormHelper()
        self.helper.add_input(Submit("snooze", _("Snooze")))

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Please give a reason for snoozing."))
        return reason

    def clean_until(self) -> dt.date:
        until = self.cleaned_data["until"]
        problem = rules.snooze_problem(until, self.today)
        if problem == "not_future":
            raise forms.ValidationError(_("Please choose a day after today."))
        if problem == "too_far":
            raise forms.ValidationError(
                _("Please choose a day within %(days)d days.") % {"days": rules.MAX_SNOOZE_DAYS}
            )
        return until


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("Also send me my new reminders by e-mail each morning"), required=False)
