"""Writes of the disclosure app: the scope of a consent, a package sent (PDF stored with its hash + record), and
the patient's plan link (created, revoked, bound to the first browser that opens it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosure import rules, selectors
from disclosure.documents import TEMPLATE_VERSION, render_package
from disclosure.errors import DisclosureRefused
from disclosure.models import ConsentScope, DisclosureRecord, PlanLinkBinding
from disclosure.rules import Purpose, Section
from patients import services as patient_services
from patients.models import Consent, DocumentKind, ExternalContact, LinkPurpose, PatientLink, Stay
from wmr import audit

# The plan link lives shorter than the pre-admission link (30 days): it shows the plan as it is now.
PLAN_LINK_TTL_DAYS = 14


def _refuse(*, by, contact: ExternalContact, purpose: str, reason: str, code: str, data: dict | None = None):
    """Log the refusal (outside any transaction of the write, so the row stays) and raise it."""
    audit.log(
        contact.stay,
        "disclosure.package.refused",
        user=by,
        data={
            "contact": contact.pk,
            "recipient_kind": contact.kind,
            "purpose": purpose,
            "reason": code,
            **(data or {}),
        },
    )
    raise DisclosureRefused(reason)


def package_options(*, by, contact: ExternalContact, purpose: str, today: dt.date) -> selectors.Check:
    """What may go to ``contact`` for ``purpose`` today; a refusal raises ``DisclosureRefused`` with the reason and
    writes its audit row (``disclosure.package.refused``)."""
    if purpose not in Purpose.values:
        _refuse(by=by, contact=contact, purpose=str(purpose)[:40], reason=_("Please choose a purpose."), code="purpose")
    result = selectors.check(contact, purpose, today)
    if not result.allowed:
        _refuse(by=by, contact=contact, purpose=purpose, reason=result.reason, code=result.decision.refusal)
    return result


def package_check(*, by, contact: ExternalContact, purpose: str, sections, today: dt.date) -> selectors.Check:
    """Recompute on the server what may go to ``contact`` for ``purpose`` today and check ``sections`` against it.

    Refused (``DisclosureRefused`` with the reason, one audit row ``disclosure.package.refused``): an unknown
    purpose, no valid consent (never given, withdrawn, not yet valid), a purpose the policy or the consent's scope
    does not open, any requested section outside what is offered (a crafted request is refused as a whole, never
    trimmed silently), or no section at all."""
    result = package_options(by=by, contact=contact, purpose=purpose, today=today)
    requested = [str(section) for section in sections]
    outside = result.decision.outside(requested)
    if outside:
        names = ", ".join(str(Section(s).label) if s in Section.values else s[:40] for s in outside)
        reason = selectors.refusal_text(rules.SECTIONS_OUTSIDE, sections=names)
        _refuse(
            by=by,
            contact=contact,
            purpose=purpose,
            reason=reason,
            code=rules.SECTIONS_OUTSIDE,
            data={"outside": [s[:40] for s in outside]},
        )
    if not requested:
        raise DisclosureRefused(selectors.refusal_text(rules.NO_SECTION_CHOSEN))
    return result


def package_create(
    *,
    by,
    stay: Stay,
    contact: ExternalContact,
    purpose: str,
    sections,
    note: str = "",
    now: dt.datetime | None = None,
) -> DisclosureRecord:
    """Render the package with the chosen sections, store the PDF (SHA-256) and record the disclosure.

    The sections are checked again here (``package_check``), whatever the form or the API request said; the consent
    is locked and checked once more inside the transaction, so a withdrawal recorded meanwhile stops the package."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if contact.stay_id != stay.pk:
        raise DisclosureRefused(_("Choose one of this stay's external contacts."))
    result = package_check(by=by, contact=contact, purpose=purpose, sections=sections, today=today)
    chosen = rules.ordered(sections)
    rendered = render_package(
        stay=stay, contact=contact, purpose=purpose, sections=chosen, consent=result.consent, today=today
    )
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=result.consent.pk)
        if not consent.is_valid_on(today):
            raise DisclosureRefused(
                selectors.refusal_text(rules.CONSENT_WITHDRAWN, consent=consent, consent_kind=consent.kind)
            )
        document = patient_services.document_store(
            by=by,
            stay=stay,
            kind=DocumentKind.DISCLOSURE_PACKAGE,
            rendered=rendered,
            facts={
                "recipient_kind": contact.kind,
                "purpose": purpose,
                "sections": list(chosen),
                "consent_id": consent.pk,
                "template_version": TEMPLATE_VERSION,
            },
        )
        record = DisclosureRecord(
            stay=stay,
            contact=contact,
            recipient_kind=contact.kind,
            recipient_name=", ".join(part for part in (contact.organisation, contact.person) if part)[:420],
            purpose=purpose,
            sections=list(chosen),
            consent=consent,
            document=document,
            sha256=document.sha256,
            note=(note or "").strip()[:300],
            created_by=by,
            created_at=now,
        )
        record.full_clean()
        record.save()
        audit.log(
            record,
            "disclosure.package.sent",
            user=by,
            data={
                "contact": contact.pk,
                "recipient_kind": contact.kind,
                "purpose": purpose,
                "sections": list(chosen),
                "consent": consent.pk,
                "sha256": document.sha256,
            },
        )
    return record


