"""DOMAIN.md section 6 vectors, computed through the pipeline: readings and activity data ->
rollups -> site KPIs -> the KPI API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accounting.choices import CombustionMethod, GridRegion
from accounting.models import FactorSet
from accounting.selectors.factors import site_kpi_settings
from accounting.selectors.kpis import kpi_total
from accounting.selectors.periods import Period
from accounting.services.activity import GreenCertificateValues, RefrigerantRefillValues, activity_create
from accounting.services.kpis import site_kpis_recompute

from .kpi_helpers import march_plant

pytestmark = pytest.mark.django_db


def kpis(client, site, start="2025-03-01", end="2025-03-31", granularity="month"):
    response = client.get(
        "/api/v1/kpis/", {"site": site.code, "start": start, "end": end, "granularity": granularity}
    )
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def plant(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        march_plant(site)
    return site


def d(value) -> Decimal:
    return Decimal(value)


def test_energy_vector_tce_and_kgce_per_tonne(plant, staff_client):
    [march] = kpis(staff_client, plant)
    assert march["consumption"]["electricity"] == {"quantity": "1000000.000000", "unit": "kWh"}
    assert march["consumption"]["diesel"]["quantity"] == "20000.000000"
    assert d(march["tce"]) == d("212.757")
    assert d(march["kgce_per_t"]).quantize(d("0.001")) == d("53.189")
    assert d(march["processed_t"]) == 4000


def test_combustion_china_vectors_and_totals(plant, staff_client):
    [march] = kpis(staff_client, plant)
    assert d(march["scope1_tco2e"]).quantize(d("0.001")) == d("170.028")
    assert d(march["scope2_location_tco2e"]) == d("636.1")  # North China 2023, the default region
    assert d(march["total_tco2e"]).quantize(d("0.001")) == d("806.128")
    assert d(march["tco2e_per_t"]).quantize(d("0.0001")) == d("0.2015")
    assert march["categories_tco2e"]["1"] == march["scope1_tco2e"]
    [used] = march["factors"]
    assert used["grid"] == {"region": "north_china", "year": 2023, "kg_per_kwh": "0.63610000"}
    assert used["sets"]["gbt2589"] == 1


def test_combustion_ipcc_vectors(plant, staff_client):
    settings = site_kpi_settings(site=plant)
    settings.combustion_method = CombustionMethod.IPCC
    settings.save()
    site_kpis_recompute(site=plant)
    [march] = kpis(staff_client, plant)
    assert d(march["scope1_tco2e"]).quantize(d("0.001")) == d("109.201") + d("63.726")


@pytest.mark.parametrize(
    ("region", "expected"),
    [(GridRegion.NATIONAL, "530.6"), (GridRegion.NORTH_CHINA, "636.1"), (GridRegion.TIANJIN, "704.1")],
)
def test_scope2_location_vectors(plant, staff_client, region, expected):
    settings = site_kpi_settings(site=plant)
    settings.grid_region = region
    settings.save()
    site_kpis_recompute(site=plant)
    [march] = kpis(staff_client, plant)
    assert d(march["scope2_location_tco2e"]) == d(expected)


def test_scope2_market_vector_with_retired_certificates(
    plant, staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        activity_create(
            site=plant, values=GreenCertificateValues(date=dt.date(2025, 3, 15), kwh=d(300000), vintage=2025)
        )
    [march] = kpis(staff_client, plant)
    assert d(march["scope2_market_tco2e"]) == d("426.72")
    assert d(march["scope2_location_tco2e"]) == d("636.1")  # both are always reported
    assert d(march["renewable_share"]) == d("0.3")


def test_a_retirement_day_shows_the_months_share_not_more_than_all(
    plant, staff_client, django_capture_on_commit_callbacks
):
    # 1,000,000 kWh over 31 days is 32,258 kWh a day; 300,000 kWh of certificates retired on one day
    # covered that day's electricity nine times over (a share of 930 %) and no other day.
    with django_capture_on_commit_callbacks(execute=True):
        activity_create(
            site=plant, values=GreenCertificateValues(date=dt.date(2025, 3, 15), kwh=d(300000), vintage=2025)
        )
    days = kpis(staff_client, plant, granularity="day")
    assert {day["renewable_share"] for day in days} == {"0.300000"}
    assert sum(d(day["scope2_market_tco2e"]) for day in days).quantize(d("0.001")) == d("426.72")
    total = kpi_total(site=plant, period=Period("custom", dt.date(2025, 3, 10), dt.date(2025, 3, 20)))
    assert d(total["renewable_share"]) == d("0.3")


def test_certificates_beyond_the_consumption_cap_the_share_at_one(
    plant, staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        activity_create(
            site=plant,
            values=GreenCertificateValues(date=dt.date(2025, 3, 2), kwh=d(1_670_000), vintage=2025),
        )
    [march] = kpis(staff_client, plant)
    assert d(march["renewable_share"]) == 1
    assert d(march["scope2_market_tco2e"]) == 0
    day = kpis(staff_client, plant, "2025-03-02", "2025-03-02", "day")[0]
    assert d(day["renewable_share"]) == 1


@pytest.mark.parametrize(
    ("gas", "kg", "gwp_set", "expected"),
    [
        ("R-410A", "10", "gwp-ar5", "19.235"),
        ("R-410A", "10", "gwp-ar6", "22.555"),
        ("HFC-134a", "5", "gwp-ar5", "6.5"),
        ("HFC-134a", "5", "gwp-ar6", "7.65"),
    ],
)
def test_refrigerant_vectors(
    site, staff_client, django_capture_on_commit_callbacks, gas, kg, gwp_set, expected
):
    settings = site_kpi_settings(site=site)
    settings.gwp_set = FactorSet.objects.get(code=gwp_set)
    settings.save()
    with django_capture_on_commit_callbacks(execute=True):
        activity_create(
            site=site,
            values=RefrigerantRefillValues(
                date=dt.date(2025, 6, 3), equipment="Chiller 1", gas=gas, kg=d(kg)
            ),
        )
    [june] = kpis(staff_client, site, "2025-06-01", "2025-06-30")
    assert d(june["scope1_tco2e"]) == d(expected)
    assert june["factors"][0]["gwp"] == gwp_set


def test_day_buckets_add_up_to_the_month(plant, staff_client):
    days = kpis(staff_client, plant, granularity="day")
    assert len(days) == 31
    assert sum(d(day["tce"]) for day in days).quantize(d("0.001")) == d("212.757")
    [year] = kpis(staff_client, plant, "2025-01-01", "2025-12-31", "year")
    assert d(year["tce"]) == d("212.757")
