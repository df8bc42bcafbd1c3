"""Reads of the disclosure app: the decision for a recipient and purpose, the disclosure history, the plan links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import formats

from disclosure import rules
from disclosure.models import ConsentScope, DisclosureRecord
from disclosure.rules import Purpose, Section
from patients.models import CONSENT_FOR_CONTACT, Consent, ConsentKind, ExternalContact, LinkPurpose, PatientLink, Stay


def stay_contacts(stay: Stay) -> QuerySet[ExternalContact]:
    return ExternalContact.objects.filter(stay=stay).order_by("kind", "organisation", "id")


def consent_for(stay: Stay, consent_kind: str, today: dt.date) -> Consent | None:
    """The consent of this kind that counts today: the newest one valid today, else the newest one given (so a
    refusal can say that it was withdrawn, or from when it is valid); None when never given."""
    consents = list(
        Consent.objects.filter(stay=stay, kind=consent_kind)
        .select_related("disclosure_scope")
        .order_by("-given_on", "-id")
    )
    return next((c for c in consents if c.is_valid_on(today)), consents[0] if consents else None)


def scope_of(consent: Consent) -> ConsentScope | None:
    try:
        return consent.disclosure_scope
    except ConsentScope.DoesNotExist:
        return None


def consent_facts(consent: Consent | None) -> rules.ConsentFacts | None:
    if consent is None:
        return None
    scope = scope_of(consent)
    return rules.ConsentFacts(
        consent_id=consent.pk,
        given_on=consent.given_on,
        withdrawn_on=consent.withdrawn_on,
        scope_purposes=tuple(scope.purposes) if scope else None,
        scope_sections=tuple(scope.sections) if scope else None,
    )


@dataclass(frozen=True)
class Check:
    """The decision for one recipient and purpose, with the consent it rests on and its explanation in words."""

    contact: ExternalContact
    purpose: str
    decision: rules.Decision
    consent: Consent | None
    consent_kind: str

    @property
    def allowed(self) -> bool:
        return self.decision.allowed

    @property
    def reason(self) -> str:
        if not self.decision.refusal:
            return ""
        return refusal_text(
            self.decision.refusal,
            consent=self.consent,
            consent_kind=self.consent_kind,
            purpose=Purpose(self.purpose).label,
        )

    @property
    def offered_choices(self) -> list[tuple[str, str]]:
        return [(section, Section(section).label) for section in self.decision.offered]

    @property
    def left_out(self) -> list[tuple[str, str]]:
        """(section label, why) for every section not offered."""
        return [
            (str(Section(section).label), str(rules.LEFT_OUT_TEXTS[why]))
            for section, why in self.decision.left_out.items()
        ]


def refusal_text(code: str, *, consent: Consent | None = None, consent_kind: str = "", **extra) -> str:
    """The refusal in the user's language (``rules.REFUSAL_TEXTS``)."""
    params = {
        "consent": ConsentKind(consent_kind).label if consent_kind else "",
        "withdrawn_on": formats.date_format(consent.withdrawn_on, "d.m.Y") if consent and consent.withdrawn_on else "",
        "given_on": formats.date_format(consent.given_on, "d.m.Y") if consent else "",
        "purpose": "",
        "sections": "",
    }
    params.update(extra)
    return str(rules.REFUSAL_TEXTS[code]) % params


def check(contact: ExternalContact, purpose: str, today: dt.date) -> Check:
    """What may go to ``contact`` for ``purpose`` today (the policy ∩ the patient's valid consent and its scope)."""
    consent_kind = CONSENT_FOR_CONTACT[contact.kind]
    consent = consent_for(contact.stay, consent_kind, today)
    decision = rules.decide(contact_kind=contact.kind, purpose=purpose, consent=consent_facts(consent), today=today)
    return Check(contact=contact, purpose=purpose, decision=decision, consent=consent, consent_kind=consent_kind)


def stay_disclosures(stay: Stay) -> QuerySet[DisclosureRecord]:
    """Every package sent from this stay, newest first (two joins, no document bytes)."""
    return DisclosureRecord.objects.filter(stay=stay).select_related("created_by", "consent", "contact")


def patient_disclosures(user, stay: Stay) -> QuerySet[DisclosureRecord]:
    """Every package sent for the stay's patient from any stay the user may see (GDPR Art. 15: what was disclosed,
    to whom, when, why), newest first."""
    from patients.selectors import stays_visible_to

    visible = stays_visible_to(user).filter(patient_id=stay.patient_id).values("pk")
    return DisclosureRecord.objects.filter(stay__in=visible).select_related("created_by", "consent", "contact", "stay")


def consent_rows(stay: Stay) -> list[tuple[Consent, ConsentScope | None]]:
    """The stay's consents that allow contacting external parties, with the scope the patient agreed to."""
    consents = (
        Consent.objects.filter(stay=stay)
        .exclude(kind=ConsentKind.HEALTH_DATA)
        .select_related("disclosure_scope")
        .order_by("kind", "-given_on")
    )
    return [(consent, scope_of(consent)) for consent in consents]


def plan_links(stay: Stay) -> QuerySet[PatientLink]:
    return PatientLink.objects.filter(stay=stay, purpose=LinkPurpose.PATIENT_PLAN).order_by("-created_at")
