"""The energy manager follows the dashboard's open-findings link to the data-quality page of the demo
plant, explains the water main's gap and opens the spike's readings; English, Chinese, phone width."""

from __future__ import annotations

import datetime as dt

import pytest

from greenfactory.web.demo import demo_load

from .conftest import PHONE, screenshot, sign_in

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def demo(transactional_db):
    demo_load(today=TODAY)  # committed: the eager rollups and findings ran after commit


def test_staff_explain_a_gap_and_open_the_spikes_readings(demo, live_server, new_page):
    page = new_page()
    sign_in(page, live_server, "compliance", "demo-compliance-2026")
    page.goto(f"{live_server.url}/kpis/?site=TJ-01&period=month&on=2026-11-01")
    link = page.locator("#kpi-quality a")
    assert link.inner_text() == "2 open data-quality findings"
    screenshot(page, "quality-dashboard-link-en")
    link.click()
    page.wait_for_url("**/kpis/quality/**")
    table = page.locator("#dq-findings")
    assert table.locator("tbody tr").count() == 2
    assert "No reading for 96.0 h" in table.inner_text()
    screenshot(page, "quality-open-en")

    page.goto(f"{live_server.url}/kpis/quality/?site=TJ-01")
    gap_row = page.locator("#dq-findings tbody tr", has_text="Gap")
    gap_row.locator("summary").click()
    gap_row.locator("textarea").fill("Gateway firmware update; readings were not buffered.")
    gap_row.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "stays explained" in page.locator(".messages, .message, body").first.inner_text()
    gap_row = page.locator("#dq-findings tbody tr", has_text="Gap")
    assert "Gateway firmware update" in gap_row.inner_text()
    assert "Explained" in gap_row.inner_text()
    screenshot(page, "quality-explained-en")

    spike_row = page.locator("#dq-findings tbody tr", has_text="Spike")
    spike_row.get_by_role("link", name="See the readings").click()
    page.wait_for_url("**/meters/**")
    assert "W-01" in page.locator("h1").inner_text()
    assert "2026-11-24" in page.url
    screenshot(page, "quality-spike-readings-en")

    zh = new_page(locale="zh-CN")
    sign_in(zh, live_server, "compliance", "demo-compliance-2026")
    zh.goto(f"{live_server.url}/kpis/quality/?site=TJ-01")
    assert "数据质量" in zh.locator("h1").inner_text()
    assert "缺测" in zh.locator("#dq-findings").inner_text()
    screenshot(zh, "quality-zh")

    phone = new_page(viewport=PHONE)
    sign_in(phone, live_server, "compliance", "demo-compliance-2026")
    phone.goto(f"{live_server.url}/kpis/quality/?site=TJ-01")
    assert phone.locator("#dq-counts .dq-count").count() == 7
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # the table scrolls inside its frame, not the page
    screenshot(phone, "quality-phone")
