"""Rec 10.5: the clinic contacts the employer (and the company medical service) only with the patient's consent, and
keeps a contact log: date, whom, channel, purpose, outcome. Refused without a consent valid on the contact date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from patients import services
from patients.errors import ConsentMissing
from patients.models import CONSENT_FOR_CONTACT, ConsentKind, ContactKind, ContactPurpose, ExternalContact

GIVEN = dt.date(2026, 11, 3)
WITHDRAWN = dt.date(2026, 11, 18)


def _employer(stay, by) -> ExternalContact:
    return services.contact_save(
        by=by, contact=ExternalContact(stay=stay, kind=ContactKind.EMPLOYER, organisation="Muster GmbH", person="HR")
    )


def _url(stay, contact) -> str:
    return reverse("patients:contact-event", args=[stay.pk, contact.pk])


def test_the_contact_log_stores_purpose_and_outcome(stay, social_worker):
    services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.EMPLOYER, given_on=GIVEN)
    contact = _employer(stay, social_worker)
    event = services.contact_event_record(
        by=social_worker,
        contact=contact,
        on=dt.date(2026, 11, 20),
        channel="phone",
        purpose=ContactPurpose.ADAPTED_EMPLOYMENT,
        outcome="  Employer offers a desk job without night shifts.  ",
    )
    event.refresh_from_db()
    assert event.purpose == ContactPurpose.ADAPTED_EMPLOYMENT
    assert event.outcome == "Employer offers a desk job without night shifts."
    assert event.history.count() == 1


def test_a_contact_after_the_withdrawal_is_refused_and_one_before_it_is_kept(stay, social_worker):
    consent = services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.EMPLOYER, given_on=GIVEN)
    services.consent_withdraw(by=social_worker, consent=consent, withdrawn_on=WITHDRAWN)
    contact = _employer(stay, social_worker)
    services.contact_event_record(
        by=social_worker, contact=contact, on=WITHDRAWN - dt.timedelta(days=1), channel="phone", purpose="conflict"
    )
    with pytest.raises(ConsentMissing) as excinfo, translation.override("en"):
        services.contact_event_record(
            by=social_worker, contact=contact, on=dt.date(2026, 11, 20), channel="phone", purpose="graded_return"
        )
    assert "withdrawn" in excinfo.value.message
    assert contact.events.count() == 1


def test_the_page_records_purpose_and_outcome_and_the_overview_lists_them(stay, social_worker, client_for):
    services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.EMPLOYER, given_on=GIVEN)
    contact = _employer(stay, social_worker)
    client = client_for(social_worker, language="en")
    response = client.post(
        _url(stay, contact),
        {
            "on": "2026-11-20",
            "channel": "meeting",
            "purpose": "graded_return",
            "outcome": "Start on 04.01.2027 agreed.",
        },
    )
    assert response.status_code == 302
    event = contact.events.get()
    assert (event.purpose, event.outcome) == ("graded_return", "Start on 04.01.2027 agreed.")
    page = client.get(reverse("cases:overview", args=[stay.pk])).content.decode()
    assert "graded return to work" in page
    assert "Start on 04.01.2027 agreed." in page


def test_an_employer_contact_without_a_purpose_is_refused_with_a_message(stay, social_worker, client_for):
    services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.EMPLOYER, given_on=GIVEN)
    contact = _employer(stay, social_worker)
    response = client_for(social_worker, language="en").post(
        _url(stay, contact), {"on": "2026-11-20", "channel": "phone", "outcome": "kept"}
    )
    assert response.status_code == 200
    assert "Please choose the purpose of the contact." in response.content.decode()
    assert "kept</textarea>" in response.content.decode()
    assert contact.events.count() == 0


def test_a_family_doctor_contact_needs_no_purpose(stay, social_worker, client_for):
    services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.TREATING_PRACTITIONERS, given_on=GIVEN)
    contact = services.contact_save(
        by=social_worker, contact=ExternalContact(stay=stay, kind=ContactKind.FAMILY_DOCTOR, person="Dr. Haus")
    )
    response = client_for(social_worker).post(_url(stay, contact), {"on": "2026-11-20", "channel": "letter"})
    assert response.status_code == 302
    assert contact.events.get().purpose == ""


def test_the_page_refuses_a_contact_after_the_withdrawal_with_the_reason_and_keeps_the_input(
    stay, social_worker, client_for
):
    consent = services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.EMPLOYER, given_on=GIVEN)
    services.consent_withdraw(by=social_worker, consent=consent, withdrawn_on=WITHDRAWN)
    contact = _employer(stay, social_worker)
    response = client_for(social_worker, language="en").post(
        _url(stay, contact),
        {"on": "2026-11-20", "channel": "phone", "purpose": "conflict", "outcome": "Talk about the team conflict"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    with translation.override("en"):
        expected = str(ConsentMissing(ConsentKind.EMPLOYER, withdrawn=True).message)
    assert "withdrawn the consent" in expected
    assert expected.replace("“", "&ldquo;").split("&ldquo;")[0] in page
    assert "Talk about the team conflict" in page
    assert contact.events.count() == 0


def test_the_stay_history_shows_the_contact_with_purpose_and_outcome(stay, social_worker, client_for):
    services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.EMPLOYER, given_on=GIVEN)
    services.contact_event_record(
        by=social_worker,
        contact=_employer(stay, social_worker),
        on=dt.date(2026, 11, 20),
        channel="phone",
        purpose="bem",
        outcome="BEM talk on 10.12.2026",
    )
    page = client_for(social_worker, language="en").get(reverse("patients:stay-history", args=[stay.pk]))
    text = page.content.decode()
    assert "occupational integration management (BEM)" in text
    assert "BEM talk on 10.12.2026" in text


@pytest.mark.parametrize(
    ("contact_kind", "consent_kind"),
    [
        (ContactKind.INTEGRATION_SERVICE, ConsentKind.INTEGRATION_SERVICE),
        (ContactKind.EMPLOYMENT_AGENCY, ConsentKind.EMPLOYMENT_AGENCY),
    ],
)
def test_integration_service_and_employment_agency_need_their_own_consent(
    stay, social_worker, contact_kind, consent_kind
):
    assert CONSENT_FOR_CONTACT[contact_kind] == consent_kind
    contact = services.contact_save(
        by=social_worker, contact=ExternalContact(stay=stay, kind=contact_kind, organisation="Office")
    )
    services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.EMPLOYER, given_on=GIVEN)
    with pytest.raises(ConsentMissing):
        services.contact_event_record(by=social_worker, contact=contact, on=dt.date(2026, 11, 20), channel="phone")
    services.consent_give(by=social_worker, stay=stay, kind=consent_kind, given_on=GIVEN)
    event = services.contact_event_record(by=social_worker, contact=contact, on=dt.date(2026, 11, 20), channel="phone")
    assert event.consent.kind == consent_kind
