"""Staff import a readings file in the browser: preview with per-row errors, confirm, see progress and
the readings on the meter page; the pages in English, Chinese and at phone width."""

from __future__ import annotations

import datetime as dt

import pytest

from greenfactory.sites.models import Site
from metering.choices import Medium, MeterKind
from metering.models import Meter, Reading
from metering.services.gateways import gateway_create
from metering.services.ingest import readings_ingest
from metering.services.meters import meter_create
from tests.factories import SiteFactory

from .conftest import PHONE, screenshot, sign_in

SINCE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
FILE = (
    "meter,ts,value,quality\n"
    "E-101,2026-10-01 00:00,1000,actual\n"
    "E-101,2026-10-01 01:00,1012.5,\n"
    "E-999,2026-10-01 02:00,1020,\n"
    "E-101,2026-10-01 03:00,NaN,\n"
    "E-101,2026-10-01 04:00,1040,\n"
)


@pytest.fixture
def plant(transactional_db):
    site = SiteFactory(code="TJ-01", name="Tianjin plant")
    main = meter_create(
        site=site,
        code="E-MAIN",
        name="Main incomer",
        medium=Medium.ELECTRICITY,
        unit="kWh",
        kind=MeterKind.REGISTER,
        active_from=SINCE,
        multiplier=200,
        register_max=999999,
    )
    meter_create(
        site=site,
        code="E-101",
        name="Crushing line",
        medium=Medium.ELECTRICITY,
        unit="kWh",
        kind=MeterKind.REGISTER,
        active_from=SINCE,
        parent=main,
    )
    meter_create(
        site=site,
        code="E-REST",
        name="Rest of plant",
        medium=Medium.ELECTRICITY,
        unit="kWh",
        kind=MeterKind.REGISTER,
        active_from=SINCE,
        is_virtual=True,
        formula="[E-MAIN] - [E-101]",
    )
    gateway = gateway_create(site=site, name="Substation 1").gateway
    readings_ingest(
        site=site,
        raw_rows=[
            {"meter": "E-MAIN", "ts": f"2026-10-01T{h:02d}:00:00+08:00", "value": 5000 + 12.5 * h}
            for h in range(24)
        ],
        source="gateway",
        gateway=gateway,
    )
    return site


def _upload(page, live_server, tmp_path):
    path = tmp_path / "october-readings.csv"
    path.write_text(FILE)
    page.goto(f"{live_server.url}/meters/imports/")
    page.select_option("select[name=kind]", "readings")
    page.select_option("select[name=site]", "TJ-01")
    page.set_input_files("input[name=file]", str(path))
    page.click("form button[type=submit].primary")
    page.wait_for_load_state("networkidle")


def test_staff_import_a_file_after_seeing_its_errors(live_server, e2e_users, plant, page, tmp_path):
    sign_in(page, live_server, "e2e-staff")
    _upload(page, live_server, tmp_path)
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 2
    assert "unknown meter at this site." in errors.nth(0).inner_text()
    assert "finite number" in errors.nth(1).inner_text()
    assert Reading.objects.filter(meter__code="E-101").count() == 0  # nothing written yet
    screenshot(page, "import-preview-en")
    page.click("text=Import 3 rows")
    page.wait_for_selector(".status-done")
    assert "3 written" in page.locator("#import-progress").inner_text()
    screenshot(page, "import-done-en")
    assert Reading.objects.filter(meter__code="E-101").count() == 3
    meter = Meter.objects.get(code="E-101")
    page.goto(f"{live_server.url}/meters/{meter.pk}/")
    assert page.locator("table.table tbody tr").count() == 3
    screenshot(page, "meter-e101-en")


def test_meter_pages_in_chinese_and_on_a_phone(live_server, e2e_users, plant, new_page, tmp_path):
    main = Meter.objects.get(code="E-MAIN")
    page = new_page(locale="zh-CN")
    sign_in(page, live_server, "e2e-staff")
    page.goto(f"{live_server.url}/meters/")
    assert "计量表" in page.locator("h1").inner_text()
    screenshot(page, "meter-list-zh")
    page.goto(f"{live_server.url}/meters/{main.pk}/")
    assert "最新读数" in page.content()
    screenshot(page, "meter-main-zh")
    _upload(page, live_server, tmp_path)
    assert "该厂区没有此计量表。" in page.locator("#import-errors").inner_text()
    screenshot(page, "import-preview-zh")

    phone = new_page(locale="en-GB", viewport=PHONE)
    sign_in(phone, live_server, "e2e-staff")
    for path, name in (
        (f"/meters/{main.pk}/", "meter-main-phone"),
        ("/meters/", "meter-list-phone"),
        ("/meters/imports/", "imports-phone"),
    ):
        phone.goto(f"{live_server.url}{path}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide on a phone"
        screenshot(phone, name)
    assert Site.objects.count() == 1
