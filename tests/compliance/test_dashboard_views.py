"""The management dashboard and the group of clinics (issue 8): management sees the numbers of its facilities, everyone
else gets 404, a filter naming another clinic or nonsense gets the page again with a message — never a 500, never
another clinic's numbers. The templates are checked on hand-built dashboards; the views on ``StayIndicator`` rows."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from compliance.catalogue import by_id
from compliance.forms_dashboard import DashboardFilterForm
from compliance.selectors import Rate
from compliance.views.dashboard import table_html
from patients import services
from patients.models import TeamFunction
from staff.models import Profession, Role
from tests.compliance.dashboard_samples import (
    MEASURE,
    TODAY,
    bulk_results,
    indicator_row,
    result,
    sample_dashboard,
)
from tests.factories import UserFactory
from wmr.models import AuditEntry

NOW = "2026-12-05 12:00"
DASHBOARD = reverse("compliance:dashboard")
GROUP = reverse("compliance:group")


def row_html(html: str, measure: str) -> str:
    found = re.search(rf'<tr data-testid="indicator-{measure}".*?</tr>', html, re.S)
    assert found, f"no row for {measure}"
    return found[0]


def get(client, url=DASHBOARD, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


# --- the page rendered from a hand-built dashboard ----------------------------------------------------------------


def render_dashboard(user, board) -> str:
    request = RequestFactory().get(DASHBOARD)
    request.user = user
    form = DashboardFilterForm({}, user=user, today=TODAY)
    assert form.is_valid(), form.errors
    with translation.override("en"):  # the decorated rows carry words (answer labels) too
        context = {"form": form, "dashboard": board, "query": form.query(), "table": table_html(board, form.query())}
        return render_to_string("compliance/dashboard.html", context, request=request)


def test_each_indicator_row_shows_id_summary_grade_rate_light_in_words_counts_trend_and_drilldown(manager, facility):
    html = render_dashboard(manager, sample_dashboard(facility))
    row = row_html(html, MEASURE)
    assert '<th scope="row" class="text-nowrap">5.3</th>' in row
    assert by_id()["5.3"].summary_en in row  # the short summary
    assert 'data-grade="shall"' in row and ">shall<" in row
    assert "17 of 20 (85.0 %)" in row
    assert 'data-light="green"' in row and "on target" in row  # colour and words
    assert '<td class="text-end">3</td>' in row and '<td class="text-end">2</td>' in row  # not yet due, not applicable
    assert 'class="wmr-chart sparkline"' in row
    assert f'data-testid="drilldown-{MEASURE}"' in row and "3 stays missing" in row


def test_sections_come_in_catalogue_order_with_their_labels(manager, facility):
    board = sample_dashboard(facility)
    html = render_dashboard(manager, board)
    positions = [html.index(f'data-testid="section-{block.section}"') for block in board.sections]
    assert positions == sorted(positions)
    assert all(block.label in html for block in board.sections)


def test_an_empty_period_says_no_data_never_0_percent(manager, facility):
    html = render_dashboard(manager, sample_dashboard(facility, empty=True))
    row = row_html(html, MEASURE)
    # (the trend's title names the earlier quarters' rates, e.g. "70.0 %": look for a rate of exactly 0.0)
    assert "no data" in row and "0 of 0" not in row and not re.search(r"(?<![\d.,])0[.,]0 %", row)
    assert 'data-light="none"' in row
    assert f'data-testid="drilldown-{MEASURE}"' not in row  # nothing to drill into
    assert "0 stays in the period" in html


def test_a_row_without_missing_stays_has_no_drilldown_link(manager, facility):
    board = sample_dashboard(facility)
    block = next(b for b in board.sections if b.section == "counseling")
    block.indicators[:] = [indicator_row("5.3", rate=Rate(numerator=20, denominator=20))]
    assert f'data-testid="drilldown-{MEASURE}"' not in row_html(render_dashboard(manager, board), MEASURE)


def test_red_and_amber_lights_are_named_in_words(manager, facility):
    board = sample_dashboard(facility)
    block = next(b for b in board.sections if b.section == "counseling")
    block.indicators[:] = [
        indicator_row("5.3", rate=Rate(numerator=10, denominator=20), light="red"),
        indicator_row("5.1", rate=Rate(numerator=14, denominator=20), light="amber"),
    ]
    html = render_dashboard(manager, board)
    assert "action needed" in row_html(html, MEASURE) and "text-bg-danger" in row_html(html, MEASURE)
    assert "attention" in row_html(html, "counseling_total_90min")


def test_the_positive_screening_share_stands_out_against_its_75_percent_bar(manager, facility):
    html = render_dashboard(manager, sample_dashboard(facility))
    box = re.search(r'<div class="card[^"]*" data-testid="positive-screening".*?</div>\s*</div>\s*</div>', html, re.S)[
        0
    ]
    assert "17 of 20 (85.0 %)" in box and "Bar: more than 75 %" in box
    assert 'class="target"' in box  # the dashed line of the bar


def test_facility_level_rows_show_their_reason_and_no_drilldown(manager, facility):
    html = render_dashboard(manager, sample_dashboard(facility))
    row = row_html(html, "weekly_case_conference")
    assert "3 of 4 weeks with a conference" in row
    assert "drilldown-" not in row


def test_topics_workflows_and_self_assessment_rows_read_in_words(manager, facility):
    html = render_dashboard(manager, sample_dashboard(facility))
    topic = re.search(r'<li data-testid="topic-5.4">.*?</li>', html, re.S)[0]
    assert "covered for 4 stays" in topic
    assert "3 stays with a record" in re.search(r'<li data-testid="workflow-2.2">.*?</li>', html, re.S)[0]
    assert "no record kept in the app" in re.search(r'<li data-testid="workflow-8.1">.*?</li>', html, re.S)[0]
    answered = re.search(r'<li data-testid="self-assessment-1.3">.*?</li>', html, re.S)[0]
    assert "yes, in place" in answered and reverse("compliance:self-assessment") in answered
    assert "not answered yet" in re.search(r'<li data-testid="self-assessment-9.1">.*?</li>', html, re.S)[0]


def test_the_page_has_a_place_for_the_export_buttons(manager, facility):
    assert 'data-testid="dashboard-exports"' in render_dashboard(manager, sample_dashboard(facility))


# --- the views on stored results ------------------------------------------------------------------------------------


@pytest.fixture
def quarter_results(make_stay):
    """Q4 2026 in the manager's facility: three stays met 5.3, one missed it, one not yet due, one not applicable."""
    stays = [make_stay() for _ in range(6)]
    for stay, state in zip(stays, ["met", "met", "met", "not_met", "not_yet_due", "not_applicable"], strict=True):
        result(stay, state=state)
    return stays


