"""The demo psychologist logs in, opens her worklist and the burnout patient's case, and downloads the invitation."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from pypdf import PdfReader

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_demo_psychologist_downloads_the_invitation_of_the_burnout_patient(live_server, page, artifacts):
    from patients.demo import DEMO_PASSWORD, DEMO_PSYCHOLOGIST

    call_command("load_demo", verbosity=0)

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", DEMO_PSYCHOLOGIST)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]:not([name=language])")
    page.wait_for_selector("[data-testid=worklist]")
    assert "Arbeitsliste" in page.content()
    page.screenshot(path=str(artifacts / "worklist.png"), full_page=True)

    page.fill("input[name=q]", "Helen")
    page.press("input[name=q]", "Enter")
    page.click("[data-testid=worklist] a:has-text('Helen')")
    page.wait_for_selector("[data-testid=case-header]")
    assert "3197" in page.inner_text("[data-testid=case-header]")

    page.click("[data-testid=create-invitation]")
    page.wait_for_selector("[data-testid=document-link]")
    page.screenshot(path=str(artifacts / "case_overview.png"), full_page=True)

    with page.expect_download() as download_info:
        page.click("[data-testid=document-link] >> nth=0")
    download = download_info.value
    target = artifacts / "invitation.pdf"
    download.save_as(str(target))
    text = "\n".join(p.extract_text() for p in PdfReader(str(target)).pages)
    assert "Helen" in text
    assert download.suggested_filename.endswith(".pdf")
