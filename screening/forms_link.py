"""Forms of the patient's screening on the one-time link: the questionnaire of the facility's instrument, and the
contacts of the pre-admission page, which are optional once there is a questionnaire on the page."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from patients.link_forms import PreAdmissionForm
from screening.instruments.engine import answer_errors, localized

PREFIX = "q"
YES_NO_CHOICES = (("yes", _("Yes")), ("no", _("No")))


def field_name(item_code: str) -> str:
    """The HTML name of an item's input ("q-age"), the same for the page and the autosave endpoint."""
    return f"{PREFIX}-{item_code}"


def as_text(value) -> str:
    """A stored (normalised) answer as the input shows it: True → "yes", 7 → "7"."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Question:
    """One item as the phone page shows it."""

    code: str
    name: str
    number: int
    label: str
    help: str
    type: str
    choices: tuple[tuple[str, str], ...]
    min: int | None
    max: int | None
    unit: str
    value: str
    errors: tuple[str, ...]


class QuestionnaireForm(forms.Form):
    """One optional text field per item of ``definition``; the engine checks the answers (an answer outside the
    options or range gets the engine's message on its question). ``answers`` (after ``is_valid()``) holds the
    answered items as typed, ``cleared`` the items sent empty, ``valid_answers`` the answers without errors."""

    def __init__(self, definition: dict, *args, language: str = "de", **kwargs):
        kwargs.setdefault("prefix", PREFIX)
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.language = language
        for item in definition["items"]:
            self.fields[item["code"]] = forms.CharField(required=False, max_length=40, strip=True)
        self.answers: dict[str, str] = {}
        self.cleared: list[str] = []
        self.valid_answers: dict[str, str] = {}

    def posted_codes(self) -> list[str]:
        """The items whose input was part of the request (a radio button left alone is not sent)."""
        return [code for code in self.fields if self.add_prefix(code) in self.data]

    def clean(self):
        cleaned = super().clean()
        answers = {code: value for code, value in cleaned.items() if value}
        errors = {error.item: error.message for error in answer_errors(self.definition, answers)}
        for code, message in errors.items():
            self.add_error(code if code in self.fields else None, message)
        self.answers = answers
        self.valid_answers = {code: value for code, value in answers.items() if code not in errors}
        self.cleared = [code for code in self.posted_codes() if not cleaned.get(code)]
        return cleaned

    def missing(self) -> list[str]:
        return [item["code"] for item in self.definition["items"] if item["code"] not in self.answers]

    def questions(self) -> list[Question]:
        items = self.definition["items"]
        result = []
        for number, item in enumerate(items, start=1):
            bound = self[item["code"]]
            if item["type"] == "choice":
                choices = tuple((o["code"], localized(o, "label", self.language)) for o in item["options"])
            elif item["type"] == "yes_no":
                choices = tuple((code, str(label)) for code, label in YES_NO_CHOICES)
            else:
                choices = ()
            result.append(
                Question(
                    code=item["code"],
                    name=bound.html_name,
                    number=number,
                    label=localized(item, "label", self.language),
                    help=localized(item, "help", self.language),
                    type=item["type"],
                    choices=choices,
                    min=item.get("min"),
                    max=item.get("max"),
                    unit=localized(item, "unit", self.language),
                    value=as_text(bound.value()),
                    errors=tuple(bound.errors),
                )
            )
        return result


class LinkContactsForm(PreAdmissionForm):
    """The pre-admission contacts; with a questionnaire on the page, naming no contact is fine."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as error:
            if getattr(error, "code", None) != "no_contact":
                raise
            self.contacts = []
            return self.cleaned_data