@freeze_time(NOW)
def test_management_sees_the_numbers_of_its_facility(quarter_results, manager, client_for):
    html = get(client_for(manager, "en"), period="2026-Q4")
    row = row_html(html, MEASURE)
    assert "3 of 4 (75.0 %)" in row
    assert 'data-light="red"' in row  # a "shall" below 90 %
    assert '<td class="text-end">1</td>' in row  # not yet due, not applicable
    assert f'data-testid="drilldown-{MEASURE}"' in row


@freeze_time(NOW)
def test_without_filters_the_page_shows_the_first_facility_and_the_current_quarter(
    quarter_results, manager, facility, client_for
):
    html = get(client_for(manager, "en"))
    assert f"<strong>{facility.name}</strong> · Q4 2026" in html
    assert "3 of 4 (75.0 %)" in row_html(html, MEASURE)
    assert 'value="2026-Q4"' in html


@freeze_time(NOW)
def test_every_dashboard_read_is_audit_logged_under_the_facility(quarter_results, manager, facility, client_for):
    get(client_for(manager), period="2026-Q4", department="3100")
    entry = AuditEntry.objects.get(action="compliance.dashboard.viewed")
    assert entry.user == manager
    assert (entry.object_type, entry.object_id) == ("patients.facility", str(facility.pk))
    assert entry.patient_id is None and entry.stay_id is None
    assert entry.data == {"period": "2026-Q4", "department": "3100", "wmr": None, "team": None}


@freeze_time(NOW)
def test_a_period_without_stays_says_no_data(quarter_results, manager, client_for):
    row = row_html(get(client_for(manager, "en"), period="2025-Q1"), MEASURE)
    assert "no data" in row and "0.0 %" not in row and "0 of 0" not in row


@freeze_time(NOW)
def test_a_month_is_a_period_too(quarter_results, manager, client_for):
    client = client_for(manager, "en")
    assert "3 of 4 (75.0 %)" in row_html(get(client, period="2026-11"), MEASURE)
    assert "no data" in row_html(get(client, period="2026-10"), MEASURE)


