"""The version history of a stay's clinical records (django-simple-history), newest first, with what changed."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

from patients.models import CareTeamMembership, Consent, ContactEvent, ExternalContact, Patient, Stay

HISTORY_TYPE = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class HistoryEntry:
    when: object
    who: object
    record: str
    kind: str
    changes: list[tuple[str, object, object]]
    snapshot: object


def history_entries(records, label: str) -> list[HistoryEntry]:
    """One entry per version; versions come ordered by object and date, so the previous one is at hand."""
    entries = []
    previous_by_object: dict[int, object] = {}
    for record in records:
        changes = []
        previous = previous_by_object.get(record.id)
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = record.instance_type._meta.get_field(change.field)
                changes.append((str(field.verbose_name), change.old, change.new))
        previous_by_object[record.id] = record
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                record=f"{label}: {record.instance}" if label else str(record.instance),
                kind=HISTORY_TYPE.get(record.history_type, record.history_type),
                changes=changes,
                snapshot=record,
            )
        )
    return entries


def _contact_event_entries(stay: Stay) -> list[HistoryEntry]:
    """Contacts made (rec 10.5), each labelled with its purpose and outcome so the log reads in the history too."""
    records = ContactEvent.history.filter(contact__stay_id=stay.pk).select_related("history_user")
    entries = history_entries(records.order_by("id", "history_date", "history_id"), "")
    label = str(ContactEvent._meta.verbose_name)
    for entry in entries:
        parts = [entry.record]
        if entry.snapshot.purpose:
            parts.append(str(entry.snapshot.get_purpose_display()))
        if entry.snapshot.outcome:
            parts.append(entry.snapshot.outcome)
        entry.record = f"{label}: " + " · ".join(parts)
    return entries


def stay_history_entries(stay: Stay) -> list[HistoryEntry]:
    """All versions of the stay, its patient, consents, contacts, contacts made (with purpose and outcome) and care
    team. Earlier versions stay readable."""
    related = [
        (Stay.history.filter(id=stay.pk), str(Stay._meta.verbose_name)),
        (Patient.history.filter(id=stay.patient_id), str(Patient._meta.verbose_name)),
        (Consent.history.filter(stay_id=stay.pk), str(Consent._meta.verbose_name)),
        (ExternalContact.history.filter(stay_id=stay.pk), str(ExternalContact._meta.verbose_name)),
        (CareTeamMembership.history.filter(stay_id=stay.pk), str(CareTeamMembership._meta.verbose_name)),
    ]
    entries = list(
        chain.from_iterable(
            history_entries(qs.select_related("history_user").order_by("id", "history_date", "history_id"), label)
            for qs, label in related
        )
    )
    entries += _contact_event_entries(stay)
    return sorted(entries, key=lambda e: e.when, reverse=True)
