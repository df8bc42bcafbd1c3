"""Forms of the graded return-to-work plan (Hamburg model): input and its messages only. The rules (V-1 … V-11,
the payer table, the interruption verdict) live in ``reintegration.hamburg`` and the services; a form only turns
what was typed into values of the right type and refuses what can never be a value (no number, an end before a
start, a weekly pattern that does not add up to the contract's working days)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reintegration.hamburg import COUNSELING_TOPICS
from reintegration.models import ConsentState, GradedReturnPlan, PlanParty
from wmr.locking import VersionedFormMixin


def date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


PATTERN_ROWS = 3  # H-2: up to three rows of "days per week × hours per day" per step
QUARTER = Decimal("0.25")  # hours per day in steps of a quarter hour (ARCHITECTURE.md)
YES_NO = [("yes", _("yes")), ("no", _("no"))]


def _helper(submit_label, *, name: str = "save", testid: str = "") -> FormHelper:
    helper = FormHelper()
    attrs = {"data-testid": testid} if testid else {}
    helper.add_input(Submit(name, submit_label, **attrs))
    return helper


class _PlanForm(forms.Form):
    """Date fields get the date picker and default to today; one submit button named ``save``."""

    submit_label = _("Save")
    testid = ""
    today_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = date_widget()
        if not self.is_bound:
            for name in self.today_fields:
                self.fields[name].initial = self.initial.get(name) or timezone.localdate()
        self.helper = _helper(self.submit_label, testid=self.testid)


def _end_not_before_start(form: forms.Form, start: str, end: str) -> None:
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(
            end,
            _("The end (%(end)s) lies before the start (%(start)s).")
            % {"end": f"{last:%d.%m.%Y}", "start": f"{first:%d.%m.%Y}"},
        )


# --- the plan -----------------------------------------------------------------------------------------------------


class PlanCreateForm(_PlanForm):
    submit_label = _("Create the plan")
    testid = "plan-create-submit"

    starts_on = forms.DateField(
        label=_("Planned start"),
        help_text=_("The first day of step 1. The contract's working days and hours come from the work situation."),
    )


HEADER_FIELDS = [
    "starts_on",
    "working_days_per_week",
    "hours_per_day",
    "workplace_aids_needed",
    "activities_to_avoid",
    "supporting_measures",
    "employer_voluntary_payment",
    "note",
]


class PlanHeaderForm(VersionedFormMixin, _PlanForm):
    """The plan's header (H-1). A plain form built from the model's fields, so the plan object stays untouched until
    the service saves it."""

    submit_label = _("Save the plan")
    testid = "plan-header-submit"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                GradedReturnPlan,
                fields=HEADER_FIELDS,
                widgets={
                    "activities_to_avoid": forms.Textarea(attrs={"rows": 3}),
                    "supporting_measures": forms.Textarea(attrs={"rows": 3}),
                    "note": forms.Textarea(attrs={"rows": 2}),
                },
                localized_fields=["hours_per_day"],
                help_texts={
                    "employer_voluntary_payment": _(
                        "E-9: anything the employer pays voluntarily may reduce the benefit; tell the payer."
                    ),
                    "activities_to_avoid": _("For example: no lifting over 10 kg, no night shifts."),
                },
            )
        )
        self.fields["starts_on"].widget = date_widget()

    @classmethod
    def initial_of(cls, plan: GradedReturnPlan) -> dict:
        return {name: getattr(plan, name) for name in HEADER_FIELDS}


class CounselingForm(VersionedFormMixin, _PlanForm):
    """K-2 (rec 8.5): the individual counselling before submission, with the four topics."""

    submit_label = _("Record the counselling")
    testid = "plan-counseling-submit"
    today_fields = ("counseled_on",)

    counseled_on = forms.DateField(label=_("Counselled on"))
    counseling_topics = forms.MultipleChoiceField(
        label=_("Topics covered"),
        choices=COUNSELING_TOPICS,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("All four topics must be covered before the plan is submitted (K-2)."),
    )


class StepForm(VersionedFormMixin, _PlanForm):
    """One step (H-2): duration in weeks and days, a weekly pattern of up to three rows whose days add up to the
    contract's working days, the typical tasks and restrictions. ``starts_on`` stays empty for a step that follows the
    one before (H-3)."""

    submit_label = _("Save the step")
    testid = "step-save"

    weeks = forms.IntegerField(label=_("Weeks"), min_value=0, max_value=60, initial=2)
    days = forms.IntegerField(label=_("and days"), min_value=0, max_value=6, initial=0, required=False)
    starts_on = forms.DateField(
        label=_("Starts on"),
        required=False,
        help_text=_("Leave empty: the step starts the day after the step before (the plan's start for step 1)."),
    )
    activities = forms.CharField(label=_("Typical tasks"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    restrictions = forms.CharField(label=_("Restrictions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, working_days: int, contract_hours: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.working_days = working_days
        self.contract_hours = contract_hours
        for row in range(1, PATTERN_ROWS + 1):
            days_label = _("Days per week (row %(row)s)") % {"row": row}
            self.fields[f"pattern_days_{row}"] = forms.IntegerField(
                label=days_label,
                min_value=1,
                max_value=7,
                required=False,
                widget=forms.NumberInput(attrs={"class": "form-control", "aria-label": days_label, "size": 3}),
            )
            hours_label = _("Hours per day (row %(row)s)") % {"row": row}
            self.fields[f"pattern_hours_{row}"] = forms.DecimalField(
                label=hours_label,
                min_value=Decimal("0"),
                max_value=Decimal("24"),
                decimal_places=2,
                localize=True,
                required=False,
                widget=forms.TextInput(
                    attrs={"class": "form-control", "inputmode": "decimal", "size": 5, "aria-label": hours_label}
                ),
            )
        if not self.is_bound and not any(f"pattern_days_{row}" in self.initial for row in range(1, 4)):
            self.initial["pattern_days_1"] = working_days
        self.helper.form_tag = False  # the template writes the <form> with its two buttons (preview, save)
        self.helper.inputs = []

    def pattern_rows(self):
        """(days field, hours field) per row, for the template's table."""
        return [(self[f"pattern_days_{row}"], self[f"pattern_hours_{row}"]) for row in range(1, PATTERN_ROWS + 1)]

    def other_fields(self):
        return [self[name] for name in ("activities", "restrictions")]

    @classmethod
    def initial_of(cls, step) -> dict:
        initial = {
            "weeks": step.weeks,
            "days": step.days,
            "starts_on": step.starts_on,
            "activities": step.activities,
            "restrictions": step.restrictions,
        }
        for row, entry in enumerate(step.pattern[:PATTERN_ROWS], start=1):
            initial[f"pattern_days_{row}"] = entry["days"]
            initial[f"pattern_hours_{row}"] = Decimal(str(entry["hours"]))
        return initial

    def clean(self):
        data = super().clean()
        if data.get("days") is None:
            data["days"] = 0
        weeks = data.get("weeks")
        if weeks is not None and weeks * 7 + data["days"] < 1:
            self.add_error("weeks", _("A step lasts at least one day (V-1)."))
        pattern = []
        for row in range(1, PATTERN_ROWS + 1):
            days_name, hours_name = f"pattern_days_{row}", f"pattern_hours_{row}"
            if days_name in self.errors or hours_name in self.errors:
                return data
            days, hours = data.get(days_name), data.get(hours_name)
            if days is None and hours is None:
                continue
            if days is None:
                self.add_error(days_name, _("How many days a week with %(hours)s hours?") % {"hours": hours})
                continue
            if hours is None:
                self.add_error(hours_name, _("How many hours a day on these %(days)s days?") % {"days": days})
                continue
            if hours % QUARTER:
                self.add_error(hours_name, _("Hours per day in quarter hours, e.g. 2, 2.5 or 3.75."))
                continue
            pattern.append({"days": days, "hours": hours})
        if self.errors:
            return data
        total = sum(entry["days"] for entry in pattern)
        if total != self.working_days:
            self.add_error(
                None,
                _(
                    "The days of the weekly pattern add up to %(total)s; the contract has %(days)s working days a "
                    "week. Days off are a row with 0 hours (H-2, V-1)."
                )
                % {"total": total, "days": self.working_days},
            )
        elif not any(entry["hours"] > 0 for entry in pattern):
            self.add_error(None, _("A step needs at least one working day with hours; 0 hours means days off (V-3)."))
        data["pattern"] = pattern
        return data

    def step_values(self) -> dict:
        """The cleaned values as the step services take them."""
        data = self.cleaned_data
        return {
            "weeks": data["weeks"],
            "days": data["days"],
            "pattern": data["pattern"],
            "starts_on": data["starts_on"],
            "activities": data["activities"],
            "restrictions": data["restrictions"],
        }


