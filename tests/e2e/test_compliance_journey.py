"""Browser journey of issue 8: the demo manager opens the compliance dashboard of the demo clinic, picks the quarter in
which the demo's discharged stays lie, sees rates and traffic lights, drills down to an indicator with missing stays
(stay numbers and pseudonyms, no patient name), goes back and exports the dashboard as XLSX (read back with openpyxl:
rows, no patient name). Screenshots of the dashboard and the drill-down go to docs/screenshots (copied from the
artifacts)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from tests.e2e.conftest import pass_two_factor

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MANAGER = "leitung"


def _login(page, base_url: str, username: str) -> None:
    from patients.demo import DEMO_PASSWORD

    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]:not([name=language])")
    pass_two_factor(page, username)  # issue 9: management enrols at the first login, types a code later
    page.wait_for_selector("[data-testid=nav-compliance]")


def _patient_names_in(text: str) -> list[str]:
    """The demo patients' names (full, "last, first", or the last name as a word) found in ``text``."""
    from patients.demo import PATIENTS

    found = []
    for spec in PATIENTS:
        for pattern in (
            rf"\b{spec.first_name}\s+{spec.last_name}\b",
            rf"\b{spec.last_name},\s*{spec.first_name}\b",
            rf"\b{spec.last_name}\b",
        ):
            if re.search(pattern, text):
                found.append(f"{spec.first_name} {spec.last_name}")
                break
    return found


def _birth_dates_in(text: str) -> list[str]:
    from patients.demo import PATIENTS

    return [
        spec.birth_date.strftime(fmt)
        for spec in PATIENTS
        for fmt in ("%d.%m.%Y", "%Y-%m-%d")
        if spec.birth_date.strftime(fmt) in text
    ]


def test_a_manager_opens_the_dashboard_drills_down_to_a_missing_indicator_and_exports_xlsx(
    live_server, page, artifacts
):
    from compliance.catalogue import by_measure
    from compliance.periods import current_quarter, previous_quarters
    from patients.demo import FACILITIES
    from patients.models import Facility, Stay
    from wmr.models import AuditEntry

    call_command("load_demo", verbosity=0)
    today = timezone.localdate()
    clinic = Facility.objects.get(ik_number=FACILITIES[0].ik_number)
    # the demo's discharged stays lie in the previous calendar quarter: there the outcome indicators have rates
    period = previous_quarters(current_quarter(today), 2)[0]
    base = live_server.url
    _login(page, base, MANAGER)

    # --- the dashboard: through the navigation, then the clinic and the quarter with the discharged stays ----------
    page.click("[data-testid=nav-compliance]")
    page.wait_for_selector("[data-testid=dashboard-filters]")
    filters = page.locator("[data-testid=dashboard-filters]")
    filters.locator("select[name=facility]").select_option(str(clinic.pk))
    filters.locator("input[name=period]").fill(period.code)
    filters.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=dashboard-table]")
    scope = page.inner_text("[data-testid=dashboard-scope]")
    assert clinic.name in scope
    assert period.label in scope
    table = page.locator("[data-testid=dashboard-table]")
    rates = table.locator("[data-rate]:not([data-rate=none])")
    assert rates.count() > 0
    assert rates.first.is_visible()
    assert re.search(r"\(\d+(?:[.,]\d)? %\)", rates.first.inner_text())  # "3 of 4 (75.0 %)" / "3 von 4 (75,0 %)"
    lights = table.locator("span.badge[data-light=green], span.badge[data-light=amber], span.badge[data-light=red]")
    assert lights.count() > 0
    assert lights.first.is_visible()
    assert not _patient_names_in(page.inner_text("main"))
    page.screenshot(path=str(artifacts / "compliance_dashboard.png"), full_page=True)

    # --- the drill-down of an indicator with missing stays: stay numbers and pseudonyms, no names -----------------
    # the indicator that the most stays miss ("3 stays missing")
    links = table.locator("a[data-testid^=drilldown-]")
    assert links.count() > 0
    missing, index = max((int(re.search(r"\d+", links.nth(i).inner_text())[0]), -i) for i in range(links.count()))
    link = links.nth(-index)
    measure = link.get_attribute("data-testid").removeprefix("drilldown-")
    link.click()
    page.wait_for_selector("[data-testid=drilldown-table]")
    assert f"/compliance/drilldown/{measure}/" in page.url
    rows = page.locator("[data-testid=drilldown-row]")
    assert rows.count() == missing > 0
    numbers = {Stay.objects.get(pk=stay_id).number for stay_id in _stay_ids_of(clinic, measure, period)}
    for n in range(rows.count()):
        row = rows.nth(n)
        assert row.get_attribute("data-stay") in numbers
        assert row.locator("code").inner_text().strip()  # the pseudonym
    assert not page.locator("[data-testid=drilldown-case-link]").count()  # the manager is on no care team
    drilldown_text = page.inner_text("main")
    assert not _patient_names_in(drilldown_text)
    assert not _birth_dates_in(drilldown_text)
    assert not _patient_names_in(page.content())
    page.screenshot(path=str(artifacts / "compliance_drilldown.png"), full_page=True)
    assert AuditEntry.objects.filter(action="compliance.drilldown.viewed", user__username=MANAGER).exists()

    # --- back to the dashboard, the XLSX export read back ------------------------------------------------------
    page.click("[data-testid=drilldown-back]")
    page.wait_for_selector("[data-testid=dashboard-table]")
    assert period.label in page.inner_text("[data-testid=dashboard-scope]")
    with page.expect_download() as download_info:
        page.click("[data-testid=export-xlsx]")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = artifacts / "compliance_dashboard.xlsx"
    download.save_as(str(path))
    workbook = load_workbook(path, read_only=True)
    sheet = workbook.active
    rows_read = [row for row in sheet.iter_rows(values_only=True)]
    assert len(rows_read) > 1  # the header and the indicators
    assert sheet.title == period.code
    # columns: facility, period, filters, section, recommendation, grade, summary, met, counted (met + not met), …
    lines = {row[4]: row for row in rows_read[1:]}
    assert {(row[0], row[1]) for row in rows_read[1:]} == {(clinic.name, period.code)}
    drilled = lines[by_measure()[measure].id]
    assert drilled[8] - drilled[7] == missing  # the stays missing it, as on the page
    cells = " ".join(str(value) for row in rows_read for value in row if value is not None)
    assert not _patient_names_in(cells)
    assert not _birth_dates_in(cells)
    workbook.close()
    assert AuditEntry.objects.filter(action="compliance.export.xlsx", user__username=MANAGER).exists()


def _stay_ids_of(clinic, measure: str, period) -> list[int]:
    """The stays of the clinic that miss ``measure`` in ``period``, from the stored results."""
    from compliance.models import StayIndicator
    from wmr.indicators import IndicatorState

    return list(
        StayIndicator.objects.filter(
            facility=clinic,
            measure=measure,
            state=IndicatorState.NOT_MET,
            period_date__range=(period.start, period.end),
        ).values_list("stay_id", flat=True)
    )
