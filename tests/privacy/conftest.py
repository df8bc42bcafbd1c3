"""The demo clinic once per module (rolled back afterwards), as tests/compliance/test_demo.py loads it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def richest_pk(loaded_demo, django_db_blocker) -> int:
    """The demo patient with rows in the most models of the graph (so the tests cover the most tables); found once
    per module, inside that module's demo (on PostgreSQL every load gets new ids)."""
    from patients.models import Patient
    from privacy import selectors

    def coverage(patient) -> int:
        return sum(1 for ids in selectors.patient_rows(patient.pk).owned.values() if ids)

    with django_db_blocker.unblock():
        return max(Patient.objects.filter(stays__isnull=False).distinct(), key=coverage).pk


@pytest.fixture
def demo(db, loaded_demo):
    return loaded_demo


@pytest.fixture
def rich_patient(demo, richest_pk):
    from patients.models import Patient

    return Patient.objects.get(pk=richest_pk)
