"""Building blocks for KPI tests: meters, readings and activity set up through services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accounting.services.kpis import rollup_changes_consume
from greenfactory.sites.models import ProductionKind
from greenfactory.sites.services import production_record_create
from metering.choices import Medium, MeterKind
from metering.services.pipeline import dirty_ranges_process
from tests.metering.helpers import ingest, meter


def pipeline_run(**kwargs) -> int:
    """Dirty ranges -> rollups -> findings -> outbox (metering), then outbox -> KPIs (accounting), as
    the two tasks do once committed; inside a test's transaction nothing is sent after commit, so
    the outbox is consumed here. Returns the number of dirty ranges consumed."""
    consumed = dirty_ranges_process(**kwargs)
    rollup_changes_consume(limit=100_000)
    return consumed


def processed(site, start: dt.date, end: dt.date, tonnes: str):
    return production_record_create(
        site=site,
        period_start=start,
        period_end=end,
        material="Spent EV battery packs",
        kind=ProductionKind.PROCESSED,
        tonnes=Decimal(tonnes),
    )


def march_plant(site):
    """DOMAIN.md section 6: 1,000,000 kWh, 50,000 m3 gas, 20 t diesel, 4,000 t processed in March 2025."""
    meter(site, "E-MAIN")
    meter(site, "G-01", Medium.NATURAL_GAS, "m3", MeterKind.INTERVAL)
    meter(site, "D-01", Medium.DIESEL, "t", MeterKind.INTERVAL)
    ingest(
        site,
        [
            {"meter": "E-MAIN", "ts": "2025-03-01T00:00:00+08:00", "value": 0},
            {"meter": "E-MAIN", "ts": "2025-04-01T00:00:00+08:00", "value": 1_000_000},
            {
                "meter": "G-01",
                "start": "2025-03-01T00:00:00+08:00",
                "end": "2025-04-01T00:00:00+08:00",
                "value": 50_000,
            },
            {
                "meter": "D-01",
                "start": "2025-03-01T00:00:00+08:00",
                "end": "2025-04-01T00:00:00+08:00",
                "value": 20,
            },
        ],
    )
    processed(site, dt.date(2025, 3, 1), dt.date(2025, 3, 31), "4000")
