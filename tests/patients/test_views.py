"""The create/edit pages: clear messages in German, typed input kept, nothing stored lost, never a 500."""

import datetime as dt

import pytest
from django.urls import reverse

from patients import services
from patients.models import ConsentKind, Patient, Stay
from tests.factories import PatientFactory

CREATE = reverse("patients:create")


def create_post(facility, **overrides):
    data = {
        "patient-last_name": "Berger",
        "patient-first_name": "Helen",
        "patient-birth_date": "1980-05-17",
        "patient-sex": "f",
        "patient-street": "Lindenstraße 5",
        "patient-postal_code": "20095",
        "patient-city": "Hamburg",
        "patient-kvnr": "A123456780",
        "patient-pension_insurance_number": "65170839J003",
        "stay-facility": str(facility.pk),
        "stay-admission_date": "2026-12-01",
        "stay-discharge_date": "2027-01-05",
        "stay-department_code": "3197",
        "stay-payer": "drv_bund",
        "stay-employment_status": "employed",
        "extra-team_function": "primary_therapist",
    }
    data.update(overrides)
    return data


def test_a_clinician_creates_a_patient_with_a_planned_stay(facility, treating_psychologist, client_for):
    response = client_for(treating_psychologist).post(CREATE, create_post(facility))
    stay = Stay.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:overview", args=[stay.pk])
    assert stay.patient.kvnr == "A123456780"
    assert stay.care_team.get().user == treating_psychologist


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("stay-discharge_date", "2026-11-30", "Entlassungsdatum liegt vor dem Aufnahmedatum"),
        ("patient-birth_date", "2099-01-01", "Geburtsdatum liegt in der Zukunft"),
        ("patient-birth_date", "1900-01-01", "mehr als 100 Jahre"),
        ("patient-kvnr", "A123456781", "Prüfziffer"),
        ("patient-kvnr", "123", "Großbuchstabe"),
        ("patient-pension_insurance_number", "65170839J00", "12 Zeichen"),
        ("patient-birth_date", "kein Datum", "gültiges Datum"),
    ],
)
def test_bad_input_gets_a_german_message_and_the_form_keeps_what_was_typed(
    facility, treating_psychologist, client_for, field, value, message
):
    response = client_for(treating_psychologist).post(CREATE, create_post(facility, **{field: value}))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'value="Lindenstraße 5"' in html  # typed input kept
    assert Stay.objects.count() == 0 and Patient.objects.count() == 0


def test_a_likely_duplicate_is_offered_and_can_be_chosen(facility, treating_psychologist, client_for):
    existing = PatientFactory(facility=facility, last_name="Berger", birth_date=dt.date(1980, 5, 17))
    client = client_for(treating_psychologist)
    response = client.post(CREATE, create_post(facility, **{"patient-kvnr": ""}))
    assert response.status_code == 200
    assert 'data-testid="duplicates"' in response.content.decode()
    assert Patient.objects.count() == 1

    response = client.post(CREATE, create_post(facility, **{"patient-kvnr": "", "use_existing": str(existing.pk)}))
    stay = Stay.objects.get()
    assert response.status_code == 302
    assert stay.patient == existing
    assert Patient.objects.count() == 1


def test_a_patient_that_was_not_offered_cannot_be_chosen(facility, treating_psychologist, client_for):
    unrelated = PatientFactory(facility=facility, last_name="Keller")
    response = client_for(treating_psychologist).post(
        CREATE, create_post(facility, **{"use_existing": str(unrelated.pk)})
    )
    assert response.status_code == 404
    assert Stay.objects.count() == 0


def test_confirming_a_different_person_creates_a_second_patient(facility, treating_psychologist, client_for):
    PatientFactory(facility=facility, last_name="Berger", birth_date=dt.date(1980, 5, 17))
    response = client_for(treating_psychologist).post(
        CREATE, create_post(facility, **{"patient-kvnr": "", "extra-confirm_new": "on"})
    )
    assert response.status_code == 302
    assert Patient.objects.count() == 2


def test_a_facility_of_another_clinic_cannot_be_chosen(facility, other_facility, treating_psychologist, client_for):
    response = client_for(treating_psychologist).post(CREATE, create_post(other_facility))
    assert response.status_code == 200
    assert Stay.objects.count() == 0


def test_editing_the_stay_with_a_discharge_before_admission_keeps_the_stored_dates(
    stay, treating_psychologist, client_for
):
    url = reverse("patients:stay-edit", args=[stay.pk])
    response = client_for(treating_psychologist).post(
        url,
        {
            "status": "admitted",
            "admission_date": "2026-11-02",
            "discharge_date": "2026-10-01",
            "department_code": "3100",
            "payer": "drv_bund",
            "employment_status": "employed",
        },
    )
    assert response.status_code == 200
    assert "Entlassungsdatum liegt vor dem Aufnahmedatum" in response.content.decode()
    assert 'value="2026-10-01"' in response.content.decode()
    stay.refresh_from_db()
    assert stay.discharge_date == dt.date(2026, 12, 7)


def test_a_consent_withdrawn_before_it_was_given_gets_a_message(stay, social_worker, client_for):
    consent = services.consent_give(
        by=social_worker, stay=stay, kind=ConsentKind.EMPLOYER, given_on=dt.date(2026, 11, 10)
    )
    url = reverse("patients:consent-withdraw", args=[stay.pk, consent.pk])
    response = client_for(social_worker).post(url, {"withdrawn_on": "2026-11-09"})
    assert response.status_code == 200
    assert "kann nicht widerrufen werden, bevor sie erteilt wurde" in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_a_duplicate_care_team_membership_gets_a_message(stay, treating_psychologist, social_worker, client_for):
    url = reverse("patients:careteam", args=[stay.pk])
    response = client_for(treating_psychologist).post(url, {"user": social_worker.pk, "function": "social_worker"})
    assert response.status_code == 200
    assert "bereits im Behandlungsteam" in response.content.decode()
    assert stay.care_team.count() == 2


def test_contacting_the_employer_without_consent_is_refused_with_the_missing_consent_named(
    stay, social_worker, client_for
):
    client = client_for(social_worker)
    client.post(reverse("patients:contact-create", args=[stay.pk]), {"kind": "employer", "organisation": "Muster GmbH"})
    contact = stay.contacts.get()
    response = client.post(
        reverse("patients:contact-event", args=[stay.pk, contact.pk]),
        {"on": "2026-11-20", "channel": "phone", "purpose": "graded_return"},
    )
    assert response.status_code == 200
    assert "Nicht möglich" in response.content.decode()
    assert "Kontakt mit dem Arbeitgeber" in response.content.decode()
    assert contact.events.count() == 0


def test_removing_a_member_takes_the_case_away_from_them(stay, treating_psychologist, social_worker, client_for):
    membership = stay.care_team.get(user=social_worker)
    client_for(treating_psychologist).post(reverse("patients:careteam-remove", args=[stay.pk, membership.pk]))
    response = client_for(social_worker).get(reverse("cases:overview", args=[stay.pk]))
    assert response.status_code == 404


def test_garbage_ids_and_dates_never_answer_500(stay, treating_psychologist, client_for):
    client = client_for(treating_psychologist)
    assert client.get(reverse("cases:worklist") + "?admission_from=31.02.2026&page=abc").status_code == 200
    assert client.get(f"/cases/stays/{stay.pk}99999/").status_code == 404
    assert client.get(reverse("patients:consent-withdraw", args=[stay.pk, 999999])).status_code == 404
    response = client.post(reverse("patients:consent-create", args=[stay.pk]), {"kind": "nonsense", "given_on": "x"})
    assert response.status_code == 200
