"""Forms of the patients app: input and its validation messages only; the writes are services."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patients.models import (
    PATIENT_INPUT_FIELDS,
    STAY_INPUT_FIELDS,
    CareTeamMembership,
    Consent,
    ContactEvent,
    ContactKind,
    ExternalContact,
    Patient,
    Stay,
    TeamFunction,
)
from patients.validators import normalize_identifier
from staff.models import Profession, Role, User

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Contacts whose log entries name a purpose (rec 10.5: employer and company medical service).
PURPOSE_REQUIRED_FOR = {ContactKind.EMPLOYER, ContactKind.OCCUPATIONAL_PHYSICIAN, ContactKind.BEM_CONTACT}

# The function a clinician most likely has on a care team, from their profession.
DEFAULT_FUNCTION = {
    Profession.PHYSICIAN: TeamFunction.PHYSICIAN,
    Profession.PSYCHOLOGIST: TeamFunction.PRIMARY_THERAPIST,
    Profession.SOCIAL_WORKER: TeamFunction.SOCIAL_WORKER,
    Profession.OCCUPATIONAL_THERAPIST: TeamFunction.OCCUPATIONAL_THERAPIST,
    Profession.PHYSIOTHERAPIST: TeamFunction.PHYSIOTHERAPIST,
}


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = PATIENT_INPUT_FIELDS
        widgets = {"birth_date": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_kvnr(self) -> str:
        return normalize_identifier(self.cleaned_data.get("kvnr", ""))

    def clean_pension_insurance_number(self) -> str:
        return normalize_identifier(self.cleaned_data.get("pension_insurance_number", ""))


class StayForm(forms.ModelForm):
    class Meta:
        model = Stay
        fields = STAY_INPUT_FIELDS
        widgets = {"admission_date": DATE_WIDGET, "discharge_date": DATE_WIDGET}

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["facility"].queryset = user.facilities.all()
            if self.fields["facility"].queryset.count() == 1 and not self.initial.get("facility"):
                self.fields["facility"].initial = self.fields["facility"].queryset.first()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class StayEditForm(StayForm):
    class Meta(StayForm.Meta):
        fields = ["status", *[f for f in StayForm.Meta.fields if f != "facility"]]

    def __init__(self, *args, **kwargs):
        kwargs.pop("user", None)
        super().__init__(*args, **kwargs)
        self.helper.form_tag = True
        self.helper.disable_csrf = False
        self.helper.add_input(Submit("save", _("Save")))


class CreateStayExtraForm(forms.Form):
    """The creator's own function on the new care team, and the answer to a duplicate warning."""

    team_function = forms.ChoiceField(label=_("My function in the care team"), choices=TeamFunction.choices)
    confirm_new = forms.BooleanField(label=_("This is a different person: create a new patient anyway"), required=False)

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not self.is_bound:
            self.fields["team_function"].initial = DEFAULT_FUNCTION.get(user.profession, TeamFunction.PRIMARY_THERAPIST)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class CareTeamAddForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Staff member"), queryset=User.objects.none())
    function = forms.ChoiceField(label=_("Function in the team"), choices=TeamFunction.choices)

    def __init__(self, *args, stay: Stay, **kwargs):
        super().__init__(*args, **kwargs)
        self.stay = stay
        self.fields["user"].queryset = User.objects.filter(
            is_active=True, role=Role.CLINICIAN, facilities=stay.facility_id
        ).order_by("last_name", "first_name")
        self.fields["user"].label_from_instance = lambda u: f"{u.display_name} ({u.get_profession_display()})"
        self.helper = FormHelper()
        self.helper.form_class = "row g-2 align-items-end"
        self.helper.layout = Layout(Row(Column("user", css_class="col-md-5"), Column("function", css_class="col-md-4")))
        self.helper.add_input(Submit("add", _("Add to care team")))

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user")
        if user and CareTeamMembership.objects.filter(stay=self.stay, user=user).exists():
            raise forms.ValidationError(_("This staff member is already on the care team of this stay."))
        return cleaned


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["kind", "given_on", "note"]
        widgets = {"given_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["given_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Record consent")))


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DATE_WIDGET)

    def __init__(self, *args, consent: Consent, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent = consent
        if not self.is_bound:
            self.fields["withdrawn_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.add_input(Submit("withdraw", _("Record withdrawal"), css_class="btn-danger"))

    def clean_withdrawn_on(self):
        withdrawn_on = self.cleaned_data["withdrawn_on"]
        if withdrawn_on < self.consent.given_on:
            raise forms.ValidationError(_("A consent cannot be withdrawn before it was given."))
        return withdrawn_on


class ExternalContactForm(forms.ModelForm):
    class Meta:
        model = ExternalContact
        fields = ["kind", "organisation", "person", "street", "postal_code", "city", "phone", "email", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                "",
                "kind",
                Row(Column("organisation"), Column("person")),
                Row(Column("street", css_class="col-md-6"), Column("postal_code"), Column("city")),
                Row(Column("phone"), Column("email")),
                "note",
            )
        )
        self.helper.add_input(Submit("save", _("Save")))


class ContactEventForm(forms.ModelForm):
    """One entry of the contact log: date, channel, purpose, outcome. The purpose is required for the contacts of
    rec 10.5 (employer, occupational physician, BEM contact)."""

    class Meta:
        model = ContactEvent
        fields = ["on", "channel", "purpose", "outcome", "note"]
        widgets = {
            "on": DATE_WIDGET,
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {"purpose": {"required": _("Please choose the purpose of the contact.")}}

    def __init__(self, *args, contact: ExternalContact | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["on"].initial = timezone.localdate()
        self.fields["purpose"].required = contact is not None and contact.kind in PURPOSE_REQUIRED_FOR
        self.fields["outcome"].help_text = _("What was agreed or found out, and what happens next.")
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Record contact")))