class VacationForm(_PlanForm):
    submit_label = _("Enter the vacation")
    testid = "vacation-save"

    starts_on = forms.DateField(label=_("From"))
    ends_on = forms.DateField(label=_("To"))

    def clean(self):
        data = super().clean()
        _end_not_before_start(self, "starts_on", "ends_on")
        return data


# --- prerequisites and consents (§2, §4) --------------------------------------------------------------------------


def _yes_no(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=lambda value: value == "yes", widget=forms.RadioSelect
    )


class PrerequisitesForm(_PlanForm):
    """P-1, P-2, P-5 recorded as yes/no with author; "no" blocks the plan."""

    submit_label = _("Record the prerequisites")
    testid = "prerequisites-save"

    on_sick_leave = _yes_no(_("The patient is on sick leave before the start and stays on it throughout (P-1)"))
    partial_work_possible = _yes_no(
        _("A physician finds that part of the previous work can be done without harm (P-2)")
    )
    workplace_allows = _yes_no(_("The workplace allows limited employment (P-5)"))

    @classmethod
    def initial_of(cls, plan: GradedReturnPlan) -> dict:
        names = ("on_sick_leave", "partial_work_possible", "workplace_allows")
        return {name: ("yes" if getattr(plan, name) else "no") for name in names if getattr(plan, name) is not None}