def scope_save(*, by, consent: Consent, purposes, sections, note: str = "") -> ConsentScope:
    """Record what the patient agreed to share under ``consent`` (purposes and sections; both may only narrow the
    policy). Unknown values are refused."""
    purposes, sections = [str(p) for p in purposes], [str(s) for s in sections]
    if set(purposes) - set(Purpose.values) or set(sections) - set(Section.values):
        raise DisclosureRefused(_("Choose purposes and sections from the lists."))
    with transaction.atomic():
        scope, created = ConsentScope.objects.get_or_create(
            consent=consent,
            defaults={"purposes": [], "sections": [], "recorded_by": by},
        )
        scope.purposes = [p for p in rules.ALL_PURPOSES if p in purposes]
        scope.sections = list(rules.ordered(sections))
        scope.note = (note or "").strip()[:300]
        scope.recorded_by = by
        scope.recorded_at = timezone.now()
        scope.full_clean()
        scope.save()
        audit.log(
            scope,
            "disclosure.scope.saved",
            user=by,
            data={"consent": consent.pk, "purposes": scope.purposes, "sections": scope.sections},
        )
    return scope


# --- the patient's plan link ----------------------------------------------------------------------------------------


def plan_link_create(*, by, stay: Stay, now: dt.datetime | None = None) -> tuple[PatientLink, str]:
    """A new plan link for the patient (earlier usable ones are revoked), valid for PLAN_LINK_TTL_DAYS. Returns the
    link and the raw token, which exists only in this return value."""
    now = now or timezone.now()
    with transaction.atomic():
        link, raw = patient_services.patient_link_create(by=by, stay=stay, purpose=LinkPurpose.PATIENT_PLAN, now=now)
        expires = now + dt.timedelta(days=PLAN_LINK_TTL_DAYS)
        if expires < link.expires_at:
            link.expires_at = expires
            link.save(update_fields=["expires_at"])
    return link, raw


def plan_link_revoke(*, by, link: PatientLink) -> PatientLink:
    return patient_services.patient_link_revoke(by=by, link=link)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def plan_link_bind(*, link: PatientLink, secret: str, now: dt.datetime | None = None) -> bool:
    """ "One-time": the first browser that opens the link binds it (the SHA-256 of ``secret``, a random value kept in
    that browser's session); later views work from that browser until the link expires or is revoked. Returns
    whether ``secret`` is the bound one (False: another browser opened the link first)."""
    binding = PlanLinkBinding.objects.filter(link=link).first()
    if binding is None:
        try:
            with transaction.atomic():
                binding = PlanLinkBinding.objects.create(
                    link=link, secret_hash=_digest(secret), bound_at=now or timezone.now()
                )
                audit.log(link, "disclosure.plan_link.bound")
            return True
        except IntegrityError:  # another browser bound it a moment ago
            binding = PlanLinkBinding.objects.get(link=link)
    return hmac.compare_digest(binding.secret_hash, _digest(secret))
