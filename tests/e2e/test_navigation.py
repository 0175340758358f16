"""Each role signs in, sees its own navigation, switches language and signs out."""

from __future__ import annotations

import pytest

from .conftest import PHONE, screenshot, sign_in

WORKSPACE_LINKS = [
    "Standards",
    "Evidence",
    "Audits",
    "Registers",
    "Energy and emissions",
    "Green factory",
    "Dossiers",
]


def _nav_labels(page) -> list[str]:
    return [text.strip() for text in page.locator("nav.mainnav a").all_inner_texts()]


def test_staff_sees_the_workspace_and_not_admin(live_server, e2e_users, page):
    sign_in(page, live_server, "e2e-staff")
    assert page.locator("h1").inner_text().startswith("Welcome")
    assert _nav_labels(page) == WORKSPACE_LINKS
    screenshot(page, "home-en")


def test_admin_also_sees_the_portal_and_admin(live_server, e2e_users, page):
    sign_in(page, live_server, "e2e-admin")
    assert _nav_labels(page) == [*WORKSPACE_LINKS, "Auditor portal", "Admin"]
    page.click("nav.mainnav >> text=Admin")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/admin/")
    assert page.locator("#site-name").inner_text() == "Green Factory administration"


def test_auditor_lands_on_the_portal_and_sees_nothing_else(live_server, e2e_users, page):
    sign_in(page, live_server, "e2e-auditor")
    assert page.url.endswith("/portal/")
    assert _nav_labels(page) == ["Auditor portal"]
    response = page.goto(f"{live_server.url}/evidence/")
    assert response.status == 403


def test_anonymous_visitor_only_sees_sign_in(live_server, page):
    page.goto(f"{live_server.url}/energy/")
    assert "/accounts/login/" in page.url
    assert page.locator("nav.mainnav").count() == 0


def test_wrong_password_keeps_the_user_name_and_says_why(live_server, e2e_users, page):
    sign_in(page, live_server, "e2e-staff", password="wrong-password")
    assert "/accounts/login/" in page.url
    assert page.input_value("input[name=username]") == "e2e-staff"
    assert page.locator(".errors").count() == 1


def test_switch_to_chinese_and_back_then_sign_out(live_server, e2e_users, page):
    sign_in(page, live_server, "e2e-staff")
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    page.wait_for_load_state("networkidle")
    assert "能源与排放" in _nav_labels(page)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    screenshot(page, "home-zh-hans")
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    page.wait_for_load_state("networkidle")
    assert "Energy and emissions" in _nav_labels(page)
    page.click("text=Sign out")
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" in page.url
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url


def test_browser_language_is_the_default(live_server, e2e_users, new_page):
    page = new_page(locale="zh-CN")
    sign_in(page, live_server, "e2e-staff")
    assert "能源与排放" in _nav_labels(page)


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
def test_home_page_fits_a_phone(live_server, e2e_users, new_page, locale):
    page = new_page(locale=locale, viewport=PHONE)
    sign_in(page, live_server, "e2e-staff")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide on a {PHONE['width']}px phone"
    screenshot(page, f"home-phone-{locale}")
