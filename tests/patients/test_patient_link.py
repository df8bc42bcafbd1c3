"""The patient's one-time link: the code entry page, the pre-admission page, one page for every unusable link,
the rate limit, and what the public pages may and may not show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from patients import services, tokens
from patients.models import ContactKind, ContactSource, ExternalContact, LinkPurpose, PatientLink
from wmr.models import AuditEntry


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """The rate limit counts in the cache; every test starts and ends with an empty one."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def patient_client() -> Client:
    return Client()


@pytest.fixture
def link_and_token(stay, treating_psychologist) -> tuple[PatientLink, str]:
    return services.patient_link_create(by=treating_psychologist, stay=stay, purpose=LinkPurpose.PRE_ADMISSION)


def landing(token: str) -> str:
    return reverse("patient_link:landing", args=[token])


CONTACTS = {
    "occupational_physician-organisation": "Arbeitsmedizinischer Dienst Nord",
    "occupational_physician-person": "Dr. Feld",
    "occupational_physician-phone": "040 123456",
    "bem_contact-person": "Frau Kaya",
    "bem_contact-email": "bem@firma.example",
}


def assert_public(response) -> None:
    """No staff navigation, never indexed, never cached."""
    html = response.content.decode()
    assert "navbar" not in html
    assert reverse("cases:worklist") not in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


# --- entry page ----------------------------------------------------------------------------------------------------


def test_the_entry_page_shows_the_code_form_without_login(patient_client):
    response = patient_client.get(reverse("patient_link:entry"))
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()
    assert_public(response)


