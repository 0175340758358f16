"""Stored month KPIs and budgets for budget tests."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from accounting.models import SiteKpi
from accounting.services.budgets import budget_create


def month_kpi(site, year, month, **figures):
    zone = zoneinfo.ZoneInfo(site.time_zone)
    values = {name: Decimal(str(v)) for name, v in figures.items() if name != "consumption"}
    return SiteKpi.objects.create(
        site=site,
        granularity="month",
        start=dt.datetime(year, month, 1, tzinfo=zone),
        consumption=figures.get("consumption", {}),
        **values,
    )


def flat_budget(site, year, *, tce="10", tolerance="10", by=None, **kwargs):
    return budget_create(
        site=site,
        year=year,
        lines={("tce", ""): [Decimal(tce)] * 12},
        tolerance_percent=Decimal(tolerance),
        by=by,
        **kwargs,
    )
