"""Writes of the privacy app: the Art. 15/20 export of a patient, the audit-trail export and the erasure after the
retention period (§630f BGB).

Erasure deletes (not anonymises): a health record cannot be anonymised reliably field by field (free text, letters,
stored PDFs), and after the retention period the clinic has no ground to keep any of it (Art. 17 (1) a GDPR). What
stays is an ``ErasureRecord`` without personal data and the audit log, which files rows under plain ids.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from patients.models import Patient
from privacy import graph, selectors
from privacy.models import ErasureRecord
from wmr import audit

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "wmr-patient-export/1"


class NotDueForErasure(Exception):
    """Raised when asked to erase a patient whose retention period has not ended (never happens silently)."""


# --- Art. 15/20 export ---------------------------------------------------------------------------------------------


def _json_value(obj: models.Model, fld: models.Field):
    value = getattr(obj, fld.attname)
    if isinstance(fld, models.BinaryField) and value is not None:
        # Stored documents are embedded: one file answers the request completely, and the SHA-256 stored next to
        # the content lets the patient check each file.
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if hasattr(value, "hex") and not isinstance(value, str | int | float | bytes):  # UUID, Decimal
        return str(value)
    return value


def _display_value(obj: models.Model, fld: models.Field) -> str:
    value = getattr(obj, fld.attname)
    if value is None or value == "":
        return ""
    if isinstance(fld, models.BinaryField):
        return f"{len(bytes(value))} bytes"
    if fld.choices:
        return str(getattr(obj, f"get_{fld.name}_display")())
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return "✓" if value else "–"
    return str(value)


@dataclass
class ExportSection:
    label: str
    verbose_name: str
    historical: bool
    fields: list[models.Field]
    objects: list[models.Model]

    def json_rows(self) -> list[dict]:
        return [{fld.attname: _json_value(obj, fld) for fld in self.fields} for obj in self.objects]

    def display_rows(self) -> list[list[tuple[str, str]]]:
        return [
            [(str(fld.verbose_name), _display_value(obj, fld)) for fld in self.fields if _display_value(obj, fld)]
            for obj in self.objects
        ]


@dataclass
class PatientExport:
    patient: Patient
    generated_at: dt.datetime
    sections: list[ExportSection] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "format": EXPORT_FORMAT,
            "generated_at": self.generated_at.isoformat(),
            "patient_id": self.patient.pk,
            "legal_basis": "GDPR Art. 15 (access) and Art. 20 (portability)",
            "models": {
                section.label: {
                    "verbose_name": section.verbose_name,
                    "historical": section.historical,
                    "rows": section.json_rows(),
                }
                for section in self.sections
            },
            "not_exported": dict(graph.EXPORT_EXCLUDED),
        }


def patient_export_collect(patient: Patient) -> PatientExport:
    """Every row stored on the patient, per model of the graph (historical models right after their model)."""
    rows = selectors.patient_rows(patient.pk)
    export = PatientExport(patient=patient, generated_at=timezone.now())
    for model in graph.export_models():
        if graph.is_historical(model):
            base = model.instance_type
            ids = rows.export_ids(base)
            queryset = model._default_manager.filter(**{base._meta.pk.attname + "__in": ids}).order_by(
                "history_date", "history_id"
            )
        else:
            queryset = model._default_manager.filter(pk__in=rows.export_ids(model)).order_by("pk")
        export.sections.append(
            ExportSection(
                label=graph.label(model),
                verbose_name=str(model._meta.verbose_name_plural),
                historical=graph.is_historical(model),
                fields=list(model._meta.concrete_fields),
                objects=list(queryset),
            )
        )
    return export


def patient_export(*, by, patient: Patient, fmt: str) -> PatientExport:
    """The Art. 15/20 export of ``patient`` (JSON or PDF), audit-logged. Not stored: a stored copy would be a
    Document of a stay and so visible to the care team; the officer hands the file over and the log records it."""
    export = patient_export_collect(patient)
    audit.log(
        patient,
        "privacy.patient.exported",
        user=by,
        data={"format": fmt, "rows": sum(len(section.objects) for section in export.sections)},
    )
    return export


def audit_trail_exported(*, by, patient: Patient, fmt: str, start=None, end=None, rows: int) -> None:
    """Record that the patient's audit trail left the system (Art. 15)."""
    period = {"start": start.isoformat() if start else "", "end": end.isoformat() if end else ""}
    audit.log(patient, "privacy.audit_trail.exported", user=by, data={"format": fmt, "rows": rows, **period})


# --- erasure after the retention period ------------------------------------------------------------------------------