@freeze_time(NOW)
def test_the_department_and_wmr_filters_narrow_the_stays(make_stay, manager, client_for):
    result(make_stay(department_code="3197"), state="met")
    result(make_stay(department_code="3100"), state="not_met", is_wmr=False)
    client = client_for(manager, "en")
    assert "1 of 1 (100.0 %)" in row_html(get(client, department="3197"), MEASURE)
    assert "0 of 1 (0.0 %)" in row_html(get(client, department="3100"), MEASURE)
    assert "1 of 1 (100.0 %)" in row_html(get(client, wmr="yes"), MEASURE)
    assert "0 of 1 (0.0 %)" in row_html(get(client, wmr="no"), MEASURE)
    assert "1 of 2 (50.0 %)" in row_html(get(client), MEASURE)


@freeze_time(NOW)
def test_the_team_filter_keeps_the_stays_whose_care_team_includes_the_clinician(
    make_stay, manager, treating_physician, social_worker, client_for
):
    result(make_stay(team=[(treating_physician, TeamFunction.PHYSICIAN)]), state="met")
    result(make_stay(team=[(social_worker, TeamFunction.SOCIAL_WORKER)]), state="not_met")
    client = client_for(manager, "en")
    assert "1 of 1 (100.0 %)" in row_html(get(client, team=treating_physician.pk), MEASURE)
    assert "0 of 1 (0.0 %)" in row_html(get(client, team=social_worker.pk), MEASURE)


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"facility": "999999"}, "Select a valid choice"),
        ({"facility": "abc"}, "Select a valid choice"),
        ({"period": "2026-Q5"}, "is not a period"),
        ({"period": "Q3"}, "is not a period"),
        ({"period": "2026-13"}, "is not a period"),
        ({"department": "9999"}, "Select a valid choice"),
        ({"wmr": "maybe"}, "Select a valid choice"),
        ({"team": "abc"}, "Select a valid choice"),
        ({"team": "999999"}, "Select a valid choice"),
    ],
)
def test_nonsense_filters_get_the_page_again_with_a_message_and_no_numbers(
    quarter_results, manager, client_for, params, message
):
    html = get(client_for(manager, "en"), **{"period": "2026-Q4", **params})
    assert message in html
    assert 'data-testid="dashboard-table"' not in html and "3 of 4" not in html
    assert not AuditEntry.objects.filter(action="compliance.dashboard.viewed").exists()


@freeze_time(NOW)
def test_the_typed_period_is_kept_with_its_message(manager, client_for):
    html = get(client_for(manager, "en"), period="2026-Q5")
    assert 'value="2026-Q5"' in html and "“2026-Q5” is not a period" in html


@freeze_time(NOW)
def test_a_clinician_of_another_clinic_is_no_team_filter(quarter_results, manager, other_facility, client_for):
    stranger = UserFactory(profession=Profession.PSYCHOLOGIST, facilities=[other_facility])
    html = get(client_for(manager, "en"), team=stranger.pk)
    assert "Select a valid choice" in html and "3 of 4" not in html


@freeze_time(NOW)
def test_management_is_no_team_filter_only_clinicians_are(quarter_results, manager, client_for):
    html = get(client_for(manager, "en"), team=manager.pk)
    assert "Select a valid choice" in html


@freeze_time(NOW)
def test_a_manager_of_another_facility_gets_no_numbers_of_this_one(
    quarter_results, facility, other_facility, client_for
):
    other_manager = UserFactory(role=Role.MANAGEMENT, profession=Profession.OTHER, facilities=[other_facility])
    client = client_for(other_manager, "en")
    html = get(client, facility=facility.pk, period="2026-Q4")
    assert "Select a valid choice" in html and "3 of 4" not in html and facility.name not in html
    own = get(client, period="2026-Q4")  # their own clinic: no stays there
    assert other_facility.name in own and "3 of 4" not in own and "no data" in row_html(own, MEASURE)


@pytest.mark.parametrize("persona", ["treating_psychologist", "other_team_clinician", "privacy_officer", "admin_user"])
def test_everyone_but_management_gets_404(request, persona, client_for):
    client = client_for(request.getfixturevalue(persona))
    for url in (DASHBOARD, GROUP, reverse("compliance:drilldown", args=[MEASURE])):
        assert client.get(url).status_code == 404


def test_the_main_navigation_shows_compliance_to_management_only(manager, treating_psychologist, client_for):
    assert 'data-testid="nav-compliance"' in client_for(manager).get(reverse("cases:worklist")).content.decode()
    assert (
        'data-testid="nav-compliance"'
        not in client_for(treating_psychologist).get(reverse("cases:worklist")).content.decode()
    )


