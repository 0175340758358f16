"""Browser tests: Playwright for Python driving Debian's chromium against pytest-django's live server.

Screenshots go to var/e2e/ (not committed) so people can look at what the tests saw.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from greenfactory.accounts.roles import Role
from tests.conftest import second_factor_enrol, totp_code
from tests.factories import UserFactory
from tests.services import need

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "e2e"
PASSWORD = "correct-horse-battery"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    need(os.path.exists(CHROMIUM), "Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser):
    """Open pages in fresh browser contexts: new_page(locale="zh-CN", viewport=PHONE)."""
    contexts = []

    def _open(*, locale: str = "en-GB", viewport: dict | None = None):
        context = browser.new_context(locale=locale, viewport=viewport or DESKTOP)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def e2e_users(transactional_db):
    """One user per browser role, committed so the live server sees them."""
    users = {
        "admin": UserFactory(username="e2e-admin", first_name="Wang", role=Role.ADMIN),
        "staff": UserFactory(username="e2e-staff", first_name="Li", role=Role.STAFF),
        "auditor": UserFactory(username="e2e-auditor", first_name="Zhang", role=Role.AUDITOR),
    }
    second_factor_enrol(users["admin"])  # administrators must sign in with a second factor
    return users


def sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    if page.url.endswith("/accounts/login/code/"):
        # The person reads the code off their authenticator app (the next one: the current one
        # confirmed the app when it was set up, and a code is accepted once).
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.fill("input[name=code]", totp_code(device, steps_ahead=1))
        page.click("form button[type=submit].primary")
        page.wait_for_load_state("networkidle")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
