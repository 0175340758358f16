"""Reads for the baseline pages and API (one code path, so both show the same months)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from accounting.models import BaselineAdjustment, DriverValue, EnergyBaseline, EnergyTarget, TargetAlert
from accounting.services.baselines import PeriodRow, baseline_performance, last_complete_month
from greenfactory.sites.models import Site


def baseline_get(*, pk) -> EnergyBaseline:
    return get_object_or_404(
        EnergyBaseline.objects.select_related("site", "owner").prefetch_related("meters"), pk=pk
    )


def baselines_for_site(*, site: Site) -> QuerySet[EnergyBaseline]:
    return (
        EnergyBaseline.objects.filter(site=site)
        .select_related("owner")
        .annotate(open_alerts=Count("targets__alerts", distinct=True))
        .order_by("name")
    )


def site_targets(*, site: Site) -> QuerySet[EnergyTarget]:
    return EnergyTarget.objects.filter(site=site, baseline__isnull=True).annotate(open_alerts=Count("alerts"))


def alerts_for_site(*, site: Site) -> QuerySet[TargetAlert]:
    return (
        TargetAlert.objects.filter(target__site=site)
        .select_related("target__baseline")
        .order_by("-period", "pk")
    )


def degree_days(*, site: Site, months: list[dt.date]) -> dict[dt.date, tuple]:
    return {
        v.period: (v.hdd, v.cdd)
        for v in DriverValue.objects.filter(site=site, period__gte=months[0], period__lte=months[-1])
    }


@dataclass
class BaselineView:
    rows: list[PeriodRow]
    all_rows: list[PeriodRow]
    adjustments: list[BaselineAdjustment]
    targets: list[EnergyTarget]
    alerts: list[TargetAlert]
    start: dt.date | None
    end: dt.date | None
    last_complete: dt.date | None = None  # months after it are still running and not shown

    @property
    def reporting(self) -> list[PeriodRow]:
        return [r for r in self.all_rows if not r.in_baseline and r.savings is not None]

    @property
    def total_savings(self) -> float | None:
        rows = self.reporting
        return sum(r.savings for r in rows) if rows else None

    @property
    def latest(self) -> PeriodRow | None:
        rows = self.reporting
        return rows[-1] if rows else None


def baseline_view(*, baseline: EnergyBaseline, start: dt.date | None, end: dt.date | None) -> BaselineView:
    """The baseline's months (all, and those in [start, end]) with adjustments, targets and alerts.

    A fixed number of queries whatever the number of months, adjustments or targets.
    """
    adjustments = list(baseline.adjustments.select_related("recorded_by").order_by("effective_from", "pk"))
    targets = list(baseline.targets.all().order_by("kind", "pk"))
    alerts = list(
        TargetAlert.objects.filter(target__baseline=baseline)
        .select_related("target")
        .order_by("-period", "pk")
    )
    rows = baseline_performance(baseline=baseline, adjustments=adjustments, targets=targets)
    shown = [r for r in rows if (start is None or r.period >= start) and (end is None or r.period <= end)]
    return BaselineView(
        rows=shown,
        all_rows=rows,
        adjustments=adjustments,
        targets=targets,
        alerts=alerts,
        start=start,
        end=end,
        last_complete=last_complete_month(site=baseline.site),
    )
