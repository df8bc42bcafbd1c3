"""Services: care team ⇔ object permissions, consents that block actions, duplicate patients."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from patients import selectors, services
from patients.errors import ConsentMissing, DuplicateMembership, PossibleDuplicatePatient
from patients.models import ConsentKind, ContactKind, ExternalContact, Patient, Stay, TeamFunction
from tests.factories import PatientFactory
from wmr.models import AuditEntry

TODAY = dt.date(2026, 11, 23)


def test_adding_to_the_care_team_grants_access_and_removing_revokes_it_at_once(stay, other_team_clinician):
    assert stay not in selectors.stays_visible_to(other_team_clinician)
    membership = services.careteam_add(
        by=other_team_clinician, stay=stay, user=other_team_clinician, function=TeamFunction.PHYSICIAN
    )
    assert other_team_clinician.has_perm("patients.view_stay", stay)
    assert stay in selectors.stays_visible_to(other_team_clinician)

    services.careteam_remove(by=other_team_clinician, membership=membership)
    fresh = type(other_team_clinician).objects.get(pk=other_team_clinician.pk)  # no permission cache
    assert not fresh.has_perm("patients.view_stay", stay)
    assert stay not in selectors.stays_visible_to(fresh)
    assert AuditEntry.objects.filter(action="patients.careteam.removed", stay_id=stay.pk).count() == 1


def test_a_duplicate_care_team_membership_is_refused(stay, treating_psychologist):
    with pytest.raises(DuplicateMembership):
        services.careteam_add(by=treating_psychologist, stay=stay, user=treating_psychologist, function="physician")


def test_a_missing_consent_blocks_contacting_the_employer_and_says_which(stay, social_worker):
    contact = services.contact_save(
        by=social_worker, contact=ExternalContact(stay=stay, kind=ContactKind.EMPLOYER, organisation="Muster GmbH")
    )
    with pytest.raises(ConsentMissing) as excinfo:
        services.contact_event_record(by=social_worker, contact=contact, on=TODAY, channel="phone")
    assert excinfo.value.kind == ConsentKind.EMPLOYER
    assert str(ConsentKind.EMPLOYER.label) in excinfo.value.message
    assert contact.events.count() == 0
    assert AuditEntry.objects.filter(action="patients.consent.refused", stay_id=stay.pk).exists()


def test_a_valid_consent_allows_the_contact_and_is_recorded_with_it(stay, social_worker):
    consent = services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.EMPLOYER, given_on=TODAY)
    contact = services.contact_save(
        by=social_worker, contact=ExternalContact(stay=stay, kind=ContactKind.EMPLOYER, organisation="Muster GmbH")
    )
    event = services.contact_event_record(by=social_worker, contact=contact, on=TODAY, channel="phone")
    assert event.consent == consent


def test_a_withdrawn_consent_blocks_from_the_withdrawal_day_and_says_withdrawn(stay, social_worker):
    consent = services.consent_give(
        by=social_worker, stay=stay, kind=ConsentKind.OCCUPATIONAL_PHYSICIAN, given_on=dt.date(2026, 11, 3)
    )
    services.consent_withdraw(by=social_worker, consent=consent, withdrawn_on=dt.date(2026, 11, 20))
    contact = services.contact_save(
        by=social_worker,
        contact=ExternalContact(stay=stay, kind=ContactKind.BEM_CONTACT, person="Frau Schulz"),
    )
    # the day before the withdrawal it was still valid
    services.contact_event_record(by=social_worker, contact=contact, on=dt.date(2026, 11, 19), channel="email")
    with pytest.raises(ConsentMissing) as excinfo:
        services.contact_event_record(by=social_worker, contact=contact, on=dt.date(2026, 11, 20), channel="email")
    assert "widerrufen" in excinfo.value.message or "withdrawn" in excinfo.value.message
    # the consent stays on record, with its earlier version in the history
    consent.refresh_from_db()
    assert consent.withdrawn_on == dt.date(2026, 11, 20)
    assert consent.history.count() == 2
    assert consent.history.earliest().withdrawn_on is None


def test_a_consent_cannot_be_withdrawn_before_it_was_given(stay, social_worker):
    consent = services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.PAYER, given_on=TODAY)
    with pytest.raises(ValidationError):
        services.consent_withdraw(by=social_worker, consent=consent, withdrawn_on=TODAY - dt.timedelta(days=1))
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_each_contact_kind_needs_its_own_consent():
    from patients.models import CONSENT_FOR_CONTACT

    assert CONSENT_FOR_CONTACT[ContactKind.BEM_CONTACT] == ConsentKind.OCCUPATIONAL_PHYSICIAN
    assert CONSENT_FOR_CONTACT[ContactKind.EMPLOYER] == ConsentKind.EMPLOYER
    assert set(CONSENT_FOR_CONTACT) == set(ContactKind.values)


def _stay_data(facility):
    return {"facility": facility, "admission_date": dt.date(2026, 12, 1), "discharge_date": dt.date(2027, 1, 5)}


def test_a_new_patient_with_the_same_last_name_and_birth_date_is_offered_not_created(facility, treating_psychologist):
    existing = PatientFactory(facility=facility, last_name="Berger", birth_date=dt.date(1980, 5, 17))
    with pytest.raises(PossibleDuplicatePatient) as excinfo:
        services.patient_create_with_stay(
            user=treating_psychologist,
            patient_data={
                "facility": facility,
                "last_name": "berger ",
                "first_name": "Helen",
                "birth_date": dt.date(1980, 5, 17),
            },
            stay_data=_stay_data(facility),
            team_function=TeamFunction.PRIMARY_THERAPIST,
        )
    assert excinfo.value.candidates == [existing]
    assert Patient.objects.count() == 1
    assert Stay.objects.count() == 0


def test_the_same_insurance_number_is_a_likely_duplicate_even_with_another_name(facility, treating_psychologist):
    existing = PatientFactory(facility=facility, last_name="Berger", kvnr="A123456780")
    with pytest.raises(PossibleDuplicatePatient) as excinfo:
        services.patient_create_with_stay(
            user=treating_psychologist,
            patient_data={
                "facility": facility,
                "last_name": "Neumann",
                "first_name": "Helen",
                "birth_date": dt.date(1980, 5, 17),
                "kvnr": "A123456780",
            },
            stay_data=_stay_data(facility),
            team_function=TeamFunction.PRIMARY_THERAPIST,
        )
    assert excinfo.value.candidates == [existing]


def test_a_confirmed_different_person_is_created_and_the_creator_joins_the_care_team(facility, treating_psychologist):
    PatientFactory(facility=facility, last_name="Berger", birth_date=dt.date(1980, 5, 17))
    stay = services.patient_create_with_stay(
        user=treating_psychologist,
        patient_data={
            "facility": facility,
            "last_name": "Berger",
            "first_name": "Anna",
            "birth_date": dt.date(1980, 5, 17),
        },
        stay_data=_stay_data(facility),
        team_function=TeamFunction.PRIMARY_THERAPIST,
        confirm_new=True,
    )
    assert Patient.objects.filter(last_name="Berger").count() == 2
    assert stay.number == f"2026-{stay.pk:06d}"
    assert stay.status == "invited"
    assert stay in selectors.stays_visible_to(treating_psychologist)
    assert stay.care_team.get().function == TeamFunction.PRIMARY_THERAPIST


def test_an_existing_patient_gets_a_second_stay(facility, treating_psychologist):
    existing = PatientFactory(facility=facility)
    stay = services.patient_create_with_stay(
        user=treating_psychologist,
        patient_data={},
        stay_data=_stay_data(facility),
        team_function=TeamFunction.PRIMARY_THERAPIST,
        existing_patient=existing,
    )
    assert stay.patient == existing
    assert Patient.objects.count() == 1


def test_a_discharge_before_admission_is_refused_by_the_service(stay, treating_psychologist):
    with pytest.raises(ValidationError) as excinfo:
        services.stay_update(
            by=treating_psychologist, stay=stay, data={"discharge_date": stay.admission_date - dt.timedelta(days=1)}
        )
    assert "discharge_date" in excinfo.value.message_dict
    stay.refresh_from_db()
    assert stay.discharge_date > stay.admission_date


def test_a_correction_of_the_stay_keeps_the_original_version(stay, treating_psychologist):
    original = stay.department_code
    services.stay_update(by=treating_psychologist, stay=stay, data={"department_code": "3197"})
    versions = list(stay.history.order_by("history_date").values_list("department_code", flat=True))
    assert versions[0] == original
    assert versions[-1] == "3197"


def test_the_history_page_shows_the_original_and_the_correction(stay, treating_psychologist, client_for):
    from django.urls import reverse

    services.stay_update(by=treating_psychologist, stay=stay, data={"department_code": "3197"})
    response = client_for(treating_psychologist).get(reverse("patients:stay-history", args=[stay.pk]))
    entries = response.context["entries"]
    changed = [e for e in entries if e.kind == "changed" and e.record.startswith(str(Stay._meta.verbose_name))]
    assert len(changed) == 1
    (label, old, new) = changed[0].changes[0]
    assert (old, new) == ("3100", "3197")
    assert "3100" in response.content.decode()
