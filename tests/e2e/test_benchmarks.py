"""The energy manager benchmarks the demo plant's months against its target, enters a reference
level and sees it drawn; screenshots in English and Chinese at 1280 and 390 px in
var/screens/benchmarks/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from greenfactory.web.demo import demo_load

from .conftest import PHONE, sign_in
from .test_accessibility import EMPTY_HEADERS, _violations

TODAY = dt.date(2026, 11, 28)
LOGIN = ("compliance", "demo-compliance-2026")
SCREENS = Path(settings.BASE_DIR) / "var" / "screens" / "benchmarks"
MONTHS = "/energy/benchmarks/?metric=kgce_per_t&period=month&on=2026-10-01&periods=12"


@pytest.fixture
def demo(transactional_db):
    demo_load(today=TODAY)  # committed: the eager KPI tasks ran after commit


def _shot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def test_benchmarks_rank_the_demo_months_and_draw_a_new_reference(demo, live_server, new_page):
    page = new_page()
    sign_in(page, live_server, *LOGIN)
    page.goto(f"{live_server.url}{MONTHS}")
    chart = page.locator("#bench-chart svg")
    assert chart.is_visible()
    assert "Plant target 2026" in chart.inner_html()
    assert page.locator("#bench-table tbody tr").count() == 12
    assert _violations(page) == []
    assert page.evaluate(EMPTY_HEADERS) == []
    _shot(page, "benchmarks-1280-en")

    page.fill("#id_value", "0.09")
    page.select_option("#id_unit", "tce/t")
    page.fill("#id_label", "Group best practice")
    page.fill("#id_valid_from", "2026-01-01")
    page.click("#reference-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Group best practice: 90.0 kgce/t" in page.locator("#bench-chart svg").inner_html()

    page.fill("#id_value", "-1")
    page.fill("#id_label", "Wrong")
    page.fill("#id_valid_from", "2026-01-01")
    page.click("#reference-form button[type=submit]")
    assert "The value is a number greater than zero." in page.locator("#reference-form").inner_text()

    for locale, suffix in (("en-GB", "en"), ("zh-CN", "zh-hans")):
        for viewport, width in ((None, "1280"), (PHONE, "390")):
            if (suffix, width) == ("en", "1280"):
                continue
            other = new_page(locale=locale, viewport=viewport)
            sign_in(other, live_server, *LOGIN)
            other.goto(f"{live_server.url}{MONTHS}")
            assert other.locator("#bench-chart svg").is_visible()
            if viewport is PHONE:
                scroll = other.evaluate("() => document.documentElement.scrollWidth")
                assert scroll <= PHONE["width"]  # the chart scrolls inside its card, the page does not
            _shot(other, f"benchmarks-{width}-{suffix}")
