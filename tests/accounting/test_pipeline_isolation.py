"""One meter or site whose figures cannot be computed never stops the others, and says why."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from accounting.models import SiteKpi
from accounting.services.kpis import rollup_changes_consume
from accounting.tasks import rollup_changes_sweep
from metering.models import DirtyRange, MeterRollup, RollupChange
from metering.selectors.pipeline import pipeline_failures
from metering.services import pipeline
from metering.services.pipeline import dirty_ranges_process
from tests.factories import SiteFactory
from tests.metering.helpers import ingest, meter

pytestmark = pytest.mark.django_db


def _day(site, code, start, end, value_start=0, value_end=100):
    meter(site, code, multiplier=10_000_000) if code.endswith("X") else meter(site, code)
    ingest(
        site,
        [
            {"meter": code, "ts": start, "value": value_start},
            {"meter": code, "ts": end, "value": value_end},
        ],
    )


@pytest.fixture
def two_sites(site):
    """TJ-01's meter E-X multiplies a plausible register step into kWh no column can hold;
    TJ-02's meter E-1 is ordinary."""
    other = SiteFactory(code="TJ-02")
    _day(site, "E-X", "2025-05-01T00:00:00+08:00", "2025-05-02T00:00:00+08:00", 0, 9_000_000_000)
    _day(other, "E-1", "2025-05-01T00:00:00+08:00", "2025-05-02T00:00:00+08:00", 0, 100)
    return site, other


def test_a_site_whose_kpis_overflow_is_marked_failed_and_the_other_site_moves_on(two_sites):
    poisoned, healthy = two_sites
    assert dirty_ranges_process() == 2
    consumed = rollup_changes_consume()
    assert consumed == 2
    assert SiteKpi.objects.filter(site=healthy, electricity_kwh=100).exists()
    assert not SiteKpi.objects.filter(site=poisoned, electricity_kwh__gt=0).exists()
    failed = RollupChange.objects.get(site=poisoned)
    assert failed.consumed_at is None
    assert failed.failed_at is not None
    assert failed.attempts == 1
    assert failed.error
    assert RollupChange.objects.get(site=healthy).consumed_at is not None
    assert [(f.site, f.meter, f.attempts) for f in pipeline_failures()] == [("TJ-01", "", 1)]
    # The sweeper does not fail on it, and does not spin on it either: it is retried after a while.
    assert rollup_changes_sweep() == 0


def test_a_failing_meter_is_marked_failed_with_its_error_and_every_other_meter_is_refreshed(
    site, monkeypatch, staff_client, client
):
    _day(site, "E-1", "2025-05-01T00:00:00+08:00", "2025-05-02T00:00:00+08:00")
    _day(site, "E-2", "2025-05-01T00:00:00+08:00", "2025-05-02T00:00:00+08:00")
    real = pipeline.meter_rollups_refresh

    def refresh(*, meter, **kwargs):
        if meter.code == "E-1":
            raise ValueError("numeric field overflow")
        return real(meter=meter, **kwargs)

    monkeypatch.setattr(pipeline, "meter_rollups_refresh", refresh)
    assert dirty_ranges_process() == 2
    assert not MeterRollup.objects.filter(meter__code="E-1").exists()
    assert MeterRollup.objects.filter(meter__code="E-2", quantity=100).exists()
    e1 = DirtyRange.objects.get(meter__code="E-1")
    assert (e1.consumed_at, e1.attempts) == (None, 1)
    assert "numeric field overflow" in e1.error
    assert DirtyRange.objects.get(meter__code="E-2").consumed_at is not None
    assert [(f.site, f.meter, f.attempts) for f in pipeline_failures()] == [("TJ-01", "E-1", 1)]
    assert dirty_ranges_process() == 0  # not retried at once
    page = staff_client.get("/kpis/quality/?site=TJ-01").content.decode()
    assert "Rollups of meter E-1" in page
    assert "numeric field overflow" in page
    assert client.get("/healthz").json()["pipeline_failures"] == 1

    # Once the fault is gone, a retry after the back-off consumes it.
    monkeypatch.setattr(pipeline, "meter_rollups_refresh", real)
    monkeypatch.setattr(pipeline, "FAILED_RETRY_AFTER", pipeline.FAILED_RETRY_AFTER * 0)
    assert dirty_ranges_process() == 1
    assert MeterRollup.objects.filter(meter__code="E-1", quantity=100).exists()
    assert pipeline_failures() == []


def test_a_gateway_whose_rows_were_committed_is_told_so_even_when_the_kpi_step_fails(
    site, django_capture_on_commit_callbacks, monkeypatch, staff_client
):
    meter(site, "E-1")

    def broken(**kwargs):
        raise ValueError("numeric field overflow")

    monkeypatch.setattr(pipeline, "meter_rollups_refresh", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/api/v1/readings/?site=TJ-01",
            data={"readings": [{"meter": "E-1", "ts": "2025-05-01T00:00:00+08:00", "value": 5}]},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    assert response.json()["accepted"] == 1
    assert DirtyRange.objects.get().error.endswith("numeric field overflow")


def test_recompute_kpis_names_the_site_it_cannot_compute(two_sites):
    with pytest.raises(CommandError, match="TJ-01"):
        call_command("recompute_kpis", site="TJ-01", verbosity=0)
    call_command("recompute_kpis", site="TJ-02", verbosity=0)
    assert SiteKpi.objects.filter(site__code="TJ-02", electricity_kwh=100).exists()
