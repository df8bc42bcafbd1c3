"""Documents of the patients app: the invitation letter (recommendations 1.1, 1.2, 1.4) and reading stored documents.

Shape (STYLE.md 8): ``render_<doc>(...) -> RenderedDocument``; storing goes through ``services.document_store``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from patients import services, tokens
from patients.models import Document, DocumentKind, LinkPurpose, PatientLink, Sex, Stay
from patients.services import RenderedDocument
from wmr import audit
from wmr.pdf import qr_svg, render_pdf

INVITATION_TEMPLATE_VERSION = 1


def _public_url(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def _recipient_lines(patient) -> list[str]:
    """The address as DIN 5008 wants it: form of address, name, street, postal code and city."""
    lines = []
    if patient.sex == Sex.FEMALE:
        lines.append(pgettext("postal address", "Ms"))
    elif patient.sex == Sex.MALE:
        lines.append(pgettext("postal address", "Mr"))
    lines.append(patient.full_name)
    if patient.street:
        lines.append(patient.street)
    if patient.postal_code or patient.city:
        lines.append(f"{patient.postal_code} {patient.city}".strip())
    return lines


def _salutation(patient) -> str:
    if patient.sex == Sex.FEMALE:
        return _("Dear Ms %(last_name)s,") % {"last_name": patient.last_name}
    if patient.sex == Sex.MALE:
        return _("Dear Mr %(last_name)s,") % {"last_name": patient.last_name}
    return _("Dear %(first_name)s %(last_name)s,") % {"first_name": patient.first_name, "last_name": patient.last_name}


def address_incomplete(stay: Stay) -> bool:
    """A letter without street or city cannot be posted; the view warns about it."""
    patient = stay.patient
    return not (patient.street and patient.postal_code and patient.city)


def render_invitation_letter(stay: Stay, *, token: str, today: dt.date) -> RenderedDocument:
    """The invitation letter (DIN 5008) with the raw one-time ``token`` printed and as QR code.

    Written in the clinic's language (settings.LANGUAGE_CODE), whatever language the clinician's screen uses.
    The token must belong to a link of this stay; its expiry date is printed.
    """
    link = PatientLink.objects.get(stay=stay, token_hash=tokens.token_hash(token))
    facility, patient = stay.facility, stay.patient
    link_path = reverse("patient_link:entry") + tokens.normalize(token)
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "stay": stay,
            "patient": patient,
            "sender": facility,
            "recipient_lines": _recipient_lines(patient),
            "info_rows": [
                (_("Our reference"), stay.number),
                (_("Planned admission"), stay.admission_date.strftime("%d.%m.%Y")),
                *([(_("Phone"), facility.phone)] if facility.phone else []),
                *([(_("E-mail"), facility.email)] if facility.email else []),
            ],
            "letter_date": today,
            "subject": _("Your rehabilitation in %(clinic)s: work-related medical rehabilitation (WMR)")
            % {"clinic": facility.name},
            "salutation": _salutation(patient),
            "info_url": facility.wmr_info_url,
            "info_qr": qr_svg(facility.wmr_info_url) if facility.wmr_info_url else "",
            "link_url": _public_url(link_path),
            "link_qr": qr_svg(_public_url(link_path + "/")),
            "entry_url": _public_url(reverse("patient_link:entry")),
            "token_display": tokens.display(tokens.normalize(token)),
            "expires_on": timezone.localdate(link.expires_at),
        }
        content = render_pdf("patients/pdf/invitation_letter.html", context)
    return RenderedDocument(
        filename=f"invitation-letter-{stay.number}-{today:%Y-%m-%d}.pdf",
        content_type="application/pdf",
        content=content,
    )


def invitation_create(*, by, stay: Stay, now: dt.datetime | None = None) -> Document:
    """Create the invitation letter of a stay: a new pre-admission link (older ones are revoked), the letter with
    its raw token, the stored document (SHA-256, author) and one audit row, all in one transaction.

    The raw token leaves this function only inside the stored letter.
    """
    now = now or timezone.now()
    with transaction.atomic():
        link, raw_token = services.patient_link_create(by=by, stay=stay, purpose=LinkPurpose.PRE_ADMISSION, now=now)
        rendered = render_invitation_letter(stay, token=raw_token, today=timezone.localdate(now))
        document = services.document_store(
            by=by,
            stay=stay,
            kind=DocumentKind.INVITATION_LETTER,
            rendered=rendered,
            facts={
                "explains_wmr": True,  # rec. 1.1: the letter's "What is WMR?" section
                "asks_occupational_contacts": True,  # rec. 1.2: occupational physician and BEM contact requested
                "links_online_info": bool(stay.facility.wmr_info_url),  # rec. 1.4: QR code + URL if the clinic has one
                "patient_link_id": link.pk,
                "template_version": INVITATION_TEMPLATE_VERSION,
            },
        )
        audit.log(
            document, "patients.invitation.created", user=by, data={"sha256": document.sha256, "patient_link": link.pk}
        )
    return document


def document_for_download(*, user, stay: Stay, document_id: int) -> Document | None:
    """A stored document of this stay (None if it belongs to another stay), its download written to the audit log."""
    document = stay.documents.filter(pk=document_id).first()
    if document is not None:
        audit.log(document, "patients.document.downloaded", user=user, data={"sha256": document.sha256})
    return document
