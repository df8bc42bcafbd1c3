"""Every write about patients and stays that means something in the domain. One transaction, one audit row each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from patients import selectors, tokens
from patients.errors import ConsentMissing, DuplicateMembership, LinkInvalid, PossibleDuplicatePatient
from patients.models import (
    CareTeamMembership,
    Consent,
    ContactEvent,
    ContactSource,
    Document,
    ExternalContact,
    Patient,
    PatientLink,
    Stay,
    StayStatus,
)
from wmr import audit

STAY_PERMISSIONS = ("view_stay", "change_stay")


# --- patients and stays -------------------------------------------------------------------------------------------


def patient_create_with_stay(
    *,
    user,
    patient_data: dict,
    stay_data: dict,
    team_function: str,
    existing_patient: Patient | None = None,
    confirm_new: bool = False,
) -> Stay:
    """Create a planned stay, for an existing patient or a new one, and put the creator on its care team.

    A new patient is checked for a likely duplicate first (same last name + birth date, or same KVNR); unless the
    user confirmed that it is a different person, ``PossibleDuplicatePatient`` carries the candidates. The check runs
    before the transaction so that the audit rows of the offered candidates are kept.
    """
    if existing_patient is None and not confirm_new:
        candidates = list(
            selectors.possible_duplicates(
                last_name=patient_data.get("last_name", ""),
                birth_date=patient_data.get("birth_date"),
                kvnr=patient_data.get("kvnr", ""),
            )
        )
        if candidates:
            for candidate in candidates:
                audit.log(candidate, "patients.patient.duplicate_offered", user=user)
            raise PossibleDuplicatePatient(candidates)
    with transaction.atomic():
        if existing_patient is None:
            patient = Patient(**patient_data)
            patient.full_clean()
            patient.save()
            audit.log(patient, "patients.patient.created", user=user)
        else:
            patient = existing_patient
        stay = Stay(patient=patient, number=f"tmp-{tokens.new_token()}", created_by=user, **stay_data)
        stay.full_clean()
        stay.save()
        stay.number = f"{stay.admission_date:%Y}-{stay.pk:06d}"
        stay.save(update_fields=["number"])
        audit.log(stay, "patients.stay.created", user=user, data={"existing_patient": existing_patient is not None})
        careteam_add(by=user, stay=stay, user=user, function=team_function)
    return stay


def patient_update(*, by, patient: Patient, data: dict) -> Patient:
    with transaction.atomic():
        changed = {}
        for field, value in data.items():
            if getattr(patient, field) != value:
                changed[field] = True
                setattr(patient, field, value)
        patient.full_clean()
        patient.save()
        audit.log(patient, "patients.patient.changed", user=by, data={"fields": sorted(changed)})
    return patient


def stay_update(*, by, stay: Stay, data: dict) -> Stay:
    with transaction.atomic():
        changed = []
        for field, value in data.items():
            if getattr(stay, field) != value:
                changed.append(field)
                setattr(stay, field, value)
        stay.full_clean()
        stay.save()
        audit.log(stay, "patients.stay.changed", user=by, data={"fields": sorted(changed)})
    return stay


# --- care team ----------------------------------------------------------------------------------------------------


def careteam_add(*, by, stay: Stay, user, function: str) -> CareTeamMembership:
    """Put a clinician on the care team and grant the object permissions on the stay in the same transaction."""
    with transaction.atomic():
        if CareTeamMembership.objects.filter(stay=stay, user=user).exists():
            raise DuplicateMembership()
        membership = CareTeamMembership(stay=stay, user=user, function=function, added_by=by)
        membership.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                membership.save()
        except IntegrityError as exc:  # a concurrent add of the same person
            raise DuplicateMembership() from exc
        for perm in STAY_PERMISSIONS:
            assign_perm(perm, user, stay)
        audit.log(membership, "patients.careteam.added", user=by, data={"member": user.pk, "function": function})
    return membership


def careteam_remove(*, by, membership: CareTeamMembership) -> None:
    """Take a clinician off the care team; the object permissions go in the same transaction, so at once."""
    with transaction.atomic():
        stay, user = membership.stay, membership.user
        audit.log(
            membership, "patients.careteam.removed", user=by, data={"member": user.pk, "function": membership.function}
        )
        membership.delete()
        for perm in STAY_PERMISSIONS:
            remove_perm(perm, user, stay)


# --- consents -----------------------------------------------------------------------------------------------------


def consent_give(*, by, stay: Stay, kind: str, given_on: dt.date, note: str = "") -> Consent:
    with transaction.atomic():
        consent = Consent(stay=stay, kind=kind, given_on=given_on, note=note, recorded_by=by)
        consent.full_clean()
        consent.save()
        audit.log(consent, "patients.consent.given", user=by, data={"kind": kind, "given_on": given_on.isoformat()})
    return consent


def consent_withdraw(*, by, consent: Consent, withdrawn_on: dt.date) -> Consent:
    """Record the withdrawal; the consent row and its history stay (a correction never hides the original)."""
    with transaction.atomic():
        consent.withdrawn_on = withdrawn_on
        consent.withdrawal_recorded_by = by
        consent.full_clean()
        consent.save()
        audit.log(
            consent, "patients.consent.withdrawn", user=by, data={"kind": consent.kind, "on": withdrawn_on.isoformat()}
        )
    return consent


def consent_require(*, stay: Stay, kind: str, on: dt.date, by=None) -> Consent:
    """The consent of ``kind`` valid on ``on``; raises ConsentMissing (saying which, and whether withdrawn)."""
    consent = selectors.valid_consent(stay, kind, on)
    if consent is None:
        withdrawn = stay.consents.filter(kind=kind, withdrawn_on__isnull=False, withdrawn_on__lte=on).exists()
        audit.log(stay, "patients.consent.refused", user=by, data={"kind": kind, "withdrawn": withdrawn})
        raise ConsentMissing(kind, withdrawn=withdrawn)
    return consent


# --- external contacts --------------------------------------------------------------------------------------------


def contact_save(*, by, contact: ExternalContact) -> ExternalContact:
    with transaction.atomic():
        created = contact.pk is None
        if created:
            contact.created_by = by
        contact.full_clean()
        contact.save()
        audit.log(contact, "patients.contact.created" if created else "patients.contact.changed", user=by)
    return contact


def contact_delete(*, by, contact: ExternalContact) -> None:
    with transaction.atomic():
        audit.log(contact, "patients.contact.deleted", user=by, data={"kind": contact.kind})
        contact.delete()


def contact_event_record(
    *,
    by,
    contact: ExternalContact,
    on: dt.date,
    channel: str,
    purpose: str = "",
    outcome: str = "",
    note: str = "",
) -> ContactEvent:
    """Record that the clinic contacted an external party (date, channel, purpose, outcome: the contact log of rec
    10.5); refused without a consent for that party valid on the contact date (given by then, not withdrawn).

    The consent is checked before the transaction so that the audit row of a refusal is kept.
    """
    consent = consent_require(stay=contact.stay, kind=contact.consent_kind, on=on, by=by)
    with transaction.atomic():
        event = ContactEvent(
            contact=contact,
            on=on,
            channel=channel,
            purpose=purpose,
            outcome=outcome.strip(),
            note=note,
            consent=consent,
            recorded_by=by,
        )
        event.full_clean()
        event.save()
        audit.log(
            event,
            "patients.contact.reached",
            user=by,
            data={"kind": contact.kind, "channel": channel, "purpose": purpose},
        )
    return event


# --- documents ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedDocument:
    filename: str
    content_type: str
    content: bytes


def document_store(*, by, stay: Stay, kind: str, rendered: RenderedDocument, facts: dict | None = None) -> Document:
    """Store a generated document as handed out, with its SHA-256, author and time."""
    import hashlib

    document = Document(
        stay=stay,
        kind=kind,
        filename=rendered.filename,
        content_type=rendered.content_type,
        content=rendered.content,
        size=len(rendered.content),
        sha256=hashlib.sha256(rendered.content).hexdigest(),
        facts=facts or {},
        created_by=by,
    )
    document.full_clean(exclude=["content"])
    document.save()
    return document


# --- one-time patient links ---------------------------------------------------------------------------------------


def patient_link_create(*, by, stay: Stay, purpose: str, now: dt.datetime | None = None) -> tuple[PatientLink, str]:
    """A new one-time link; earlier usable links of the same purpose are revoked. Returns (link, raw token).

    The raw token exists only in the return value (and on the letter); the database keeps its SHA-256.
    """
    now = now or timezone.now()
    with transaction.atomic():
        for old in PatientLink.objects.filter(stay=stay, purpose=purpose).usable(now):
            patient_link_revoke(by=by, link=old, now=now)
        raw = tokens.new_token()
        link = PatientLink.objects.create(
            stay=stay,
            purpose=purpose,
            token_hash=tokens.token_hash(raw),
            created_by=by,
            created_at=now,
            expires_at=now + dt.timedelta(days=settings.PATIENT_LINK_TTL_DAYS),
        )
        audit.log(link, "patients.link.created", user=by, data={"purpose": purpose})
    return link, raw


def patient_link_revoke(*, by, link: PatientLink, now: dt.datetime | None = None) -> PatientLink:
    with transaction.atomic():
        if link.revoked_at is None:
            link.revoked_at = now or timezone.now()
            link.revoked_by = by
            link.save(update_fields=["revoked_at", "revoked_by"])
            audit.log(link, "patients.link.revoked", user=by)
    return link


def patient_link_resolve(*, token: str, now: dt.datetime | None = None) -> PatientLink:
    """The usable link for a raw token, or LinkInvalid. Records the first opening."""
    now = now or timezone.now()
    link = (
        PatientLink.objects.select_related("stay__patient", "stay__facility")
        .filter(token_hash=tokens.token_hash(token))
        .first()
    )
    if link is None or link.state(now) != "usable":
        audit.log(link, "patients.link.rejected", data={"state": link.state(now) if link else "unknown"})
        raise LinkInvalid()
    if link.opened_at is None:
        link.opened_at = now
        link.save(update_fields=["opened_at"])
        audit.log(link, "patients.link.opened")
    return link


def patient_link_use(*, link: PatientLink, now: dt.datetime | None = None) -> PatientLink:
    """Mark a link as used, exactly once (a conditional UPDATE, so two tabs cannot both use it)."""
    now = now or timezone.now()
    updated = PatientLink.objects.filter(pk=link.pk).usable(now).update(used_at=now)
    if updated != 1:
        raise LinkInvalid()
    link.used_at = now
    audit.log(link, "patients.link.used")
    return link


def pre_admission_submit(
    *, link: PatientLink, contacts: list[dict], now: dt.datetime | None = None
) -> list[ExternalContact]:
    """The patient names occupational physician, BEM contact and employer on the pre-admission link (rec. 1.2).

    The contacts are stored as named by the patient; the link is used up in the same transaction.
    """
    with transaction.atomic():
        patient_link_use(link=link, now=now)
        created = []
        for data in contacts:
            contact = ExternalContact(stay=link.stay, source=ContactSource.PATIENT_LINK, **data)
            contact.full_clean()
            contact.save()
            audit.log(contact, "patients.contact.created", data={"source": "patient_link"})
            created.append(contact)
    return created


def stay_set_status(*, by, stay: Stay, status: str) -> Stay:
    return stay_update(by=by, stay=stay, data={"status": StayStatus(status)})
