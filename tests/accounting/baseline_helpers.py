"""Crafted monthly data for baseline tests: DOMAIN.md section 6's EnPI vector as stored KPIs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accounting.services.baselines import driver_value_set
from greenfactory.core.time import month_next

from .kpi_helpers import ingest, meter, processed

# DOMAIN.md section 6: P (t), HDD, E (MWh); each point twice gives 12 months and the same fit.
P = [3000, 3400, 3900, 4100, 4600, 5000]
HDD = [420, 310, 150, 60, 10, 0]
E = [1050, 1090, 1150, 1150, 1230, 1290]
FIRST = dt.date(2025, 1, 1)
REPORT = dt.date(2026, 1, 1)  # P = 4200, HDD = 200, actual 1120 MWh


def vector_months():
    """(month, P, HDD, E MWh) for the 12 baseline months and the reporting month."""
    rows, month = [], FIRST
    for i in range(12):
        rows.append((month, P[i % 6], HDD[i % 6], E[i % 6]))
        month = month_next(month)
    rows.append((REPORT, 4200, 200, 1120))
    return rows


def vector_plant(site, *, with_hdd=True, extra=()):
    """Electricity register E-MAIN read at each month's start, production and degree days per month."""
    meter(site, "E-MAIN")
    rows = [*vector_months(), *extra]
    readings, total = [], 0
    for month, production, hdd, energy in rows:
        readings.append({"meter": "E-MAIN", "ts": f"{month.isoformat()}T00:00:00+08:00", "value": total})
        total += energy * 1000
        processed(site, month, month_next(month) - dt.timedelta(days=1), str(production))
        if with_hdd:
            driver_value_set(site=site, period=month, hdd=Decimal(hdd), cdd=None)
    last = month_next(rows[-1][0])
    readings.append({"meter": "E-MAIN", "ts": f"{last.isoformat()}T00:00:00+08:00", "value": total})
    ingest(site, readings)
