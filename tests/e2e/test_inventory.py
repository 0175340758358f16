"""The compliance team opens the GHG inventory of the demo organisation, switches the year and
downloads the workbook; screenshots in English, Chinese and at phone width."""

from __future__ import annotations

import datetime as dt

import pytest

from greenfactory.sites.models import Site
from greenfactory.web.demo import demo_load

from .conftest import PHONE, screenshot, sign_in

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def demo(transactional_db):
    demo_load(today=TODAY)
    return Site.objects.get(code="TJ-01").organisation


def test_inventory_page_in_both_languages_and_on_a_phone(demo, live_server, new_page):
    page = new_page()
    sign_in(page, live_server, "compliance", "demo-compliance-2026")
    page.goto(f"{live_server.url}/kpis/")
    page.click("text=GHG inventory")
    page.wait_for_url("**/kpis/inventory/**")
    assert page.locator("#inv-year").input_value() == "2026"
    categories = page.locator("#inv-categories").inner_text()
    assert "excluded" in categories
    assert "Black mass and recovered metals" in categories
    assert "R-410A" in page.locator("#inv-refrigerants").inner_text()
    assert "±" in page.locator("#inv-summary").inner_text()
    screenshot(page, "inventory-2026-en")

    page.select_option("#inv-year", "2025")  # submits the form
    page.wait_for_url("**year=2025**")
    assert "2025-01-01" in page.locator("#inv-summary").inner_text()
    with page.expect_download() as download:
        page.click("text=Export Excel")
    assert download.value.suggested_filename == f"ghg-inventory-{demo.code}-2025.xlsx"

    zh = new_page(locale="zh-CN")
    sign_in(zh, live_server, "compliance", "demo-compliance-2026")
    zh.goto(f"{live_server.url}/kpis/inventory/?organisation={demo.code}&year=2026")
    assert "温室气体清单" in zh.content()
    assert "已排除" in zh.locator("#inv-categories").inner_text()
    screenshot(zh, "inventory-2026-zh")

    phone = new_page(viewport=PHONE)
    sign_in(phone, live_server, "compliance", "demo-compliance-2026")
    phone.goto(f"{live_server.url}/kpis/inventory/?organisation={demo.code}&year=2026")
    screenshot(phone, "inventory-2026-phone")
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # wide tables scroll inside their frame, not the page


def test_recording_an_acquisition_asks_for_a_base_year_recalculation(demo, live_server, new_page):
    page = new_page()
    sign_in(page, live_server, "compliance", "demo-compliance-2026")
    page.goto(f"{live_server.url}/kpis/inventory/?organisation={demo.code}&year=2026")
    assert "Below the threshold" in page.locator("#inv-base-year").inner_text()
    page.click(".exports >> text=Settings")
    page.wait_for_url("**/kpis/inventory/settings/**")
    page.fill("#id_event-date", "2026-07-01")
    page.select_option("#id_event-kind", "structural")
    page.fill("#id_event-effect_tco2e", "1600")
    page.fill("#id_event-reason", "Acquired the Binhai pre-treatment line")
    page.click("#set-events button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Acquired the Binhai pre-treatment line" in page.locator("#set-events").inner_text()
    screenshot(page, "inventory-settings-en")
    page.goto(f"{live_server.url}/kpis/inventory/?organisation={demo.code}&year=2026")
    assert "Recalculate the base year" in page.locator("#inv-base-year").inner_text()

    phone = new_page(viewport=PHONE, locale="zh-CN")
    sign_in(phone, live_server, "compliance", "demo-compliance-2026")
    phone.goto(f"{live_server.url}/kpis/inventory/settings/?organisation={demo.code}")
    assert "报告边界" in phone.content()
    screenshot(phone, "inventory-settings-phone-zh")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
