"""The demo plant: meters for every medium, a working demo gateway key, and idempotent loading."""

from __future__ import annotations

import datetime as dt

import pytest

from greenfactory.web.demo import demo_load
from metering.choices import Medium
from metering.demo import DEMO_GATEWAY_KEY
from metering.models import Meter, Reading

from .conftest import GatewayClient

pytestmark = pytest.mark.django_db


def test_demo_has_every_medium_a_virtual_meter_and_a_gateway_whose_key_works():
    today = dt.date(2026, 11, 28)
    first = demo_load(today=today)
    assert first["meters"] == 17
    assert set(Meter.objects.values_list("medium", flat=True)) == set(Medium.values)
    assert Meter.objects.get(code="E-REST").is_virtual
    assert Meter.objects.get(code="E-101").parent.code == "E-MAIN"
    readings = Reading.objects.count()
    assert readings > 1000
    again = demo_load(today=today)
    assert (again["meters"], again["readings"], Reading.objects.count()) == (0, 0, readings)
    response = GatewayClient(DEMO_GATEWAY_KEY).post(
        {"readings": [{"meter": "W-01", "ts": "2026-11-28T00:00:00+08:00", "value": 1}]}
    )
    assert response.status_code == 409  # the demo already holds another value at that time


def test_demo_year_has_kpis_for_every_month_and_registers_without_decreases(
    django_capture_on_commit_callbacks,
):
    from accounting.models import GreenCertificateRetirement, RefrigerantRefill, SiteKpi

    with django_capture_on_commit_callbacks(execute=True):
        demo_load(today=dt.date(2026, 11, 28))
    months = SiteKpi.objects.filter(granularity="month").order_by("start")
    assert months.count() == 13  # twelve full months and the current one
    assert all(m.tce > 0 and m.scope1_tco2e > 0 and m.scope2_location_tco2e > 0 for m in months)
    assert not any(m.data_quality["decreases"] for m in months)
    assert sum(m.data_quality["spikes"] for m in months) == 1  # the planted burst on the water main
    assert RefrigerantRefill.objects.count() == 4
    assert GreenCertificateRetirement.objects.exists()


def test_demo_has_a_gap_and_a_spike_to_look_at_on_the_data_quality_page(django_capture_on_commit_callbacks):
    from metering.models import FindingKind, QualityFinding

    with django_capture_on_commit_callbacks(execute=True):
        demo_load(today=dt.date(2026, 11, 28))
    found = {(f.meter.code, f.kind) for f in QualityFinding.objects.select_related("meter")}
    assert found == {("W-01", FindingKind.GAP), ("W-01", FindingKind.SPIKE)}
    gap = QualityFinding.objects.get(kind=FindingKind.GAP)
    assert gap.magnitude == 4 * 24.0  # three lost days: four days between two readings
    spike = QualityFinding.objects.get(kind=FindingKind.SPIKE)
    assert spike.end.isoformat() == "2026-11-24T14:00:00+00:00"  # 22:00 in Tianjin, three nights ago
