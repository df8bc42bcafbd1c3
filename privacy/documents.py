"""The privacy officer's files: the access report (PDF), the audit trail (CSV, PDF) and the patient export (JSON,
PDF). Shape: ``render_<doc>(...) -> RenderedDocument`` (STYLE.md 8); none of them is stored (see services)."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from patients.models import Patient
from patients.services import RenderedDocument
from privacy.services import PatientExport
from wmr.pdf import render_pdf


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def render_access_report(*, patient: Patient, context: dict) -> RenderedDocument:
    content = render_pdf("pdf/privacy_access_report.html", {"patient": patient, **context})
    return RenderedDocument(f"access-report-{patient.pk}-{_stamp()}.pdf", "application/pdf", content)


def render_audit_trail_pdf(*, patient: Patient, context: dict) -> RenderedDocument:
    content = render_pdf("pdf/privacy_audit_trail.html", {"patient": patient, **context})
    return RenderedDocument(f"audit-trail-{patient.pk}-{_stamp()}.pdf", "application/pdf", content)


def render_export_json(export: PatientExport) -> RenderedDocument:
    content = json.dumps(export.as_json(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode("utf-8")
    return RenderedDocument(f"patient-{export.patient.pk}-{_stamp()}.json", "application/json", content)


def render_export_pdf(export: PatientExport) -> RenderedDocument:
    content = render_pdf("pdf/privacy_patient_export.html", {"export": export, "patient": export.patient})
    return RenderedDocument(f"patient-{export.patient.pk}-{_stamp()}.pdf", "application/pdf", content)
