"""The audit log is append-only for everyone, and the pages write one row for each read and each change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from patients import services
from patients.models import CareTeamMembership, ConsentKind, ContactKind, ExternalContact, TeamFunction
from wmr import audit
from wmr.models import AuditEntry, AuditLogIsAppendOnly


@pytest.fixture
def entry(stay, treating_psychologist):
    return audit.log(stay, "patients.stay.viewed", user=treating_psychologist, data={"tab": "team"})


@pytest.fixture
def psych(treating_psychologist, client_for):
    return client_for(treating_psychologist)


def rows(action, **where):
    return list(AuditEntry.objects.filter(action=action, **where))


# --- append-only -------------------------------------------------------------------------------------------------


def test_an_audit_row_cannot_be_saved_again(entry):
    entry.action = "patients.stay.changed"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "patients.stay.viewed"


def test_an_audit_row_cannot_be_deleted(entry):
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_audit_rows_cannot_be_updated_in_bulk(entry):
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(action="patients.stay.changed")
    assert AuditEntry.objects.get(pk=entry.pk).action == "patients.stay.viewed"


def test_audit_rows_cannot_be_deleted_in_bulk(entry):
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)


@postgresql_only
def test_postgresql_rejects_a_raw_update_of_an_audit_row(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE wmr_auditentry SET action = %s WHERE id = %s", ["patients.stay.changed", entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "patients.stay.viewed"


@postgresql_only
def test_postgresql_rejects_a_raw_delete_of_an_audit_row(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM wmr_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_admin_cannot_see_audit_rows_in_the_django_admin(admin_user, client_for, entry):
    client = client_for(admin_user)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get("/admin/wmr/auditentry/").status_code == 404
    assert client.get(f"/admin/wmr/auditentry/{entry.pk}/change/").status_code == 404
    assert client.get(f"/admin/wmr/auditentry/{entry.pk}/delete/").status_code == 404


# --- reads -------------------------------------------------------------------------------------------------------


def test_opening_the_case_overview_writes_a_read_row(stay, treating_psychologist, psych):
    url = reverse("cases:overview", args=[stay.pk])
    assert psych.get(url).status_code == 200
    (row,) = rows("patients.stay.viewed")
    assert row.user == treating_psychologist
    assert row.username == "psych"
    assert (row.stay_id, row.patient_id) == (stay.pk, stay.patient_id)
    assert (row.object_type, row.object_id) == ("patients.stay", str(stay.pk))
    assert row.ip_address == "127.0.0.1"
    assert row.path == url


def test_every_opening_is_a_row_of_its_own(stay, psych):
    url = reverse("cases:overview", args=[stay.pk])
    psych.get(url)
    psych.get(url)
    assert len(rows("patients.stay.viewed", stay_id=stay.pk)) == 2


def test_opening_the_history_writes_a_history_read_row(stay, social_worker, client_for):
    assert client_for(social_worker).get(reverse("patients:stay-history", args=[stay.pk])).status_code == 200
    (row,) = rows("patients.stay.history_viewed")
    assert (row.user, row.stay_id, row.patient_id) == (social_worker, stay.pk, stay.patient_id)
    assert row.ip_address == "127.0.0.1"


@pytest.mark.parametrize("name", ["cases:overview", "patients:stay-history"])
def test_a_stay_of_another_team_answers_404_and_writes_no_read_row(stay, other_team_clinician, client_for, name):
    response = client_for(other_team_clinician).get(reverse(name, args=[stay.pk]))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(stay_id=stay.pk, action__endswith="viewed").exists()


def test_a_stay_that_does_not_exist_writes_no_read_row(psych):
    assert psych.get(reverse("cases:overview", args=[999_999])).status_code == 404
    assert not rows("patients.stay.viewed")


# --- changes -----------------------------------------------------------------------------------------------------


def post(client, name, stay, *args, data=None):
    response = client.post(reverse(name, args=[stay.pk, *args]), data or {})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_recording_a_consent_writes_a_row(stay, treating_psychologist, psych):
    post(psych, "patients:consent-create", stay, data={"kind": ConsentKind.EMPLOYER, "given_on": "2026-11-02"})
    (row,) = rows("patients.consent.given")
    assert (row.user, row.stay_id, row.patient_id) == (treating_psychologist, stay.pk, stay.patient_id)
    assert row.data == {"kind": "employer", "given_on": "2026-11-02"}
    assert row.ip_address == "127.0.0.1"


def test_withdrawing_a_consent_writes_a_row(stay, treating_psychologist, psych):
    consent = services.consent_give(
        by=treating_psychologist, stay=stay, kind=ConsentKind.EMPLOYER, given_on=dt.date(2026, 11, 2)
    )
    post(psych, "patients:consent-withdraw", stay, consent.pk, data={"withdrawn_on": "2026-11-10"})
    (row,) = rows("patients.consent.withdrawn")
    assert (row.user, row.stay_id, row.object_id) == (treating_psychologist, stay.pk, str(consent.pk))
    assert row.data == {"kind": "employer", "on": "2026-11-10"}


def test_adding_to_the_care_team_writes_a_row(stay, treating_psychologist, other_team_clinician, psych):
    before = len(rows("patients.careteam.added"))
    post(psych, "patients:careteam", stay, data={"user": other_team_clinician.pk, "function": TeamFunction.PHYSICIAN})
    added = rows("patients.careteam.added", stay_id=stay.pk)
    assert len(added) == before + 1
    row = added[0]
    assert row.user == treating_psychologist
    assert row.data == {"member": other_team_clinician.pk, "function": "physician"}


def test_removing_from_the_care_team_writes_a_row(stay, treating_psychologist, social_worker, psych):
    membership = CareTeamMembership.objects.get(stay=stay, user=social_worker)
    post(psych, "patients:careteam-remove", stay, membership.pk)
    (row,) = rows("patients.careteam.removed")
    assert (row.user, row.stay_id, row.object_id) == (treating_psychologist, stay.pk, str(membership.pk))
    assert row.data == {"member": social_worker.pk, "function": "social_worker"}


CONTACT = {"kind": ContactKind.EMPLOYER, "organisation": "Muster GmbH", "person": "Frau Beispiel"}


def test_creating_editing_and_deleting_a_contact_write_a_row_each(stay, treating_psychologist, psych):
    post(psych, "patients:contact-create", stay, data=CONTACT)
    contact = ExternalContact.objects.get(stay=stay)
    post(psych, "patients:contact-edit", stay, contact.pk, data={**CONTACT, "phone": "0561 12345"})
    post(psych, "patients:contact-delete", stay, contact.pk)
    for action in ("patients.contact.created", "patients.contact.changed", "patients.contact.deleted"):
        (row,) = rows(action)
        assert (row.user, row.stay_id, row.patient_id) == (treating_psychologist, stay.pk, stay.patient_id)
        assert (row.object_type, row.object_id) == ("patients.externalcontact", str(contact.pk))


def test_editing_the_stay_writes_a_row_naming_the_changed_fields(stay, treating_psychologist, psych):
    data = {
        "status": stay.status,
        "admission_date": "2026-11-02",
        "discharge_date": "2026-12-09",
        "department_code": "3197",
        "payer": stay.payer,
        "payer_reference": "",
        "employment_status": stay.employment_status,
        "occupation": "Lagerist",
    }
    post(psych, "patients:stay-edit", stay, data=data)
    (row,) = rows("patients.stay.changed")
    assert (row.user, row.stay_id, row.patient_id) == (treating_psychologist, stay.pk, stay.patient_id)
    assert row.data == {"fields": ["department_code", "discharge_date", "occupation"]}


def test_editing_the_patient_writes_a_row(stay, treating_psychologist, psych):
    patient = stay.patient
    data = {
        "last_name": patient.last_name,
        "first_name": patient.first_name,
        "birth_date": patient.birth_date.isoformat(),
        "sex": patient.sex,
        "street": "Neue Straße 7",
        "postal_code": patient.postal_code,
        "city": patient.city,
        "phone": "",
        "email": "",
        "health_insurer": "",
        "kvnr": "",
        "pension_insurance_number": "",
    }
    post(psych, "patients:patient-edit", stay, data=data)
    (row,) = rows("patients.patient.changed")
    assert (row.user, row.patient_id) == (treating_psychologist, patient.pk)
    assert (row.object_type, row.object_id) == ("patients.patient", str(patient.pk))
    assert row.data == {"fields": ["street"]}


def test_a_refused_write_for_another_teams_stay_writes_no_row(stay, other_team_clinician, client_for):
    before = AuditEntry.objects.filter(stay_id=stay.pk).count()
    response = client_for(other_team_clinician).post(
        reverse("patients:consent-create", args=[stay.pk]), {"kind": ConsentKind.EMPLOYER, "given_on": "2026-11-02"}
    )
    assert response.status_code == 404
    assert AuditEntry.objects.filter(stay_id=stay.pk).count() == before


def test_behind_a_trusted_proxy_the_client_address_is_the_last_forwarded_entry(rf, settings):
    from wmr.audit import client_address

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7")
    settings.TRUST_X_FORWARDED_FOR = False
    assert client_address(request) == "10.0.0.2"
    settings.TRUST_X_FORWARDED_FOR = True
    assert client_address(request) == "192.0.2.7"  # the entry our proxy appended; 6.6.6.6 is what the client claimed
