"""Building blocks for metering tests: meters and readings set up through services."""

from __future__ import annotations

import datetime as dt

from metering.choices import Medium, MeterKind, Source
from metering.services.ingest import readings_ingest
from metering.services.meters import meter_create

SINCE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def meter(site, code, medium=Medium.ELECTRICITY, unit="kWh", kind=MeterKind.REGISTER, **extra):
    return meter_create(
        site=site, code=code, name=code, medium=medium, unit=unit, kind=kind, active_from=SINCE, **extra
    )


def ingest(site, rows, user=None):
    result = readings_ingest(site=site, raw_rows=rows, source=Source.MANUAL, by=user)
    assert result.rejected == 0, result.as_dict()
    return result