def _raw_delete(queryset: models.QuerySet) -> int:
    """DELETE without Django's collector: no signals (simple-history would write a "deleted" version), no PROTECT
    check. The rows of the whole graph go in one transaction; the database checks its (deferred) foreign keys at
    commit, so the order within the transaction does not matter."""
    return queryset._raw_delete(queryset.db) or 0


def _clear_references(rows: selectors.PatientRows) -> dict[str, int]:
    """Rows of others that refer to a row of the patient through a nullable key lose the reference (in their
    history too), as ``on_delete=SET_NULL`` would do."""
    cleared: dict[str, int] = {}
    for link in graph.links():
        if link.owning:
            continue
        parent_ids = rows.owned.get(link.parent, set())
        if not parent_ids:
            continue
        attname = link.model._meta.get_field(link.field).attname
        mine = rows.owned.get(link.model, set())
        pk = link.model._meta.pk.attname
        for model in (link.model, graph.historical_model(link.model)):
            if model is None:
                continue
            queryset = model._default_manager.filter(**{attname + "__in": parent_ids}).exclude(**{pk + "__in": mine})
            count = queryset.update(**{attname: None})
            if count:
                cleared[graph.label(model)] = cleared.get(graph.label(model), 0) + count
    return cleared


def _delete_generic_references(rows: selectors.PatientRows) -> dict[str, int]:
    """Rows that point at the patient's rows by content type and id (GenericForeignKey, e.g. django-guardian's
    generic object permissions) are deleted too."""
    deleted: dict[str, int] = {}
    from django.apps import apps

    for model in apps.get_models():
        for private in model._meta.private_fields:
            if not isinstance(private, GenericForeignKey):
                continue
            for owner, ids in rows.owned.items():
                if not ids:
                    continue
                content_type = ContentType.objects.get_for_model(owner, for_concrete_model=False)
                queryset = model._default_manager.filter(
                    **{private.ct_field: content_type, private.fk_field + "__in": [str(i) for i in ids]}
                )
                count = _raw_delete(queryset)
                if count:
                    deleted[graph.label(model)] = deleted.get(graph.label(model), 0) + count
    return deleted


def patient_erase(*, patient_id: int, today: dt.date, years: int | None = None) -> ErasureRecord | None:
    """Delete every row of the patient's graph (live and historical) and leave an ``ErasureRecord``.

    Refuses (``NotDueForErasure``) a patient inside the retention period, whatever the caller thinks. Returns None if
    the patient no longer exists (a second run). One transaction; one audit row ``privacy.patient.erased`` without
    personal data. Audit rows are never touched."""
    years = years or settings.RETENTION_YEARS
    with transaction.atomic():
        patient = Patient.objects.select_for_update().filter(pk=patient_id).first()
        if patient is None:
            return None
        stays, retention = selectors.patient_retention(patient_id, today=today, years=years)
        if not retention.due:
            raise NotDueForErasure(f"patient {patient_id} is inside the retention period")
        facility_id = patient.facility_id
        rows = selectors.patient_rows(patient_id)
        counts = _clear_references(rows)
        counts.update(_delete_generic_references(rows))
        for model in reversed(graph.graph_models()):
            historical = rows.history(model)
            if historical is not None:
                deleted = _raw_delete(historical)
                if deleted:
                    counts[graph.label(historical.model)] = deleted
            deleted = _raw_delete(rows.live(model))
            if deleted:
                counts[graph.label(model)] = deleted
        record = ErasureRecord.objects.create(
            former_patient_id=patient_id,
            facility_id=facility_id,
            stays=stays,
            end_of_treatment=retention.end_of_treatment,
            retention_end=retention.retention_end,
            erased_by="system",
            rows=counts,
        )
        audit.log(
            record,
            "privacy.patient.erased",
            user=None,
            data={
                "stays": stays,
                "end_of_treatment": retention.end_of_treatment.isoformat(),
                "retention_end": retention.retention_end.isoformat(),
                "rows": sum(counts.values()),
            },
            patient_id=patient_id,
        )
    return record


@dataclass
class ErasureRun:
    erased: list[ErasureRecord] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(sum(record.rows.values()) for record in self.erased)


def erase_expired(*, today: dt.date, years: int | None = None) -> ErasureRun:
    """Erase every patient due on ``today`` (the nightly job and ``manage.py privacy_erasure``). One transaction per
    patient: a patient that fails is logged and left for the next night, the others go on. Idempotent."""
    run = ErasureRun()
    for due in selectors.patients_due_for_erasure(today=today, years=years):
        try:
            record = patient_erase(patient_id=due.patient.pk, today=today, years=years)
        except Exception:
            logger.exception("erasure of patient %s failed", due.patient.pk)
            run.failed.append(due.patient.pk)
            continue
        if record is not None:
            run.erased.append(record)
    return run
