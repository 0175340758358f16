"""The dashboard: same figures as the API, constant queries as data grows, exports, bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accounting.models import SiteKpi

from .kpi_helpers import ingest, march_plant, processed

pytestmark = pytest.mark.django_db
URL = "/kpis/"


@pytest.fixture
def plant(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        march_plant(site)
    return site


def test_dashboard_shows_the_api_figures(plant, staff_client):
    page = staff_client.get(URL, {"site": plant.code, "period": "month", "on": "2025-03-10"})
    assert page.status_code == 200
    api = staff_client.get(
        "/api/v1/kpis/",
        {"site": plant.code, "start": "2025-03-01", "end": "2025-03-31", "granularity": "month"},
    ).json()["results"][0]
    current = page.context["current"]
    for name in ("tce", "scope1_tco2e", "scope2_location_tco2e", "scope2_market_tco2e", "tco2e_per_t"):
        assert current[name] == api[name]
    headline = {str(h["label"]): h["value"] for h in page.context["headline"]}
    assert headline["Comprehensive energy (tce)"] == Decimal(api["tce"]) == Decimal("212.757")
    html = page.content.decode()
    assert "212.757" in html
    assert "chart-emissions" in html
    assert "kpi-chart-data" in html
    assert "North China grid 2023" in html  # the factor used is on the page, by name
    assert "GWP-100, IPCC AR5;" in html
    assert [m["meter"].code for m in page.context["tree"]] == [
        "D-01",
        "E-MAIN",
        "G-01",
    ]  # by medium, then code


def test_quarter_and_year_compare_with_previous_and_last_year(
    plant, staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ingest(
            plant,
            [
                {
                    "meter": "G-01",
                    "start": "2024-03-01T00:00:00+08:00",
                    "end": "2024-04-01T00:00:00+08:00",
                    "value": 25_000,
                },
            ],
        )
        processed(plant, dt.date(2024, 3, 1), dt.date(2024, 3, 31), "1000")
    page = staff_client.get(URL, {"site": plant.code, "period": "quarter", "on": "2025-02-01"})
    tce = next(h for h in page.context["headline"] if str(h["label"]).startswith("Comprehensive"))
    assert tce["value"] == Decimal("212.757")
    assert tce["last_year"] == Decimal("30.357500")
    # Q1 2024 has data for March only: against a quarter of data its change would measure the data.
    assert [c["days"] for c in page.context["coverage"]] == [90, 92, 31]
    assert tce["change_last_year"] is None
    assert "Days with data: this period 90 of 90, previous period 92 of 92" in page.content.decode()
    march = staff_client.get(URL, {"site": plant.code, "period": "month", "on": "2025-03-01"})
    tce = next(h for h in march.context["headline"] if str(h["label"]).startswith("Comprehensive"))
    assert tce["change_last_year"] == pytest.approx(Decimal("600.84"), abs=Decimal("0.01"))
    assert page.context["granularity"] == "month"
    year = staff_client.get(URL, {"site": plant.code, "period": "year", "on": "2025-07-01"})
    assert year.context["period"].start == dt.date(2025, 1, 1)
    assert year.context["next_period"].start == dt.date(2026, 1, 1)
    assert year.context["previous_period"].end == dt.date(2024, 12, 31)


def test_query_count_does_not_grow_with_data(
    site, staff_client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from .kpi_helpers import meter

    meter(site, "E-MAIN")

    def load(days):
        with django_capture_on_commit_callbacks(execute=True):
            ingest(
                site,
                [
                    {
                        "meter": "E-MAIN",
                        "ts": f"2025-{1 + d // 28:02d}-{1 + d % 28:02d}T00:00:00+08:00",
                        "value": d * 100,
                    }
                    for d in range(days)
                ],
            )

    load(20)
    with django_assert_max_num_queries(28) as small:  # the energy flow card reads its own few
        staff_client.get(URL, {"site": site.code, "period": "year", "on": "2025-01-01"})
    load(300)
    assert SiteKpi.objects.count() > 250
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get(URL, {"site": site.code, "period": "year", "on": "2025-01-01"})


def test_exports_hold_the_bucket_table(plant, staff_client):
    csv = staff_client.get(URL, {"site": plant.code, "period": "month", "on": "2025-03-01", "export": "csv"})
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("Start,End,tce")
    assert len(body.splitlines()) == 32  # header + 31 days
    xlsx = staff_client.get(URL, {"site": plant.code, "period": "year", "on": "2025-03-01", "export": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    "query",
    [
        {"site": "NOPE"},
        {"period": "fortnight", "on": "not-a-date"},
        {"period": "custom", "start": "2025-05-01", "end": "2019-01-01"},
        {"on": "99999-01-01"},
    ],
)
def test_bad_query_never_fails(plant, staff_client, query):
    response = staff_client.get(URL, query)
    assert response.status_code in (200, 404)


def test_empty_period_and_no_site(staff_client, site):
    assert "No KPIs for this period yet" in staff_client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"site": "TJ-01", "start": "2025-02-01", "end": "2025-01-01"}, "end"),
        ({"site": "TJ-01", "start": "2025-01-01", "end": "2025-01-01", "granularity": "week"}, "granularity"),
        ({"site": "NOPE", "start": "2025-01-01", "end": "2025-01-01"}, "site"),
        ({"site": "TJ-01", "start": "1000-01-01", "end": "2025-01-01", "granularity": "day"}, "end"),
        ({"site": "TJ-01"}, "start"),
    ],
)
def test_kpi_api_answers_bad_queries_with_400(site, staff_client, query, field):
    response = staff_client.get("/api/v1/kpis/", query)
    assert response.status_code == 400
    assert field in response.json()


def test_the_dashboard_of_a_site_without_settings_writes_nothing_and_shows_the_defaults(plant, staff_client):
    from accounting.models import SiteKpiSettings

    before = SiteKpiSettings.objects.count()
    page = staff_client.get(URL, {"site": plant.code, "period": "month", "on": "2025-03-10"})
    assert page.status_code == 200
    assert SiteKpiSettings.objects.count() == before == 0
    settings = page.context["settings"]
    assert settings.pk is None
    html = page.content.decode()
    assert "<dd>North China grid</dd>" in html
    assert f"<dd>{settings.gwp_set.name}</dd>" in html
    assert f"<dd>{settings.get_combustion_method_display()}</dd>" in html


def test_the_export_functions_give_the_page_figures(plant, staff_client):
    from accounting.exports.kpis import kpi_table
    from accounting.selectors.kpis import kpi_series

    page = staff_client.get(URL, {"site": plant.code, "period": "year", "on": "2025-03-10"})
    header, rows = kpi_table(
        kpi_series(site=plant, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31), granularity="month")
    )
    shown = page.context["rows"]
    assert [r[0] for r in rows] == [r["start"] for r in shown]
    assert [r[2] for r in rows] == [Decimal(r["tce"]) for r in shown]
    assert [r[3] for r in rows] == [Decimal(r["scope1_tco2e"]) for r in shown]
    csv = staff_client.get(URL, {"site": plant.code, "period": "year", "on": "2025-03-10", "export": "csv"})
    lines = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[:3] == [str(h) for h in header[:3]]
    assert [line.split(",")[2] for line in lines[1:]] == [str(r[2]) for r in rows]


def test_periods_are_compared_only_with_as_much_data():
    from accounting.selectors.periods import change, comparable, period_for, period_from_query

    assert comparable(31, 30)
    assert not comparable(365, 31)
    assert not comparable(0, 0)
    assert change(Decimal(110), Decimal(100)) == Decimal(10)
    assert change(Decimal(1), Decimal(0)) is None
    quarter = period_for("quarter", dt.date(2025, 5, 20))
    assert (quarter.start, quarter.end) == (dt.date(2025, 4, 1), dt.date(2025, 6, 30))
    custom = period_from_query(
        kind="custom",
        on=None,
        start="2025-05-01",
        end="2019-01-01",
        default_anchor=lambda: dt.date(2025, 1, 1),
    )
    assert (custom.start, custom.end) == (dt.date(2019, 1, 1), dt.date(2022, 1, 3))  # at most 3 x 366 days


@pytest.mark.parametrize(
    ("start", "end", "refused"),
    [
        ("1989-12-01", "1989-12-31", ["start", "end"]),
        ("1990-01-01", "1990-01-31", []),
        ("2100-12-01", "2101-01-31", ["end"]),
    ],
)
def test_kpi_api_takes_periods_in_the_one_plausible_range(site, staff_client, start, end, refused):
    response = staff_client.get(
        "/api/v1/kpis/", {"site": site.code, "start": start, "end": end, "granularity": "day"}
    )
    if refused:
        assert response.status_code == 400
        assert response.json() == {field: ["Give a date between 1990 and 2100."] for field in refused}
    else:
        assert response.status_code == 200, response.content


def test_the_dashboard_opens_on_the_last_complete_month_not_the_running_one(
    plant, staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ingest(plant, [{"meter": "E-MAIN", "ts": "2025-04-02T00:00:00+08:00", "value": 1_020_000}])
    page = staff_client.get(URL, {"site": plant.code})
    assert page.context["period"].start == dt.date(2025, 3, 1)
    assert "Incomplete period" not in page.content.decode()
    april = staff_client.get(URL, {"site": plant.code, "on": "2025-04-01"})
    text = " ".join(april.content.decode().split())
    assert "Incomplete period: data for 1 of 30 days. The figures cover only those days." in text


def test_a_change_of_the_renewable_share_is_in_percentage_points():
    from accounting.selectors.kpis import KpiComparison

    comparison = KpiComparison(
        current={"renewable_share": "0.25"},
        previous={"renewable_share": "0.20"},
        last_year={"renewable_share": "0.10"},
        coverage=[],
        like_previous=True,
        like_last_year=True,
    )
    share = comparison.figure("renewable_share", share=True)
    assert (share["change_previous"], share["change_last_year"]) == (Decimal(5), Decimal(15))
    assert comparison.figure("renewable_share")["change_previous"] == Decimal(25)  # relative, for others


def test_the_residual_factor_is_shown_with_its_unit(plant, staff_client):
    html = staff_client.get(URL, {"site": plant.code, "period": "month", "on": "2025-03-01"}).content.decode()
    assert "(0.6096 kgCO2/kWh)" in html


def test_a_year_with_one_month_of_data_is_marked_incomplete_on_the_page_and_in_the_exports(
    plant, staff_client
):
    query = {"site": plant.code, "period": "year", "on": "2025-03-01"}
    page = staff_client.get(URL, query)
    text = " ".join(page.content.decode().split())
    assert "Incomplete period: data for 31 of 365 days." in text
    [march] = page.context["rows"]
    assert (march["days_with_data"], march["days"], march["complete"]) == (31, 31, True)
    csv = staff_client.get(URL, {**query, "export": "csv"})
    lines = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].endswith("Days with data,Days,Complete")
    assert lines[1].endswith(",31,31,yes")
    days = staff_client.get(URL, {**query, "period": "custom", "start": "2025-03-25", "end": "2025-04-05"})
    assert days.context["current"]["days_with_data"] == 7
    assert days.context["current"]["complete"] is False


def test_dashboard_shows_the_periods_energy_flow_in_tce(plant, staff_client):
    html = staff_client.get(URL, {"site": plant.code, "period": "month", "on": "2025-03-10"}).content.decode()
    card = html[html.index('id="kpi-energy-flow"') :]
    assert "<svg" in card[:600]
    assert "E-MAIN" in card
    assert (
        "/energy/flow/?site=TJ-01&amp;period=custom&amp;start=2025-03-01&amp;end=2025-03-31&amp;unit=tce"
        in card
    )
