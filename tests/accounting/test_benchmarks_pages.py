"""The benchmarking page as energy managers use it: the ranked chart with its reference lines, the
table and its downloads, the reference form with its errors, each role's access, and the demo."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounting.models import ReferenceLevel
from accounting.services.benchmarks import reference_level_create
from tests.factories import SiteFactory

from .budget_helpers import month_kpi

pytestmark = pytest.mark.django_db

URL = "/energy/benchmarks/"
MARCH = "?metric=kgce_per_t&period=month&on=2026-03-01&periods=1"


@pytest.fixture
def two_sites(site):
    other = SiteFactory(code="SH-02", organisation=site.organisation)
    month_kpi(site, 2026, 3, tce="300", processed_t="5000")  # 60 kgce/t
    month_kpi(other, 2026, 3, tce="200", processed_t="4000")  # 50 kgce/t
    reference_level_create(
        organisation=site.organisation,
        metric="kgce_per_t",
        value=Decimal("55"),
        unit="kgce/t",
        label="Group target",
        valid_from=dt.date(2026, 1, 1),
    )
    return site, other


def _level_form(**changes):
    data = {
        "query": "metric=kgce_per_t&period=month&on=2026-03-01",
        "scope": "TJ-01",
        "metric": "kgce_per_t",
        "value": "48.5",
        "unit": "kgce/t",
        "label": "Plant target",
        "valid_from": "2026-01-01",
        "source_note": "Management review 2026",
    }
    data.update(changes)
    return data


def test_the_chart_ranks_the_lower_site_first_with_the_reference_line(staff_client, two_sites):
    page = staff_client.get(URL + MARCH).content.decode()
    chart = page[page.index('<svg xmlns="http://www.w3.org/2000/svg"') :]
    assert chart.index("1. SH-02 · 2026-03") < chart.index("2. TJ-01 · 2026-03")
    assert "R1 — Group target: 55.0 kgce/t" in chart
    assert (
        "<desc>Ranked lowest first: 1. SH-02 · 2026-03 50.0 kgce/t; 2. TJ-01 · 2026-03 60.0 kgce/t." in chart
    )


def test_the_table_shows_each_sites_figure_with_its_rank(staff_client, two_sites):
    page = staff_client.get(URL + MARCH).content.decode()
    row = page[page.index('<tr data-site="TJ-01"') :]
    assert '<td data-label="Rank" class="num">2</td>' in row[:400]
    assert '<td data-label="Energy per tonne processed (kgce/t)" class="num bench-value">60.0</td>' in row


def test_a_site_filter_leaves_the_other_site_out(staff_client, two_sites):
    page = staff_client.get(URL + MARCH + "&site=TJ-01").content.decode()
    assert 'data-site="TJ-01"' in page
    assert 'data-site="SH-02"' not in page


def test_the_csv_export_holds_the_ranked_table(staff_client, two_sites):
    response = staff_client.get(URL + MARCH + "&export=csv&table=figures")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[1].startswith("1,SH-02,2026-03,50.000000,200.000000,4000.000000")
    assert lines[2].startswith("2,TJ-01,2026-03,60.000000")


def test_the_excel_export_of_references_lists_the_drawn_and_the_not_drawn(staff_client, two_sites):
    response = staff_client.get(URL + MARCH + "&export=xlsx&table=references")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:5] == ("Group target", None, 55, "kgce/t", 55)
    assert rows[2][2] == 2200
    assert str(rows[2][8]).startswith("no: Per tonne of lithium carbonate")


def test_the_page_says_no_national_quota_applies(staff_client, two_sites):
    page = staff_client.get(URL + MARCH).content.decode()
    assert "No national energy-consumption quota" in page


def test_bad_query_parameters_fall_back_to_the_defaults(staff_client, two_sites):
    response = staff_client.get(URL + "?metric=watts&period=week&on=2026-99-01&periods=abc&site=NOPE")
    assert response.status_code == 200


def test_a_writer_enters_a_plant_level_and_sees_it_drawn(staff_client, two_sites):
    response = staff_client.post("/energy/benchmarks/references/", _level_form())
    assert response.status_code == 302
    assert response["Location"] == "/energy/benchmarks/?metric=kgce_per_t&period=month&on=2026-03-01"
    level = ReferenceLevel.objects.get(label="Plant target")
    assert (level.site.code, level.value, level.unit) == ("TJ-01", Decimal("48.5"), "kgce/t")
    page = staff_client.get(response["Location"]).content.decode()
    assert "TJ-01 · Plant target: 48.5 kgce/t" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value": "0"}, "The value is a number greater than zero."),
        ({"value": "-5"}, "The value is a number greater than zero."),
        ({"unit": "ratio"}, "ratio is not a unit of this metric; use one of: kgce/t, tce/t."),
        ({"unit": "kWh/t"}, "Select a valid choice."),
        ({"value": "abc"}, "Enter a number."),
    ],
)
def test_a_bad_level_is_shown_again_with_its_error_and_nothing_is_stored(
    staff_client, two_sites, changes, message
):
    response = staff_client.post("/energy/benchmarks/references/", _level_form(**changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'value="Plant target"' in page  # nothing typed is lost
    assert not ReferenceLevel.objects.filter(label="Plant target").exists()


def test_a_writer_deletes_a_plant_level(staff_client, two_sites):
    level = ReferenceLevel.objects.get(label="Group target")
    response = staff_client.post(
        f"/energy/benchmarks/references/{level.pk}/delete/", {"query": "period=month"}
    )
    assert response.status_code == 302
    assert not ReferenceLevel.objects.exists()


def test_readers_without_the_capability_are_refused(auditor_client, gateway_client, two_sites):
    for client in (auditor_client, gateway_client):
        assert client.get(URL).status_code == 403
        assert client.post("/energy/benchmarks/references/", _level_form()).status_code == 403
    assert ReferenceLevel.objects.count() == 1


def test_the_page_query_count_does_not_grow_with_sites_or_periods(
    staff_client, two_sites, django_assert_max_num_queries
):
    site = two_sites[0]
    with django_assert_max_num_queries(14):
        staff_client.get(URL + MARCH)
    for n in range(6):
        extra = SiteFactory(organisation=site.organisation)
        for month in range(1, 13):
            month_kpi(extra, 2025, month, tce=str(100 + n), processed_t="1000")
    with django_assert_max_num_queries(14):
        staff_client.get(URL + "?metric=kgce_per_t&period=month&on=2025-12-01&periods=12")
    with django_assert_max_num_queries(18):
        staff_client.get(URL + "?metric=enpi&period=month&on=2025-12-01&periods=12")


def test_the_chinese_page_names_the_metric_in_chinese(staff_client, two_sites):
    page = staff_client.get(URL + MARCH, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "没有针对废旧动力电池物理拆解回收的国家单位产品能源消耗限额" in page


def test_the_demo_benchmarks_its_months_against_the_plant_target(
    django_capture_on_commit_callbacks, staff_client
):
    from greenfactory.web.demo import demo_load

    with django_capture_on_commit_callbacks(execute=True):
        demo_load(today=dt.date(2026, 11, 28))
    page = staff_client.get(URL + "?period=month&on=2026-10-01&periods=12").content.decode()
    chart = page[page.index('<svg xmlns="http://www.w3.org/2000/svg"') :]
    assert chart.count("<rect ") == 12  # the demo's twelve months of production, November to October
    assert "R1 — TJ-01 · Plant target 2026: 100.0 kgce/t" in chart
    assert "12. TJ-01 · 2025-11" in chart  # the ramp-up month uses most energy per tonne
