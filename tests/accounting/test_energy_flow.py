"""The energy flow: it balances, equals the KPI totals, warns instead of drawing a negative rest,
links and escapes every meter in its drawing, reads in constant queries, and the functions list."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from accounting.energy_flow_svg import energy_flow_svg
from accounting.selectors import kpis as kpi_selectors
from accounting.selectors.energy_flow import NodeKind, energy_flow
from accounting.selectors.energy_functions import energy_function_list
from accounting.selectors.periods import Period
from accounting.services.activity import FuelDeliveryValues, activity_create
from metering.choices import Medium, MeterKind
from metering.models import Meter
from tests.metering.helpers import meter

from .kpi_helpers import ingest

pytestmark = pytest.mark.django_db
URL = "/energy/flow/"
API = "/api/v1/energy-flow/"
MARCH = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
T0, T1 = "2025-03-01T00:00:00+08:00", "2025-04-01T00:00:00+08:00"


def _register(site, code, kwh, parent=None, name=None):
    created = meter(site, code, parent=parent)
    if name:
        Meter.objects.filter(pk=created.pk).update(name=name)
    ingest(site, [{"meter": code, "ts": T0, "value": 0}, {"meter": code, "ts": T1, "value": kwh}])
    return created


def _tree(site, e102_kwh=300_000):
    """E-MAIN 1,000,000 kWh feeds E-101 (400,000 kWh, of which E-104 100 MWh) and E-102; gas and
    metered diesel (litres) beside them, and water, which is not energy."""
    main = _register(site, "E-MAIN", 1_000_000)
    e101 = _register(site, "E-101", 400_000, parent=main)
    _register(site, "E-102", e102_kwh, parent=main)
    meter(site, "E-104", unit="MWh", kind=MeterKind.INTERVAL, parent=e101)
    meter(site, "G-01", Medium.NATURAL_GAS, "m3", MeterKind.INTERVAL)
    meter(site, "D-01", Medium.DIESEL, "L", MeterKind.INTERVAL)
    meter(site, "W-01", Medium.WATER, "m3", MeterKind.INTERVAL)
    ingest(
        site,
        [
            {"meter": "E-104", "start": T0, "end": T1, "value": 100},
            {"meter": "G-01", "start": T0, "end": T1, "value": 50_000},
            {"meter": "D-01", "start": T0, "end": T1, "value": 2_000},
            {"meter": "W-01", "start": T0, "end": T1, "value": 9_000},
        ],
    )


@pytest.fixture
def plant(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _tree(site)
    return site


def _by_code(flow):
    return {n.code: n for n in flow.nodes if n.code}


def test_flow_balances_every_parent_with_its_sub_meters_and_rest(plant):
    flow = energy_flow(site=plant, start=MARCH[0], end=MARCH[1])
    nodes = {n.key: n for n in flow.nodes}
    for node in flow.nodes:
        out = [link for link in flow.links if link.source == node.key]
        if out:  # inputs = outputs + rest
            assert node.value == sum(link.value for link in out), node.code
        incoming = [link for link in flow.links if link.target == node.key]
        if node.depth:
            assert [link.value for link in incoming] == [node.value]
            assert nodes[incoming[0].source].key == node.parent_key
    meters = _by_code(flow)
    assert meters["E-MAIN"].value == Decimal(1_000_000)
    assert meters["E-104"].value == Decimal(100_000)  # MWh in kWh, the medium's unit
    rests = {n.parent_key: n.value for n in flow.nodes if n.kind == NodeKind.REST}
    assert rests == {meters["E-MAIN"].key: Decimal(300_000), meters["E-101"].key: Decimal(300_000)}
    assert meters["E-MAIN"].share == 1
    assert meters["E-101"].share == Decimal("0.4")
    assert "W-01" not in meters  # water is not energy
    assert meters["D-01"].unit == "kg"  # litres through the density, as the KPIs count them
    assert not flow.warnings


@pytest.mark.parametrize(
    "days",
    [MARCH, (dt.date(2025, 3, 5), dt.date(2025, 3, 20))],
    ids=["month", "custom-days"],
)
def test_site_total_in_tce_equals_the_kpi_total(
    plant, staff_client, days, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # its KPIs are refreshed after commit
        activity_create(
            site=plant,
            values=FuelDeliveryValues(
                date=dt.date(2025, 3, 10), fuel=Medium.GASOLINE, quantity=Decimal(500), unit="kg", note=""
            ),
            by=None,
        )
    start, end = days
    flow = energy_flow(site=plant, start=start, end=end, unit="tce")
    kpi = kpi_selectors.kpi_total(site=plant, period=Period("custom", start, end))
    assert kpi is not None
    assert abs(flow.total_tce - Decimal(kpi["tce"])) < Decimal("0.000002")
    assert sum(n.value for n in flow.nodes if n.depth == 0) == flow.total_tce
    assert any(n.kind == NodeKind.DELIVERY for n in flow.nodes)
    api = staff_client.get(
        API, {"site": plant.code, "start": start.isoformat(), "end": end.isoformat(), "unit": "tce"}
    ).json()
    days_api = staff_client.get(
        "/api/v1/kpis/",
        {"site": plant.code, "start": start.isoformat(), "end": end.isoformat(), "granularity": "day"},
    ).json()["results"]
    assert len(days_api) == (end - start).days + 1
    kpi_tce = sum(Decimal(day["tce"]) for day in days_api)
    assert abs(Decimal(api["total_tce"]) - kpi_tce) < Decimal("0.00005")


def test_sub_meters_above_their_parent_are_a_warning_not_a_negative_band(
    site, staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _tree(site, e102_kwh=800_000)
    flow = energy_flow(site=site, start=MARCH[0], end=MARCH[1])
    main = _by_code(flow)["E-MAIN"]
    [warning] = flow.warnings
    assert (warning.code, warning.excess) == ("E-MAIN", Decimal(200_000))
    assert not [n for n in flow.nodes if n.kind == NodeKind.REST and n.parent_key == main.key]
    assert all(n.value >= 0 for n in flow.nodes)
    assert all(link.value >= 0 for link in flow.links)
    page = staff_client.get(URL, {"site": site.code, "period": "month", "on": "2025-03-01"}).content.decode()
    assert "The sub-meters of E-MAIN (E-MAIN) measured 200,000.0 kWh more than it" in page
    assert "200,000.0 kWh more than it: no rest is drawn" in page  # in the drawing too
    api = staff_client.get(API, {"site": site.code, "start": "2025-03-01", "end": "2025-03-31"}).json()
    assert api["warnings"][0]["code"] == "E-MAIN"
    assert api["warnings"][0]["excess"] == "200000.000000"


def test_drawing_links_every_meter_and_escapes_their_names(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        main = _register(site, "E-MAIN", 1_000)
        _register(site, "E-101", 400, parent=main, name="<script>alert(1)</script>")
    flow = energy_flow(site=site, start=MARCH[0], end=MARCH[1])
    svg = energy_flow_svg(flow)
    assert svg.startswith("<svg")
    assert "viewBox=" in svg
    for m in Meter.objects.filter(site=site):
        assert f'href="{reverse("meter-detail", args=[m.pk])}"' in svg
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert svg.count('class="flow-band"') == 2  # E-101 and the rest


def test_page_shows_the_drawing_the_table_and_exports(plant, staff_client):
    query = {"site": plant.code, "period": "month", "on": "2025-03-15"}
    page = staff_client.get(URL, query)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="energy-flow"' in html
    assert 'id="flow-table"' in html
    assert "Unmetered rest or losses of E-MAIN" in html
    assert 'data-label="Figure"' in html
    tce = staff_client.get(URL, {**query, "unit": "tce"}).content.decode()
    assert "Comprehensive energy consumption:" in tce
    export = staff_client.get(URL, {**query, "export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Medium", "Level", "Code"]
    rest = next(r for r in rows if r[3] == "Unmetered rest or losses of E-MAIN")
    assert (rest[5], Decimal(rest[6])) == ("E-MAIN", Decimal(300_000))
    xlsx = staff_client.get(URL, {**query, "export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def _sub_meters(site, count):
    main = Meter.objects.filter(site=site, code="E-MAIN").first() or _register(site, "E-MAIN", 1_000_000)
    existing = Meter.objects.filter(site=site).count() - 1
    for i in range(existing, count):
        _register(site, f"E-{200 + i}", 1_000, parent=main)


def test_page_query_count_does_not_grow_with_meters(site, staff_client, django_capture_on_commit_callbacks):
    query = {"site": site.code, "period": "month", "on": "2025-03-01"}
    counts = []
    for size in (5, 50):
        with django_capture_on_commit_callbacks(execute=True):
            _sub_meters(site, size)
        staff_client.get(URL, query)  # caches (factor sets, the session) warmed alike
        with CaptureQueriesContext(connection) as captured:
            page = staff_client.get(URL, query)
        assert page.status_code == 200
        assert len(energy_flow(site=site, start=MARCH[0], end=MARCH[1]).nodes) == size + 1 + 1  # and rest
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_energy_area_and_kpi_dashboard_link_the_flow(plant, staff_client):
    area = staff_client.get("/energy/").content.decode()
    assert 'href="/energy/flow/"' in area
    assert 'href="/energy/functions/"' in area
    dashboard = staff_client.get("/kpis/", {"site": plant.code}).content.decode()
    assert f'href="/energy/flow/?site={plant.code}"' in dashboard


def test_only_staff_and_admins_see_the_flow(plant, admin_client, staff_client, auditor_client, client):
    for allowed in (admin_client, staff_client):
        assert allowed.get(URL).status_code == 200
        assert (
            allowed.get(API, {"site": plant.code, "start": "2025-03-01", "end": "2025-03-31"}).status_code
            == 200
        )
    assert auditor_client.get(URL).status_code == 403
    assert (
        auditor_client.get(API, {"site": plant.code, "start": "2025-03-01", "end": "2025-03-31"}).status_code
        == 403
    )
    assert client.get(URL).status_code == 302
    assert client.get(API).status_code == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2025-03-31", "end": "2025-03-01"}, "end"),
        ({"start": "2025-03-01", "end": "not-a-date"}, "end"),
        ({"start": "1800-01-01", "end": "2025-03-01"}, "start"),
        ({"start": "2015-01-01", "end": "2025-03-01"}, "end"),
        ({"start": "2025-03-01", "end": "2025-03-31", "unit": "furlongs"}, "unit"),
        ({"end": "2025-03-31"}, "start"),
    ],
)
def test_api_answers_a_bad_period_with_400(plant, staff_client, query, field):
    response = staff_client.get(API, {"site": plant.code, **query})
    assert response.status_code == 400
    assert field in response.json()


def test_api_gives_nodes_and_links_with_their_figures(plant, staff_client):
    body = staff_client.get(API, {"site": plant.code, "start": "2025-03-01", "end": "2025-03-31"}).json()
    nodes = {n["key"]: n for n in body["nodes"]}
    main = next(n for n in body["nodes"] if n["code"] == "E-MAIN")
    assert (main["value"], main["unit"], main["depth"], main["parent"]) == ("1000000.000000", "kWh", 0, None)
    rest = nodes[f"rest-{main['meter']}"]
    assert rest["value"] == "300000.000000"
    assert rest["share"] == "0.300000"
    assert {
        "source": main["key"],
        "target": rest["key"],
        "value": "300000.000000",
        "share": "0.300000",
    } in body["links"]
    assert {m["medium"] for m in body["media"]} == {"electricity", "natural_gas", "diesel"}


def test_every_provided_function_has_a_page_that_resolves(staff_client):
    functions = energy_function_list()
    assert len(functions) == 12
    assert len({f.key for f in functions}) == 12
    for function in functions:
        if function.provided:
            assert function.url, function.key
            assert resolve(function.url).url_name == function.url_name
    assert next(f for f in functions if f.key == "energy-flow").url == URL
    page = staff_client.get("/energy/functions/").content.decode()
    provided = sum(f.provided for f in functions)
    assert f"this installation provides {provided} of 12 (the leading value is 8)" in page
    assert "Energy flow analysis" in page
    body = staff_client.get("/api/v1/energy-functions/").json()
    assert (body["provided"], body["total"], body["leading"]) == (provided, 12, 8)
    assert [r["key"] for r in body["results"]] == [f.key for f in functions]


def test_functions_are_named_in_chinese_on_chinese_pages(staff_client):
    staff_client.cookies["django_language"] = "zh-hans"
    page = staff_client.get("/energy/functions/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "能流分析" in page


def test_demo_flow_of_last_month_runs_from_e_main_through_its_sub_meters_to_a_rest(
    django_capture_on_commit_callbacks,
):
    from greenfactory.web.demo import demo_load

    today = dt.date(2026, 11, 28)
    with django_capture_on_commit_callbacks(execute=True):
        demo_load(today=today)
    site = Meter.objects.get(code="E-MAIN").site
    flow = energy_flow(site=site, start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))
    meters = _by_code(flow)
    main = meters["E-MAIN"]
    children = {n.code for n in flow.nodes if n.parent_key == main.key and n.kind == NodeKind.METER}
    assert children == {"E-101", "E-102", "E-103"}
    assert meters["E-104"].parent_key == meters["E-101"].key
    rest = next(n for n in flow.nodes if n.kind == NodeKind.REST and n.parent_key == main.key)
    assert Decimal("0.05") < rest.share < Decimal("0.3")
    assert not flow.warnings
    assert "E-REST" not in meters  # virtual meters are derived, not drawn
