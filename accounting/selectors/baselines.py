"""Reads of ISO 50001 baselines for the pages, the API and the target checks (one code path, so they
show the same months).

Monthly energy and production come from stored site KPIs (whole site) or monthly meter rollups (a
significant energy use), never from raw readings. The regression, expected, savings, EnPI and CUSUM
are accounting.formulas'.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pint
import yaml
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounting import formulas
from accounting.models import (
    BaselineAdjustment,
    DriverValue,
    EnergyBaseline,
    EnergyTarget,
    SiteKpi,
    TargetAlert,
)
from accounting.models.baselines import BaselineScope, EnergyMeasure, TargetKind
from accounting.units import KPI_UNIT
from greenfactory.core.exceptions import DomainError
from greenfactory.core.time import Granularity, local_today, month_floor, month_next, month_starts, months_add
from greenfactory.sites.models import ProductionKind, ProductionRecord, Site
from metering.choices import Medium
from metering.models import MeterRollup
from metering.units import UnitError, canonical_unit, conversion_factor


class BaselineInvalid(DomainError):
    """A baseline that cannot be defined or fitted as asked (too few periods, missing data...)."""


# --- months ---------------------------------------------------------------------------------------------


def last_complete_month(*, site: Site) -> dt.date:
    """The first day of the last month that is over in the site's time zone."""
    return months_add(local_today(time_zone=site.time_zone), -1)


# --- monthly data -----------------------------------------------------------------------------------


@dataclasses.dataclass
class MonthData:
    actual: float | None = None
    production: float | None = None
    tce: float | None = None
    hdd: float | None = None
    cdd: float | None = None


def mwh_factor(*, medium: str, unit: str) -> float:
    """Multiply a quantity of the medium in ``unit`` by this to get MWh; BaselineInvalid when it is not energy."""
    try:
        return conversion_factor(unit=unit, to="MWh")
    except (pint.errors.DimensionalityError, UnitError) as exc:
        raise BaselineInvalid(
            _("%(medium)s is not measured in energy units; choose tce or an energy medium.")
            % {"medium": Medium(medium).label},
            field="medium",
        ) from exc


def _months_with_production(site: Site, start: dt.date, end: dt.date) -> set[dt.date]:
    """Months in [start, end] that a record of tonnes processed overlaps (the KPIs show 0 t otherwise)."""
    covered: set[dt.date] = set()
    records = ProductionRecord.objects.filter(
        site=site, kind=ProductionKind.PROCESSED, period_start__lte=end, period_end__gte=month_floor(start)
    ).values_list("period_start", "period_end")
    for first, last in records:
        covered.update(month_starts(max(first, month_floor(start)), min(last, end)))
    return covered


def _site_months(
    baseline: EnergyBaseline,
    data: dict[dt.date, MonthData],
    lo: dt.datetime,
    hi: dt.datetime,
    start: dt.date,
    end: dt.date,
) -> None:
    """Energy (whole site), tonnes processed and tce per month from the stored month KPIs."""
    zone = zoneinfo.ZoneInfo(baseline.site.time_zone)
    kpis = SiteKpi.objects.filter(
        site=baseline.site, granularity=Granularity.MONTH, start__gte=lo, start__lt=hi
    ).only("start", "consumption", "tce", "processed_t")
    with_production = _months_with_production(baseline.site, start, end)
    factor = None
    if baseline.scope == BaselineScope.SITE and baseline.measure == EnergyMeasure.MWH:
        factor = mwh_factor(medium=baseline.medium, unit=KPI_UNIT[baseline.medium])
    for row in kpis:
        month = row.start.astimezone(zone).date()
        item = data.setdefault(month, MonthData())
        item.production = float(row.processed_t) if month in with_production else None
        item.tce = float(row.tce)
        if baseline.scope == BaselineScope.SITE:
            if baseline.measure == EnergyMeasure.TCE:
                item.actual = float(row.tce)
            elif factor is not None:  # MWh of one medium: the factor was set above
                quantity = row.consumption.get(baseline.medium)
                item.actual = float(Decimal(quantity)) * factor if quantity is not None else None


