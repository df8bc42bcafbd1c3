"""Browser journey of issue 7: the demo physician builds the six-step graded return-to-work plan of the demo burnout
patient (Helen Berger, hamburg_model.md §11.1) through the forms, sees the computed last day and the 304 nominal hours,
then drafts the discharge letter from the record, fills in the socio-medical appraisal, signs it and downloads the
signed PDF (read back for the letter's section headings and the plan)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHYSICIAN = "aerztin"
# §11.1 with the assumptions stated there: the 4-hour step lasts 2 weeks; the remaining days of the "3 days" and
# "2 days" steps keep the previous step's level (4 h in step 4, 6 h in step 6). Five-day, 40-hour contract.
# (weeks, [(days per week, hours per day), …], typical tasks, expected step hours)
STEPS = (
    (2, [(5, 2)], "Posteingang und E-Mail-Anfragen sichten, keine Teamleitung", 20),
    (2, [(5, 3)], "Kundenanfragen am Telefon bearbeiten", 30),
    (2, [(5, 4)], "Kundenanfragen, Übergabe mit der Stellvertretung", 40),
    (2, [(3, 6), (2, 4)], "Teambesprechungen wieder leiten", 52),
    (2, [(5, 6)], "Teamleitung ohne Eskalationsfälle", 60),
    (3, [(2, 8), (3, 6)], "Teamleitung mit Eskalationsfällen", 102),
)
TOTAL_HOURS = 304
TOTAL_DAYS = 91  # 13 weeks
DIAGNOSES = (
    "F43.2 Anpassungsstörung mit Erschöpfungssyndrom\nZ73 Probleme mit Bezug auf Schwierigkeiten der Lebensbewältigung"
)
APPRAISAL = (
    "Nach stufenweiser Wiedereingliederung über 13 Wochen ist die Tätigkeit als Teamleiterin Kundenservice "
    "6 Stunden und mehr täglich zu erwarten."
)


def _login(page, base_url: str, username: str) -> None:
    from patients.demo import DEMO_PASSWORD

    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]:not([name=language])")
    page.wait_for_selector("[data-testid=worklist]")


def _monday_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=7 - day.weekday())


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", str(text))


def _pdf_text(path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(str(path)).pages).split())


def _fill_step(page, weeks: int, pattern: list[tuple[int, int]], activities: str) -> None:
    form = page.locator("[data-testid=step-form]")
    form.locator("input[name=weeks]").fill(str(weeks))
    for row, (days, hours) in enumerate(pattern, start=1):
        form.locator(f"input[name=pattern_days_{row}]").fill(str(days))
        form.locator(f"input[name=pattern_hours_{row}]").fill(str(hours))
    form.locator("textarea[name=activities]").fill(activities)


def test_the_six_step_plan_of_the_demo_burnout_patient_and_the_signed_letter(live_server, page, artifacts):
    from django.conf import settings
    from django.utils import translation

    from patients.models import Stay
    from reintegration.documents_letter import SECTIONS
    from reintegration.models import DischargeLetter, GradedReturnPlan, LetterStatus

    call_command("load_demo", verbosity=0)
    today = timezone.localdate()
    helen = Stay.objects.select_related("patient").get(patient__first_name="Helen", patient__last_name="Berger")
    assert not GradedReturnPlan.objects.filter(stay=helen).exists()  # the demo leaves the plan to this journey
    # the first Monday after the planned discharge: within the pension insurer's 28 days (F-1)
    start = _monday_after(helen.discharge_date)
    last_day = start + dt.timedelta(days=TOTAL_DAYS - 1)
    base = live_server.url
    _login(page, base, PHYSICIAN)

    # --- Helen's case: 91 days of sick leave, the graded return still to be examined ------------------------------
    page.fill("input[name=q]", "Helen")
    page.press("input[name=q]", "Enter")
    page.click("[data-testid=worklist] a:has-text('Helen')")
    page.wait_for_selector("#reintegration [data-testid=overview-sick-leave]")
    assert page.get_attribute("[data-testid=sick-leave-days]", "data-days") == "91"
    assert page.get_attribute("[data-testid=sick-leave-task][data-kind=graded_return]", "data-state") == "open"

    # --- the graded return: a plan starting on a Monday, six steps through the forms -----------------------------
    page.click("#reintegration [data-testid=plan-link]")
    page.click("[data-testid=plan-create]")
    page.fill("input[name=starts_on]", start.isoformat())
    page.click("[data-testid=plan-create-submit]")
    page.wait_for_selector("[data-testid=plan-status][data-status=draft]")
    assert start.strftime("%d.%m.%Y") in page.inner_text("[data-testid=plan-start-date]")

    for position, (weeks, pattern, activities, _hours) in enumerate(STEPS, start=1):
        page.click("[data-testid=step-add]")
        _fill_step(page, weeks, pattern, activities)
        if position == len(STEPS):
            # the preview computes the whole plan with the last step before it is saved
            page.click("[data-testid=step-preview]")
            preview = page.inner_text("[data-testid=step-preview-result]")
            assert last_day.strftime("%d.%m.%Y") in preview
        page.click("[data-testid=step-save]")
        page.wait_for_selector(f"[data-testid=step-row][data-position='{position}']")

    rows = page.locator("[data-testid=step-row]")
    assert rows.count() == 6
    step_start = start
    for n, (weeks, _pattern, _activities, hours) in enumerate(STEPS):
        step_end = step_start + dt.timedelta(days=7 * weeks - 1)  # H-3
        row = rows.nth(n)
        assert row.locator("[data-testid=step-dates]").inner_text() == (f"{step_start:%d.%m.%Y} – {step_end:%d.%m.%Y}")
        assert row.locator("[data-testid=step-hours]").inner_text() == str(hours)
        step_start = step_end + dt.timedelta(days=1)
    assert page.inner_text("[data-testid=plan-last-day]") == last_day.strftime("%d.%m.%Y")
    assert (last_day + dt.timedelta(days=1)).strftime("%d.%m.%Y") in page.inner_text("[data-testid=plan-full-time]")
    assert page.inner_text("[data-testid=total-hours]").startswith(str(TOTAL_HOURS))
    assert str(TOTAL_DAYS) in page.inner_text("[data-testid=total-duration]")
    assert "13" in page.inner_text("[data-testid=total-duration]")
    plan = GradedReturnPlan.objects.get(stay=helen)
    assert (plan.steps.count(), plan.last_day) == (6, last_day)
    page.screenshot(path=str(artifacts / "reintegration_graded_plan.png"), full_page=True)

    # --- the discharge letter: drafted from the record, appraisal filled, signed, downloaded -----------------------
    page.goto(f"{base}/cases/stays/{helen.pk}/")
    page.click("[data-testid=letter-link]")
    page.click("[data-testid=letter-draft]")  # drafted from the record, then straight to its form
    page.wait_for_selector("textarea[name=diagnoses]")
    assert page.input_value("textarea[name=course]")  # the record's course of the stay
    page.fill("textarea[name=diagnoses]", DIAGNOSES)
    page.select_option("select[name=ability_last_job]", "6_plus")
    page.select_option("select[name=ability_general_market]", "6_plus")
    page.fill("textarea[name=positive_profile]", "Strukturiert, kommunikationsstark, erfahren in der Teamleitung.")
    page.fill("textarea[name=negative_profile]", "Vorerst keine Mehrarbeit und keine Eskalationsfälle am Abend.")
    page.fill("textarea[name=appraisal_detail]", APPRAISAL)
    page.fill("textarea[name=recommendations]", "Stufenweise Wiedereingliederung nach dem Stufenplan; Psy-RENA.")
    page.click("input[name=save]")
    page.wait_for_selector("[data-testid=letter-draft-card]")
    assert not page.locator("[data-testid=letter-sign-problems]").count()
    page.click("[data-testid=letter-sign]")
    page.wait_for_selector("[data-testid=letter-signed]")
    letter = DischargeLetter.objects.get(stay=helen)
    assert (letter.status, letter.signed_on) == (LetterStatus.SIGNED, today)
    page.screenshot(path=str(artifacts / "reintegration_discharge_letter.png"), full_page=True)

    with page.expect_download() as download_info:
        page.click("[data-testid=letter-download]")
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf_path = artifacts / "discharge_letter_helen.pdf"
    download.save_as(str(pdf_path))
    assert pdf_path.read_bytes().startswith(b"%PDF")
    text = _pdf_text(pdf_path)
    with translation.override(settings.LANGUAGE_CODE):  # the letter is written in the clinic's language
        headings = [" ".join(str(heading).split()) for _key, heading in SECTIONS]
    positions = [text.find(heading) for heading in headings]
    assert -1 not in positions, [h for h, p in zip(headings, positions, strict=True) if p == -1]
    assert positions == sorted(positions)
    assert "F43.2" in text
    assert _squash(APPRAISAL) in _squash(text)
    # the graded plan is printed from the record: its last day
    assert last_day.strftime("%d.%m.%Y") in text
    assert len(PdfReader(str(pdf_path)).pages) >= 2

    # --- the case overview: the plan, the signed letter and the indicators of the return to work ------------------
    page.goto(f"{base}/cases/stays/{helen.pk}/#reintegration")
    assert page.get_attribute("[data-testid=overview-plan-status]", "data-status") == "draft"
    assert page.get_attribute("[data-testid=overview-letter-status]", "data-state") == "signed"
    assert page.locator("[data-testid=rtw-indicators] li[data-state]").count() == 6
    page.locator("#reintegration").screenshot(path=str(artifacts / "reintegration_case_overview.png"))
