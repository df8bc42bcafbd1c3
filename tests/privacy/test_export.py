"""The Art. 15/20 export: every model with a foreign-key path to Patient or Stay is in it (found independently of
privacy.graph), the demo patient's rows are complete and nobody else's rows leak in."""

from __future__ import annotations

import base64
import hashlib
import json

from django.apps import apps

from patients.models import Document, Patient, Stay
from privacy import documents, graph, services
from wmr.models import AuditEntry


def models_with_a_path_to_patient() -> set[str]:
    """Walk the reverse relations (hidden ones too: simple-history's keys are related_name="+") from Patient."""
    seen: set = set()
    todo = [apps.get_model("patients", "Patient")]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for rel in model._meta.get_fields(include_hidden=True):
            if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one):
                todo.append(rel.related_model)
    # a historical model whose model is in the set (HistoricalPatient holds the id, not a key)
    for model in apps.get_models():
        if graph.is_historical(model) and model.instance_type in seen:
            seen.add(model)
    return {model._meta.label_lower for model in seen}


def test_every_model_with_a_path_to_the_patient_is_exported_or_excluded_with_a_reason(privacy_officer, stay):
    export = services.patient_export(by=privacy_officer, patient=stay.patient, fmt="json").as_json()
    expected = models_with_a_path_to_patient()
    assert "patients.stay" in expected and "reintegration.historicalplanstep" in expected  # the walk reaches far
    missing = expected - set(export["models"]) - set(graph.EXPORT_EXCLUDED)
    assert missing == set()
    assert set(export["not_exported"]) == set(graph.EXPORT_EXCLUDED)
    assert all(len(reason) > 20 for reason in graph.EXPORT_EXCLUDED.values())
    assert set(export["models"]).isdisjoint(graph.EXPORT_EXCLUDED)


def test_the_demo_patients_export_holds_their_rows_and_documents_and_nobody_elses(rich_patient, privacy_officer):
    patient = rich_patient
    stay_ids = set(Stay.objects.filter(patient=patient).values_list("pk", flat=True))
    rendered = documents.render_export_json(services.patient_export(by=privacy_officer, patient=patient, fmt="json"))
    data = json.loads(rendered.content)

    filled = {label for label, section in data["models"].items() if section["rows"]}
    assert len(filled) >= 40, sorted(set(data["models"]) - filled)
    assert data["models"]["patients.patient"]["rows"][0]["last_name"] == patient.last_name
    assert {row["id"] for row in data["models"]["patients.stay"]["rows"]} == stay_ids
    for label, section in data["models"].items():
        for row in section["rows"]:
            if "stay_id" in row and label != "therapy.therapysession":
                assert row["stay_id"] in stay_ids, label
            if "patient_id" in row:
                assert row["patient_id"] == patient.pk, label
    stored = {doc.pk: doc.sha256 for doc in Document.objects.filter(stay__patient=patient)}
    assert stored
    for row in data["models"]["patients.document"]["rows"]:
        assert hashlib.sha256(base64.b64decode(row["content"])).hexdigest() == stored[row["id"]] == row["sha256"]
    history = data["models"]["patients.historicalpatient"]["rows"]
    assert history and all(row["id"] == patient.pk for row in history)
    assert AuditEntry.objects.filter(action="privacy.patient.exported", patient_id=patient.pk).exists()


def test_the_export_pdf_is_a_pdf_with_the_patients_sections(demo, privacy_officer):
    patient = Patient.objects.filter(stays__documents__isnull=False).first()
    export = services.patient_export(by=privacy_officer, patient=patient, fmt="pdf")
    rendered = documents.render_export_pdf(export)
    assert rendered.content.startswith(b"%PDF")
    assert rendered.filename == f"patient-{patient.pk}-{rendered.filename.split('-', 2)[2]}"
