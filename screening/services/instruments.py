"""Instrument definitions as versioned data (I-1 … I-6) and the facility's screening settings (I-7, F-3).

Writes only; each is one transaction with one audit row. A definition is validated by the pure schema check
(``engine.validate_definition``) before anything is stored, so a wrong file never leaves half an instrument behind.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.errors import DomainError
from patients.models import DepartmentCode, Facility
from screening.errors import InstrumentLocked, InvalidDefinition
from screening.instruments import engine
from screening.models import InstrumentVersion, ScreeningResult, ScreeningSetting
from wmr import audit

# F-3: a facility may enter its own SIMBO-C cut-off x within the range the study found acceptable (20–30); the rule
# becomes "<scale of the definition's rule> ≥ x", stored under this preset code. Keyed by instrument code.
CUSTOM_CUTOFFS: dict[str, tuple[str, int, int]] = {"simbo_c": ("simbo_custom_20_30", 20, 30)}
HEADER_FIELDS = ("code", "version", "variant", "name_de", "name_en", "is_official", "licence_note")


class UnofficialInstrumentRefused(DomainError):
    """PRODUCT CHOICE: a production installation (``settings.PRODUCTION``) never screens with a demo table."""

    default_message = gettext_lazy(
        "This instrument version is not the official (licensed) scoring table; a production installation cannot "
        "screen with it. Import the licensed table as a new version first."
    )


class SettingRefused(DomainError):
    """A screening setting that cannot be stored (unknown preset, custom cut-off out of range)."""


@dataclass(frozen=True)
class SettingSaved:
    setting: ScreeningSetting
    warnings: list[str] = field(default_factory=list)  # shown to the admin; they never block (F-3 "warn")


def definition_errors(data) -> list[tuple[str, str]]:
    """(path, message) for every wrong field of ``data``; [] when it is a valid definition."""
    return [(error.path, error.message) for error in engine.validate_definition(data)]


def _check(data, *, instance: InstrumentVersion | None = None) -> None:
    errors = definition_errors(data)
    if not errors:
        taken = InstrumentVersion.objects.filter(code=data["code"], version=data["version"])
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            errors = [
                (
                    "version",
                    _("Version “%(version)s” of “%(code)s” exists already; give the new version another name.")
                    % {"version": data["version"], "code": data["code"]},
                )
            ]
    if errors:
        raise InvalidDefinition(errors)


def _apply(instance: InstrumentVersion, data: dict) -> None:
    for key in HEADER_FIELDS:
        setattr(instance, key, data[key])
    instance.definition = copy.deepcopy(data)


def instrument_import(*, by, data: dict) -> InstrumentVersion:
    """Store a new instrument version from a parsed definition (JSON or YAML).

    Raises ``InvalidDefinition`` (with one (path, message) per wrong field) and stores nothing when the definition
    is wrong or its code + version exist already.
    """
    _check(data)
    with transaction.atomic():
        instrument = InstrumentVersion(created_by=by)
        _apply(instrument, data)
        instrument.full_clean()
        instrument.save()
        audit.log(
            instrument,
            "screening.instrument.imported",
            user=by,
            data={"code": instrument.code, "version": instrument.version, "is_official": instrument.is_official},
        )
    return instrument


def instrument_is_locked(instrument: InstrumentVersion) -> bool:
    """I-6: a version that scored a result is immutable."""
    return ScreeningResult.objects.filter(instrument=instrument).exists()


def instrument_update(*, by, instrument: InstrumentVersion, data: dict) -> InstrumentVersion:
    """Replace the definition of a version that has no results yet (T10).

    Raises ``InstrumentLocked`` when a result uses the version (a new version must be imported instead; the refusal
    keeps its audit row) and ``InvalidDefinition`` for a wrong definition.
    """
    if instrument_is_locked(instrument):
        audit.log(instrument, "screening.instrument.change_refused", user=by, data={"reason": "has_results"})
        raise InstrumentLocked()
    _check(data, instance=instrument)
    with transaction.atomic():
        locked = InstrumentVersion.objects.select_for_update().get(pk=instrument.pk)
        if ScreeningResult.objects.filter(instrument=locked).exists():  # a result came in meanwhile
            raise InstrumentLocked()
        _apply(locked, data)
        locked.full_clean()
        locked.save()
        audit.log(locked, "screening.instrument.changed", user=by, data={"version": locked.version})
    return locked


# --- facility settings ----------------------------------------------------------------------------------------------


def presets(instrument: InstrumentVersion) -> list[dict]:
    return list(instrument.definition.get("cutoff_presets") or [])


def custom_cutoff(instrument: InstrumentVersion) -> tuple[str, int, int] | None:
    """(preset code, lowest, highest) when the instrument takes a facility's own cut-off, else None."""
    return CUSTOM_CUTOFFS.get(instrument.code)


