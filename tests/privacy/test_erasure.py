"""Erasure after the retention period: only due patients, every row of the graph (history included), no audit row
touched, a tombstone without personal data, idempotent; the dry-run command changes nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from patients.models import Patient, Stay, StayStatus
from privacy import graph, selectors, services
from privacy.models import ErasureRecord
from privacy.tasks import erase_expired
from wmr.models import AuditEntry

TODAY = dt.date(2026, 12, 6)
LONG_AGO = dt.date(2015, 6, 30)  # > 10 years before TODAY


def discharge(patient: Patient, on: dt.date) -> None:
    """Move every stay of the patient into the past (queryset update: no history row, like a back-dated record)."""
    stays = Stay.objects.filter(patient=patient)
    stays.update(admission_date=on - dt.timedelta(days=35))
    stays.update(status=StayStatus.DISCHARGED, discharge_date=on)


def all_models():
    return [m for m in apps.get_models(include_auto_created=True) if not m._meta.proxy]


def references_to(ids_by_model: dict) -> list[str]:
    """Every row of every table (historical ones included) whose relation column holds one of the given ids."""
    found = []
    for model in all_models():
        for field in model._meta.concrete_fields:
            if not field.is_relation:
                continue
            target = field.related_model
            base = getattr(target, "instance_type", target)
            ids = ids_by_model.get(base)
            if ids and model._default_manager.filter(**{field.attname + "__in": ids}).exists():
                found.append(f"{model._meta.label}.{field.name}")
        if graph.is_historical(model):  # the historical copy of an erased row, found by its original id
            ids = ids_by_model.get(model.instance_type)
            pk = model.instance_type._meta.pk.attname
            if ids and model._default_manager.filter(**{pk + "__in": ids}).exists():
                found.append(f"{model._meta.label}.{pk}")
        elif ids_by_model.get(model) and model._default_manager.filter(pk__in=ids_by_model[model]).exists():
            found.append(f"{model._meta.label} (row itself)")
    return found


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in all_models()}


@pytest.fixture
def old_patient(rich_patient):
    discharge(rich_patient, LONG_AGO)
    return rich_patient


def test_a_due_patient_leaves_no_row_anywhere_and_the_database_stays_consistent(old_patient):
    rows = selectors.patient_rows(old_patient.pk)
    owned = {model: ids for model, ids in rows.owned.items() if ids}
    assert len(owned) >= 25, sorted(m._meta.label for m in owned)  # the demo patient fills most of the graph
    assert references_to(owned)  # the check below would see them

    record = services.patient_erase(patient_id=old_patient.pk, today=TODAY)

    assert references_to(owned) == []
    connection.check_constraints()  # no dangling foreign key (deferred constraints checked now)
    assert record.former_patient_id == old_patient.pk
    assert record.end_of_treatment == LONG_AGO
    assert record.retention_end == dt.date(2025, 6, 30)
    assert record.erased_by == "system"
    assert record.rows["patients.patient"] == 1
    assert record.rows["patients.historicalpatient"] >= 1


def test_the_audit_rows_stay_and_hold_ids_not_names(old_patient):
    stay_ids = list(old_patient.stays.values_list("pk", flat=True))
    before = list(AuditEntry.objects.filter(patient_id=old_patient.pk).values_list("pk", flat=True))
    assert before
    names = (old_patient.last_name, old_patient.first_name)

    services.patient_erase(patient_id=old_patient.pk, today=TODAY)

    kept = AuditEntry.objects.filter(pk__in=before)
    assert kept.count() == len(before)
    erased = AuditEntry.objects.get(action="privacy.patient.erased", patient_id=old_patient.pk)
    assert erased.user is None
    about = AuditEntry.objects.filter(patient_id=old_patient.pk) | AuditEntry.objects.filter(stay_id__in=stay_ids)
    for entry in about:
        text = f"{entry.username} {entry.object_id} {entry.path} {entry.data}"
        assert not any(name in text for name in names), entry.action


def test_a_patient_inside_the_retention_period_is_never_touched(rich_patient):
    patient = rich_patient
    discharge(patient, dt.date(2016, 12, 6))  # the period ends at the end of 06.12.2026 = TODAY
    counts = row_counts()

    assert selectors.patients_due_for_erasure(today=TODAY) == []
    with pytest.raises(services.NotDueForErasure):
        services.patient_erase(patient_id=patient.pk, today=TODAY)
    run = services.erase_expired(today=TODAY)

    assert run.erased == []
    assert row_counts() == counts
    assert services.erase_expired(today=TODAY + dt.timedelta(days=1)).erased[0].former_patient_id == patient.pk


def test_a_patient_with_an_open_stay_is_never_due(rich_patient):
    patient = rich_patient
    discharge(patient, LONG_AGO)
    stay = Stay.objects.filter(patient=patient).first()
    Stay.objects.filter(pk=stay.pk).update(status=StayStatus.ADMITTED)
    assert services.erase_expired(today=TODAY).erased == []
    assert Patient.objects.filter(pk=patient.pk).exists()


def test_a_shared_group_session_stays_and_the_others_attendance_with_it(old_patient):
    from therapy.models import Attendance, TherapySession

    rows = selectors.patient_rows(old_patient.pk)
    shared = rows.referenced.get(TherapySession, set())
    private = rows.owned.get(TherapySession, set())
    others = set(Attendance.objects.filter(session__in=shared).exclude(stay__patient=old_patient).values_list("pk"))

    services.patient_erase(patient_id=old_patient.pk, today=TODAY)

    assert TherapySession.objects.filter(pk__in=shared).count() == len(shared)
    assert not TherapySession.objects.filter(pk__in=private).exists()
    assert set(Attendance.objects.filter(session__in=shared).values_list("pk")) == others


def test_the_task_erases_once_and_a_second_run_finds_nothing(old_patient):
    first = erase_expired.apply(kwargs={"today": TODAY.isoformat()}).get()
    assert first["erased"] == [old_patient.pk]
    assert first["rows"] > 50
    assert erase_expired.apply(kwargs={"today": TODAY.isoformat()}).get() == {"erased": [], "failed": [], "rows": 0}
    assert ErasureRecord.objects.filter(former_patient_id=old_patient.pk).count() == 1
    assert AuditEntry.objects.filter(action="privacy.patient.erased", patient_id=old_patient.pk).count() == 1


def test_the_task_is_declared_safe_to_rerun():
    assert erase_expired.acks_late is True
    assert erase_expired.reject_on_worker_lost is True


def test_the_dry_run_lists_the_due_patient_and_changes_nothing(old_patient):
    counts = row_counts()
    out = StringIO()
    call_command("privacy_erasure", "--dry-run", f"--today={TODAY}", stdout=out)
    text = out.getvalue()
    assert f"patient {old_patient.pk}" in text
    assert "end of treatment 2015-06-30" in text and "retention end 2025-06-30" in text
    assert old_patient.stays.first().number in text
    assert old_patient.last_name not in text
    assert row_counts() == counts


def test_the_command_erases_and_prints_counts_and_is_idempotent(old_patient):
    out = StringIO()
    call_command("privacy_erasure", f"--today={TODAY}", stdout=out)
    assert "Erased 1 patient(s)" in out.getvalue()
    assert not Patient.objects.filter(pk=old_patient.pk).exists()
    out = StringIO()
    call_command("privacy_erasure", f"--today={TODAY}", stdout=out)
    assert "0 patient(s) due" in out.getvalue() and "Erased 0 patient(s)" in out.getvalue()


def test_a_bad_date_is_a_clear_command_error(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--today"):
        call_command("privacy_erasure", "--today=2026-13-01", stdout=StringIO())
