"""The comparison page, its PDF and its API (rec 4.7, mini_icf_app.md §6–7): what the care team sees, that nothing
missing is ever shown as 0, the discharge comparison beside the first, demo marking, refusals without a 500, audit
rows, constant queries, and the same SVG on the page and in the PDF."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from diagnostics.documents import DOCUMENT_KIND, comparison_context
from diagnostics.models import ProfileRating
from diagnostics.selectors_comparison import current_ratings, stay_comparisons
from patients.models import Document
from tests.conftest import login
from tests.diagnostics.conftest import NOT_ASSESSABLE, WORKED_D, WORKED_I, add_ratings, make_profile
from wmr.models import AuditEntry


@pytest.fixture
def psych(treating_psychologist):
    client = login(treating_psychologist)
    client.cookies["django_language"] = "en"
    return client


def page(client, stay):
    with translation.override("en"):
        response = client.get(reverse("diagnostics:comparison", args=[stay.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


def row_html(html: str, code: str) -> str:
    start = html.index(f'<tr data-code="{code}"')
    return html[start : html.index("</tr>", start)]


# -- selectors -------------------------------------------------------------------------------------------------------


def test_the_newest_rating_of_a_dimension_counts(stay, mini_icf, social_worker):
    profile = make_profile(stay, mini_icf, "capacity", {"planning": 3, "endurance": 2})
    add_ratings(profile, {"planning": 1}, by=social_worker)
    current = current_ratings(profile)
    assert current["planning"].value == 1
    assert current["endurance"].value == 2
    assert "contact" not in current
    assert ProfileRating.objects.filter(profile=profile, dimension="planning").count() == 2


def test_current_ratings_costs_one_query(stay, mini_icf, django_assert_num_queries):
    profile = make_profile(stay, mini_icf, "capacity", WORKED_I)
    with django_assert_num_queries(1):
        current_ratings(profile)


def test_the_admission_comparison_uses_the_latest_admission_profile_and_the_latest_demand(stay, mini_icf):
    import datetime as dt

    make_profile(stay, mini_icf, "capacity", dict.fromkeys(WORKED_I, 4), rated_on=dt.date(2026, 11, 3))
    capacity, demand = (
        make_profile(stay, mini_icf, "capacity", WORKED_I),
        make_profile(stay, mini_icf, "demand", WORKED_D),
    )
    make_profile(stay, mini_icf, "capacity", WORKED_I, timepoint="other", rated_on=dt.date(2026, 11, 20))
    data = stay_comparisons(stay)
    assert (data.capacity_admission, data.demand, data.capacity_discharge) == (capacity, demand, None)
    assert data.admission.comparison.max_gap == 2
    assert data.discharge is None


def test_the_comparisons_of_a_stay_cost_the_same_queries_for_one_profile_pair_or_many(stay, make_stay, mini_icf):
    def queries(target) -> int:
        with CaptureQueriesContext(connection) as captured:
            stay_comparisons(target)
        return len(captured)

    make_profile(stay, mini_icf, "capacity", {"planning": 1})
    make_profile(stay, mini_icf, "demand", {"planning": 3})
    busy = make_stay()
    for _ in range(3):
        make_profile(busy, mini_icf, "capacity", WORKED_I)
        make_profile(busy, mini_icf, "capacity", WORKED_I, timepoint="discharge")
        make_profile(busy, mini_icf, "demand", WORKED_D)
    # 1 profiles with instrument and job, 1 ratings (prefetched)
    assert queries(stay) == queries(busy) == 2


# -- the page --------------------------------------------------------------------------------------------------------


def test_the_page_shows_the_chart_the_table_the_summary_and_the_rule_note(psych, stay, worked_profiles):
    html = page(psych, stay).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'class="overload"' in html
    assert "5 dimensions of over-demand: endurance and resilience, planning and structuring of tasks" in html
    assert "WMR app comparison rule v1 — a product rule of this application, not official scoring" in html
    endurance = row_html(html, "endurance")
    assert (
        '<td data-col="I">3</td><td data-col="C">1</td><td data-col="D">3</td><td data-col="gap">+2</td>' in endurance
    )
    assert "marked over-demand" in endurance
    assert 'data-code="dyadic" data-status="not_relevant"' in html
    assert "13 of 13 dimensions rated" in html and "mean rating 1.23 (n = 13)" in html and "sum 16" in html


def test_the_table_lists_overloads_first_in_k9_order(psych, stay, worked_profiles):
    html = page(psych, stay).content.decode()
    order = [code for code in WORKED_I if f'<tr data-code="{code}"' in html]
    positions = sorted(order, key=lambda code: html.index(f'<tr data-code="{code}"'))
    assert positions[:5] == ["endurance", "planning", "flexibility", "assertiveness", "contact"]
    assert positions[-1] == "dyadic"


def test_an_unrated_dimension_reads_not_rated_never_0(psych, stay, mini_icf):
    capacity = {code: value for code, value in WORKED_I.items() if code != "group"}
    capacity["contact"] = (NOT_ASSESSABLE, "keine Beobachtung möglich")
    make_profile(stay, mini_icf, "capacity", capacity)
    make_profile(stay, mini_icf, "demand", WORKED_D)
    html = page(psych, stay).content.decode()
    group = row_html(html, "group")
    assert '<td data-col="I">not rated</td><td data-col="C">–</td>' in group
    assert "not rated" in group and ">0<" not in group
    contact = row_html(html, "contact")
    assert '<td data-col="I">not assessable</td>' in contact and "keine Beobachtung möglich" in contact
    assert "11 of 13 dimensions rated" in html and "sum" not in html.split("dimensions rated")[1].split("</p>")[0]


def test_the_discharge_comparison_stands_beside_the_first_with_the_change(psych, stay, mini_icf, worked_profiles):
    make_profile(stay, mini_icf, "capacity", WORKED_I | {"endurance": 2}, timepoint="discharge")
    html = page(psych, stay).content.decode()
    assert 'data-testid="discharge-comparison"' in html
    endurance = row_html(html, "endurance")
    assert '<td class="later" data-col="later-I">2</td><td class="later" data-col="delta">−1</td>' in endurance
    assert '<td class="later" data-col="later-status">slight over-demand</td>' in endurance
    assert 'class="marker-discharge"' in html


def test_a_discharge_profile_without_an_admission_profile_is_shown_as_the_comparison(psych, stay, mini_icf):
    make_profile(stay, mini_icf, "capacity", WORKED_I, timepoint="discharge")
    make_profile(stay, mini_icf, "demand", WORKED_D)
    html = page(psych, stay).content.decode()
    assert "Comparison at discharge" in html and "No capacity profile at admission yet." in html


def test_demo_instruments_are_marked(psych, stay, melba_demo):
    make_profile(stay, melba_demo, "capacity", {"item_01": 2})
    make_profile(stay, melba_demo, "demand", {"item_01": 4})
    html = page(psych, stay).content.decode()
    assert 'data-testid="demo-instrument"' in html
    assert "MELBA (DEMO – nicht offiziell)" in html
    assert "marked over-demand" in row_html(html, "item_01")


def test_profiles_on_different_instruments_are_refused_with_a_message_not_an_error(psych, stay, mini_icf, melba_demo):
    make_profile(stay, mini_icf, "capacity", WORKED_I)
    make_profile(stay, melba_demo, "demand", {"item_01": 3})
    html = page(psych, stay).content.decode()
    assert 'data-testid="refused"' in html and "cannot be compared" in html
    assert 'data-testid="comparison-pdf"' not in html


def test_a_capacity_rated_against_the_labour_market_shows_the_k8_warning(psych, stay, mini_icf):
    make_profile(stay, mini_icf, "capacity", WORKED_I, reference_context="general_labour_market")
    make_profile(stay, mini_icf, "demand", WORKED_D)
    html = page(psych, stay).content.decode()
    assert "the comparison is approximate" in html


def test_without_profiles_the_page_says_there_is_nothing_to_compare(psych, stay):
    html = page(psych, stay).content.decode()
    assert 'data-testid="nothing-to-compare"' in html and "<svg" not in html


def test_reading_the_page_is_audit_logged(psych, stay, worked_profiles):
    page(psych, stay)
    assert AuditEntry.objects.filter(action="diagnostics.comparison.viewed", stay_id=stay.pk).count() == 1


def test_the_page_costs_the_same_queries_for_few_or_many_profiles(psych, stay, make_stay, mini_icf):
    make_profile(stay, mini_icf, "capacity", {"planning": 1})
    make_profile(stay, mini_icf, "demand", {"planning": 3})
    busy = make_stay()
    for _ in range(3):
        make_profile(busy, mini_icf, "capacity", WORKED_I)
        make_profile(busy, mini_icf, "capacity", WORKED_I, timepoint="discharge")
        make_profile(busy, mini_icf, "demand", WORKED_D)

    def queries(target) -> int:
        with CaptureQueriesContext(connection) as captured:
            page(psych, target)
        return len(captured)

    assert queries(stay) == queries(busy)


def test_only_the_care_team_reads_the_comparison(client_for, other_team_clinician, stay, worked_profiles):
    response = client_for(other_team_clinician).get(reverse("diagnostics:comparison", args=[stay.pk]))
    assert response.status_code == 404


# -- the PDF ---------------------------------------------------------------------------------------------------------


def test_creating_the_pdf_stores_it_with_hash_author_facts_and_an_audit_row(
    psych, stay, worked_profiles, treating_psychologist
):
    response = psych.post(reverse("diagnostics:comparison-pdf", args=[stay.pk]))
    assert response.status_code == 302
    document = Document.objects.get(stay=stay, kind=DOCUMENT_KIND)
    assert bytes(document.content).startswith(b"%PDF")
    assert document.created_by == treating_psychologist and len(document.sha256) == 64
    capacity, demand = worked_profiles
    assert document.facts["kind"] == "profile_comparison"
    assert (document.facts["capacity_profile"], document.facts["demand_profile"]) == (capacity.pk, demand.pk)
    assert document.facts["overloads"] == ["endurance", "planning", "flexibility", "assertiveness", "contact"]
    assert document.facts["snapshot"]["rule_version"] == "WMR app comparison rule v1"
    assert AuditEntry.objects.filter(action="diagnostics.comparison.pdf_created", stay_id=stay.pk).count() == 1


def test_the_pdf_shows_the_same_svg_as_the_page(psych, stay, worked_profiles, mini_icf):
    make_profile(stay, mini_icf, "capacity", WORKED_I | {"endurance": 2}, timepoint="discharge")
    with translation.override("en"):
        context = comparison_context(stay_comparisons(stay), "en")
        html = render_to_string(
            "diagnostics/pdf/comparison.html",
            context | {"stay": stay, "patient": stay.patient, "today": stay.admission_date, "author": None},
        )
    page_html = page(psych, stay).content.decode()
    svg = str(context["chart"])
    assert svg in html and svg in page_html
    assert "WMR app comparison rule v1" in html and "ΔI" in html


def test_the_stored_pdf_is_listed_and_its_download_is_audit_logged(psych, stay, worked_profiles):
    psych.post(reverse("diagnostics:comparison-pdf", args=[stay.pk]))
    document = Document.objects.get(stay=stay, kind=DOCUMENT_KIND)
    download = reverse("patients:document-download", args=[stay.pk, document.pk])
    assert download in page(psych, stay).content.decode()
    response = psych.get(download)
    assert response.status_code == 200 and response.content == bytes(document.content)
    assert AuditEntry.objects.filter(action="patients.document.downloaded", stay_id=stay.pk).count() == 1


def test_a_pdf_without_profiles_is_refused_with_a_message_and_nothing_stored(psych, stay):
    response = psych.post(reverse("diagnostics:comparison-pdf", args=[stay.pk]), follow=True)
    assert response.status_code == 200
    assert "There is nothing to compare yet" in response.content.decode()
    assert not Document.objects.filter(stay=stay, kind=DOCUMENT_KIND).exists()


def test_the_social_worker_may_create_the_pdf_and_management_may_not(
    client_for, social_worker, manager, stay, worked_profiles
):
    url = reverse("diagnostics:comparison-pdf", args=[stay.pk])
    assert client_for(manager).post(url).status_code == 404
    assert client_for(social_worker).post(url).status_code == 302
    assert Document.objects.filter(stay=stay, kind=DOCUMENT_KIND).count() == 1


# -- the API ---------------------------------------------------------------------------------------------------------


def api(client, stay):
    with translation.override("en"):
        response = client.get(reverse("api:stay-comparison", args=[stay.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.json()


def test_the_api_gives_every_dimension_with_i_c_d_gap_and_status(psych, stay, worked_profiles):
    data = api(psych, stay)
    admission = data["admission"]
    assert admission["instrument"]["code"] == "mini_icf_app" and admission["instrument"]["is_official"] is True
    assert admission["rule_version"] == "WMR app comparison rule v1"
    rows = {row["code"]: row for row in admission["dimensions"]}
    assert len(rows) == 13
    assert {k: rows["endurance"][k] for k in ("number", "I", "C", "D", "gap", "status")} == {
        "number": 7,
        "I": 3,
        "C": 1,
        "D": 3,
        "gap": 2,
        "status": "overload_marked",
    }
    assert rows["dyadic"]["gap"] is None and rows["dyadic"]["status"] == "not_relevant"
    assert admission["counts"]["overload"] == 4 and admission["summary"] == {"over": 5, "fit": 4, "under": 3}
    assert admission["overloads"] == ["endurance", "planning", "flexibility", "assertiveness", "contact"]
    assert admission["max_gap"] == 2 and admission["warnings"] == []
    assert admission["aggregates"] == {"n": 13, "mean": "1.23", "sum": 16}
    assert data["discharge"] is None and data["capacity_change"] == []


def test_the_api_gives_null_never_0_for_a_dimension_not_rated_and_warns_k8(psych, stay, mini_icf):
    make_profile(
        stay,
        mini_icf,
        "capacity",
        {c: v for c, v in WORKED_I.items() if c != "group"},
        reference_context="social_life",
    )
    make_profile(stay, mini_icf, "demand", WORKED_D)
    admission = api(psych, stay)["admission"]
    group = next(row for row in admission["dimensions"] if row["code"] == "group")
    assert (group["I"], group["C"], group["gap"], group["status"]) == (None, None, None, "not_rated")
    assert [w["code"] for w in admission["warnings"]] == ["reference_context"]


def test_the_api_gives_the_discharge_comparison_and_the_change(psych, stay, mini_icf, worked_profiles):
    make_profile(stay, mini_icf, "capacity", WORKED_I | {"endurance": 2}, timepoint="discharge")
    data = api(psych, stay)
    endurance = next(row for row in data["discharge"]["dimensions"] if row["code"] == "endurance")
    assert (endurance["gap"], endurance["status"]) == (1, "overload")
    change = {row["code"]: row for row in data["capacity_change"]}
    assert (change["endurance"]["earlier"], change["endurance"]["later"], change["endurance"]["delta"]) == (3, 2, -1)


def test_reading_the_api_is_audit_logged(psych, stay, worked_profiles):
    api(psych, stay)
    assert AuditEntry.objects.filter(action="diagnostics.comparison.api_viewed", stay_id=stay.pk).count() == 1


def test_the_api_answers_404_outside_the_care_team(client_for, other_team_clinician, stay, worked_profiles):
    response = client_for(other_team_clinician).get(reverse("api:stay-comparison", args=[stay.pk]))
    assert response.status_code == 404


def test_the_comparison_endpoint_is_in_the_openapi_schema(psych):
    response = psych.get(reverse("api:schema"), {"format": "json"})
    schema = response.json()
    assert "/api/v1/stays/{stay_pk}/comparison/" in schema["paths"]
    assert "StayComparison" in schema["components"]["schemas"]
    dimension = schema["components"]["schemas"]["Dimension"]["properties"]
    assert {"I", "C", "D", "gap", "status"} <= set(dimension)
