"""The compliance officer reads the demo plant's risks and opportunities and its objectives: the
rating on the matrix, an action's effectiveness, the electricity-per-tonne objective following the
site KPI with its provenance; screenshots in English and Chinese at desktop and phone width."""

from __future__ import annotations

import datetime as dt

import pytest

from greenfactory.web.demo import demo_load

from .conftest import PHONE, screenshot, sign_in

TODAY = dt.date(2026, 11, 28)
LOGIN = ("compliance", "demo-compliance-2026")


@pytest.fixture
def demo(transactional_db):
    demo_load(today=TODAY)


def _no_sideways_scroll(page):
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_risks_and_objectives_pages_in_both_languages_and_widths(demo, live_server, new_page):
    page = new_page()
    sign_in(page, live_server, *LOGIN)
    page.goto(f"{live_server.url}/registers/risks/")
    table = page.locator("#risk-list").inner_text()
    assert "Fire at the battery storage yard" in table
    assert "PV on the workshop roofs" in table
    screenshot(page, "risks-list-en")
    page.get_by_role("link", name="RO-004").click()
    assert "Partly effective" in page.locator("#actions").inner_text()
    assert "High · 10" in page.locator("#risk-rating").inner_text()
    screenshot(page, "risks-detail-en")

    page.goto(f"{live_server.url}/registers/objectives/")
    listing = page.locator("#objective-list").inner_text()
    assert "Cut electricity per tonne processed by 5 % in 2026" in listing
    screenshot(page, "objectives-list-en")
    page.get_by_role("link", name="OBJ-2026-01").click()
    provenance = page.locator("#provenance").inner_text()
    assert "Electricity per tonne processed" in provenance
    assert "E-MAIN" in provenance
    assert "kWh/t" in page.locator("#current-value").inner_text()
    screenshot(page, "objectives-detail-kpi-en")

    zh = new_page(locale="zh-CN")
    sign_in(zh, live_server, *LOGIN)
    zh.goto(f"{live_server.url}/registers/risks/")
    assert "储存场所火灾" in zh.locator("#risk-list").inner_text()
    screenshot(zh, "risks-list-zh")
    zh.goto(f"{live_server.url}/registers/objectives/")
    assert "危险废物合规处置率100%" in zh.locator("#objective-list").inner_text()
    screenshot(zh, "objectives-list-zh")
    zh.get_by_role("link", name="OBJ-2026-01").click()
    screenshot(zh, "objectives-detail-kpi-zh")

    phone = new_page(viewport=PHONE)
    sign_in(phone, live_server, *LOGIN)
    for path, name in (
        ("/registers/risks/", "risks-list-phone"),
        ("/registers/objectives/", "objectives-list-phone"),
    ):
        phone.goto(f"{live_server.url}{path}")
        _no_sideways_scroll(phone)
        screenshot(phone, name)
    phone.get_by_role("link", name="OBJ-2026-02").click()
    _no_sideways_scroll(phone)
    screenshot(phone, "objectives-detail-manual-phone")
    zh_phone = new_page(viewport=PHONE, locale="zh-CN")
    sign_in(zh_phone, live_server, *LOGIN)
    zh_phone.goto(f"{live_server.url}/registers/risks/")
    zh_phone.get_by_role("link", name="RO-004").click()
    _no_sideways_scroll(zh_phone)
    screenshot(zh_phone, "risks-detail-zh-phone")
