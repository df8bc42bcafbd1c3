"""Browser journey of issue 11: the demo physician sends the employer package for the demo burnout patient (Helen
Berger, hamburg_model.md §11.1) — recipient and purpose, only the sections her employer consent and the policy allow,
preview, PDF, recorded disclosure — then creates her plan link, which she opens on a phone (390 × 844): her agreed
goals and her graded step plan, read-only; another phone gets the friendly invalid page.

Her graded plan is written here through the services (the demo leaves it to the issue-7 journey). Page 1 of the
employer package is also saved as docs/img/disclosure-employer-package-p1.png."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from pypdf import PdfReader

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHYSICIAN = "aerztin"
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
ACTIVITIES = ("Posteingang sichten, keine Teamleitung", "Kundenanfragen am Telefon", "Teamleitung ohne Eskalation")
PHONE = {"width": 390, "height": 844}


def _login(page, base_url: str, username: str) -> None:
    from patients.demo import DEMO_PASSWORD

    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]:not([name=language])")
    page.wait_for_selector("[data-testid=worklist]")


def _helen_with_a_graded_plan():
    from patients.models import Stay
    from reintegration.services import plan as plan_services
    from staff.models import User

    helen = Stay.objects.select_related("patient").get(patient__first_name="Helen", patient__last_name="Berger")
    physician = User.objects.get(username=PHYSICIAN)
    start = helen.discharge_date + dt.timedelta(days=7 - helen.discharge_date.weekday())
    plan = plan_services.plan_create(by=physician, stay=helen, starts_on=start)
    for hours, activities in zip((2, 4, 6), ACTIVITIES, strict=True):
        plan_services.step_add(
            by=physician, plan=plan, weeks=2, pattern=[{"days": 5, "hours": str(hours)}], activities=activities
        )
    return helen


def _pdf_text(path: Path) -> str:
    return "".join("".join(page.extract_text() for page in PdfReader(str(path)).pages).split())


def test_the_employer_package_for_the_burnout_patient_and_her_plan_on_a_phone(live_server, page, browser, artifacts):
    from disclosure.models import DisclosureRecord
    from patients.models import ContactKind

    call_command("load_demo", verbosity=0)
    helen = _helen_with_a_graded_plan()
    employer = helen.contacts.get(kind=ContactKind.EMPLOYER)
    base = live_server.url
    _login(page, base, PHYSICIAN)

    # --- from the case overview to a new package: the employer, for the graded return --------------------------
    page.goto(f"{base}/cases/stays/{helen.pk}/")
    page.click("[data-testid=disclosure-link]")
    page.click("[data-testid=package-start]")
    page.select_option("select[name=contact]", str(employer.pk))
    page.select_option("select[name=purpose]", "graded_return")
    page.click("#recipient-submit")
    page.wait_for_selector("[data-testid=package-form]")
    offered = page.eval_on_selector_all("input[name=sections]", "els => els.map(e => e.value)")
    assert offered == ["graded_plan", "capacity_summary"]  # never diagnoses, never the profile comparison
    assert page.locator("[data-testid=left-out] li").count() == 6
    page.screenshot(path=str(artifacts / "disclosure_sections.png"), full_page=True)

    # --- preview, then the PDF and the record ------------------------------------------------------------------
    page.click("[data-testid=package-preview]")
    page.wait_for_selector("[data-testid=package-preview-body]")
    sections = page.eval_on_selector_all("[data-testid=package-section]", "els => els.map(e => e.dataset.section)")
    assert sections == ["graded_plan", "capacity_summary"]
    assert ACTIVITIES[0] in page.inner_text("[data-testid=package-preview-body]")
    page.screenshot(path=str(artifacts / "disclosure_preview.png"), full_page=True)
    page.click("[data-testid=package-send]")
    page.wait_for_selector("[data-testid=disclosure-record]")
    record = DisclosureRecord.objects.get(stay=helen)
    assert (record.contact_id, record.purpose, record.sections) == (
        employer.pk,
        "graded_return",
        ["graded_plan", "capacity_summary"],
    )
    assert record.created_by.username == PHYSICIAN
    page.screenshot(path=str(artifacts / "disclosure_history.png"), full_page=True)

    with page.expect_download() as download_info:
        page.click("[data-testid=record-download]")
    pdf_path = artifacts / "disclosure_employer_package.pdf"
    download_info.value.save_as(str(pdf_path))
    assert pdf_path.read_bytes() == bytes(record.document.content)
    text = _pdf_text(pdf_path)
    assert "".join(ACTIVITIES[0].split()) in text and "Nordlicht" in text
    assert "F43" not in text  # no diagnosis ever goes to the employer
    if shutil.which("pdftoppm"):
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603 - fixed arguments, our own file
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf_path),
                str(DOCS_IMG / "disclosure-employer-package-p1"),
            ],
            check=True,
        )
        assert (DOCS_IMG / "disclosure-employer-package-p1.png").exists()

    # --- the patient's plan link, opened on a phone --------------------------------------------------------------
    page.click("[data-testid=plan-link-create]")
    page.wait_for_selector("[data-testid=plan-link-url]")
    link_url = page.inner_text("[data-testid=plan-link-url]").strip()
    assert "/p/" in link_url
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        mobile = phone.new_page()
        mobile.goto(link_url)
        mobile.wait_for_selector("[data-testid=patient-plan]")
        shown = mobile.eval_on_selector_all("[data-testid=plan-section]", "els => els.map(e => e.dataset.section)")
        assert shown == ["goal_agreement", "transfer_strategies", "graded_plan"]
        assert mobile.locator("[data-testid=plan-step]").count() == len(ACTIVITIES)
        # phone-first: nothing wider than the screen
        assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        mobile.screenshot(path=str(artifacts / "disclosure_patient_plan_phone.png"), full_page=True)
        mobile.reload()  # the same phone again
        mobile.wait_for_selector("[data-testid=patient-plan]")
    finally:
        phone.close()

    other = browser.new_context(viewport=PHONE, is_mobile=True)
    try:
        stranger = other.new_page()
        response = stranger.goto(link_url)
        assert response.status == 404  # bound to the first phone: the foundation's friendly page
        assert not stranger.locator("[data-testid=patient-plan]").count()
        stranger.screenshot(path=str(artifacts / "disclosure_plan_link_other_phone.png"), full_page=True)
    finally:
        other.close()
