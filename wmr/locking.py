"""Optimistic locking of clinical documents edited in place (drafts): two people editing the same draft.

A locked model has ``lock_version`` (``version_field()``), raised by one on every edit. The edit form carries the
version it was loaded with (``VersionedFormMixin``: a hidden field); the service calls ``claim`` inside its
transaction, which moves the stored version from the loaded one to the next with a conditional UPDATE. If someone
saved in between, the UPDATE matches no row and ``StaleEdit`` is raised: nothing is written, and the message names
who saved, when, and each field they changed (theirs, and what this user typed). The form is shown again with the
input kept and the new version, so a second submit saves (``form_refused``).

Signed or agreed versions are immutable already (§630f BGB: a correction is a new version); this is about drafts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.db import models
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.errors import DomainError

LOCK_FIELD = "lock_version"
SHOWN_CHARS = 80
MAX_VERSION = 2**31 - 1  # the column's range on every database: a larger posted number is bad input


def version_field() -> models.PositiveIntegerField:
    """The version counter of a document edited in place (raised by one on every checked edit)."""
    return models.PositiveIntegerField(gettext_lazy("edit version"), default=0, editable=False)


@dataclass(frozen=True)
class Change:
    """One field someone else changed while the user was editing: ``theirs`` is stored now, ``yours`` was typed."""

    name: str
    label: str
    theirs: str
    yours: str

    def as_dict(self) -> dict:
        return {"field": self.name, "label": self.label, "theirs": self.theirs, "yours": self.yours}


class StaleEdit(DomainError):
    """The document was saved by someone else after the version the user loaded; nothing was stored."""

    def __init__(self, *, current_version: int, by_name: str, at: dt.datetime | None, changes: Sequence[Change]):
        self.current_version = current_version
        self.by_name = by_name
        self.at = at
        self.changes = list(changes)
        super().__init__(_message(by_name, at, self.changes))

    def as_dict(self) -> dict:
        """The refusal as an API answers it (409)."""
        return {
            "detail": self.message,
            "current_version": self.current_version,
            "changed_by": self.by_name,
            "changed_at": self.at.isoformat() if self.at else None,
            "changes": [change.as_dict() for change in self.changes],
        }


def _message(by_name: str, at: dt.datetime | None, changes: Sequence[Change]) -> str:
    when = formats.date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT") if at else "—"
    head = _("This document was changed by %(name)s at %(time)s while you were editing.") % {
        "name": by_name,
        "time": when,
    }
    if changes:
        listed = "; ".join(
            _("%(field)s: %(theirs)s (yours: %(yours)s)")
            % {"field": change.label, "theirs": change.theirs, "yours": change.yours}
            for change in changes
        )
        body = _("Changed: %(changes)s.") % {"changes": listed}
    else:
        body = _("No field of this form was changed.")
    return " ".join([head, body, _("Review and save again.")])


def display(field: models.Field, value) -> str:
    """A stored or typed value as the user reads it (choice labels, local dates, yes/no), shortened."""
    if value is None or value == "" or value == []:
        return "—"
    choices = dict(field.flatchoices) if field.choices else {}
    if isinstance(value, Hashable) and value in choices:
        text = str(choices[value])
    elif isinstance(value, bool):
        text = str(_("yes") if value else _("no"))
    elif isinstance(value, dt.date):
        text = formats.date_format(value, "SHORT_DATE_FORMAT")
    elif isinstance(value, (Decimal, float, int)):
        text = str(formats.localize(value))
    elif isinstance(value, list):
        text = "; ".join(
            " ".join(str(v) for v in item.values()) if isinstance(item, Mapping) else str(item) for item in value
        )
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def _history_row(obj: models.Model, version: int, *, first: bool):
    """The history row of ``obj`` at ``version``: the first (who made it) or the last (its state before the next)."""
    history = getattr(type(obj), "history", None)
    if history is None:
        return None
    order = ("history_date", "history_id") if first else ("-history_date", "-history_id")
    return history.filter(id=obj.pk, lock_version=version).select_related("history_user").order_by(*order).first()


def stale_edit(current: models.Model, expected: int, *, fields: Sequence[str], typed: Mapping) -> StaleEdit:
    """The refusal for a user who loaded ``expected`` of ``current`` (the stored row) and typed ``typed``.

    Changed fields: those among ``fields`` that differ between the loaded version (from the history) and the stored
    one; without a history row of the loaded version, those where the stored value differs from the typed one."""
    loaded = _history_row(current, expected, first=False)
    made = _history_row(current, current.lock_version, first=True)
    user = made.history_user if made is not None else None
    by_name = (getattr(user, "display_name", None) or str(user)) if user is not None else str(_("someone else"))
    changes = []
    for name in fields:
        field = current._meta.get_field(name)
        theirs = getattr(current, name)
        before = getattr(loaded, name) if loaded is not None else typed.get(name, theirs)
        if before == theirs:
            continue
        yours = typed.get(name, before)
        changes.append(Change(name, str(field.verbose_name), display(field, theirs), display(field, yours)))
    return StaleEdit(
        current_version=current.lock_version,
        by_name=by_name,
        at=made.history_date if made is not None else None,
        changes=changes,
    )


def claim(obj: models.Model, expected: int | None, *, by, fields: Sequence[str], typed: Mapping) -> None:
    """Inside the write's transaction: move the stored ``lock_version`` of ``obj`` from ``expected`` (the version the
    user loaded) to the next one, then set it on ``obj`` so its save keeps it; raise ``StaleEdit`` if the row is at
    another version (someone saved since). A conditional UPDATE, so of two concurrent saves of one version exactly
    one wins (on PostgreSQL the second waits for the first's row lock, then matches no row).

    ``expected`` None (a client that sends no version) saves unchecked but still raises the version."""
    rows = type(obj)._default_manager.filter(pk=obj.pk)
    if expected is None:
        rows.update(lock_version=F(LOCK_FIELD) + 1)
        obj.lock_version = rows.values_list(LOCK_FIELD, flat=True).get()
    elif rows.filter(lock_version=expected).update(lock_version=F(LOCK_FIELD) + 1):
        obj.lock_version = expected + 1
    else:
        raise stale_edit(rows.get(), expected, fields=fields, typed=typed)
    obj._history_user = by


class VersionedFormMixin:
    """Adds the hidden field ``lock_version`` (the version the form was loaded with) to an edit form of a locked
    document: from ``version=`` or the bound instance. After validation the field is not in ``cleaned_data`` (the
    services take their fields as keywords) but in ``loaded_version``; missing in a POST, it is None (unchecked).
    A form with a crispy ``Layout`` sets ``helper.render_hidden_fields = True``; a template that lays out fields by
    hand renders ``form.hidden_fields``."""

    loaded_version: int | None = None

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if version is None and instance is not None and instance.pk:
            version = getattr(instance, LOCK_FIELD, None)
        if version is None:
            return
        self.fields[LOCK_FIELD] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_VERSION, initial=version
        )

    def clean(self):
        data = super().clean()
        self.loaded_version = data.pop(LOCK_FIELD, None) if data is not None else None
        return data


def form_refused(form: forms.BaseForm, exc: StaleEdit) -> None:
    """Show the refusal on ``form`` and carry the current version, so the user's next submit saves."""
    form.add_error(None, exc.message)
    data = form.data.copy()
    data[form.add_prefix(LOCK_FIELD)] = str(exc.current_version)
    form.data = data


STALE_STATUS = 409
