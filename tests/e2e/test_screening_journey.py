"""Browser journey of issue 4: Helen fills the SIMBO-C DEMO questionnaire on her phone through the one-time link from
her invitation (answers saved as she goes, a reload loses nothing), then the physician sees the score on the case
overview and records motivation, the contraindication check and the decision WMR."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "de-DE"}
# T1 of screening.md: 8+15+10+15+14+15+10 = 87, positive with simbo_27 (the demo clinic's preset)
T1_FIRST = {"employment_status": "unemployed", "sick_leave_now": "yes", "sick_leave_12m": "3_to_6_months"}
T1_REST = {"prognosis": "unemployment_or_pension", "motivation": "yes"}


def _choose(page, item: str, value: str) -> None:
    page.check(f"input[name='q-{item}'][value='{value}']")
    page.wait_for_selector(f"#status-{item}[data-state=saved]")


def _number(page, item: str, value: str) -> None:
    page.fill(f"#id_q-{item}", value)
    page.press(f"#id_q-{item}", "Tab")  # the change event: the answer is sent
    page.wait_for_selector(f"#status-{item}[data-state=saved]")


def test_helen_fills_the_screening_on_her_phone_and_the_physician_assigns_wmr(live_server, browser, page, artifacts):
    from patients.demo import DEMO_PASSWORD
    from patients.models import LinkPurpose, Stay
    from patients.services import patient_link_create
    from screening.models import ScreeningDraft, ScreeningResult
    from staff.models import User

    call_command("load_demo", verbosity=0)
    stay = Stay.objects.select_related("patient").get(patient__first_name="Helen")
    physician = User.objects.get(username="aerztin")
    link, token = patient_link_create(by=physician, stay=stay, purpose=LinkPurpose.PRE_ADMISSION)

    phone = browser.new_context(**PHONE)
    try:
        patient = phone.new_page()
        patient.goto(f"{live_server.url}/p/{token}/")
        patient.wait_for_selector("#questionnaire")
        assert "Frage 3 von 7" in patient.content()  # the clinic's language
        _number(patient, "age", "52")
        for item, value in T1_FIRST.items():
            _choose(patient, item, value)
        # a wrong number gets a message at its question and is not kept
        patient.fill("#id_q-limitation", "11")
        patient.press("#id_q-limitation", "Tab")
        patient.wait_for_selector("#status-limitation[data-state=invalid]")
        assert "limitation" not in ScreeningDraft.objects.get(link=link).answers

        patient.reload()  # midway: nothing is lost
        patient.wait_for_selector("#questionnaire")
        assert patient.input_value("#id_q-age") == "52"
        for item, value in T1_FIRST.items():
            assert patient.is_checked(f"input[name='q-{item}'][value='{value}']")
        assert patient.get_attribute("#screening-progress", "data-answered") == "4"

        _number(patient, "limitation", "7")
        for item, value in T1_REST.items():
            _choose(patient, item, value)
        patient.fill("input[name='bem_contact-person']", "Frau Kaya")
        patient.screenshot(path=str(artifacts / "screening_phone.png"), full_page=True)
        patient.click("[data-testid=final-submit]")
        patient.wait_for_selector("h1:has-text('Vielen Dank')")
    finally:
        phone.close()

    result = ScreeningResult.objects.get(stay=stay, link=link)
    assert (result.total, result.status, result.channel) == (Decimal("87.0"), "positive", "patient_link")
    link.refresh_from_db()
    assert link.used_at is not None

    # the physician sees the score on the case overview and records the assignment steps
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "aerztin")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]:not([name=language])")
    page.wait_for_selector("[data-testid=worklist]")
    page.goto(f"{live_server.url}/cases/stays/{stay.pk}/")
    latest = page.locator("[data-testid=latest-screening]")
    assert latest.get_attribute("data-status") == "positive"
    assert "87" in latest.inner_text()

    page.click("[data-testid=assignment-actions] a[href$='/motivation/']")
    page.check("input[name=motivation][value=motivated]")
    page.click("input[name=save]")
    page.wait_for_selector("[data-testid=latest-screening]")

    page.click("[data-testid=record-contraindications]")
    page.check("input[name=none_found]")
    page.click("input[name=save]")
    page.wait_for_selector("[data-testid=latest-screening]")

    page.click("[data-testid=assignment-actions] a[href$='/decision/']")
    page.check("input[name=decision][value=assign]")
    page.fill("input[name=participants]", "Dr. Seidel, Sozialdienst")
    page.click("input[name=save]")
    page.wait_for_selector("[data-testid=decisions]")
    assert page.locator("[data-testid=decisions] tr[data-decision=assign]").count() == 1
    assert page.get_attribute("[data-testid=assignment-steps] li >> nth=0", "data-done") == "yes"
    page.screenshot(path=str(artifacts / "screening_assignment.png"), full_page=True)