@freeze_time(NOW)
def test_a_manager_without_facility_gets_a_message_not_an_error(db, client_for):
    lonely = UserFactory(role=Role.MANAGEMENT, profession=Profession.OTHER)
    client = client_for(lonely, "en")
    assert "not assigned to any facility" in get(client)
    assert "not assigned to any facility" in get(client, url=GROUP)


@freeze_time(NOW)
def test_the_dashboard_costs_the_same_queries_for_10_and_200_stays(
    manager, facility, client_for, django_assert_max_num_queries
):
    """38 queries today, none per stay: session and user; the reader's facilities (the form's list, the facility
    field's check); the selector's (thresholds, rates, trend, stay counts, topics, workflows, self-assessment answers,
    and the facility measures 2.7, 2.8 and 9.12 over the period and the trend's quarters); the audit row; the facility
    and team selects as they render; the session save."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(manager, "en")
    measures = (MEASURE, "counseling_total_90min", "screened_at_start")
    bulk_results(facility, 10, measures=measures)
    get(client, period="2026-Q4")  # warm the per-process caches (content types, the catalogue)
    cache.clear()  # the dashboard's figures are cached (issue 10): count the read that computes them
    with CaptureQueriesContext(connection) as ten:
        get(client, period="2026-Q4")
    assert len(ten) <= 40
    bulk_results(facility, 190, measures=measures)
    cache.clear()
    with django_assert_max_num_queries(len(ten)):
        html = get(client, period="2026-Q4")
    assert "151 of 200 (75.5 %)" in row_html(html, MEASURE)  # the states cycle met, met, met, not met per batch


# --- the group of clinics -------------------------------------------------------------------------------------------


@pytest.fixture
def group_manager(facility, other_facility):
    return UserFactory(
        username="group", role=Role.MANAGEMENT, profession=Profession.OTHER, facilities=[facility, other_facility]
    )


@freeze_time(NOW)
def test_the_group_page_shows_each_facility_side_by_side(
    quarter_results, make_stay, group_manager, facility, other_facility, client_for
):
    other_stay = make_stay(facility=other_facility)
    result(other_stay, state="met")
    html = get(client_for(group_manager, "en"), url=GROUP, period="2026-Q4")
    assert f'data-testid="group-facility-{facility.pk}"' in html
    assert f'data-testid="group-facility-{other_facility.pk}"' in html
    row = row_html(html, MEASURE)
    cells = re.findall(r'<td class="text-nowrap">(.*?)</td>', row, re.S)
    by_name = dict(zip(sorted([facility.name, other_facility.name]), cells, strict=True))
    assert "3 of 4 (75.0 %)" in by_name[facility.name] and 'data-light="red"' in by_name[facility.name]
    assert "1 of 1 (100.0 %)" in by_name[other_facility.name]
    assert AuditEntry.objects.filter(action="compliance.dashboard.viewed").count() == 2


@freeze_time(NOW)
def test_the_group_page_shows_only_the_readers_facilities(quarter_results, facility, other_facility, client_for):
    other_manager = UserFactory(role=Role.MANAGEMENT, profession=Profession.OTHER, facilities=[other_facility])
    html = get(client_for(other_manager, "en"), url=GROUP, period="2026-Q4")
    assert f'data-testid="group-facility-{other_facility.pk}"' in html
    assert f'data-testid="group-facility-{facility.pk}"' not in html
    assert "3 of 4" not in html and facility.name not in html


@freeze_time(NOW)
def test_the_group_page_with_a_nonsense_period_shows_the_message(group_manager, client_for):
    html = get(client_for(group_manager, "en"), url=GROUP, period="2026-Q5")
    assert "is not a period" in html and 'data-testid="group-table"' not in html


@freeze_time(NOW)
def test_a_manager_of_several_clinics_finds_the_group_page_from_the_dashboard(group_manager, manager, client_for):
    assert 'data-testid="group-link"' in get(client_for(group_manager, "en"))
    assert 'data-testid="group-link"' not in get(client_for(manager, "en"))


@freeze_time(NOW)
def test_a_manager_on_a_care_team_still_sees_no_names_on_the_dashboard(quarter_results, manager, client_for):
    services.careteam_add(by=manager, stay=quarter_results[3], user=manager, function=TeamFunction.PHYSICIAN)
    html = get(client_for(manager, "en"), period="2026-Q4")
    for stay in quarter_results:
        assert stay.patient.last_name not in html and stay.patient.first_name not in html
