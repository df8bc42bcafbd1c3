"""In the browser: the quick log is keyboard-only (minutes focused, Enter saves) and htmx puts the new row on top of
the contact log without reloading the page."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_session_is_logged_with_the_keyboard_and_appears_without_a_reload(
    live_server, page, make_stay, social_worker
):
    from tests.factories import DEFAULT_PASSWORD
    from therapy.models import TherapySession

    stay = make_stay()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", social_worker.username)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/therapy/stays/{stay.pk}/sessions/")
    page.evaluate("window.notReloaded = true")
    assert page.evaluate("document.activeElement.name") == "minutes"
    page.keyboard.type("45")
    page.focus("#quick-log input[name=note]")
    page.keyboard.type("Erstgespräch am Telefon")
    page.keyboard.press("Enter")
    row = page.wait_for_selector("#session-rows tr[data-session]")
    assert "Erstgespräch am Telefon" in row.inner_text()
    assert page.evaluate("window.notReloaded") is True
    assert page.input_value("#quick-log input[name=minutes]") == ""  # a fresh form for the next one
    assert page.query_selector("#no-sessions") is None
    assert TherapySession.objects.get().minutes == 45
    page.keyboard.type("30")  # the fresh form's minutes have the focus again
    page.keyboard.press("Enter")
    # a locator, not wait_for_function: that evaluates a string in the page, which the CSP forbids (no unsafe-eval)
    page.locator("#session-rows tr[data-session]").nth(1).wait_for()
    assert TherapySession.objects.count() == 2
