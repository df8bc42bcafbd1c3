"""Pages and API of the return-to-work plan: build, refuse without consent (the reason shown, nothing stored), agree,
change through a new version, the versions page, the contact log, the overview part, query budgets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients import services as patient_services
from patients.models import ConsentKind, ContactKind, ExternalContact
from reintegration.models import RtwPlan, RtwStatus, StakeholderKind
from reintegration.services import rtw as services
from wmr.models import AuditEntry

GIVEN = dt.date(2026, 11, 3)


def _url(name, stay, *args):
    return reverse(f"reintegration:{name}", args=[stay.pk, *args])


@pytest.fixture
def client(social_worker, client_for):
    return client_for(social_worker, language="en")


@pytest.fixture
def draft(stay, social_worker) -> RtwPlan:
    plan = services.rtw_plan_start(by=social_worker, stay=stay, integration_goal="same_job", goal_detail="Warehouse")
    services.rtw_step_add(by=social_worker, plan=plan, text="Graded return", due_on=dt.date(2027, 1, 4))
    return plan


def test_building_the_plan_through_the_pages(stay, social_worker, client):
    assert "No return-to-work plan yet." in client.get(_url("rtw", stay)).content.decode()
    response = client.post(
        _url("rtw-start", stay), {"integration_goal": "retraining", "goal_detail": "Retraining as an IT clerk"}
    )
    assert response.status_code == 302
    plan = RtwPlan.objects.get(stay=stay)
    client.post(
        _url("rtw-step-add", stay), {"text": "Apply for retraining", "due_on": "2026-12-04", "responsible": "patient"}
    )
    patient_services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.PAYER, given_on=GIVEN)
    client.post(_url("rtw-stakeholder-add", stay), {"kind": "pension_case_management", "role": "Reha-Fachberatung"})
    page = client.get(_url("rtw", stay)).content.decode()
    assert "Retraining as an IT clerk" in page and "Apply for retraining" in page and "Reha-Fachberatung" in page

    response = client.post(_url("rtw-agree", stay), {"agreed_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == RtwStatus.AGREED
    assert AuditEntry.objects.filter(action="reintegration.rtw.agreed", stay_id=stay.pk).count() == 1


def test_a_stakeholder_without_consent_is_refused_with_the_reason_and_the_input_kept(stay, draft, client):
    response = client.post(_url("rtw-stakeholder-add", stay), {"kind": "employer", "role": "Talk to HR about nights"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The patient has not consented to contact with the employer." in page
    assert "Talk to HR about nights" in page
    assert draft.stakeholders.count() == 0


def test_the_stakeholder_form_shows_which_consents_are_given(stay, draft, social_worker, client):
    patient_services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.EMPLOYER, given_on=GIVEN)
    page = client.get(_url("rtw-stakeholder-add", stay)).content.decode()
    assert 'data-consent="employer" data-status="valid"' in page
    assert 'data-consent="integration_service" data-status="missing"' in page


def test_a_contact_of_the_wrong_kind_is_refused_in_the_form(stay, draft, social_worker, client):
    patient_services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.EMPLOYER, given_on=GIVEN)
    contact = patient_services.contact_save(
        by=social_worker, contact=ExternalContact(stay=stay, kind=ContactKind.PAYER, organisation="DRV Bund")
    )
    response = client.post(_url("rtw-stakeholder-add", stay), {"kind": "employer", "contact": contact.pk})
    assert response.status_code == 200
    assert "This contact is not of the kind of the stakeholder." in response.content.decode()
    assert draft.stakeholders.count() == 0


def test_a_garbage_agreement_date_shows_the_form_again_and_stores_nothing(stay, draft, client):
    response = client.post(_url("rtw-agree", stay), {"agreed_on": "31.02.2026"})
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == RtwStatus.DRAFT


def test_an_agreed_version_is_changed_only_through_a_new_version(stay, draft, social_worker, client):
    services.rtw_plan_agree(by=social_worker, plan=draft, agreed_on=GIVEN, today=GIVEN)
    step = draft.steps.get()
    response = client.get(_url("rtw-step-edit", stay, step.pk))
    assert response.status_code == 302
    assert client.get(_url("rtw-edit", stay)).status_code == 302  # no draft to edit
    assert client.post(_url("rtw-revise", stay)).status_code == 302
    new = RtwPlan.objects.get(stay=stay, version=2)
    assert new.status == RtwStatus.DRAFT and new.previous == draft
    client.post(_url("rtw-step-edit", stay, new.steps.get().pk), {"text": "Graded return from February"})
    page = client.get(_url("rtw-versions", stay)).content.decode()
    assert 'data-version="2" data-status="draft"' in page
    assert 'data-version="1" data-status="agreed"' in page
    assert "Graded return from February" in page and "Graded return" in page


def test_a_step_or_stakeholder_of_another_stay_answers_404(stay, draft, make_stay, social_worker, client):
    other = make_stay()
    foreign = services.rtw_plan_start(by=social_worker, stay=other, integration_goal="same_job")
    step = services.rtw_step_add(by=social_worker, plan=foreign, text="Other stay's step")
    patient_services.consent_give(by=social_worker, stay=other, kind=ConsentKind.EMPLOYER, given_on=GIVEN)
    stakeholder = services.rtw_stakeholder_add(by=social_worker, plan=foreign, kind="employer", today=GIVEN)
    assert client.get(_url("rtw-step-edit", stay, step.pk)).status_code == 404
    assert client.post(_url("rtw-step-remove", stay, step.pk)).status_code == 404
    assert client.post(_url("rtw-stakeholder-remove", stay, stakeholder.pk)).status_code == 404
    assert foreign.steps.count() == 1 and foreign.stakeholders.count() == 1


def test_the_page_lists_the_contact_log_with_purpose_and_outcome(stay, social_worker, client):
    patient_services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.EMPLOYER, given_on=GIVEN)
    contact = patient_services.contact_save(
        by=social_worker, contact=ExternalContact(stay=stay, kind=ContactKind.EMPLOYER, organisation="Muster GmbH")
    )
    patient_services.contact_event_record(
        by=social_worker,
        contact=contact,
        on=dt.date(2026, 11, 20),
        channel="phone",
        purpose="adapted_employment",
        outcome="Desk job offered",
    )
    page = client.get(_url("rtw", stay)).content.decode()
    assert 'data-purpose="adapted_employment"' in page
    assert "adapted continued employment" in page and "Desk job offered" in page and "20.11.2026" in page


def test_a_withdrawn_consent_is_flagged_on_the_page_and_the_overview(stay, draft, social_worker, client):
    consent = patient_services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.EMPLOYER, given_on=GIVEN)
    services.rtw_stakeholder_add(by=social_worker, plan=draft, kind="employer", today=GIVEN)
    patient_services.consent_withdraw(by=social_worker, consent=consent, withdrawn_on=dt.date(2026, 11, 10))
    assert 'data-testid="rtw-consent-problems"' in client.get(_url("rtw", stay)).content.decode()
    overview = client.get(reverse("cases:overview", args=[stay.pk])).content.decode()
    assert 'data-testid="rtw-consent-problem"' in overview


def test_the_overview_shows_the_plan_state(stay, draft, social_worker, client):
    page = client.get(reverse("cases:overview", args=[stay.pk])).content.decode()
    assert 'data-testid="overview-rtw" data-documented="no"' in page
    assert "version 1 waits to be agreed: same job" in page
    services.rtw_plan_agree(by=social_worker, plan=draft, agreed_on=GIVEN, today=GIVEN)
    page = client.get(reverse("cases:overview", args=[stay.pk])).content.decode()
    assert 'data-testid="overview-rtw" data-documented="yes"' in page


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(stay, plan, by, steps: int):
    for n in range(steps):
        services.rtw_step_add(by=by, plan=plan, text=f"Step {n}")
    for kind in ConsentKind.values:
        patient_services.consent_give(by=by, stay=stay, kind=kind, given_on=GIVEN)
    for kind in StakeholderKind.values:
        services.rtw_stakeholder_add(by=by, plan=plan, kind=kind, today=GIVEN)
    contact = patient_services.contact_save(
        by=by, contact=ExternalContact(stay=stay, kind=ContactKind.EMPLOYER, organisation="Muster GmbH")
    )
    for day in range(steps):
        patient_services.contact_event_record(
            by=by, contact=contact, on=GIVEN + dt.timedelta(days=day), channel="phone"
        )


# Plan page: session, user, stay (permission subquery, patient, facility), audit insert, plans (with author and
# previous), steps, stakeholders (with consent, contact), contact log (with contact, author), the write permission
# (user and group object permissions: 2), session renewal (3).
RTW_PAGE_BUDGET = 13


def test_the_plan_page_costs_the_same_queries_with_one_and_with_many_rows(stay, draft, social_worker, client):
    url = _url("rtw", stay)
    at_one = _queries(client, url)
    _grow(stay, draft, social_worker, steps=15)
    services.rtw_plan_agree(by=social_worker, plan=draft, agreed_on=GIVEN, today=GIVEN)
    services.rtw_plan_revise(by=social_worker, plan=RtwPlan.objects.get(pk=draft.pk))
    assert at_one == _queries(client, url) <= RTW_PAGE_BUDGET, at_one


def test_the_versions_page_costs_the_same_queries_with_one_and_with_many_versions(stay, draft, social_worker, client):
    url = _url("rtw-versions", stay)
    at_one = _queries(client, url)
    _grow(stay, draft, social_worker, steps=5)
    plan = draft
    for _ in range(3):
        plan = services.rtw_plan_agree(by=social_worker, plan=plan, agreed_on=GIVEN, today=GIVEN)
        plan = services.rtw_plan_revise(by=social_worker, plan=plan)
    assert _queries(client, url) == at_one


# --- API ----------------------------------------------------------------------------------------------------------


def test_the_api_returns_the_current_version_and_every_version(stay, draft, social_worker, client_for):
    patient_services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.EMPLOYER, given_on=GIVEN)
    services.rtw_stakeholder_add(by=social_worker, plan=draft, kind="employer", role="HR", today=GIVEN)
    agreed = services.rtw_plan_agree(by=social_worker, plan=draft, agreed_on=GIVEN, today=GIVEN)
    services.rtw_plan_revise(by=social_worker, plan=agreed)
    response = client_for(social_worker).get(reverse("api:stay-rtw-plan", args=[stay.pk]))
    assert response.status_code == 200
    data = response.json()
    assert (data["documented"], data["agreed_version"], data["draft_version"]) == (True, 1, 2)
    assert data["current"]["version"] == 2 and data["current"]["previous_version"] == 1
    assert [v["status"] for v in data["versions"]] == ["draft", "agreed"]
    assert data["current"]["steps"][0]["text"] == "Graded return"
    stakeholder = data["current"]["stakeholders"][0]
    assert (stakeholder["kind"], stakeholder["consent_kind"], stakeholder["consent_given_on"]) == (
        "employer",
        "employer",
        "2026-11-03",
    )
    assert data["stakeholders_without_valid_consent"] == []
    assert AuditEntry.objects.filter(action="reintegration.rtw.api_viewed", stay_id=stay.pk).count() == 1


def test_the_api_answers_404_outside_the_care_team(stay, draft, other_team_clinician, client_for):
    assert client_for(other_team_clinician).get(reverse("api:stay-rtw-plan", args=[stay.pk])).status_code == 404
