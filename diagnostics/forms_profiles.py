"""Forms of the diagnostics part: sessions, job descriptions, profiles and the rating form. Input and its messages
only; the rules live in the services (their refusals come back to the form at the field they name)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from diagnostics.models import (
    DiagnosticPhase,
    DiagnosticSession,
    EvidenceSource,
    JobDescription,
    ProfileKind,
    ReferenceContext,
    Timepoint,
)
from diagnostics.services.jobs import FIELDS as JOB_FIELDS
from diagnostics.services.sessions import SESSION_PROFESSIONS
from staff.models import Profession

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PROFESSION_CHOICES = [(code, Profession(code).label) for code in SESSION_PROFESSIONS]


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("save", label))
    return helper


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.display_name} ({obj.get_profession_display()})"


class SessionForm(forms.Form):
    """A diagnostic session (rec 4.1). ``team`` are the care team's users to choose the staff from; the recording
    user and their profession are preselected."""

    phase = forms.ChoiceField(label=_("Phase"), choices=DiagnosticPhase.choices, initial=DiagnosticPhase.START)
    held_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=600)
    professions = forms.MultipleChoiceField(
        label=_("Professions involved"), choices=PROFESSION_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    staff = StaffChoiceField(
        label=_("Staff present"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    content = forms.CharField(label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    submit_label = _("Record session")

    def __init__(self, *args, team, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = team
        if not self.is_bound and not self.initial:
            self.initial = {
                "held_on": timezone.localdate(),
                "professions": [user.profession] if user.profession in SESSION_PROFESSIONS else [],
                "staff": [user.pk],
                "phase": DiagnosticPhase.START,
            }
        self.helper = _helper(self.submit_label)


class SessionCorrectForm(SessionForm):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=100)

    submit_label = _("Save correction")

    @classmethod
    def initial_of(cls, session: DiagnosticSession) -> dict:
        return {
            "phase": session.phase,
            "held_on": session.held_on,
            "minutes": session.minutes,
            "professions": session.professions,
            "staff": [user.pk for user in session.staff.all()],
            "content": session.content,
        }


class JobDescriptionForm(forms.ModelForm):
    """Rec 4.5: the structured job description. Always bound to a fresh instance: the service compares and saves."""

    class Meta:
        model = JobDescription
        fields = list(JOB_FIELDS)
        widgets = {
            "recorded_on": DATE_WIDGET,
            "main_tasks": forms.Textarea(attrs={"rows": 3}),
            "physical_demands": forms.Textarea(attrs={"rows": 3}),
            "mental_demands": forms.Textarea(attrs={"rows": 3}),
            "hours_per_week": forms.NumberInput(attrs={"step": "0.5"}),
        }
        help_texts = {"kldb_code": _("optional; five digits, e.g. 71402")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("recorded_on"):
            self.initial["recorded_on"] = timezone.localdate()
        self.helper = _helper(_("Save job description"))

    def data_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in JOB_FIELDS}


# --- profiles -------------------------------------------------------------------------------------------------------


class InstrumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        from diagnostics.instruments import DEMO_MARK

        name = obj.name((translation.get_language() or "de")[:2])
        if not obj.is_official and DEMO_MARK not in name:
            name = f"{name} {DEMO_MARK}"
        return f"{name} · {obj.version}"


class JobChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.job_title} ({obj.get_source_display()}, {obj.recorded_on:%d.%m.%Y})"


class ProfileHeaderForm(forms.Form):
    """The header of a profile (P-1, P-2, G-4): fixed before rating. ``kind`` decides which fields are shown."""

    timepoint = forms.ChoiceField(label=_("Timepoint"), choices=Timepoint.choices, initial=Timepoint.ADMISSION)
    reference_context = forms.ChoiceField(
        label=_("Reference context (G-4)"),
        choices=[("", "—"), *ReferenceContext.choices],
        required=False,
        help_text=_("What the capacity is rated against; fixed before rating."),
    )
    reference_job_title = forms.CharField(label=_("Job the rating refers to"), max_length=200, required=False)
    job_description = JobChoiceField(label=_("Job description"), queryset=None, required=False)
    evidence_sources = forms.MultipleChoiceField(
        label=_("Evidence sources (rec 4.6)"),
        choices=EvidenceSource.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rated_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)

    submit_label = _("Save")

    def __init__(self, *args, kind: str, jobs, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["job_description"].queryset = jobs
        if kind == ProfileKind.DEMAND:
            del self.fields["reference_context"]
            del self.fields["evidence_sources"]
            self.fields["job_description"].required = False  # the service refuses with the P-2 message
        else:
            del self.fields["job_description"]
        if not self.is_bound and not self.initial.get("rated_on"):
            self.initial["rated_on"] = timezone.localdate()
        self.helper = _helper(self.submit_label)

    def header(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}


class ProfileCreateForm(ProfileHeaderForm):
    instrument = InstrumentChoiceField(label=_("Instrument"), queryset=None, empty_label=None)

    submit_label = _("Create profile")

    def __init__(self, *args, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instruments
        self.order_fields(["instrument", *[name for name in self.fields if name != "instrument"]])


class ProfileChangeForm(ProfileHeaderForm):
    reason = forms.CharField(label=_("Reason for the change"), max_length=100)

    submit_label = _("Save change")


NOT_ASSESSABLE = "na"


def value_field(code: str) -> str:
    return f"v_{code}"


def reason_field(code: str) -> str:
    return f"reason_{code}"


def anchor_field(code: str) -> str:
    return f"anchor_{code}"


class RatingForm(forms.Form):
    """One row per dimension: a level of the profile's scale, "not rated" (leave empty) or "not assessable" with a
    reason, plus the anchor text the rating rests on; and the rater's profession (prefilled from the user).

    The value fields are lenient on purpose: the instrument's ``validate_rating`` (through ``rating_record``) judges
    every value and its refusal comes back at the dimension it names (S-4).
    """

    profession = forms.ChoiceField(label=_("Your profession for these ratings"), choices=PROFESSION_CHOICES)

    def __init__(self, *args, definition, kind: str, current: dict, user, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        scale = definition.scale(kind)
        choices = [
            ("", _("not rated")),
            *[(str(value), f"{value} – {label}") for value, label in scale.labels(language)],
            (NOT_ASSESSABLE, _("not assessable")),
        ]
        self.rows = []
        for dimension in definition.dimensions:
            code = dimension.code
            self.fields[value_field(code)] = forms.CharField(
                label=f"{dimension.number}. {dimension.name(language)}",
                required=False,
                widget=forms.RadioSelect(choices=choices, attrs={"class": "form-check-input"}),
            )
            self.fields[reason_field(code)] = forms.CharField(
                label=_("Why not assessable"), max_length=300, required=False
            )
            self.fields[anchor_field(code)] = forms.CharField(
                label=_("Anchor: what the rating rests on"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 1}),
            )
            row = current.get(code)
            if row is not None and not self.is_bound:
                self.initial[value_field(code)] = NOT_ASSESSABLE if row.not_assessable else str(row.value)
                self.initial[reason_field(code)] = row.reason
                self.initial[anchor_field(code)] = row.anchor
            anchors = [(value, text) for value, text in scale.anchors(code).items() if text]
            self.rows.append(
                {
                    "dimension": dimension,
                    "name": dimension.name(language),
                    "value": self[value_field(code)],
                    "reason": self[reason_field(code)],
                    "anchor": self[anchor_field(code)],
                    "anchors": anchors,
                    "current": row,
                }
            )
        if not self.is_bound:
            self.initial["profession"] = user.profession if user.profession in SESSION_PROFESSIONS else None

    def entries(self) -> dict:
        """The submitted entries by dimension code; a dimension left at "not rated" is left out (S-3)."""
        from diagnostics.services.profiles import RatingEntry

        found = {}
        for dimension in self.definition.dimensions:
            code = dimension.code
            value = (self.cleaned_data.get(value_field(code)) or "").strip()
            if not value:
                continue
            not_assessable = value == NOT_ASSESSABLE
            found[code] = RatingEntry(
                value=None if not_assessable else value,
                not_assessable=not_assessable,
                reason=self.cleaned_data.get(reason_field(code)) or "",
                anchor=self.cleaned_data.get(anchor_field(code)) or "",
            )
        return found

    def add_dimension_errors(self, errors: dict) -> None:
        for code, message in errors.items():
            name = value_field(code)
            self.add_error(name if name in self.fields else None, message)
