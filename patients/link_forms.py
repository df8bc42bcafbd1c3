"""Forms of the patient's public link pages: the code from the letter and the pre-admission contacts (rec. 1.2)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from patients import tokens
from patients.models import ContactKind, ExternalContact

CODE_EXAMPLE = "ABCD-EFGH-JKMN"


class LinkCodeForm(forms.Form):
    """The 12-character code printed on the letter; blanks, dashes and lower case are fine."""

    code = forms.CharField(
        label=_("Code from your letter"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": CODE_EXAMPLE,
                "class": "form-control form-control-lg",
            }
        ),
    )

    def clean_code(self) -> str:
        code = tokens.normalize(self.cleaned_data["code"])
        if len(code) != tokens.TOKEN_LENGTH or any(ch not in tokens.ALPHABET for ch in code):
            raise forms.ValidationError(
                _("Please type the 12 characters of the code from your letter, e.g. %(example)s."),
                params={"example": CODE_EXAMPLE},
                code="code_format",
            )
        return code


# The contacts the invitation letter asks for, in the order the page shows them.
PRE_ADMISSION_KINDS: tuple[tuple[str, str], ...] = (
    (ContactKind.OCCUPATIONAL_PHYSICIAN, _("Occupational physician (company doctor)")),
    (ContactKind.BEM_CONTACT, _("Contact for company integration management (BEM)")),
    (ContactKind.EMPLOYER, _("Employer")),
)
CONTACT_FIELDS: tuple[tuple[str, str, type[forms.Field], str], ...] = (
    ("organisation", _("Organisation or practice"), forms.CharField, "organization"),
    ("person", _("Name of the person"), forms.CharField, "off"),
    ("phone", _("Phone"), forms.CharField, "off"),
    ("email", _("E-mail"), forms.EmailField, "off"),
)


class PreAdmissionForm(forms.Form):
    """Occupational physician, BEM contact and employer, each with organisation, person, phone and e-mail.

    Everything is optional, but at least one field of one contact must be filled, and a contact needs an
    organisation or a person. ``contacts`` (after ``is_valid()``) is the list ``pre_admission_submit`` takes.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contacts: list[dict] = []
        for kind, _legend in PRE_ADMISSION_KINDS:
            for name, label, field_class, autocomplete in CONTACT_FIELDS:
                attrs = {"class": "form-control", "autocomplete": autocomplete}
                if name == "phone":
                    attrs["inputmode"] = "tel"
                widget_class = forms.EmailInput if field_class is forms.EmailField else forms.TextInput
                widget = widget_class(attrs=attrs)
                self.fields[f"{kind}-{name}"] = field_class(
                    label=label,
                    required=False,
                    max_length=ExternalContact._meta.get_field(name).max_length,
                    widget=widget,
                )

    def groups(self):
        """(kind, legend, bound fields) per contact, for the template."""
        for kind, legend in PRE_ADMISSION_KINDS:
            bound = [self[f"{kind}-{name}"] for name, *_rest in CONTACT_FIELDS]
            for field in bound:
                if field.errors:
                    field.field.widget.attrs.update(
                        {"class": "form-control is-invalid", "aria-describedby": f"{field.auto_id}-errors"}
                    )
            yield kind, legend, bound

    def clean(self):
        cleaned = super().clean()
        contacts = []
        for kind, _legend in PRE_ADMISSION_KINDS:
            data = {name: (cleaned.get(f"{kind}-{name}") or "").strip() for name, *_rest in CONTACT_FIELDS}
            if not any(data.values()):
                continue
            if not (data["organisation"] or data["person"]):
                self.add_error(
                    f"{kind}-organisation", _("Please also enter the name of the organisation or of the person.")
                )
                continue
            contacts.append({"kind": kind, **data})
        if not contacts and not self.errors:
            raise forms.ValidationError(
                _(
                    "Please name at least one contact. If you do not want to name anyone now, "
                    "you can simply close this page."
                ),
                code="no_contact",
            )
        self.contacts = contacts
        return cleaned