class ConsentForm(_PlanForm):
    """One consent event of one party (§4): given, refused, withdrawn, not required (C-4) or, for the occupational
    physician, involved with the patient's consent (10.6)."""

    submit_label = _("Record")
    testid = "consent-save"
    today_fields = ("on",)

    party = forms.ChoiceField(label=_("Party"), choices=PlanParty.choices)
    state = forms.ChoiceField(label=_("State"), choices=ConsentState.choices)
    on = forms.DateField(label=_("Date"))
    signed_by = forms.CharField(
        label=_("Signed by / who"),
        max_length=200,
        required=False,
        help_text=_("At larger employers: the supervisor and HR who signed (C-2)."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a refusal or withdrawal (C-7)."),
    )
    patient_consent = forms.ModelChoiceField(
        label=_("The patient's consent to involve the occupational physician"),
        queryset=None,
        required=False,
        help_text=_("Rec 10.6: only with the patient's consent (recorded under the stay's consents)."),
    )

    def __init__(self, *args, consents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient_consent"].queryset = consents

    def clean(self):
        data = super().clean()
        if data.get("state") in (ConsentState.REFUSED, ConsentState.WITHDRAWN) and not data.get("reason", "").strip():
            self.add_error("reason", _("Please give the reason for the refusal or withdrawal (C-7)."))
        return data


# --- phases (§7) --------------------------------------------------------------------------------------------------


class ReadyForm(_PlanForm):
    """Mark the plan ready: warnings need a confirmation, some a justification (V-5, V-9)."""

    submit_label = _("Mark the plan as ready")
    testid = "plan-ready-submit"

    confirm_warnings = forms.BooleanField(label=_("I confirm the warnings"), required=False)
    long_plan_justification = forms.CharField(
        label=_("Justification for a plan longer than six months (V-5)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    payer_override_reason = forms.CharField(
        label=_("Reason to keep the pension insurance as payer after more than 28 days (V-9, F-2)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    payer_reference = forms.CharField(label=_("Payer's reference"), max_length=60, required=False)

    def __init__(self, *args, needs_reason: set[str] = frozenset(), **kwargs):
        """``needs_reason``: the rule ids whose warnings need a justification now; other justification fields are
        left out."""
        super().__init__(*args, **kwargs)
        if "V-5" not in needs_reason:
            del self.fields["long_plan_justification"]
        if not needs_reason & {"V-9", "W-DRV-28"}:
            del self.fields["payer_override_reason"]
            del self.fields["payer_reference"]

    def justifications(self) -> dict:
        names = ("long_plan_justification", "payer_override_reason", "payer_reference")
        return {name: self.cleaned_data[name] for name in names if name in self.fields}


class SubmitForm(_PlanForm):
    submit_label = _("Record the submission")
    testid = "plan-submit-submit"
    today_fields = ("submitted_on",)

    submitted_on = forms.DateField(
        label=_("Submitted to employer and payer on"),
        help_text=_("The sources advise two weeks' lead time before the start, four when aids are needed (V-8)."),
    )


class ApproveForm(_PlanForm):
    submit_label = _("Record the approval")
    testid = "plan-approve-submit"
    today_fields = ("approved_on",)

    approved_on = forms.DateField(label=_("Funding approved by the payer on"))
    reference = forms.CharField(label=_("Approval reference"), max_length=60)


class StartForm(_PlanForm):
    submit_label = _("Record the start")
    testid = "plan-start-submit"
    today_fields = ("actual_start",)

    actual_start = forms.DateField(label=_("Actual start"))


class InterruptionForm(_PlanForm):
    """E-1: first to last missed day inclusive; the last day stays empty while the interruption goes on."""

    submit_label = _("Record the interruption")
    testid = "interruption-save"
    today_fields = ("first_missed_day",)

    first_missed_day = forms.DateField(label=_("First missed day"))
    last_missed_day = forms.DateField(label=_("Last missed day"), required=False, help_text=_("Empty while open."))
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    end_foreseeable = forms.BooleanField(
        label=_("The end was foreseeable (e.g. a common cold)"),
        required=False,
        help_text=_("E-4: the payer may then decide to continue a plan that would otherwise have failed."),
    )

    def clean(self):
        data = super().clean()
        _end_not_before_start(self, "first_missed_day", "last_missed_day")
        return data


class InterruptionCloseForm(_PlanForm):
    submit_label = _("Close the interruption")
    testid = "interruption-close-save"
    today_fields = ("last_missed_day",)

    last_missed_day = forms.DateField(label=_("Last missed day"))

    def __init__(self, *args, first_missed_day: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_missed_day = first_missed_day

    def clean_last_missed_day(self):
        last = self.cleaned_data["last_missed_day"]
        if last < self.first_missed_day:
            raise forms.ValidationError(
                _("The last missed day lies before the first missed day (%(first)s).")
                % {"first": f"{self.first_missed_day:%d.%m.%Y}"}
            )
        return last


class PayerContinueForm(_PlanForm):
    submit_label = _("Record the payer's decision")
    testid = "payer-continue-save"
    today_fields = ("on",)

    on = forms.DateField(label=_("The payer decided to continue on"))
    reference = forms.CharField(label=_("Payer's reference"), max_length=60)


class CompleteForm(_PlanForm):
    submit_label = _("Record full capacity")
    testid = "plan-complete-submit"
    today_fields = ("actual_end",)

    actual_end = forms.DateField(
        label=_("Last day of the graded return"),
        help_text=_("E-7: the physician confirms full working capacity; the plan may end before its planned end."),
    )


class AbortForm(_PlanForm):
    submit_label = _("Stop the plan")
    testid = "plan-abort-submit"
    today_fields = ("on",)

    on = forms.DateField(label=_("Stopped on"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class TaskDoneForm(_PlanForm):
    submit_label = _("Mark as done")
    testid = "task-done-submit"
    today_fields = ("on",)

    on = forms.DateField(label=_("Done on"))
