"""Browser journeys: Playwright's Python package driving Debian's Chromium (/usr/bin/chromium), never a downloaded
browser. The app is served by pytest-django's live_server. Journeys are transactional tests with
``serialized_rollback=True``: the flush after a transactional test empties every table, and Django's serialized
rollback brings back the rows the data migrations ship (instruments, contraindications, therapy catalogue).
Screenshots go to tests/e2e/artifacts/ (CI artifact)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("WMR_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser(serialized_snapshot):
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test itself are
    # still synchronous and safe, so allow them (the live server runs in its own thread anyway).
    # The variable is removed again afterwards so later tests' subprocesses (check --deploy) never inherit it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    # an English browser on purpose: the clinic UI must still be German
    context = browser.new_context(locale="en-US", accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def serialized_snapshot(django_db_setup, django_db_blocker) -> str:
    """The test database as the migrations left it (Django serializes it for ``serialized_rollback``), read before
    Playwright's event loop starts: inside that loop Django hands out another connection object without it."""
    from django.db import connection

    return getattr(connection, "_test_serialized_contents", "")


@pytest.fixture(autouse=True)
def _shipped_rows(serialized_snapshot, transactional_db):
    """Journeys start from what the migrations ship (permissions, instruments, contraindications, catalogue).

    A transactional test ends with a flush of every table; ``serialized_rollback`` restores the shipped rows only on
    the connection object that holds the snapshot, which the browser's event loop does not see. So the journey
    restores the same snapshot itself: an empty database (the flush may have re-created permissions with new ids,
    so it is emptied first), then the shipped rows."""
    from django.core.management import call_command
    from django.db import connection

    if serialized_snapshot:
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(serialized_snapshot)


def pass_two_factor(page, username: str) -> None:
    """Call right after submitting the login form: a role that must use two factors (the demo's leitung,
    datenschutz, admin) is on enrolment at its first login (the secret is read off the page, the code typed, the
    backup codes left behind with "Continue") or on verification later (the code computed from the stored key,
    one time step after the last accepted one: codes are single use). Anyone else is left where the login went."""
    import time
    from base64 import b32decode

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.wait_for_load_state()
    if "/account/two-factor/enrol/" in page.url:
        secret = page.inner_text("[data-testid=two-factor-secret]").replace(" ", "")
        totp = TOTP(b32decode(secret + "=" * (-len(secret) % 8)))
        totp.time = time.time()
        page.fill("input[name=code]", f"{totp.token():06d}")
        page.click("[data-testid=two-factor-enrol-form] button[type=submit]")
        page.wait_for_selector("[data-testid=backup-codes]")
        page.click("[data-testid=backup-codes-continue]")
        page.wait_for_load_state()
    elif "/account/two-factor/verify/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = max(time.time(), device.t0 + (device.last_t + 1) * device.step)
        page.fill("input[name=code]", f"{totp.token():06d}")
        page.click("[data-testid=two-factor-verify-form] button[type=submit]")
        page.wait_for_load_state()
