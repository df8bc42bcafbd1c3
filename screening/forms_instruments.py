"""Forms of the instrument pages: the import of a definition (file or pasted text) and a facility's setting."""

from __future__ import annotations

import json

import yaml
from django import forms
from django.utils.translation import gettext_lazy as _

from patients.models import DepartmentCode
from screening.instruments.engine import localized
from screening.models import InstrumentVersion
from screening.services.instruments import custom_cutoff

MAX_UPLOAD = 512 * 1024  # a definition is a few kilobytes; anything near this is not one


class ImportForm(forms.Form):
    """JSON or YAML, uploaded or pasted. ``definition()`` is the parsed mapping; the schema check is the service's."""

    file = forms.FileField(label=_("Definition file (JSON or YAML)"), required=False)
    text = forms.CharField(
        label=_("… or paste the definition"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace", "spellcheck": "false"}),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        text = cleaned.get("text") or ""
        if upload is not None:
            if upload.size > MAX_UPLOAD:
                raise forms.ValidationError(_("The file is too large for an instrument definition."))
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
            cleaned["text"] = text
        if not text.strip():
            raise forms.ValidationError(_("Upload a file or paste the definition."))
        cleaned["data"] = parse_definition(text)
        return cleaned

    def definition(self) -> dict:
        return self.cleaned_data["data"]


def parse_definition(text: str):
    """JSON first (it is YAML too, but JSON's error messages are clearer), then YAML (safe loader: data only)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as json_error:  # RecursionError: nested too deeply (found by tests/fuzz)
        if text.lstrip().startswith(("{", "[")):
            raise forms.ValidationError(_("The JSON could not be read: %(error)s") % {"error": json_error}) from None
    try:
        return yaml.safe_load(text)
    except (yaml.YAMLError, ValueError, RecursionError) as yaml_error:  # ValueError: a date like 2026-02-31
        raise forms.ValidationError(_("The YAML could not be read: %(error)s") % {"error": yaml_error}) from None


class SettingForm(forms.Form):
    department_code = forms.ChoiceField(label=_("Department"), choices=DepartmentCode.choices)
    instrument = forms.ModelChoiceField(label=_("Instrument version"), queryset=InstrumentVersion.objects.all())
    preset_code = forms.ChoiceField(label=_("Cut-off preset"), required=False)
    custom_value = forms.IntegerField(label=_("Own cut-off (score ≥ x)"), required=False)
    screening_due_day = forms.IntegerField(label=_("Screening due by day"), min_value=1, max_value=7, initial=7)
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, language: str = "de", **kwargs):
        super().__init__(*args, **kwargs)
        choices = {"": str(_("the instrument's own rule"))}
        for instrument in InstrumentVersion.objects.order_by("code", "-created_at"):
            for preset in instrument.definition.get("cutoff_presets") or []:
                choices.setdefault(preset["code"], f"{preset['code']} – {localized(preset, 'label', language)}")
            custom = custom_cutoff(instrument)
            if custom is not None:
                choices.setdefault(
                    custom[0],
                    f"{custom[0]} – {_('own cut-off %(low)d–%(high)d') % {'low': custom[1], 'high': custom[2]}}",
                )
        self.fields["preset_code"].choices = list(choices.items())

    def clean(self):
        cleaned = super().clean()
        instrument = cleaned.get("instrument")
        preset = cleaned.get("preset_code") or ""
        if instrument is None:
            return cleaned
        custom = custom_cutoff(instrument)
        codes = [p["code"] for p in instrument.definition.get("cutoff_presets") or []]
        if custom is not None:
            codes.append(custom[0])
        if preset and preset not in codes:
            self.add_error(
                "preset_code",
                _("This instrument has the presets: %(codes)s.") % {"codes": ", ".join(codes) or "–"},
            )
        if custom is not None and preset == custom[0]:
            value = cleaned.get("custom_value")
            if value is None or not custom[1] <= value <= custom[2]:
                self.add_error(
                    "custom_value",
                    _("Enter your own cut-off between %(low)d and %(high)d.") % {"low": custom[1], "high": custom[2]},
                )
        return cleaned
