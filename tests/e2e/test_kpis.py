"""The energy manager opens the KPI dashboard on the demo plant, changes the period and sees the
charts redrawn; screenshots in English, Chinese and at phone width."""

from __future__ import annotations

import datetime as dt

import pytest

from greenfactory.web.demo import demo_load

from .conftest import PHONE, screenshot, sign_in

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def demo(transactional_db):
    demo_load(today=TODAY)  # committed: the eager KPI tasks ran after commit


def _chart_labels(page, canvas: str) -> int:
    page.wait_for_function(f"() => window.Chart && Chart.getChart('{canvas}')")
    return page.evaluate(f"() => Chart.getChart('{canvas}').data.labels.length")


def test_dashboard_period_change_redraws_the_charts(demo, live_server, new_page):
    page = new_page()
    sign_in(page, live_server, "compliance", "demo-compliance-2026")
    page.goto(f"{live_server.url}/kpis/?site=TJ-01&period=month&on=2026-10-15")
    assert _chart_labels(page, "chart-emissions") == 31  # one bar per day of October
    assert page.locator("#kpi-headline").inner_text().count("%") > 0
    screenshot(page, "kpis-month-en")

    page.select_option("#kpi-kind", "year")  # submits the form
    page.wait_for_url("**period=year**")
    assert _chart_labels(page, "chart-emissions") == 11  # January to November 2026
    assert _chart_labels(page, "chart-tce") == 11
    assert "2026-01" in page.locator("#kpi-buckets").inner_text()
    screenshot(page, "kpis-year-en")

    zh = new_page(locale="zh-CN")
    sign_in(zh, live_server, "compliance", "demo-compliance-2026")
    zh.goto(f"{live_server.url}/kpis/?site=TJ-01&period=quarter&on=2026-08-01")
    assert _chart_labels(zh, "chart-emissions") == 3
    assert "能源与排放指标" in zh.content()
    screenshot(zh, "kpis-quarter-zh")

    phone = new_page(viewport=PHONE)
    sign_in(phone, live_server, "compliance", "demo-compliance-2026")
    phone.goto(f"{live_server.url}/kpis/?site=TJ-01&period=year&on=2026-06-01")
    assert _chart_labels(phone, "chart-emissions") == 11
    screenshot(phone, "kpis-year-phone")
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing forces sideways scrolling of the page
    screenshot(phone, "kpis-year-phone")