def test_a_typed_code_is_normalised_and_leads_to_the_landing_page(patient_client, link_and_token):
    _link, raw = link_and_token
    typed = " " + tokens.display(raw).lower() + " "
    response = patient_client.post(reverse("patient_link:entry"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == landing(raw)


def test_a_code_of_the_wrong_shape_keeps_the_input_and_says_what_is_expected(patient_client):
    response = patient_client.post(reverse("patient_link:entry"), {"code": "ABC-123"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="ABC-123"' in html
    assert "is-invalid" in html
    assert "ABCD-EFGH-JKMN" in html


# --- the pre-admission page ----------------------------------------------------------------------------------------


def test_the_landing_page_greets_by_first_name_and_shows_nothing_else_of_the_stay(patient_client, link_and_token, stay):
    _link, raw = link_and_token
    response = patient_client.get(landing(raw))
    assert response.status_code == 200
    html = response.content.decode()
    patient = stay.patient
    assert patient.first_name in html
    assert patient.last_name not in html
    assert f"{patient.birth_date:%d.%m.%Y}" not in html and patient.birth_date.isoformat() not in html
    assert patient.street not in html
    assert stay.number not in html
    assert stay.facility.name in html
    assert f"{stay.admission_date:%d.%m.%Y}" in html
    assert 'id="what-is-wmr"' in html
    for kind in (ContactKind.OCCUPATIONAL_PHYSICIAN, ContactKind.BEM_CONTACT, ContactKind.EMPLOYER):
        assert f'name="{kind}-organisation"' in html
    assert_public(response)


def test_the_printed_short_url_without_slash_reaches_the_landing_page(patient_client, link_and_token):
    _link, raw = link_and_token
    response = patient_client.get(f"/p/{raw}", follow=True)
    assert response.redirect_chain == [(landing(raw), 301)]
    assert response.status_code == 200
    assert 'id="what-is-wmr"' in response.content.decode()


def test_the_code_as_printed_with_dashes_works_in_the_address(patient_client, link_and_token):
    _link, raw = link_and_token
    assert patient_client.get(landing(tokens.display(raw))).status_code == 200


def test_opening_the_link_records_the_first_opening_but_does_not_use_it(patient_client, link_and_token):
    link, raw = link_and_token
    patient_client.get(landing(raw))
    patient_client.get(landing(raw))
    link.refresh_from_db()
    assert link.opened_at is not None and link.used_at is None
    assert AuditEntry.objects.filter(action="patients.link.opened", object_id=str(link.pk)).count() == 1


def test_submitting_stores_the_named_contacts_and_the_link_is_then_dead(patient_client, link_and_token, stay):
    link, raw = link_and_token
    response = patient_client.post(landing(raw), CONTACTS)
    assert response.status_code == 200
    assert stay.facility.name in response.content.decode()
    assert_public(response)
    contacts = {c.kind: c for c in ExternalContact.objects.filter(stay=stay)}
    assert set(contacts) == {ContactKind.OCCUPATIONAL_PHYSICIAN, ContactKind.BEM_CONTACT}
    physician = contacts[ContactKind.OCCUPATIONAL_PHYSICIAN]
    assert (physician.organisation, physician.person, physician.phone) == (
        "Arbeitsmedizinischer Dienst Nord",
        "Dr. Feld",
        "040 123456",
    )
    assert contacts[ContactKind.BEM_CONTACT].email == "bem@firma.example"
    assert all(c.source == ContactSource.PATIENT_LINK for c in contacts.values())
    link.refresh_from_db()
    assert link.used_at is not None
    again = patient_client.get(landing(raw))
    assert again.status_code == 404
    resubmit = patient_client.post(landing(raw), CONTACTS)
    assert resubmit.status_code == 404
    assert ExternalContact.objects.filter(stay=stay).count() == 2


def test_an_empty_form_asks_for_at_least_one_contact(patient_client, link_and_token, stay):
    link, raw = link_and_token
    response = patient_client.post(landing(raw), {})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not ExternalContact.objects.exists()
    link.refresh_from_db()
    assert link.used_at is None


def test_a_contact_without_name_or_organisation_is_refused_and_the_input_kept(patient_client, link_and_token):
    link, raw = link_and_token
    data = {"employer-phone": "0170 555", "bem_contact-email": "not-an-address", "bem_contact-person": "Kaya"}
    response = patient_client.post(landing(raw), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "employer-organisation" in form.errors
    assert "bem_contact-email" in form.errors
    html = response.content.decode()
    assert 'value="0170 555"' in html and 'value="not-an-address"' in html and 'value="Kaya"' in html
    assert not ExternalContact.objects.exists()
    link.refresh_from_db()
    assert link.used_at is None


# --- every unusable link gets the same page --------------------------------------------------------------------------


@pytest.fixture
def unusable_tokens(stay, make_stay, treating_psychologist) -> dict[str, str]:
    """One token per reason a link cannot be used, each on its own stay."""
    now = timezone.now()
    _used, used = services.patient_link_create(
        by=treating_psychologist, stay=make_stay(), purpose=LinkPurpose.PRE_ADMISSION
    )
    services.patient_link_use(link=_used)
    _expired, expired = services.patient_link_create(
        by=treating_psychologist, stay=make_stay(), purpose=LinkPurpose.PRE_ADMISSION, now=now - dt.timedelta(days=31)
    )
    _revoked, revoked = services.patient_link_create(
        by=treating_psychologist, stay=make_stay(), purpose=LinkPurpose.PRE_ADMISSION
    )
    services.patient_link_revoke(by=treating_psychologist, link=_revoked)
    return {"unknown": tokens.new_token(), "used": used, "expired": expired, "revoked": revoked}


def test_unknown_used_expired_and_revoked_links_get_one_identical_page(patient_client, unusable_tokens):
    responses = {reason: patient_client.get(landing(token)) for reason, token in unusable_tokens.items()}
    assert {r.status_code for r in responses.values()} == {404}
    bodies = {r.content for r in responses.values()}
    assert len(bodies) == 1
    assert_public(responses["unknown"])
    posts = {reason: patient_client.post(landing(token), CONTACTS) for reason, token in unusable_tokens.items()}
    assert {r.status_code for r in posts.values()} == {404}
    assert {r.content for r in posts.values()} == bodies
    assert not ExternalContact.objects.exists()


def test_the_invalid_page_names_no_patient_and_no_clinic(patient_client, unusable_tokens):
    """Which of the reasons applies is covered by the identical pages above; here: nothing says whose link it was."""
    html = patient_client.get(landing(unusable_tokens["expired"])).content.decode()
    for patient_link in PatientLink.objects.select_related("stay__patient", "stay__facility"):
        assert patient_link.stay.patient.last_name not in html
        assert patient_link.stay.patient.first_name not in html
        assert patient_link.stay.facility.name not in html


def test_a_link_expires_after_its_lifetime(patient_client, stay, treating_psychologist, settings):
    now = timezone.now()
    link, raw = services.patient_link_create(
        by=treating_psychologist,
        stay=stay,
        purpose=LinkPurpose.PRE_ADMISSION,
        now=now - dt.timedelta(days=settings.PATIENT_LINK_TTL_DAYS) + dt.timedelta(minutes=5),
    )
    assert patient_client.get(landing(raw)).status_code == 200
    with freeze_time(now + dt.timedelta(minutes=10)):
        assert patient_client.get(landing(raw)).status_code == 404


def test_an_overlong_token_gets_the_invalid_page(patient_client):
    response = patient_client.get(landing("A" * 200))
    assert response.status_code == 404


# --- rate limit ------------------------------------------------------------------------------------------------------


def test_the_link_pages_answer_429_after_the_rate_limit(patient_client, link_and_token, settings):
    settings.PATIENT_LINK_RATE = "3/m"
    _link, raw = link_and_token
    with freeze_time("2026-11-23 10:00:10"):
        assert patient_client.get(reverse("patient_link:entry")).status_code == 200
        assert patient_client.get(landing(tokens.new_token())).status_code == 404
        assert patient_client.get(landing(raw)).status_code == 200
        limited = patient_client.get(landing(raw))
        also_limited = patient_client.get(reverse("patient_link:entry"))
    assert limited.status_code == 429 and also_limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert_public(limited)
    html = limited.content.decode()
    assert 'id="what-is-wmr"' not in html
    with freeze_time("2026-11-23 10:01:10"):
        assert patient_client.get(landing(raw)).status_code == 200


def test_the_rate_limit_counts_per_client_address(link_and_token, settings):
    settings.PATIENT_LINK_RATE = "1/m"
    _link, raw = link_and_token
    with freeze_time("2026-11-23 10:00:10"):
        assert Client(REMOTE_ADDR="192.0.2.1").get(landing(raw)).status_code == 200
        assert Client(REMOTE_ADDR="192.0.2.1").get(landing(raw)).status_code == 429
        assert Client(REMOTE_ADDR="192.0.2.2").get(landing(raw)).status_code == 200
