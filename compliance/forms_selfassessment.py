"""Forms of the facility self-assessment: input and its messages only; the rules live in
compliance.services_selfassessment and compliance.evidence."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from compliance.models import SelfAssessmentAnswer
from compliance.periods import MAX_YEAR, MIN_YEAR

ACCEPT = ".pdf,.png,.jpg,.jpeg,.docx,application/pdf,image/png,image/jpeg"


class SelfAssessmentYearForm(forms.Form):
    """The year shown on the overview (GET)."""

    year = forms.IntegerField(
        label=_("Year"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={
            "invalid": _("Please give the year as four digits, e.g. 2026."),
            "min_value": _("The year must lie between 2000 and 2100."),
            "max_value": _("The year must lie between 2000 and 2100."),
        },
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )


class SelfAssessmentForm(forms.Form):
    """One row's answer for one year, with evidence (text, link, file)."""

    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=SelfAssessmentAnswer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose an answer.")},
    )
    evidence_text = forms.CharField(
        label=_("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What shows it: a document, a decision, dates of trainings, …"),
    )
    evidence_url = forms.CharField(
        label=_("Link to the evidence"),
        required=False,
        max_length=200,
        help_text=_("A web address starting with https://, e.g. the page of the clinic's WMR concept."),
        error_messages={"max_length": _("The link is too long (at most %(limit_value)d characters).")},
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        help_text=_("PDF, PNG, JPEG or Word (DOCX), up to 5 MB. A new file replaces the stored one."),
    )
    remove_file = forms.BooleanField(label=_("Remove the stored file"), required=False)

    def __init__(self, *args, has_file: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_file:
            del self.fields["remove_file"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("save", _("Save the answer")))
