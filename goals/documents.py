"""The patient's copy of the goal agreement (recommendation 3.9), as a PDF in plain language with signature lines.

Shape (STYLE.md 8): ``render_goal_agreement(...) -> RenderedDocument``; ``copy_create`` stores it through
``patients.services.document_store`` (SHA-256, author, facts) with one audit row.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from goals.errors import GoalsRefused
from goals.models import AgreementStatus, GoalAgreement
from goals.selectors import COPY_KIND
from patients import services as patient_services
from patients.models import Document, TeamFunction
from patients.services import RenderedDocument
from wmr import audit
from wmr.pdf import render_pdf

COPY_TEMPLATE_VERSION = 1


def _therapist(agreement: GoalAgreement):
    """The primary therapist of the stay's care team, else whoever wrote the version."""
    membership = (
        agreement.stay.care_team.filter(function=TeamFunction.PRIMARY_THERAPIST)
        .select_related("user")
        .order_by("added_at")
        .first()
    )
    return membership.user if membership else agreement.created_by


def render_goal_agreement(agreement: GoalAgreement, *, today: dt.date) -> RenderedDocument:
    """The patient's copy of one version: the goals in a table, the version and its date, signature lines for
    patient and therapist. Written in the clinic's language (settings.LANGUAGE_CODE), like the invitation letter."""
    stay = agreement.stay
    with translation.override(settings.LANGUAGE_CODE):
        content = render_pdf(
            "goals/pdf/goal_agreement.html",
            {
                "agreement": agreement,
                "goals": list(agreement.goals.order_by("position", "id")),
                "stay": stay,
                "patient": stay.patient,
                "sender": stay.facility,
                "therapist": _therapist(agreement),
                "today": today,
            },
        )
    return RenderedDocument(
        filename=f"goal-agreement-{stay.number}-v{agreement.version}-{today:%Y-%m-%d}.pdf",
        content_type="application/pdf",
        content=content,
    )


def copy_create(*, by, agreement: GoalAgreement, now: dt.datetime | None = None) -> Document:
    """Create and store the patient's copy of a draft or agreed version (a replaced version gets none).

    The document's facts say which version it shows and whether it was agreed when printed."""
    if agreement.status == AgreementStatus.SUPERSEDED:
        raise GoalsRefused(_("This version has been replaced by a later one; print the copy of the current version."))
    now = now or timezone.now()
    with transaction.atomic():
        rendered = render_goal_agreement(agreement, today=timezone.localdate(now))
        document = patient_services.document_store(
            by=by,
            stay=agreement.stay,
            kind=COPY_KIND,
            rendered=rendered,
            facts={
                "kind": COPY_KIND,
                "agreement_id": agreement.pk,
                "version": agreement.version,
                "agreed": agreement.status == AgreementStatus.AGREED,
                "goals": agreement.goals.count(),
                "template_version": COPY_TEMPLATE_VERSION,
            },
        )
        audit.log(
            document,
            "goals.copy.created",
            user=by,
            data={"sha256": document.sha256, "agreement": agreement.pk, "version": agreement.version},
        )
    return document
