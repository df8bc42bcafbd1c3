"""Forms of the team conference: input and its messages only; the rules live in diagnostics.services.conference."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from diagnostics.models import FlagDecision, TherapyKind
from diagnostics.services.conference import ParticipantInput, catalogue_for
from staff.models import Profession, Role

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EXTERNAL_LINES = 3
PROFESSION_CHOICES = [("", "—"), *Profession.choices]


def _helper() -> FormHelper:
    """The templates write the <form> tag (with its action and CSRF token); crispy renders errors, fields, buttons."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


def _language() -> str:
    return (translation.get_language() or "de")[:2]


def facility_staff(facility):
    """Who can be picked as a participant: the facility's active clinicians and management."""
    return facility.staff_members.filter(is_active=True, role__in=[Role.CLINICIAN, Role.MANAGEMENT]).order_by(
        "last_name", "first_name"
    )


class ConferenceForm(forms.Form):
    """Date, note and participants: the facility's staff as tick boxes with their profession prefilled (it may be
    changed: someone can take part in another role), plus free lines for external participants."""

    held_on = forms.DateField(label=_("Date of the conference"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, facility, conference=None, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.facility = facility
        self.staff = list(facility_staff(facility))
        chosen, externals = {}, []
        if conference is not None:
            for p in conference.participants.all():
                if p.user_id:
                    chosen[p.user_id] = p.profession
                else:
                    externals.append(p)
            self.fields["held_on"].initial = conference.held_on
            self.fields["note"].initial = conference.note
        else:
            self.fields["held_on"].initial = timezone.localdate()
        staff_rows = []
        for user in self.staff:
            self.fields[f"staff_{user.pk}"] = forms.BooleanField(
                label=user.display_name, required=False, initial=user.pk in chosen
            )
            self.fields[f"profession_{user.pk}"] = forms.ChoiceField(
                label=_("as"), choices=PROFESSION_CHOICES, required=False, initial=chosen.get(user.pk, user.profession)
            )
            staff_rows.append(
                Row(
                    Column(Field(f"staff_{user.pk}"), css_class="col-md-5"),
                    Column(Field(f"profession_{user.pk}"), css_class="col-md-4"),
                    css_class="align-items-end",
                )
            )
        self.external_lines = len(externals) + EXTERNAL_LINES
        external_rows = []
        for i in range(self.external_lines):
            existing = externals[i] if i < len(externals) else None
            self.fields[f"external_name_{i}"] = forms.CharField(
                label=_("Name"), max_length=200, required=False, initial=existing.name if existing else ""
            )
            self.fields[f"external_profession_{i}"] = forms.ChoiceField(
                label=_("Profession"),
                choices=PROFESSION_CHOICES,
                required=False,
                initial=existing.profession if existing else "",
            )
            external_rows.append(
                Row(
                    Column(Field(f"external_name_{i}"), css_class="col-md-5"),
                    Column(Field(f"external_profession_{i}"), css_class="col-md-4"),
                )
            )
        self.helper = _helper()
        self.helper.layout = Layout(
            Row(Column("held_on", css_class="col-md-4")),
            Fieldset(_("Participants from the facility"), *staff_rows, css_id="staff-participants"),
            Fieldset(
                _("External participants"),
                HTML(
                    '<p class="text-muted small">{}</p>'.format(
                        _("For example the occupational physician, the employer's BEM contact or a payer's adviser.")
                    )
                ),
                *external_rows,
                css_id="external-participants",
            ),
            "note",
        )
        self.helper.add_input(Submit("save", submit_label or _("Record the conference")))

    def clean(self):
        cleaned = super().clean()
        for user in self.staff:
            if cleaned.get(f"staff_{user.pk}") and not cleaned.get(f"profession_{user.pk}"):
                self.add_error(f"profession_{user.pk}", _("Please choose the profession."))
        for i in range(self.external_lines):
            name, profession = cleaned.get(f"external_name_{i}", "").strip(), cleaned.get(f"external_profession_{i}")
            if name and not profession:
                self.add_error(f"external_profession_{i}", _("Please choose the profession."))
            if profession and not name:
                self.add_error(f"external_name_{i}", _("Please enter the name."))
        return cleaned

    def participants(self) -> list[ParticipantInput]:
        data = self.cleaned_data
        chosen = [
            ParticipantInput(user=u, profession=data[f"profession_{u.pk}"]) for u in self.staff if data[f"staff_{u.pk}"]
        ]
        externals = [
            ParticipantInput(name=data[f"external_name_{i}"].strip(), profession=data[f"external_profession_{i}"])
            for i in range(self.external_lines)
            if data[f"external_name_{i}"].strip()
        ]
        return chosen + externals


class FlagsForm(forms.Form):
    """K-6: confirm or dismiss each flagged dimension of the frozen comparison; a dismissal needs a note."""

    def __init__(self, *args, flagged, decided, **kwargs):
        super().__init__(*args, **kwargs)
        self.flagged = list(flagged)
        rows = []
        for flag in self.flagged:
            previous = decided.get(flag.dimension)
            self.fields[f"decision_{flag.dimension}"] = forms.ChoiceField(
                label=flag.label,
                choices=FlagDecision.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=previous.decision if previous else None,
            )
            self.fields[f"note_{flag.dimension}"] = forms.CharField(
                label=_("Note"), max_length=500, required=False, initial=previous.note if previous else ""
            )
            rows.append(
                Row(
                    Column(Field(f"decision_{flag.dimension}"), css_class="col-md-5"),
                    Column(Field(f"note_{flag.dimension}"), css_class="col-md-7"),
                    css_class=f"flag-row border-bottom pt-2 status-{flag.status}",
                )
            )
        self.helper = _helper()
        self.helper.layout = Layout(Div(*rows))
        self.helper.add_input(Submit("save", _("Save the decisions")))

    def clean(self):
        cleaned = super().clean()
        for flag in self.flagged:
            if (
                cleaned.get(f"decision_{flag.dimension}") == FlagDecision.DISMISSED
                and not cleaned.get(f"note_{flag.dimension}", "").strip()
            ):
                self.add_error(f"note_{flag.dimension}", _("A dismissal needs a note saying why."))
        return cleaned

    def decisions(self) -> dict[str, tuple[str, str]]:
        return {
            flag.dimension: (
                self.cleaned_data[f"decision_{flag.dimension}"],
                self.cleaned_data[f"note_{flag.dimension}"],
            )
            for flag in self.flagged
        }


class FindingsForm(forms.Form):
    findings = forms.CharField(
        label=_("Findings of the team"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the team concludes from the comparison: over- and underload named, what matters for work."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.helper.add_input(Submit("save", _("Save the findings")))


class CatalogueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name(_language())


class PlannedTherapyForm(forms.Form):
    item = CatalogueChoiceField(label=_("Therapy"), queryset=None)
    focus = forms.CharField(
        label=_("Focus"),
        max_length=300,
        required=False,
        help_text=_("What the therapy works on for this job (required for a workplace training)."),
    )
    dimensions = forms.MultipleChoiceField(
        label=_("Confirmed dimensions it addresses"), required=False, widget=forms.CheckboxSelectMultiple
    )
    minutes_per_week = forms.IntegerField(label=_("Minutes per week"), required=False, min_value=0, max_value=2400)

    def __init__(self, *args, facility, confirmed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = catalogue_for(facility).order_by("kind", "name_de")
        self.fields["dimensions"].choices = [(flag.dimension, flag.label) for flag in confirmed]
        self.helper = _helper()
        self.helper.add_input(Submit("save", _("Plan the therapy")))

    def clean(self):
        cleaned = super().clean()
        item = cleaned.get("item")
        if item and item.kind == TherapyKind.WORKPLACE_TRAINING and not cleaned.get("focus", "").strip():
            self.add_error("focus", _("A workplace training needs its focus (what is trained)."))
        return cleaned


class TherapyEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended / cancelled on"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["ended_on"].initial = timezone.localdate()


class StayChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.patient.last_name}, {obj.patient.first_name} · {obj.number}"


class DiscussStayForm(forms.Form):
    """On a conference's page: pick a stay of one's care teams to discuss there (opens the stay's page)."""

    stay = StayChoiceField(label=_("Stay of your care teams"), queryset=None)

    def __init__(self, *args, stays, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stay"].queryset = stays
