"""Staff entry forms, built from the instrument definition: one field per question, the engine validates the answers.

The fields are lenient on purpose (no choice or range validation here): the answers go to the scoring service,
whose ``InvalidAnswer`` the view shows at the question (T6). The browser gets min/max attributes as a help only.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from screening.instruments.engine import localized
from screening.models import Channel

PREFIX = "item_"
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
ENTRY_CHANNELS = [(Channel.STAFF.value, Channel.STAFF.label), (Channel.PAPER.value, Channel.PAPER.label)]


def field_name(item_code: str) -> str:
    return f"{PREFIX}{item_code}"


def _item_field(item: dict, language: str) -> forms.Field:
    label = localized(item, "label", language)
    help_text = localized(item, "help", language)
    if item["type"] == "choice":
        choices = [(option["code"], localized(option, "label", language)) for option in item["options"]]
        return forms.CharField(
            label=label, help_text=help_text, required=False, widget=forms.RadioSelect(choices=choices)
        )
    if item["type"] == "yes_no":
        choices = [("yes", _("yes")), ("no", _("no"))]
        return forms.CharField(
            label=label, help_text=help_text, required=False, widget=forms.RadioSelect(choices=choices)
        )
    unit = localized(item, "unit", language)
    attrs = {"min": item["min"], "max": item["max"], "step": 1, "inputmode": "numeric"}
    return forms.CharField(
        label=f"{label} ({unit})" if unit else label,
        help_text=help_text or _("%(min)d to %(max)d") % {"min": item["min"], "max": item["max"]},
        required=False,
        widget=forms.NumberInput(attrs=attrs),
    )


def _stored_answer(value):
    """A stored answer as the form shows it (yes/no items are stored as booleans by some channels)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


class AnswersForm(forms.Form):
    """Questions of ``definition`` plus when the questionnaire was completed; unanswered questions stay missing."""

    completed_at = forms.DateTimeField(label=_("Completed on"), widget=DATETIME_WIDGET)

    def __init__(self, *args, definition: dict, language: str, answers: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.item_fields: list[str] = []
        for item in definition["items"]:
            name = field_name(item["code"])
            self.fields[name] = _item_field(item, language)
            self.item_fields.append(name)
            if answers and item["code"] in answers:
                self.initial[name] = _stored_answer(answers[item["code"]])
        self.initial.setdefault("completed_at", timezone.localtime().replace(second=0, microsecond=0))
        self.order_fields([*self.item_fields, "completed_at"])

    def answers(self) -> dict:
        """The given answers by item code; blank ones are left out (missing)."""
        found = {}
        for item in self.definition["items"]:
            value = self.cleaned_data.get(field_name(item["code"]))
            if value not in (None, ""):
                found[item["code"]] = value.strip() if isinstance(value, str) else value
        return found

    def add_answer_error(self, item_code: str, message: str) -> None:
        name = field_name(item_code)
        self.add_error(name if name in self.fields else None, message)


class EntryForm(AnswersForm):
    channel = forms.ChoiceField(label=_("Entered"), choices=ENTRY_CHANNELS, initial=Channel.PAPER.value)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["channel", *self.item_fields, "completed_at"])


class CorrectionForm(AnswersForm):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields([*self.item_fields, "completed_at", "reason"])


class NotPossibleForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the screening is not possible"),
        max_length=300,
        help_text=_("e.g. language, cognition, the patient declines"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    completed_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("completed_at", timezone.localtime().replace(second=0, microsecond=0))