def _seu_months(
    baseline: EnergyBaseline, data: dict[dt.date, MonthData], lo: dt.datetime, hi: dt.datetime
) -> None:
    """A significant energy use's energy per month: its meters' month rollups in MWh."""
    zone = zoneinfo.ZoneInfo(baseline.site.time_zone)
    meters = list(baseline.meters.all())
    factors = {
        m.pk: mwh_factor(medium=m.medium, unit=canonical_unit(medium=m.medium, unit=m.unit)) for m in meters
    }
    totals: dict[dt.date, float] = {}
    for meter_id, bucket, quantity in MeterRollup.objects.filter(
        meter__in=meters, granularity=Granularity.MONTH, start__gte=lo, start__lt=hi
    ).values_list("meter_id", "start", "quantity"):
        month = bucket.astimezone(zone).date()
        totals[month] = totals.get(month, 0.0) + quantity * factors[meter_id]
    for month, total in totals.items():
        data.setdefault(month, MonthData()).actual = total


def monthly_data(*, baseline: EnergyBaseline, start: dt.date, end: dt.date) -> dict[dt.date, MonthData]:
    """Energy (in the baseline's unit), tonnes processed, tce and degree days per month in [start, end].

    Production is None (missing) in a month no record of tonnes processed overlaps. Four queries
    (five for a significant energy use) whatever the number of months.
    """
    zone = zoneinfo.ZoneInfo(baseline.site.time_zone)
    lo = dt.datetime.combine(month_floor(start), dt.time(), tzinfo=zone)
    hi = dt.datetime.combine(month_next(end), dt.time(), tzinfo=zone)
    data: dict[dt.date, MonthData] = {}
    _site_months(baseline, data, lo, hi, start, end)
    if baseline.scope == BaselineScope.SEU:
        _seu_months(baseline, data, lo, hi)
    for value in DriverValue.objects.filter(
        site=baseline.site, period__gte=month_floor(start), period__lte=end
    ):
        item = data.setdefault(value.period, MonthData())
        item.hdd = float(value.hdd) if value.hdd is not None else None
        item.cdd = float(value.cdd) if value.cdd is not None else None
    return data


def driver_values(item: MonthData, baseline: EnergyBaseline) -> dict[str, float] | None:
    """The month's values of the baseline's drivers, or None when one of them is missing."""
    values = {"production": item.production, "hdd": item.hdd, "cdd": item.cdd}
    chosen: dict[str, float] = {}
    for name in baseline.drivers:
        value = values[name]
        if value is None:
            return None
        chosen[name] = value
    return chosen


# --- performance ----------------------------------------------------------------------------------------


@dataclasses.dataclass
class PeriodRow:
    period: dt.date
    in_baseline: bool
    production: float | None
    hdd: float | None
    cdd: float | None
    actual: float | None
    adjustment: float
    expected: float | None
    savings: float | None
    enpi: float | None
    cusum: float | None
    tce_per_t: float | None
    missed: list[EnergyTarget] = dataclasses.field(default_factory=list)


def baseline_model(baseline: EnergyBaseline) -> formulas.Regression:
    """The stored fit (every stored baseline has one: a baseline whose fit fails is not stored)."""
    intercept, r2, cv_rmse = baseline.intercept, baseline.r2, baseline.cv_rmse
    if intercept is None or r2 is None or cv_rmse is None:
        raise ValueError(f"energy baseline {baseline.pk} has no fit")
    return formulas.Regression(
        intercept=intercept,
        coefficients=dict(baseline.coefficients),
        r2=r2,
        cv_rmse=cv_rmse,
        periods=baseline.periods,
    )


