"""The assignment workflow on the case overview and its form pages: what each user sees, refused steps keep the
input with the service's message, bad input never answers 500."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from patients import services as patient_services
from patients.models import TeamFunction
from screening.models import AssignmentDecision, CodeCorrection, ContraindicationCheck, NeedAssessment
from screening.services.assignment import contraindication_check_record, decision_record, motivation_record
from staff.models import Profession
from tests.factories import UserFactory
from tests.screening.test_assignment import ADMISSION, screen

DAY = dt.date(2026, 3, 3)


@pytest.fixture
def team_physician(facility, stay):
    physician = UserFactory(
        username="teamdoc",
        first_name="Dora",
        last_name="Doktor",
        profession=Profession.PHYSICIAN,
        facilities=[facility],
    )
    patient_services.careteam_add(by=physician, stay=stay, user=physician, function=TeamFunction.PHYSICIAN)
    return physician


@pytest.fixture
def march(stay):
    stay.admission_date, stay.discharge_date, stay.department_code = ADMISSION, dt.date(2026, 4, 5), "3100"
    stay.save()
    return stay


def url(name, stay):
    return reverse(f"screening:assignment-{name}", args=[stay.pk])


def overview(client, stay):
    response = client.get(reverse("cases:overview", args=[stay.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_overview_shows_the_latest_screening_with_demo_badge_rule_and_the_start_state(
    march, treating_psychologist, client_for
):
    screen(march, positive=True, on=ADMISSION, by=treating_psychologist)
    html = overview(client_for(treating_psychologist), march)
    assert 'id="screening"' in html and 'href="#screening"' in html
    assert 'data-testid="latest-screening" data-status="positive"' in html
    assert "87,0" in html or "87.0" in html
    assert 'data-testid="demo-scoring"' in html
    assert "total ≥ 27" in html  # the frozen rule in words
    assert 'data-testid="screened-at-start" data-state="met"' in html
    assert 'data-step="screening" data-done="yes"' in html
    assert 'data-step="need_assessment"' not in html  # not needed after a positive screening


def test_the_overview_without_any_screening_still_works_and_shows_the_steps_missing(
    stay, treating_psychologist, client_for
):
    html = overview(client_for(treating_psychologist), stay)
    assert 'data-status="none"' in html
    assert 'data-step="need_assessment" data-done="no"' in html
    assert 'data-testid="code-tasks"' in html


def test_only_a_physician_on_the_team_sees_the_contraindication_button(
    stay, treating_psychologist, team_physician, client_for
):
    assert 'data-testid="record-contraindications"' not in overview(client_for(treating_psychologist), stay)
    assert 'data-testid="record-contraindications"' in overview(client_for(team_physician), stay)


def test_a_physician_records_a_contraindication_check_through_the_page(stay, team_physician, client_for):
    client = client_for(team_physician)
    assert client.get(url("contraindications", stay)).status_code == 200
    response = client.post(
        url("contraindications", stay), {"checked_on": "2026-03-03", "findings": ["medical_instability"]}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#screening")
    check = ContraindicationCheck.objects.get(stay=stay)
    assert check.findings == ["medical_instability"] and check.physician == team_physician
    assert "Medizinische Instabilität" in overview(client, stay)


def test_the_contraindication_page_answers_404_to_a_psychologist_on_the_team(stay, treating_psychologist, client_for):
    client = client_for(treating_psychologist)
    assert client.get(url("contraindications", stay)).status_code == 404
    assert (
        client.post(url("contraindications", stay), {"checked_on": "2026-03-03", "none_found": "on"}).status_code == 404
    )
    assert not ContraindicationCheck.objects.exists()


def test_the_contraindication_form_needs_findings_or_none_and_other_needs_a_text(stay, team_physician, client_for):
    client = client_for(team_physician)
    response = client.post(url("contraindications", stay), {"checked_on": "2026-03-03"})
    assert response.status_code == 200
    assert "bestätigen Sie, dass keine vorliegen" in response.content.decode()  # the clinic's German
    response = client.post(url("contraindications", stay), {"checked_on": "2026-03-03", "findings": ["other"]})
    assert response.status_code == 200
    assert "beschreiben Sie die sonstige Kontraindikation" in response.content.decode()
    assert re.search(r'<input[^>]*value="other"[^>]*checked>', response.content.decode())  # the ticks are kept
    assert not ContraindicationCheck.objects.exists()


def test_a_refused_decision_keeps_the_input_and_names_the_missing_step(march, treating_psychologist, client_for):
    screen(march, positive=False, on=ADMISSION)
    client = client_for(treating_psychologist)
    data = {"decision": "assign", "decided_on": "2026-03-04", "participants": "Team Nord", "reason": "unsure"}
    response = client.post(url("decision", march), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "motivation" in html.lower()
    assert 'value="Team Nord"' in html
    assert "unsure" in html
    assert not AssignmentDecision.objects.exists()


def test_a_decision_is_recorded_and_a_not_motivated_patient_gets_a_warning(
    march, treating_psychologist, team_physician, client_for
):
    screen(march, positive=True, on=ADMISSION)
    motivation_record(by=treating_psychologist, stay=march, motivation="not_motivated", recorded_on=ADMISSION)
    contraindication_check_record(by=team_physician, stay=march, checked_on=ADMISSION, findings=[])
    client = client_for(treating_psychologist)
    response = client.post(
        url("decision", march), {"decision": "assign", "decided_on": "2026-03-04", "participants": "", "reason": ""}
    )
    assert response.status_code == 302
    assert AssignmentDecision.objects.get(stay=march).decision == "assign"
    html = overview(client, march)
    assert "not motivated" in html or "nicht motiviert" in html
    assert 'data-testid="code-correction-form"' in html
    assert 'data-decision="assign"' in html


def test_the_code_correction_from_the_overview_form_updates_the_department_code(
    march, treating_psychologist, team_physician, client_for
):
    screen(march, positive=True, on=ADMISSION)
    motivation_record(by=treating_psychologist, stay=march, motivation="motivated", recorded_on=ADMISSION)
    contraindication_check_record(by=team_physician, stay=march, checked_on=ADMISSION, findings=[])
    decision_record(by=team_physician, stay=march, decision="assign", decided_on=DAY, reason="", participants="")
    client = client_for(treating_psychologist)
    response = client.post(url("code", march), {"corrected_on": "2026-03-08", "reference": ""})
    assert response.status_code == 200
    assert 'value="2026-03-08"' in response.content.decode()
    assert not CodeCorrection.objects.exists()
    response = client.post(url("code", march), {"corrected_on": "2026-03-08", "reference": "301-0815"})
    assert response.status_code == 302
    march.refresh_from_db()
    assert march.department_code == "3197"
    assert 'data-state="done_on_time"' in overview(client, march)


def test_the_code_page_without_an_open_task_says_so_and_a_post_is_refused(stay, treating_psychologist, client_for):
    client = client_for(treating_psychologist)
    assert 'data-testid="no-code-task"' in client.get(url("code", stay)).content.decode()
    response = client.post(url("code", stay), {"corrected_on": "2026-03-08", "reference": "x"})
    assert response.status_code == 200
    assert not CodeCorrection.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("need", {"source": "nonsense", "assessed_on": "yesterday", "reason": ""}),
        ("motivation", {"motivation": "very", "recorded_on": "31.02.2026"}),
        ("decision", {"decision": "maybe", "decided_on": "2026-13-01", "effective_from": "x"}),
        ("code", {"corrected_on": "", "reference": "y" * 200}),
        ("need", {"source": "medical_admission_interview", "assessed_on": "2999-01-01", "reason": "future"}),
    ],
)
def test_bad_input_gets_a_message_and_never_a_500(stay, treating_psychologist, client_for, name, data):
    response = client_for(treating_psychologist).post(url(name, stay), data)
    assert response.status_code == 200
    assert 'class="invalid-feedback' in response.content.decode() or "alert" in response.content.decode()
    assert not NeedAssessment.objects.exists()
    assert not AssignmentDecision.objects.exists()


def test_a_need_assessment_is_recorded_and_shown_as_a_step(stay, treating_psychologist, client_for):
    client = client_for(treating_psychologist)
    response = client.post(
        url("need", stay),
        {"source": "medical_admission_interview", "assessed_on": "2026-03-03", "reason": "Pending pension claim"},
    )
    assert response.status_code == 302
    assert NeedAssessment.objects.get(stay=stay).author == treating_psychologist
    assert 'data-step="need_assessment" data-done="yes"' in overview(client, stay)


def test_a_need_assessment_without_reason_keeps_the_chosen_source(stay, treating_psychologist, client_for):
    response = client_for(treating_psychologist).post(
        url("need", stay), {"source": "primary_therapist_interview", "assessed_on": "2026-03-03", "reason": ""}
    )
    assert response.status_code == 200
    assert 'value="primary_therapist_interview" selected' in response.content.decode()
    assert not NeedAssessment.objects.exists()


def test_the_screening_section_costs_the_same_queries_with_a_full_record_as_with_none(
    make_stay, march, treating_psychologist, team_physician, client_for
):
    from tests.cases.test_worklist import OVERVIEW_BUDGET, _count_queries

    client = client_for(treating_psychologist)
    empty = make_stay()
    at_empty = _count_queries(client, reverse("cases:overview", args=[empty.pk]))
    screen(march, positive=False, on=ADMISSION, by=treating_psychologist)
    screen(march, positive=True, on=DAY, by=treating_psychologist)
    motivation_record(by=treating_psychologist, stay=march, motivation="motivated", recorded_on=ADMISSION)
    contraindication_check_record(by=team_physician, stay=march, checked_on=ADMISSION, findings=[])
    decision_record(by=team_physician, stay=march, decision="assign", decided_on=DAY, reason="", participants="")
    decision_record(by=team_physician, stay=march, decision="not_assign", decided_on=DAY, reason="no", participants="")
    at_full = _count_queries(client, reverse("cases:overview", args=[march.pk]))
    assert at_empty == at_full <= OVERVIEW_BUDGET