def _threshold_scale(rule: dict) -> str | None:
    node = rule.get("threshold")
    return node.get("scale") if isinstance(node, dict) else None


def preset_rule(instrument: InstrumentVersion, preset_code: str, custom_value: int | None = None) -> dict:
    """The frozen rule for ``preset_code`` ("" = the definition's own positivity rule), labelled with its preset.

    Raises ``SettingRefused`` for an unknown preset or a custom cut-off outside its range.
    """
    definition = instrument.definition
    custom = custom_cutoff(instrument)
    if custom is not None and preset_code == custom[0]:
        scale = _threshold_scale(definition["positivity_rule"])
        if custom_value is None or not custom[1] <= custom_value <= custom[2] or scale is None:
            raise SettingRefused(
                _("Enter your own cut-off between %(low)d and %(high)d.") % {"low": custom[1], "high": custom[2]}
            )
        return {"preset": preset_code, "threshold": {"scale": scale, "op": ">=", "value": custom_value}}
    if not preset_code:
        return copy.deepcopy(definition["positivity_rule"])
    try:
        return engine.preset_rule(definition, preset_code)
    except KeyError:
        raise SettingRefused(_("Unknown cut-off preset “%(code)s”.") % {"code": preset_code}) from None


def preset_warnings(instrument: InstrumentVersion, preset_code: str, language: str) -> list[str]:
    """The preset's warning and note in ``language`` (F-3: simbo_32 in psychosomatics, simbo_gt30's specificity).

    Every department of this app is psychosomatic (3100/3197), so a preset's warning always applies here.
    """
    preset = next((p for p in presets(instrument) if p["code"] == preset_code), None)
    if preset is None:
        return []
    return [
        text
        for text in (engine.localized(preset, "warn", language), engine.localized(preset, "note", language))
        if text
    ]


def setting_set(
    *,
    by,
    facility: Facility,
    department_code: str,
    instrument: InstrumentVersion,
    effective_from: dt.date,
    preset_code: str = "",
    custom_value: int | None = None,
    screening_due_day: int = 7,
    language: str = "de",
) -> SettingSaved:
    """Set the instrument and cut-off a facility's department screens with from ``effective_from`` on (I-7).

    The rule is stored as a frozen copy, so a later change of the definition or of the setting never changes it.
    Refuses (``UnofficialInstrumentRefused``) an unofficial instrument when ``settings.PRODUCTION`` is set
    (PRODUCT CHOICE: the installation, not the facility, is flagged production); ``SettingRefused`` for a wrong
    preset or custom cut-off. Preset warnings come back in ``SettingSaved.warnings``; they do not block.
    """
    if department_code not in DepartmentCode.values:
        raise SettingRefused(_("Unknown department code “%(code)s”.") % {"code": department_code})
    if settings.PRODUCTION and not instrument.is_official:
        raise UnofficialInstrumentRefused()
    rule = preset_rule(instrument, preset_code, custom_value)
    with transaction.atomic():
        setting = ScreeningSetting(
            facility=facility,
            department_code=department_code,
            instrument=instrument,
            preset_code=preset_code,
            rule=rule,
            screening_due_day=screening_due_day,
            effective_from=effective_from,
            created_by=by,
        )
        setting.full_clean()
        setting.save()
        audit.log(
            setting,
            "screening.setting.changed",
            user=by,
            data={
                "facility": facility.pk,
                "department_code": department_code,
                "instrument": instrument.pk,
                "preset": preset_code,
                "effective_from": effective_from.isoformat(),
            },
        )
    return SettingSaved(setting=setting, warnings=preset_warnings(instrument, preset_code, language))
