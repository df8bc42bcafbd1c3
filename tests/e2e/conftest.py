"""Browser journeys: Playwright's Python package driving Debian's Chromium (/usr/bin/chromium), never a downloaded
browser. The app is served by pytest-django's live_server. Screenshots go to tests/e2e/artifacts/ (CI artifact)."""

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
def browser():
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


# The data migrations' seed functions (all idempotent). A transactional test ends with a flush that empties every
# table, rows of data migrations included, so a later browser journey that loads the demo needs them back.
SHIPPED_DATA = (
    ("screening.migrations.0002_contraindication_defaults", "create"),
    ("screening.migrations.0003_demo_instruments", "create"),
    ("diagnostics.migrations.0002_instrument_definitions", "create"),
    ("diagnostics.migrations.0003_therapy_catalogue", "seed"),
)


@pytest.fixture
def shipped_data(transactional_db):
    """The rows the data migrations ship (screening and profile instruments, contraindications, therapy catalogue),
    seeded again when an earlier transactional test's flush removed them."""
    from importlib import import_module

    from django.apps import apps

    for module, function in SHIPPED_DATA:
        getattr(import_module(module), function)(apps, None)
