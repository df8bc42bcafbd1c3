"""In a real browser, the strict Content-Security-Policy (wmr/settings.py: no inline script, no inline style, no
eval) breaks nothing and is never violated: Chromium opens a representative set of pages of the demo clinic (login,
worklist, case overview with its progress bars, the htmx quick log with a save, the profile comparison chart, the
compliance dashboard, the API docs, the Django admin, the patient's screening page with its htmx autosave) and every
``securitypolicyviolation`` event and every console message about the policy is collected: there must be none.

Staff sessions are made by Django's test client (force_login, and the two-factor verification the test login marks)
and handed to the browser as its session cookie, so roles that need two-factor authentication open their pages too."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Runs in every page before its own scripts (Playwright's init script is not subject to the page's CSP).
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""


class Browser:
    """One browser context per persona that records the policy's violations on every page it opens."""

    def __init__(self, browser, base_url: str, user=None):
        from django.conf import settings

        from tests.conftest import login

        self.base_url = base_url
        self.context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
        self.context.add_init_script(COLLECT_VIOLATIONS)
        if user is not None:
            cookie = login(user).cookies[settings.SESSION_COOKIE_NAME].value
            self.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])
        self.console: list[str] = []
        self.violations: list[str] = []
        self.opened: list[str] = []
        self.page = self.context.new_page()
        self.page.on("console", self._console)

    def _console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text or "Refused to" in text:
            self.console.append(text)

    def open(self, path: str, ready: str = "main"):
        response = self.page.goto(f"{self.base_url}{path}")
        assert response is not None and response.status == 200, (path, response and response.status)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        self.page.wait_for_selector(ready)
        self.opened.append(path)
        return self.page

    def collect(self) -> None:
        self.violations += self.page.evaluate("window.__cspViolations || []")

    def close(self) -> None:
        self.collect()
        self.context.close()


def _violations(*browsers: Browser) -> list[str]:
    return [v for b in browsers for v in b.violations + b.console]


def test_the_demo_clinics_pages_run_under_the_strict_policy_without_a_single_violation(live_server, browser):
    from diagnostics.models import Profile
    from patients.demo import DEMO_PSYCHOLOGIST
    from patients.models import LinkPurpose, Stay
    from patients.selectors import stays_visible_to
    from patients.services import patient_link_create
    from staff.models import User

    call_command("load_demo", verbosity=0)
    psychologist = User.objects.get(username=DEMO_PSYCHOLOGIST)
    visible = stays_visible_to(psychologist)
    # the stay with the most therapy attendances shows the progress bars of the case overview
    busy = visible.annotate(n=Count("attendances")).order_by("-n", "pk").first()
    profiled = visible.filter(pk__in=Profile.objects.values("stay")).order_by("pk").first()
    assert busy is not None and busy.n > 0
    assert profiled is not None
    base = live_server.url
    opened = []

    clinician = Browser(browser, base, psychologist)
    try:
        clinician.open(reverse("cases:worklist"), "table")
        page = clinician.open(reverse("cases:overview", args=[busy.pk]))
        assert page.locator(".progress-svg rect").count() > 0  # the bars are drawn (SVG, no style attribute)
        assert page.locator(".progress-svg rect").first.bounding_box()["width"] > 0
        page = clinician.open(reverse("therapy:session-list", args=[busy.pk]), "#quick-log")
        before = page.locator("#session-rows tr[data-session]").count()
        page.fill("#quick-log input[name=minutes]", "30")
        page.press("#quick-log input[name=minutes]", "Enter")
        page.locator("#session-rows tr[data-session]").nth(before).wait_for()  # htmx put the new row in
        page = clinician.open(reverse("diagnostics:comparison", args=[profiled.pk]), "[data-testid=comparison-chart]")
        assert page.locator("[data-testid=comparison-chart] svg").count() == 1
        page = clinician.open(reverse("api:docs"), "#swagger-ui .information-container")
        page.wait_for_selector("#swagger-ui .opblock-tag")  # the operations are listed: the schema was loaded
    finally:
        clinician.close()
    opened += clinician.opened

    manager = Browser(browser, base, User.objects.get(username="leitung"))
    try:
        page = manager.open(reverse("compliance:dashboard"), "[data-testid=dashboard-filters]")
        manager.collect()
    finally:
        manager.close()
    opened += manager.opened

    admin = Browser(browser, base, User.objects.get(username="admin"))
    try:
        admin.open(reverse("admin:index"), "#content")
        admin.open(reverse("admin:staff_user_changelist"), "#changelist")
        admin.open(reverse("admin:staff_user_change", args=[psychologist.pk]), "#content form")
        admin.open(reverse("admin:patients_facility_changelist"), "#changelist")
    finally:
        admin.close()
    opened += admin.opened

    # anonymous: the login page, and the patient's screening questionnaire with its htmx autosave
    anonymous = Browser(browser, base)
    try:
        anonymous.open(reverse("login"), "form input[name=username]")
        stay = Stay.objects.get(patient__first_name="Helen")  # the demo's stay before admission, as in the screening
        physician = User.objects.get(username="aerztin")  # journey
        _link, token = patient_link_create(by=physician, stay=stay, purpose=LinkPurpose.PRE_ADMISSION)
        page = anonymous.open(f"/p/{token}/", "#questionnaire")
        page.fill("#id_q-age", "52")
        page.press("#id_q-age", "Tab")
        page.wait_for_selector("#status-age[data-state=saved]")
    finally:
        anonymous.close()
    opened += anonymous.opened

    assert len(opened) == 12
    assert _violations(clinician, manager, admin, anonymous) == []


def test_a_blocked_inline_script_is_reported_so_the_collector_would_see_a_violation(live_server, browser):
    """The collector itself works: an inline script added to a page of ours is refused and reported."""
    probe = Browser(browser, live_server.url)
    try:
        page = probe.open(reverse("login"), "form")
        page.evaluate(
            """() => { const s = document.createElement("script"); s.textContent = "window.ran = true";
            document.body.appendChild(s); }"""
        )
        page.wait_for_function("() => window.__cspViolations.length > 0")
        assert page.evaluate("window.ran === undefined")
    finally:
        probe.close()
    assert any("script-src" in v for v in probe.violations)
