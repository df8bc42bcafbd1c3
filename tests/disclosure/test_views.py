"""The package flow through the pages and the API (crafted requests included), the history, and the patient's plan
link (bound to the first browser, expiry, revocation)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from disclosure import services
from disclosure.models import DisclosureRecord
from patients import services as patient_services
from tests.conftest import login
from tests.disclosure.conftest import MARKERS, TODAY
from wmr.models import AuditEntry

pytestmark = pytest.mark.django_db


def package(contact, purpose="graded_return", sections=("graded_plan", "capacity_summary")) -> dict:
    return {"contact": contact.pk, "purpose": purpose, "sections": list(sections), "note": ""}


def test_the_form_offers_only_the_sections_the_consent_and_policy_allow(stay, employer, treating_psychologist):
    client = login(treating_psychologist, "en")
    response = client.get(
        reverse("disclosure:new", args=[stay.pk]), {"contact": employer.pk, "purpose": "graded_return"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    offered = set(re.findall(r'name="sections" value="(\w+)"', html))
    assert offered == {"graded_plan", "capacity_summary"}
    assert "never sent to this kind of recipient for this purpose" in html  # the left-out sections, explained


def test_without_a_consent_the_form_shows_the_reason_and_logs_the_refusal(stay, bare_contact, treating_psychologist):
    client = login(treating_psychologist, "en")
    response = client.get(
        reverse("disclosure:new", args=[stay.pk]), {"contact": bare_contact.pk, "purpose": "graded_return"}
    )
    assert response.status_code == 200
    assert "has not given the consent" in response.content.decode()
    assert 'name="sections"' not in response.content.decode()
    assert AuditEntry.objects.filter(action="disclosure.package.refused", stay_id=stay.pk).count() == 1


def test_preview_then_send_records_the_package(full_record, employer, treating_psychologist):
    stay = full_record
    client = login(treating_psychologist, "en")
    preview = client.post(reverse("disclosure:preview", args=[stay.pk]), package(employer))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert MARKERS["graded_plan"] in html and MARKERS["capacity_summary"] in html
    assert MARKERS["diagnoses"] not in html and MARKERS["goal_agreement"] not in html
    assert AuditEntry.objects.filter(action="disclosure.package.previewed").count() == 1
    assert not DisclosureRecord.objects.exists()

    sent = client.post(reverse("disclosure:create", args=[stay.pk]), package(employer))
    assert sent.status_code == 302
    record = DisclosureRecord.objects.get()
    assert record.sections == ["graded_plan", "capacity_summary"] and record.created_by == treating_psychologist

    history = client.get(reverse("disclosure:stay", args=[stay.pk]))
    assert history.status_code == 200
    assert 'data-testid="disclosure-record"' in history.content.decode()
    assert record.sha256[:14] in history.content.decode()

    download = client.get(reverse("disclosure:record-pdf", args=[stay.pk, record.pk]))
    assert download.status_code == 200 and download.content == bytes(record.document.content)
    assert AuditEntry.objects.filter(action="disclosure.package.downloaded", object_id=str(record.pk)).exists()


@pytest.mark.parametrize("url_name", ["disclosure:preview", "disclosure:create"])
@pytest.mark.parametrize(
    "sections",
    [("graded_plan", "diagnoses"), ("profile_comparison",), ("graded_plan", "not-a-section"), ()],
    ids=["diagnoses", "comparison", "unknown", "none"],
)
def test_a_crafted_post_never_gets_a_section_in(full_record, employer, treating_psychologist, url_name, sections):
    client = login(treating_psychologist, "en")
    response = client.post(reverse(url_name, args=[full_record.pk]), package(employer, sections=sections))
    assert response.status_code == 400
    assert not DisclosureRecord.objects.exists()
    html = response.content.decode()
    assert MARKERS["diagnoses"] not in html and MARKERS["graded_plan"] not in html
    assert 'data-testid="package-refused"' in html


def test_a_crafted_post_with_another_stays_contact_is_refused(stay, make_stay, employer, treating_psychologist):
    other = make_stay()
    client = login(treating_psychologist, "en")
    response = client.post(reverse("disclosure:create", args=[other.pk]), package(employer))
    assert response.status_code == 400
    assert not DisclosureRecord.objects.exists()


def test_a_crafted_post_after_withdrawal_is_refused(stay, employer, consent, treating_psychologist, social_worker):
    patient_services.consent_withdraw(by=social_worker, consent=consent, withdrawn_on=TODAY)
    client = login(treating_psychologist, "en")
    response = client.post(reverse("disclosure:create", args=[stay.pk]), package(employer))
    assert response.status_code == 400
    assert "withdrew the consent" in response.content.decode()
    assert not DisclosureRecord.objects.exists()


def test_the_scope_page_narrows_what_is_offered(stay, employer, consent, treating_psychologist):
    client = login(treating_psychologist, "en")
    url = reverse("disclosure:scope", args=[stay.pk, consent.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"purposes": ["graded_return"], "sections": ["graded_plan"], "note": "mündlich"})
    assert response.status_code == 302
    page = client.get(reverse("disclosure:new", args=[stay.pk]), {"contact": employer.pk, "purpose": "graded_return"})
    assert set(re.findall(r'name="sections" value="(\w+)"', page.content.decode())) == {"graded_plan"}
    assert "not covered by the patient" in page.content.decode()


# --- API ------------------------------------------------------------------------------------------------------------


def api_url(stay) -> str:
    return reverse("api:stay-disclosures", args=[stay.pk])


def test_the_api_creates_and_lists_packages(stay, employer, treating_psychologist):
    client = login(treating_psychologist, "en")
    created = client.post(api_url(stay), package(employer), content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    record = DisclosureRecord.objects.get()
    assert body["id"] == record.pk and body["sections"] == ["graded_plan", "capacity_summary"]
    assert body["sha256"] == record.sha256 and body["consent"] == record.consent_id
    listed = client.get(api_url(stay))
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [record.pk]
    assert AuditEntry.objects.filter(action="disclosure.package.api_listed").count() == 1


@pytest.mark.parametrize(
    "sections",
    [["graded_plan", "diagnoses"], ["discharge_letter_work"], ["graded_plan", "secret"], []],
    ids=["diagnoses", "letter", "unknown", "empty"],
)
def test_a_crafted_api_call_never_gets_a_section_in(full_record, employer, treating_psychologist, sections):
    client = login(treating_psychologist, "en")
    response = client.post(api_url(full_record), package(employer, sections=sections), content_type="application/json")
    assert response.status_code == 400
    assert not DisclosureRecord.objects.exists()
    assert MARKERS["diagnoses"] not in response.content.decode()


def test_the_api_refuses_without_consent_with_the_reason(stay, bare_contact, treating_psychologist):
    client = login(treating_psychologist, "en")
    response = client.post(api_url(stay), package(bare_contact), content_type="application/json")
    assert response.status_code == 400
    assert "has not given the consent" in response.json()["detail"][0]
    assert AuditEntry.objects.filter(action="disclosure.package.refused").count() == 1


def test_the_api_refuses_another_stays_contact(stay, make_stay, employer, treating_psychologist):
    other = make_stay()
    client = login(treating_psychologist, "en")
    response = client.post(api_url(other), package(employer), content_type="application/json")
    assert response.status_code == 400 and "contact" in response.json()


def test_management_cannot_create_through_the_api(stay, employer, manager):
    response = login(manager).post(api_url(stay), package(employer), content_type="application/json")
    assert response.status_code == 404


# --- the patient's plan link ----------------------------------------------------------------------------------------


def invalid_page(response) -> bool:
    """The foundation's one page for every unusable link (the clinic's language, whatever the browser asks)."""
    return "patients/link_invalid.html" in [template.name for template in response.templates]


def new_plan_link(client, stay) -> str:
    response = client.post(reverse("disclosure:plan-link-create", args=[stay.pk]))
    assert response.status_code == 302
    page = client.get(reverse("disclosure:stay", args=[stay.pk])).content.decode()
    match = re.search(r'data-testid="plan-link-url">[^<]*/p/(\w+)/<', page)
    assert match, "the new link is shown once"
    again = client.get(reverse("disclosure:stay", args=[stay.pk])).content.decode()
    assert 'data-testid="plan-link-url"' not in again
    return match.group(1)


def test_the_plan_link_shows_the_plan_to_the_first_browser_only(full_record, treating_psychologist):
    token = new_plan_link(login(treating_psychologist, "en"), full_record)
    phone = Client()
    url = reverse("patient_link:landing", args=[token])
    first = phone.get(url)
    assert first.status_code == 200
    html = first.content.decode()
    for section in ("goal_agreement", "transfer_strategies", "graded_plan"):
        assert MARKERS[section] in html
    assert MARKERS["diagnoses"] not in html and MARKERS["capacity_summary"] not in html
    assert phone.get(url).status_code == 200  # the same browser again
    other = Client().get(url)
    assert other.status_code == 404
    assert invalid_page(other)
    assert AuditEntry.objects.filter(action="disclosure.plan_link.viewed").count() == 2
    assert AuditEntry.objects.filter(action="disclosure.plan_link.bound").count() == 1
    assert phone.post(url).status_code == 405


def test_a_revoked_plan_link_shows_the_friendly_page(stay, treating_psychologist):
    client = login(treating_psychologist, "en")
    token = new_plan_link(client, stay)
    link = stay.links.get(purpose="patient_plan")
    assert client.post(reverse("disclosure:plan-link-revoke", args=[stay.pk, link.pk])).status_code == 302
    response = Client().get(reverse("patient_link:landing", args=[token]))
    assert response.status_code == 404
    assert invalid_page(response)


def test_an_expired_plan_link_shows_the_friendly_page_even_in_the_bound_browser(stay, treating_psychologist):
    token = new_plan_link(login(treating_psychologist, "en"), stay)
    phone = Client()
    url = reverse("patient_link:landing", args=[token])
    assert phone.get(url).status_code == 200
    with freeze_time(dt.datetime(2026, 11, 20, 10) + dt.timedelta(days=services.PLAN_LINK_TTL_DAYS, minutes=1)):
        response = phone.get(url)
    assert response.status_code == 404
    assert invalid_page(response)


def test_a_new_plan_link_revokes_the_previous_one(stay, treating_psychologist):
    client = login(treating_psychologist, "en")
    first = new_plan_link(client, stay)
    new_plan_link(client, stay)
    assert Client().get(reverse("patient_link:landing", args=[first])).status_code == 404