def _performance_until(baseline: EnergyBaseline, until: dt.date | None) -> dt.date:
    """The last month shown: ``until`` or the latest stored KPIs, never past the last complete month
    and never before the baseline period's end."""
    site = baseline.site
    if until is None:
        latest = (
            SiteKpi.objects.filter(site=site, granularity=Granularity.MONTH)
            .order_by("-start")
            .values_list("start", flat=True)[:1]
        )
        zone = zoneinfo.ZoneInfo(site.time_zone)
        until = latest[0].astimezone(zone).date() if latest else baseline.base_end
    return max(min(until, last_complete_month(site=site)), baseline.base_end)


def _period_row(
    baseline: EnergyBaseline, model: formulas.Regression, month: dt.date, item: MonthData, adjustment: float
) -> PeriodRow:
    drivers = driver_values(item, baseline)
    expected = savings = enpi = None
    if drivers is not None and item.actual is not None:
        adjusted = dataclasses.replace(model, intercept=model.intercept + adjustment)
        if adjusted.expected(drivers) > 0:
            performance = formulas.period_performance(model=adjusted, drivers=drivers, actual=item.actual)
            expected, savings, enpi = performance.expected, performance.savings, performance.enpi
    intensity = (
        formulas.intensity(numerator=Decimal(repr(item.tce)), denominator=Decimal(repr(item.production)))
        if item.tce is not None and item.production
        else None
    )
    tce_per_t = float(intensity) if intensity is not None else None
    return PeriodRow(
        period=month,
        in_baseline=month <= baseline.base_end,
        production=item.production,
        hdd=item.hdd,
        cdd=item.cdd,
        actual=item.actual,
        adjustment=adjustment,
        expected=expected,
        savings=savings,
        enpi=enpi,
        cusum=None,
        tce_per_t=tce_per_t,
    )


def month_performance(
    *,
    baseline: EnergyBaseline,
    model: formulas.Regression,
    month: dt.date,
    item: MonthData,
    adjustment: float,
) -> PeriodRow:
    """One month's expected, savings and EnPI from figures read elsewhere (the benchmarks read many
    sites' months at once); the same arithmetic as the baseline's own months."""
    return _period_row(baseline, model, month, item, adjustment)


def month_adjustment(adjustments: list[BaselineAdjustment], month: dt.date) -> float:
    """The adjustments in force in a month, summed (per period, in the baseline's unit)."""
    return float(
        sum((a.per_period for a in adjustments if month_floor(a.effective_from) <= month), Decimal(0))
    )


def baseline_performance(
    *,
    baseline: EnergyBaseline,
    adjustments: list[BaselineAdjustment],
    targets: list[EnergyTarget],
    until: dt.date | None = None,
) -> list[PeriodRow]:
    """Every month from the baseline's start to ``until`` (default the latest stored KPIs), never past
    the last complete month (a month still running would compare part of its energy with a whole
    month's): expected (model with actual drivers, plus adjustments), actual, savings, EnPI, CUSUM and
    missed targets. A month without energy or production has none of them. CUSUM always starts at the
    baseline's first month, so it is the same whatever range is shown."""
    until = _performance_until(baseline, until)
    data = monthly_data(baseline=baseline, start=baseline.base_start, end=until)
    model = baseline_model(baseline)
    rows: list[PeriodRow] = []
    for month in month_starts(baseline.base_start, until):
        adjustment = month_adjustment(adjustments, month)
        row = _period_row(baseline, model, month, data.get(month, MonthData()), adjustment)
        row.missed = [t for t in targets if target_missed(t, row, baseline)]
        rows.append(row)
    measured = [(r, r.savings) for r in rows if r.savings is not None]
    totals = formulas.cusum([savings for _row, savings in measured])
    for (row, _savings), total in zip(measured, totals, strict=True):
        row.cusum = total
    return rows


# --- targets --------------------------------------------------------------------------------------------


def target_checked(target: EnergyTarget, month: dt.date, base_end: dt.date | None) -> bool:
    """Whether the target applies to the month: from its start, and after the baseline period."""
    if target.active_from and month < month_floor(target.active_from):
        return False
    return not (base_end and month <= base_end)


