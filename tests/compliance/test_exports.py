"""The dashboard's exports (CSV, XLSX, PDF) and the per-stay indicator table: one row generator, the same rows in
every format, pseudonymised, audit-logged, management of the facility only, bad parameters never a 500."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from compliance import exports, pseudonyms
from compliance.catalogue import by_measure
from compliance.periods import parse_period
from compliance.selectors import Dashboard, Filters, IndicatorRow, Rate, SectionBlock
from tests.compliance.exports_data import COUNSELING, GROUPS, PERIOD, TODAY, build_quarter
from tests.factories import FacilityFactory, UserFactory
from wmr.models import AuditEntry

URLS = {
    "csv": "compliance:export-csv",
    "xlsx": "compliance:export-xlsx",
    "pdf": "compliance:export-pdf",
    "stays_csv": "compliance:export-stays-csv",
}
RATE, TREND = 9, slice(14, 18)  # columns of the dashboard table


def csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def same_cell(text: str, value) -> bool:
    """A CSV cell (German or English number format) and the XLSX cell hold the same value."""
    if value is None:
        return text == ""
    if isinstance(value, int | float):
        return Decimal(text.replace(",", ".")) == Decimal(str(value))
    return text == value


@pytest.fixture
def quarter(make_stay):
    return build_quarter(make_stay)


def get(client, kind: str, **params):
    params.setdefault("period", PERIOD)
    return client.get(reverse(URLS[kind]), params)


# --- the row generator (pure: a hand-built Dashboard) -------------------------------------------------------------


def _row(measure: str, rate: Rate, light: str, trend=()) -> IndicatorRow:
    return IndicatorRow(recommendation=by_measure()[measure], rate=rate, light=light, trend=list(trend))


def _dashboard(sections, positive_screening=None) -> Dashboard:
    facility = FacilityFactory.build(pk=7, name="Klinik am Kurpark", short_name="KaK")
    return Dashboard(
        facility=facility,
        period=parse_period(PERIOD),
        filters=Filters(),
        today=TODAY,
        stays=4,
        sections=sections,
        positive_screening=positive_screening,
        thresholds={"shall": 90, "should": 75, "may": 50},
    )


def test_the_row_generator_gives_one_row_per_indicator_with_counts_rate_light_and_trend():
    q3, q4 = parse_period("2026-Q3"), parse_period(PERIOD)
    counseling = _row(COUNSELING, Rate(2, 3, 0, 1), "red", [(q3, Decimal("100.0")), (q4, Decimal("66.7"))])
    groups = _row(GROUPS, Rate(1, 2, 1, 0), "red")
    board = _dashboard(
        [
            SectionBlock("counseling", "Psychosocial counseling", [counseling]),
            SectionBlock("work_groups", "Work-related groups", [groups]),
        ]
    )
    with translation.override("en"):
        rows = list(exports.dashboard_rows(board))
        header, values = exports.dashboard_table(board)
    assert [(r.recommendation, r.numerator, r.denominator, r.rate, r.light) for r in rows] == [
        ("5.3", 2, 3, Decimal("66.7"), "red"),
        ("6.1", 1, 2, Decimal("50.0"), "red"),
    ]
    assert (rows[0].not_applicable, rows[1].not_yet_due) == (1, 1)
    assert rows[0].trend == (("2026-Q3", Decimal("100.0")), ("2026-Q4", Decimal("66.7")))
    assert header[:3] == ["Facility", "Period", "Filters"]
    assert header[TREND] == ["Trend Q3 2026 (%)", "Trend Q4 2026 (%)"]
    assert values[0][:6] == ["Klinik am Kurpark", PERIOD, "", "Psychosocial counseling", "5.3", "shall"]
    assert values[0][RATE:] == [Decimal("66.7"), None, "red", 0, 1, Decimal("100.0"), Decimal("66.7")]
    assert values[1][TREND] == [None, None]  # a row without trend gets empty trend cells, never 0


def test_the_positive_screening_share_is_one_row_whether_or_not_a_section_lists_it():
    share = _row("positive_screening_share", Rate(8, 10), "green")
    inside = _dashboard([SectionBlock("assignment", "Access", [share])], positive_screening=share)
    apart = _dashboard([], positive_screening=share)
    assert [r.recommendation for r in exports.dashboard_rows(inside)] == ["2.7"]
    assert [(r.recommendation, r.section) for r in exports.dashboard_rows(apart)] == [("2.7", "assignment")]


def test_no_data_is_an_empty_cell_in_both_files_never_zero_percent():
    board = _dashboard([SectionBlock("counseling", "Counseling", [_row(COUNSELING, Rate(), "none")])])
    with translation.override("en"):
        header, rows = exports.dashboard_table(board)
        csv_content, _count = exports.write_csv(header, rows)
        assert csv_rows(csv_content)[1][RATE : RATE + 3] == ["", "", "no data"]
    assert xlsx_rows(exports.write_xlsx(header, rows, title="x")[0])[1][RATE] is None


def test_the_csv_uses_the_decimal_comma_in_german_and_the_point_in_english():
    header, rows = ["Rate"], [[Decimal("66.7")]]
    with translation.override("de"):
        assert csv_rows(exports.write_csv(header, rows)[0])[1] == ["66,7"]
    with translation.override("en"):
        assert csv_rows(exports.write_csv(header, rows)[0])[1] == ["66.7"]


@pytest.mark.parametrize("text", ["=HYPERLINK(1)", "+1", "-1", "@SUM(A1)"])
def test_a_text_a_spreadsheet_would_run_as_a_formula_is_quoted(text):
    assert exports.csv_cell(text) == f"'{text}"
    assert exports.xlsx_cell(text) == f"'{text}"
    assert exports.csv_cell("Klinik -1") == "Klinik -1"


# --- the downloads ----------------------------------------------------------------------------------------------


def test_the_dashboard_links_every_export_with_its_own_filters(quarter, manager, facility, client_for):
    response = client_for(manager).get(reverse("compliance:dashboard"), {"period": PERIOD, "department": "3197"})
    assert response.status_code == 200
    html = response.content.decode()
    area = html[html.index('data-testid="dashboard-exports"') :]
    query = f"facility={facility.pk}&amp;period={PERIOD}&amp;department=3197"
    for kind, name in URLS.items():
        assert f'href="{reverse(name)}?{query}" data-testid="export-{kind.replace("_", "-")}"' in area


def test_csv_and_xlsx_hold_the_same_rows_of_the_hand_built_quarter(quarter, manager, client_for):
    client = client_for(manager)  # German: decimal comma in the CSV
    csv_response, xlsx_response = get(client, "csv"), get(client, "xlsx")
    assert csv_response.status_code == xlsx_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    assert xlsx_response["Content-Type"] == exports.XLSX_TYPE
    assert f"compliance-kak-{PERIOD}.xlsx" in xlsx_response["Content-Disposition"]
    from_csv, from_xlsx = csv_rows(csv_response.content), xlsx_rows(xlsx_response.content)
    assert len(from_csv) == len(from_xlsx) > 2
    assert from_csv[0] == list(from_xlsx[0])
    for text_row, value_row in zip(from_csv[1:], from_xlsx[1:], strict=True):
        assert len(text_row) == len(value_row)
        assert all(same_cell(text, value) for text, value in zip(text_row, value_row, strict=True)), text_row
    by_rec = {row[4]: row for row in from_csv[1:]}
    assert by_rec["5.3"][7:10] == ["2", "3", "66,7"] and by_rec["5.3"][13] == "1"  # stay D: not applicable
    assert by_rec["6.1"][7:10] == ["1", "2", "50,0"] and by_rec["6.1"][12] == "1"  # one not yet due
    xlsx_53 = next(row for row in from_xlsx if row[4] == "5.3")
    assert (xlsx_53[7], xlsx_53[8], xlsx_53[RATE]) == (2, 3, 66.7)  # numbers stay numbers


def test_the_pdf_shows_the_sections_and_the_rates(quarter, manager, client_for):
    response = get(client_for(manager, language="en"), "pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for heading in ("Psychosocial counseling", "Work-related groups", "Klinik am Kurpark", "Q4 2026"):
        assert heading in text
    assert "66.7 %" in text and "50.0 %" in text


def test_the_per_stay_table_has_one_row_per_stay_and_measure_as_number_and_pseudonym(quarter, manager, client_for):
    with translation.override("en"):
        response = get(client_for(manager, language="en"), "stays_csv")
    assert response.status_code == 200
    header, *rows = csv_rows(response.content)
    assert header[:8] == [
        "Stay number",
        "Pseudonym",
        "Department",
        "WMR",
        "Counts in the period of",
        "Recommendation",
        "Measure",
        "State",
    ]
    q4 = [quarter.a, quarter.b, quarter.c, quarter.d]  # the Q3 stay is not in the period
    assert len(rows) == 7
    assert {row[0] for row in rows} == {stay.number for stay in q4}
    assert all(row[1] == pseudonyms.pseudonym(next(s.pk for s in q4 if s.number == row[0])) for row in rows)
    c_rows = sorted((row[5], row[6], row[7], row[3], row[4]) for row in rows if row[0] == quarter.c.number)
    assert c_rows == [
        ("5.3", COUNSELING, "not met", "yes", "02.11.2026"),
        ("6.1", GROUPS, "not yet due", "yes", "02.11.2026"),
    ]


def test_the_filters_of_the_dashboard_apply_to_the_exports(quarter, manager, client_for):
    client = client_for(manager, language="en")
    with translation.override("en"):
        stays = csv_rows(get(client, "stays_csv", department="3100").content)[1:]
        board = csv_rows(get(client, "csv", wmr="no").content)[1:]
    assert {row[0] for row in stays} == {quarter.d.number}
    counseling = next(row for row in board if row[4] == "5.3")
    assert counseling[2] == "WMR: no" and counseling[7:9] == ["0", "0"] and counseling[13] == "1"


def test_the_team_filter_keeps_the_stays_of_that_clinicians_care_teams(
    quarter, manager, client_for, other_team_clinician
):
    from patients import services
    from patients.models import TeamFunction

    services.careteam_add(
        by=other_team_clinician, stay=quarter.c, user=other_team_clinician, function=TeamFunction.PHYSICIAN
    )
    client = client_for(manager, language="en")
    with translation.override("en"):
        stays = csv_rows(get(client, "stays_csv", team=other_team_clinician.pk).content)[1:]
        board = csv_rows(get(client, "csv", team=other_team_clinician.pk).content)[1:]
    assert {row[0] for row in stays} == {quarter.c.number}
    counseling = next(row for row in board if row[4] == "5.3")
    assert counseling[2] == "care team of Otto Anders" and counseling[7:9] == ["0", "1"]


def test_no_export_names_a_patient_or_a_birth_date_even_for_a_manager_on_the_care_team(
    quarter, manager, client_for, make_stay
):
    from patients import services
    from patients.models import TeamFunction

    services.careteam_add(by=manager, stay=quarter.a, user=manager, function=TeamFunction.PHYSICIAN)
    client = client_for(manager)
    contents = [get(client, kind).content for kind in ("csv", "xlsx", "stays_csv")]
    texts = [contents[0].decode("utf-8"), contents[2].decode("utf-8"), pdf_text(get(client, "pdf").content)]
    workbook = load_workbook(io.BytesIO(contents[1]))
    texts.append(" ".join(str(cell) for row in workbook.active.iter_rows(values_only=True) for cell in row))
    for stay in quarter.stays:
        patient = stay.patient
        for secret in (
            patient.last_name,
            patient.first_name,
            f"{patient.birth_date:%d.%m.%Y}",
            patient.birth_date.isoformat(),
        ):
            assert not any(secret in text for text in texts), secret


@pytest.mark.parametrize("kind", URLS)
def test_every_export_writes_one_audit_row_filed_under_the_facility(kind, quarter, manager, facility, client_for):
    response = get(client_for(manager), kind, department="3197")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=f"compliance.export.{kind}")
    assert (entry.user, entry.object_type, entry.object_id) == (manager, "patients.facility", str(facility.pk))
    assert entry.data["period"] == PERIOD and entry.data["department"] == "3197"
    if kind == "stays_csv":
        assert entry.data["stays"] == sorted([quarter.a.pk, quarter.b.pk, quarter.c.pk])
    if kind == "pdf":
        import hashlib

        assert entry.data["sha256"] == hashlib.sha256(response.content).hexdigest()


@pytest.mark.parametrize("kind", URLS)
def test_another_clinics_manager_and_the_care_team_get_404_and_nothing_is_logged(
    kind, quarter, facility, other_facility, treating_psychologist, client_for
):
    elsewhere = UserFactory(username="boss2", role="management", facilities=[other_facility])
    assert get(client_for(elsewhere), kind, facility=facility.pk).status_code == 404
    assert get(client_for(treating_psychologist), kind, facility=facility.pk).status_code == 404
    assert not AuditEntry.objects.filter(action__startswith="compliance.export").exists()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "2026-Q5"}, "2026-Q5"),
        ({"department": "9999"}, "9999"),
        ({"wmr": "maybe"}, "maybe"),
        ({"team": "999999"}, ""),
    ],
)
@pytest.mark.parametrize("kind", URLS)
def test_a_bad_parameter_sends_the_manager_back_to_the_dashboard_with_the_message(
    kind, params, message, quarter, manager, client_for
):
    client = client_for(manager, language="en")
    response = get(client, kind, **params)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("compliance:dashboard") + "?")
    page = client.get(response["Location"])
    assert page.status_code == 200
    shown = [str(m) for m in page.context["messages"]]
    assert shown and (not message or any(message in m for m in shown)), shown
    assert not AuditEntry.objects.filter(action__startswith="compliance.export").exists()


def test_the_per_stay_table_costs_the_same_queries_for_one_stay_and_for_many(manager, client_for, make_stay):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.compliance.exports_data import record

    client = client_for(manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert get(client, "stays_csv").status_code == 200
        return len(captured)

    record(make_stay(department_code="3197"), COUNSELING, "met")
    one = queries()
    for _ in range(12):
        record(make_stay(department_code="3197"), COUNSELING, "not_met")
    # session, user, the user's facilities (form: list and field), the results with their stays, the audit row
    assert queries() == one
