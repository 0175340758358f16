"""The material balance in the browser: record a month with one output and see its lithium recovery
fail MIIT's 90 %; then the list, a month's detail and the form at both widths and in both languages."""

from __future__ import annotations

import datetime as dt

import pytest

from certifications.models import MaterialBalance
from tests.certifications.material_balance_data import month_balance
from tests.factories import SiteFactory

from .conftest import PHONE, screenshot, sign_in


def test_record_a_month_and_see_its_lithium_recovery_fail(live_server, e2e_users, new_page):
    SiteFactory(code="TJ-01", name="Tianjin plant")
    page = new_page()
    sign_in(page, live_server, "e2e-staff")
    page.goto(f"{live_server.url}/green-factory/material-balance/new/")
    page.select_option("select[name=site]", label="TJ-01 · Tianjin plant")
    page.fill("input[name=period_start]", "2026-02")
    page.fill("input[name=input_ncm_t]", "500")
    page.fill("input[name=input_li_t]", "10")
    page.fill("input[name=outputs-0-product]", "Li2CO3")
    page.fill("input[name=outputs-0-tonnes]", "45")
    page.fill("input[name=outputs-0-li_t]", "8.5")
    page.click("#material-balance-form button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    rule = page.locator("[data-set=miit-2024] tr[data-metric=li_recovery]")
    assert "85 %" in rule.inner_text()
    assert rule.locator("[data-verdict=fail]").count() == 1
    assert MaterialBalance.objects.get().input_li_t == 10


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_material_balance_pages_at_both_widths(live_server, e2e_users, new_page, language):
    site = SiteFactory(code="TJ-01", name="Tianjin plant")
    staff = e2e_users["staff"]
    for month in range(1, 7):
        changes = {"input_cu_t": None} if month == 6 else {}
        balance = month_balance(site=site, by=staff, month=dt.date(2026, month, 1), **changes)
    pages = {
        "list": "/green-factory/material-balance/",
        "detail": f"/green-factory/material-balance/{balance.pk}/",
        "form": f"/green-factory/material-balance/{balance.pk}/edit/",
        "import": "/green-factory/material-balance/import/",
    }
    for width, viewport in (("1280", None), ("390", PHONE)):
        page = new_page(locale="zh-CN" if language == "zh-hans" else "en-GB", viewport=viewport)
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        sign_in(page, live_server, "e2e-staff")
        for name, path in pages.items():
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (name, width, overflow)
            screenshot(page, f"material-balance-{name}-{language}-{width}")
