"""The energy manager opens the demo plant's energy flow, switches to tce and clicks through to a
meter; screenshots in English, Chinese and at phone width."""

from __future__ import annotations

import datetime as dt

import pytest

from greenfactory.web.demo import demo_load

from .conftest import PHONE, screenshot, sign_in

TODAY = dt.date(2026, 11, 28)
LOGIN = ("compliance", "demo-compliance-2026")


@pytest.fixture
def demo(transactional_db):
    demo_load(today=TODAY)  # committed: the eager KPI tasks ran after commit


def test_energy_flow_opens_a_meter_from_the_diagram(demo, live_server, new_page):
    page = new_page()
    sign_in(page, live_server, *LOGIN)
    page.goto(f"{live_server.url}/energy/flow/?site=TJ-01&period=month&on=2026-10-01")
    flow = page.locator("#energy-flow svg")
    assert flow.is_visible()
    assert "Unmetered rest or losses of E-MAIN" in flow.inner_html()
    screenshot(page, "energy-flow-month-en")

    page.select_option("#flow-unit", "tce")  # submits the form
    page.wait_for_url("**unit=tce**")
    assert "tce" in page.locator("#flow-table").inner_text()
    screenshot(page, "energy-flow-tce-en")

    page.locator("#energy-flow a.flow-node text", has_text="E-101").first.click()
    page.wait_for_url("**/meters/**")
    assert "E-101" in page.locator("h1").inner_text()

    # The site's load profile over the demo's last week, read hourly: the night base load is
    # worth an observation, which names its figure.
    page.goto(f"{live_server.url}/energy/load-profile/?site=TJ-01&period=week&on={TODAY:%Y-%m-%d}")
    observation = page.locator("#load-observations li.observation[data-rule]").first
    assert "Base load is" in observation.inner_text()
    assert page.locator("#load-typical-day svg").is_visible()
    screenshot(page, "load-profile-week-en")

    page.goto(f"{live_server.url}/kpis/?site=TJ-01&period=month&on=2026-10-01")
    assert page.locator("#kpi-energy-flow svg").is_visible()  # the dashboard shows the same drawing
    screenshot(page, "kpi-dashboard-energy-flow-en")

    zh = new_page(locale="zh-CN")
    sign_in(zh, live_server, *LOGIN)
    zh.goto(f"{live_server.url}/energy/flow/?site=TJ-01&period=year&on=2026-06-01")
    assert zh.locator("#energy-flow svg").is_visible()
    screenshot(zh, "energy-flow-year-zh")

    phone = new_page(viewport=PHONE)
    sign_in(phone, live_server, *LOGIN)
    phone.goto(f"{live_server.url}/energy/flow/?site=TJ-01&period=month&on=2026-10-01")
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # the drawing scrolls inside its card, the page does not
    screenshot(phone, "energy-flow-month-phone")
