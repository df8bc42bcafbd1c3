"""Profile instrument definitions as versioned data (mini_icf_app.md §8, D-1 … D-7).

Writes only; each is one transaction with one audit row. A definition passes the pure schema check before anything
is stored, so a wrong file never leaves half an instrument behind.
"""

from __future__ import annotations

import copy

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diagnostics.instruments import DefinitionRejected, validate_definition
from diagnostics.models import Profile, ProfileInstrument
from patients.errors import DomainError
from wmr import audit

HEADER_FIELDS = ("code", "version", "name_de", "name_en", "is_official", "licence_note")


class InstrumentLocked(DomainError):
    """D-3 / E13: a definition version a saved profile uses is immutable; a change is a new version."""

    default_message = gettext_lazy(
        "This instrument version is used by a saved profile and cannot be changed; import the change as a new version."
    )


class InstrumentNotUsable(DomainError):
    """D-7: demo and placeholder definitions cannot be used in a production installation."""

    default_message = gettext_lazy(
        "This instrument is a demo or placeholder definition (not official); a production installation cannot use it. "
        "Import the licensed definition as a new version first."
    )


def instrument_usable(instrument: ProfileInstrument) -> bool:
    """D-7: may a new profile use this instrument version here? Unofficial (demo) definitions only outside
    production (``settings.PRODUCTION``: the installation, not the facility, is flagged production, as in screening)."""
    return instrument.is_official or not settings.PRODUCTION


def instrument_require_usable(instrument: ProfileInstrument) -> None:
    """Raise ``InstrumentNotUsable`` unless ``instrument_usable`` (for the profile service to call before a write)."""
    if not instrument_usable(instrument):
        raise InstrumentNotUsable()


def instrument_is_locked(instrument: ProfileInstrument) -> bool:
    """D-3: a version that a saved profile uses is immutable."""
    return Profile.objects.filter(instrument=instrument).exists()


def _check(definition: dict, *, instance: ProfileInstrument | None = None) -> None:
    errors = validate_definition(definition)
    if not errors:
        taken = ProfileInstrument.objects.filter(code=definition["code"], version=definition["version"])
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            errors = [
                "version: "
                + _("Version “%(version)s” of “%(code)s” exists already; give the new version another name.")
                % {"version": definition["version"], "code": definition["code"]}
            ]
    if errors:
        raise DefinitionRejected(errors)


def _apply(instrument: ProfileInstrument, definition: dict) -> None:
    for key in HEADER_FIELDS:
        setattr(instrument, key, definition[key])
    instrument.definition = copy.deepcopy(definition)


def instrument_import(*, by, definition: dict) -> ProfileInstrument:
    """Store a new instrument version from a parsed definition.

    Raises ``DefinitionRejected`` ("path: message" per wrong field) and stores nothing when the definition is wrong
    or its code + version exist already.
    """
    _check(definition)
    with transaction.atomic():
        instrument = ProfileInstrument(created_by=by)
        _apply(instrument, definition)
        instrument.full_clean()
        instrument.save()
        audit.log(
            instrument,
            "diagnostics.instrument.imported",
            user=by,
            data={"code": instrument.code, "version": instrument.version, "is_official": instrument.is_official},
        )
    return instrument


def instrument_change(*, by, instrument: ProfileInstrument, definition: dict) -> ProfileInstrument:
    """Replace the definition of a version that no profile uses yet.

    Raises ``InstrumentLocked`` when a saved profile uses the version (D-3, E13: the refusal keeps its audit row,
    a new version must be imported instead) and ``DefinitionRejected`` for a wrong definition.
    """
    if instrument_is_locked(instrument):
        audit.log(instrument, "diagnostics.instrument.change_refused", user=by, data={"reason": "used_by_profile"})
        raise InstrumentLocked()
    _check(definition, instance=instrument)
    with transaction.atomic():
        locked = ProfileInstrument.objects.select_for_update().get(pk=instrument.pk)
        if Profile.objects.filter(instrument=locked).exists():  # a profile came in meanwhile
            raise InstrumentLocked()
        _apply(locked, definition)
        locked.full_clean()
        locked.save()
        audit.log(locked, "diagnostics.instrument.changed", user=by, data={"version": locked.version})
    return locked
