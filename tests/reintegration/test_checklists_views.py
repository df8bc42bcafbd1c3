"""The checklists page: the groups that apply and why, a form per item, the history of an item, items no longer
applicable greyed out, refusals shown with the typed values kept, the overview part, the query budget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reintegration.models import ChecklistEntry, JobRisk, WorkSituation
from reintegration.services.checklists import checklist_record

DAY = dt.date(2026, 11, 10)


@pytest.fixture
def client(social_worker, client_for):
    return client_for(social_worker, language="en")


def _page(stay) -> str:
    return reverse("reintegration:checklists", args=[stay.pk])


def _record_url(stay, item) -> str:
    return reverse("reintegration:checklist-record", args=[stay.pk, item])


def _post(item, **values) -> dict:
    return {f"{item}-{name}": value for name, value in values.items()}


def test_the_page_shows_the_groups_that_apply_with_the_reason(make_stay, client):
    stay = make_stay(employment_status="unemployed")
    page = client.get(_page(stay)).content.decode()
    assert 'data-group="always"' in page and 'data-group="unemployment"' in page
    assert 'data-group="last_job_limited"' not in page
    assert "Applies because the patient is unemployed" in page
    assert page.count('class="checklist-form"') == 8  # a form per item


def test_recording_through_the_page_and_correcting_keeps_the_history(stay, client):
    response = client.post(
        _record_url(stay, "case_management"),
        _post("case_management", state="done", on="2026-11-04", note="Case management started"),
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#item-case_management")
    client.post(
        _record_url(stay, "case_management"),
        _post("case_management", state="not_applicable", on="2026-11-05", note="The insurer offers none"),
    )
    page = client.get(_page(stay)).content.decode()
    assert 'data-item="case_management" data-state="not_applicable"' in page
    assert "Case management started" in page and "The insurer offers none" in page
    assert ChecklistEntry.objects.filter(stay=stay, item="case_management").count() == 2


def test_a_refused_entry_shows_the_reason_and_keeps_the_input(stay, client):
    response = client.post(
        _record_url(stay, "stay_extension"), _post("stay_extension", state="not_applicable", on="2026-11-04", note="")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Please say in the note why the item does not apply." in page
    assert 'value="2026-11-04"' in page
    assert not ChecklistEntry.objects.exists()


def test_garbage_input_never_answers_500(stay, client):
    response = client.post(_record_url(stay, "stay_extension"), _post("stay_extension", state="maybe", on="31.02."))
    assert response.status_code == 200
    assert not ChecklistEntry.objects.exists()
    assert client.get(_record_url(stay, "no-such-item")).status_code == 404


def test_an_item_of_a_group_that_no_longer_applies_is_greyed_without_a_form(stay, social_worker, client):
    situation = WorkSituation.objects.create(stay=stay, job_risk=JobRisk.IMPENDING)
    checklist_record(by=social_worker, stay=stay, item="agency_found", state="done", on=DAY, today=DAY)
    situation.job_risk = JobRisk.NONE
    situation.save()
    page = client.get(_page(stay)).content.decode()
    assert 'data-testid="checklist-inactive"' in page
    assert 'data-item="agency_found" data-state="done"' in page
    assert 'id="id_agency_found-state' not in page
    response = client.post(_record_url(stay, "agency_found"), _post("agency_found", state="done", on="2026-11-11"))
    assert "does not apply to this stay" in response.content.decode()


def test_the_overview_shows_the_open_items(stay, social_worker, client):
    checklist_record(by=social_worker, stay=stay, item="stay_extension", state="done", on=DAY, today=DAY)
    page = client.get(reverse("cases:overview", args=[stay.pk])).content.decode()
    assert 'data-testid="overview-checklists" data-open="3"' in page
    assert "3 items open" in page


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# Page: session, user, stay (permission subquery, patient, facility), audit insert, work situation, newest letter,
# entries (with author), the write permission (user and group object permissions: 2), session renewal (3).
CHECKLISTS_PAGE_BUDGET = 12


def test_the_page_costs_the_same_queries_with_one_and_with_many_entries(make_stay, social_worker, client):
    stay = make_stay(employment_status="unemployed")
    url = _page(stay)
    checklist_record(by=social_worker, stay=stay, item="stay_extension", state="done", on=DAY, today=DAY)
    at_one = _queries(client, url)
    for key in ("career_options", "agency_found", "agency_called", "career_centre_advised", "case_management"):
        for _ in range(4):
            checklist_record(by=social_worker, stay=stay, item=key, state="done", on=DAY, today=DAY)
    assert at_one == _queries(client, url) <= CHECKLISTS_PAGE_BUDGET, at_one