def target_missed(target: EnergyTarget, row: PeriodRow, baseline: EnergyBaseline | None) -> bool:
    if not target_checked(target, row.period, baseline.base_end if baseline else None):
        return False
    if target.kind == TargetKind.ENPI_MAX:
        return row.enpi is not None and Decimal(repr(row.enpi)) > target.value
    return row.tce_per_t is not None and Decimal(repr(row.tce_per_t)) > target.value


def target_misses(*, site: Site) -> list[tuple[EnergyTarget, dt.date, Decimal]]:
    """Every (target, month, value) of the site that misses one of its targets: EnPI targets against
    their baseline's months, intensity targets against the stored month KPIs."""
    targets = list(EnergyTarget.objects.filter(site=site).select_related("baseline", "site"))
    misses: list[tuple[EnergyTarget, dt.date, Decimal]] = []
    by_baseline: dict[EnergyBaseline, list[EnergyTarget]] = {}  # model instances compare by pk
    for target in targets:
        if target.kind == TargetKind.ENPI_MAX and target.baseline is not None:  # an EnPI target has one
            by_baseline.setdefault(target.baseline, []).append(target)
    for baseline, enpi_targets in by_baseline.items():
        adjustments = list(BaselineAdjustment.objects.filter(baseline_id=baseline.pk))
        for row in baseline_performance(baseline=baseline, adjustments=adjustments, targets=enpi_targets):
            misses += [(t, row.period, Decimal(repr(row.enpi))) for t in row.missed]
    intensity_targets = [t for t in targets if t.kind == TargetKind.TCE_PER_T_MAX]
    return misses + _site_intensity_misses(site, intensity_targets)


def _site_intensity_misses(
    site: Site, targets: list[EnergyTarget]
) -> list[tuple[EnergyTarget, dt.date, Decimal]]:
    zone = zoneinfo.ZoneInfo(site.time_zone)
    misses = []
    rows = SiteKpi.objects.filter(site=site, granularity=Granularity.MONTH).values_list(
        "start", "tce", "processed_t"
    )
    for start, tce, processed in rows:
        month = start.astimezone(zone).date()
        intensity = formulas.intensity(numerator=tce, denominator=processed)
        for target in targets:
            base_end = target.baseline.base_end if target.baseline is not None else None
            if intensity is not None and target_checked(target, month, base_end) and intensity > target.value:
                misses.append((target, month, intensity))
    return misses


def target_alerts_for_digest() -> list[TargetAlert]:
    """Alerts with the person to tell (the baseline's owner, else whoever set the target)."""
    return list(
        TargetAlert.objects.select_related("target__baseline", "target__site", "target__created_by").order_by(
            "period", "pk"
        )
    )


def alert_recipient_id(alert: TargetAlert) -> int | None:
    target = alert.target
    baseline = target.baseline
    if baseline is not None and baseline.owner_id:
        return baseline.owner_id
    return target.created_by_id


def alert_subject(alert: TargetAlert) -> str:
    target = alert.target
    what = target.baseline.name if target.baseline is not None else target.site.code
    return f"{target.site.code} · {what} · {alert.period:%Y-%m} · {target.get_kind_display()} {target.value.normalize()}: {alert.actual.normalize()}"


# --- pages and API --------------------------------------------------------------------------------------


SECTOR_THRESHOLDS = Path(__file__).resolve().parent.parent / "data" / "sector_thresholds.yaml"


def sector_thresholds() -> list[dict]:
    """The MIIT sector thresholds shipped as data, labelled in the page's language."""
    entries = yaml.safe_load(SECTOR_THRESHOLDS.read_text(encoding="utf-8"))
    zh = (get_language() or "").startswith("zh")
    return (
        [{**e, "label": e["label_zh"] if zh else e["label_en"]} for e in entries["thresholds"]]
        if entries
        else []
    )


def baseline_get(*, pk: int) -> EnergyBaseline:
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


@dataclasses.dataclass
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
        savings = [r.savings for r in self.reporting if r.savings is not None]  # all of them
        return sum(savings) if savings else None

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
