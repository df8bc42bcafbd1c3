"""The disclosure package as one PDF (STYLE.md 8): ``render_package(...) -> RenderedDocument``.

Written in the clinic's language (settings.LANGUAGE_CODE), as the recipient reads it, whatever language the
clinician's screen uses. The context holds only the sections chosen (``content.package_content`` reads nothing
else), the recipient, the purpose and the consent it rests on.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import translation

from disclosure.content import package_content
from disclosure.rules import Purpose
from patients.models import Consent, ExternalContact, Stay
from patients.services import RenderedDocument
from wmr.pdf import render_pdf

TEMPLATE_VERSION = 1


def package_context(
    *, stay: Stay, contact: ExternalContact, purpose: str, sections, consent: Consent | None, today: dt.date
) -> dict:
    """What the preview page and the PDF show (the same template parts)."""
    return {
        "stay": stay,
        "patient": stay.patient,
        "facility": stay.facility,
        "contact": contact,
        "purpose": purpose,
        "purpose_label": Purpose(purpose).label,
        "consent": consent,
        "sections": package_content(stay, sections, today),
        "today": today,
    }


def render_package(
    *, stay: Stay, contact: ExternalContact, purpose: str, sections, consent: Consent, today: dt.date
) -> RenderedDocument:
    with translation.override(settings.LANGUAGE_CODE):
        context = package_context(
            stay=stay, contact=contact, purpose=purpose, sections=sections, consent=consent, today=today
        )
        content = render_pdf("disclosure/pdf/package.html", context)
    return RenderedDocument(
        filename=f"disclosure-{stay.number}-{contact.kind}-{purpose}-{today:%Y-%m-%d}.pdf",
        content_type="application/pdf",
        content=content,
    )
