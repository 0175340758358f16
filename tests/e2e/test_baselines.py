"""The energy manager builds a baseline for the shredders from the demo year, sees the CUSUM chart,
sets an EnPI target and records an adjustment; screenshots in English, Chinese and at phone width."""

from __future__ import annotations

import datetime as dt

import pytest

from accounting.models import EnergyBaseline
from greenfactory.web.demo import demo_load
from metering.models import Meter

from .conftest import PHONE, screenshot, sign_in

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def demo(transactional_db):
    demo_load(today=TODAY)  # committed: the eager KPI tasks ran after commit


def _chart_points(page, canvas: str) -> int:
    page.wait_for_function(f"() => window.Chart && Chart.getChart('{canvas}')")
    return page.evaluate(
        f"() => Chart.getChart('{canvas}').data.datasets[0].data.filter(v => v !== null).length"
    )


def test_energy_manager_builds_a_baseline_from_the_demo_and_sees_the_cusum(demo, live_server, new_page):
    page = new_page()
    sign_in(page, live_server, "compliance", "demo-compliance-2026")
    page.goto(f"{live_server.url}/kpis/?site=TJ-01")
    page.click("text=Baselines and EnPIs")
    page.wait_for_url("**/kpis/baselines/**")
    screenshot(page, "baselines-empty-en")
    page.click("#baseline-new")
    page.fill("#id_name", "Shredders 2026")
    page.select_option("#id_scope", "seu")
    page.fill("#id_seu_name", "Shredding and crushing")
    page.select_option("#id_meters", str(Meter.objects.get(code="E-104").pk))
    page.select_option("#id_measure", "mwh")
    page.fill("#id_base_start", "2025-11")
    page.fill("#id_base_end", "2026-10")
    page.check("#id_use_hdd")
    screenshot(page, "baseline-form-en")
    page.click("#baseline-form button[type=submit]")
    page.wait_for_url("**/kpis/baselines/*/")
    baseline = EnergyBaseline.objects.get(name="Shredders 2026")
    assert baseline.r2 > 0.95
    assert "Weak model" not in page.content()
    assert _chart_points(page, "chart-cusum") == 12
    assert _chart_points(page, "chart-expected") == 12
    assert "0.9" in page.locator("#baseline-r2").inner_text()
    assert page.locator("#baseline-months tbody tr").count() >= 12

    page.fill("#target-form #id_value", "0.99")
    page.click("#target-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.fill("#adjustment-form #id_effective_from", "2026-11-01")
    page.fill("#adjustment-form #id_per_period", "12.5")
    page.fill("#adjustment-form #id_reason", "Second hammer mill commissioned")
    page.click("#adjustment-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Second hammer mill commissioned" in page.locator("#baseline-adjustments").inner_text()
    screenshot(page, "baseline-detail-en")

    page.goto(f"{live_server.url}/kpis/baselines/?site=TJ-01")
    assert "Shredders 2026" in page.locator("#baseline-table").inner_text()
    screenshot(page, "baselines-list-en")

    zh = new_page(locale="zh-CN")
    sign_in(zh, live_server, "compliance", "demo-compliance-2026")
    zh.goto(f"{live_server.url}/kpis/baselines/{baseline.pk}/")
    assert _chart_points(zh, "chart-cusum") == 12
    assert "节能量累积和" in zh.content()
    screenshot(zh, "baseline-detail-zh")
    zh.goto(f"{live_server.url}/kpis/baselines/degree-days/?site=TJ-01&year=2026")
    assert "度日数" in zh.content()
    screenshot(zh, "baseline-degree-days-zh")

    phone = new_page(viewport=PHONE)
    sign_in(phone, live_server, "compliance", "demo-compliance-2026")
    phone.goto(f"{live_server.url}/kpis/baselines/{baseline.pk}/")
    assert _chart_points(phone, "chart-cusum") == 12
    screenshot(phone, "baseline-detail-phone")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    phone.goto(f"{live_server.url}/kpis/baselines/?site=TJ-01")
    screenshot(phone, "baselines-list-phone")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
