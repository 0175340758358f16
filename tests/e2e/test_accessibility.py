"""The main pages pass axe-core's checks (no serious or critical violation) in both languages, and
work at phone width: tables read as cards, the menu folds behind a button, filters behind "Filters"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from greenfactory.web.demo import demo_load

from .conftest import PHONE, screenshot, sign_in

TODAY = dt.date(2026, 11, 28)
AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core-4.10.3" / "axe.min.js"
PAGES = {
    "home": "/",
    "standards": "/standards/",
    "evidence": "/evidence/",
    "kpis": "/kpis/",
    "energy-flow": "/energy/flow/",
    "energy-functions": "/energy/functions/",
    "inventory": "/kpis/inventory/",
    "quality": "/kpis/quality/",
    "meters": "/meters/",
    "certificates": "/standards/certificates/",
}
SERIOUS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ${v.help}: ` + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""
EMPTY_HEADERS = """() => Array.from(document.querySelectorAll("th"))
  .filter(th => !th.textContent.trim()).map(th => th.closest("table").id || th.closest("section, main").id || "table")"""


@pytest.fixture
def demo(transactional_db):
    demo_load(today=TODAY)


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(SERIOUS)


@pytest.mark.parametrize(("locale", "viewport"), [("en-GB", None), ("zh-CN", None), ("en-GB", PHONE)])
def test_main_pages_have_no_serious_accessibility_violations(demo, live_server, new_page, locale, viewport):
    page = new_page(locale=locale, viewport=viewport)
    sign_in(page, live_server, "compliance", "demo-compliance-2026")
    problems = []
    for name, url in PAGES.items():
        response = page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        assert response.status == 200, url
        problems += [f"{url}: {violation}" for violation in _violations(page)]
        problems += [f"{url}: a column without a header in {where}" for where in page.evaluate(EMPTY_HEADERS)]
        screenshot(page, f"a11y-{name}-{locale}-{'phone' if viewport else 'desktop'}")
    assert not problems, "\n".join(problems)


def test_password_pages_have_no_serious_accessibility_violations(demo, live_server, new_page):
    page = new_page()
    sign_in(page, live_server, "compliance", "demo-compliance-2026")
    page.goto(f"{live_server.url}/accounts/password/change/")
    assert _violations(page) == []
    page.goto(f"{live_server.url}/accounts/profile/")
    page.click("text=Change password")
    page.wait_for_url("**/accounts/password/change/")
    screenshot(page, "password-change-en")


def _right_edge(locator) -> float:
    box = locator.bounding_box()
    return box["x"] + box["width"]


def test_on_a_phone_tables_are_cards_and_every_column_is_on_screen(demo, live_server, new_page):
    page = new_page(viewport=PHONE)
    sign_in(page, live_server, "compliance", "demo-compliance-2026")
    page.goto(f"{live_server.url}/standards/certificates/")
    row = page.locator("table.table tbody tr").first
    cells = row.locator("td")
    labels = [cells.nth(i).get_attribute("data-label") for i in range(cells.count())]
    assert "Status" in labels
    assert "Expires" in labels
    for i in range(cells.count()):
        assert _right_edge(cells.nth(i)) <= PHONE["width"], labels[i]
    screenshot(page, "certificates-phone-cards")

    page.goto(f"{live_server.url}/kpis/inventory/")
    emissions = page.locator("#inv-categories tbody tr").first.locator("td").nth(1)
    assert emissions.get_attribute("data-label") == "Emissions"
    assert emissions.is_visible()
    assert _right_edge(emissions) <= PHONE["width"]


def test_wide_screens_keep_tables_as_tables(demo, live_server, new_page):
    page = new_page()
    sign_in(page, live_server, "compliance", "demo-compliance-2026")
    page.goto(f"{live_server.url}/evidence/")
    assert page.locator("table.table thead").first.is_visible()
    assert (
        page.locator("table.table tbody tr").first.evaluate("tr => getComputedStyle(tr).display")
        == "table-row"
    )
    assert page.locator("form.filters").is_visible()  # the filters are not folded away


def test_on_a_phone_the_menu_folds_behind_a_button(demo, live_server, new_page):
    page = new_page(viewport=PHONE)
    sign_in(page, live_server, "compliance", "demo-compliance-2026")
    toggle = page.locator("button.menu-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("nav.mainnav").is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    last = page.locator("nav.mainnav a").last
    assert last.is_visible()
    assert _right_edge(last) <= PHONE["width"]  # the last area is reachable, not scrolled away
    screenshot(page, "menu-open-phone")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("nav.mainnav").is_visible()


def test_without_scripts_the_menu_wraps_so_every_area_shows(demo, live_server, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_server, "compliance", "demo-compliance-2026")
        assert not page.locator("button.menu-toggle").is_visible()
        links = page.locator("nav.mainnav a")
        for i in range(links.count()):
            assert links.nth(i).is_visible()
            assert _right_edge(links.nth(i)) <= PHONE["width"], links.nth(i).inner_text()
    finally:
        context.close()


def test_on_a_phone_filters_fold_and_open_when_one_is_set(demo, live_server, new_page):
    page = new_page(viewport=PHONE)
    sign_in(page, live_server, "compliance", "demo-compliance-2026")
    page.goto(f"{live_server.url}/evidence/")
    filters = page.locator("form.filters")
    assert not filters.is_visible()
    assert (
        page.locator("table.table").first.bounding_box()["y"] < PHONE["height"]
    )  # the register is on screen
    page.click("summary:has-text('Filters')")
    assert filters.is_visible()
    page.select_option("#id_status", "approved")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**status=approved**")
    assert page.locator("form.filters").is_visible()  # open: a filter is set
    assert "1 set" in page.locator("details.filter-fold summary").inner_text()
