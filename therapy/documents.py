"""Documents of the therapy app: the patient's sheet of transfer strategies from the workplace training (7.8).

Shape (STYLE.md 8): ``render_<doc>(...) -> RenderedDocument``; storing goes through
``patients.services.document_store`` with the document's hash and author, in one transaction with its audit row.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from patients.models import Document
from patients.services import RenderedDocument, document_store
from therapy.models import TrainingPlan
from therapy.selectors_training import TRANSFER_STRATEGIES, stay_training_state
from therapy.services.training import TrainingRefused
from wmr import audit
from wmr.pdf import render_pdf

TRANSFER_STRATEGIES_TEMPLATE_VERSION = 1


def render_transfer_strategies(plan: TrainingPlan, *, today: dt.date, author=None) -> RenderedDocument:
    """The sheet the patient takes home (7.8): addressed to them, in the clinic's language whatever language the
    clinician's screen uses; the sub-goals with their result, the situations practised and the strategies in the
    patient's own words."""
    stay = plan.stay
    state = stay_training_state(stay)
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "stay": stay,
            "patient": stay.patient,
            "facility": stay.facility,
            "training": state,
            "today": today,
            "author": author,
            "title": _("Your strategies for daily life and work"),
        }
        content = render_pdf("therapy/pdf/transfer_strategies.html", context)
    return RenderedDocument(
        filename=f"transfer-strategies-{stay.number}-{today:%Y-%m-%d}.pdf",
        content_type="application/pdf",
        content=content,
    )


def transfer_strategies_create(*, by, plan: TrainingPlan, now: dt.datetime | None = None) -> Document:
    """Render the patient's sheet of transfer strategies and store it (SHA-256, author, facts) with one audit row.
    Refused while the plan has no strategy: an empty sheet helps nobody."""
    if not plan.strategies.exists():
        raise TrainingRefused(
            _("There is no transfer strategy to print yet; please record the patient's strategies first.")
        )
    now = now or timezone.now()
    with transaction.atomic():
        rendered = render_transfer_strategies(plan, today=timezone.localdate(now), author=by)
        document = document_store(
            by=by,
            stay=plan.stay,
            kind=TRANSFER_STRATEGIES,
            rendered=rendered,
            facts={
                "kind": TRANSFER_STRATEGIES,
                "plan_id": plan.pk,
                "strategies": plan.strategies.count(),  # rec. 7.8: written strategies handed to the patient
                "template_version": TRANSFER_STRATEGIES_TEMPLATE_VERSION,
            },
        )
        audit.log(document, "therapy.training.pdf_created", user=by, data={"sha256": document.sha256})
    return document
