"""Benchmarks: energy per tonne processed (kgce/t) and the EnPI of the organisation's sites, per
month or year, ranked across sites and periods, beside reference levels.

Figures come from the stored KPIs through ``kpi_series_for_sites`` (the KPI API's path, so a site's
kgce/t here equals its ``kgce_per_t`` there) and from each site's energy baseline through the
baselines' own arithmetic; nothing is recomputed from readings. Reference levels are shipped data
(``accounting/data/benchmark_references.yaml``, each with its source) and the levels plants enter
(``ReferenceLevel``). A constant number of queries whatever the number of sites and periods.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import yaml
from django.db.models import Q
from django.utils.translation import gettext as _

from accounting.models import BaselineAdjustment, BenchmarkMetric, DriverValue, EnergyBaseline, ReferenceLevel
from accounting.models.baselines import BaselineScope, EnergyMeasure
from accounting.selectors.baselines import (
    MonthData,
    baseline_model,
    month_adjustment,
    month_performance,
    mwh_factor,
)
from accounting.selectors.kpis import KpiBucket, kpi_series_for_sites
from accounting.selectors.periods import Period, period_for, query_date
from accounting.units import KPI_UNIT
from greenfactory.core.exceptions import DomainError
from greenfactory.core.localized import local_text
from greenfactory.core.time import Granularity, local_today, month_starts, months_add
from greenfactory.core.validators import DATE_OUT_OF_RANGE
from greenfactory.sites.models import Site

SHIPPED_REFERENCES = Path(__file__).resolve().parent.parent / "data" / "benchmark_references.yaml"
GRANULARITIES = (Granularity.MONTH, Granularity.YEAR)
MAX_PERIODS: dict[str, int] = {Granularity.MONTH: 24, Granularity.YEAR: 10}
# The units a level of each metric may be given in, with the factor to the metric's own unit.
METRIC_UNITS: dict[str, dict[str, Decimal]] = {
    BenchmarkMetric.KGCE_PER_T: {"kgce/t": Decimal(1), "tce/t": Decimal(1000)},
    BenchmarkMetric.ENPI: {"ratio": Decimal(1)},
}
DISPLAY_UNIT: dict[str, str] = {BenchmarkMetric.KGCE_PER_T: "kgce/t", BenchmarkMetric.ENPI: ""}


def metric_value(*, metric: str, value: Decimal, unit: str) -> Decimal:
    """A level in the metric's own unit (kgce/t, or the EnPI ratio). KeyError for an unknown unit."""
    return value * METRIC_UNITS[metric][unit]


@dataclass(frozen=True)
class BenchmarkRow:
    site: Site
    period: Period
    value: Decimal | None  # in the metric's unit; None: see ``missing``
    tce: Decimal | None
    processed_t: Decimal | None
    days_with_data: int
    complete: bool
    baseline: str  # the EnPI's baseline, "" for kgce/t
    enpi_months: int  # months of the period with an EnPI (EnPI only)
    missing: str  # why there is no value
    rank: int | None = None


@dataclass(frozen=True)
class Reference:
    label: str
    value: Decimal  # in the metric's unit
    entered: Decimal  # as given, in ``unit``
    unit: str
    source: str
    origin: str  # "shipped" or "plant"
    site: str  # the site's code for a site's own level, "" for the whole organisation
    valid_from: dt.date | None
    pk: int | None = None
    drawn: bool = True
    reason: str = ""  # why a shipped level is not drawn


@dataclass
class Benchmark:
    metric: str
    granularity: str
    periods: list[Period]
    rows: list[BenchmarkRow]  # ranked: best first, rows without a value last
    references: list[Reference]  # drawn
    not_drawn: list[Reference]  # shipped levels of the metric on another basis, with the reason
    quota_note: str  # what the shipped data says about national quotas

    @property
    def unit(self) -> str:
        return DISPLAY_UNIT[self.metric]

    @property
    def ranked(self) -> list[BenchmarkRow]:
        return [r for r in self.rows if r.value is not None]


def benchmark_periods(*, granularity: str, last: dt.date, count: int) -> list[Period]:
    """``count`` months or years ending with the one holding ``last``, oldest first."""
    kind = "year" if granularity == Granularity.YEAR else "month"
    if kind == "year":
        return [period_for(kind, dt.date(last.year - n, 1, 1)) for n in reversed(range(count))]
    return [period_for(kind, months_add(last.replace(day=1), -n)) for n in reversed(range(count))]


@functools.cache
def _shipped() -> dict:
    return yaml.safe_load(SHIPPED_REFERENCES.read_text(encoding="utf-8"))


def shipped_quota_note() -> str:
    return local_text(_shipped()["national_quota"], "note")


def _shipped_references(metric: str) -> list[Reference]:
    out = []
    for entry in _shipped()["levels"]:
        if entry["metric"] != metric:
            continue
        value = Decimal(str(entry["value"]))
        out.append(
            Reference(
                label=local_text(entry, "label"),
                value=metric_value(metric=metric, value=value, unit=entry["unit"]),
                entered=value,
                unit=entry["unit"],
                source=entry["source"],
                origin="shipped",
                site="",
                valid_from=None,
                drawn=bool(entry["drawn"]),
                reason=local_text(entry, "reason"),
            )
        )
    return out


def reference_levels(*, sites: list[Site], metric: str, on: dt.date) -> list[ReferenceLevel]:
    """The plant-entered levels of the metric in force on ``on`` for the sites or their organisations:
    of the levels with the same scope and label, the one valid latest. One query."""
    levels = ReferenceLevel.objects.filter(
        Q(site__in=sites) | Q(organisation_id__in={s.organisation_id for s in sites}),
        metric=metric,
        valid_from__lte=on,
    ).select_related("site")
    latest: dict[tuple, ReferenceLevel] = {}
    for level in levels.order_by("valid_from", "pk"):
        latest[(level.site_id, level.organisation_id, level.label)] = level
    return sorted(latest.values(), key=lambda x: (x.site.code if x.site else "", x.label))


def _plant_reference(level: ReferenceLevel) -> Reference:
    return Reference(
        label=level.label,
        value=metric_value(metric=level.metric, value=level.value, unit=level.unit),
        entered=level.value,
        unit=level.unit,
        source=level.source_note,
        origin="plant",
        site=level.site.code if level.site else "",
        valid_from=level.valid_from,
        pk=level.pk,
    )


def _intensity_row(site: Site, period: Period, bucket: KpiBucket | None) -> BenchmarkRow:
    if bucket is None:
        return BenchmarkRow(site, period, None, None, None, 0, False, "", 0, _("No KPIs in this period."))
    figures = bucket.as_dict()
    value = Decimal(figures["kgce_per_t"]) if figures["kgce_per_t"] is not None else None
    return BenchmarkRow(
        site=site,
        period=period,
        value=value,
        tce=bucket.figures["tce"],
        processed_t=bucket.figures["processed_t"],
        days_with_data=bucket.days_with_data,
        complete=bucket.complete,
        baseline="",
        enpi_months=0,
        missing="" if value is not None else _("No tonnes processed recorded in this period."),
    )


def _site_baselines(sites: list[Site]) -> dict[int, EnergyBaseline]:
    """Each site's whole-site baseline: in tce where it has one, else the first by name. One query."""
    chosen: dict[int, EnergyBaseline] = {}
    for baseline in EnergyBaseline.objects.filter(site__in=sites, scope=BaselineScope.SITE).order_by(
        "name", "pk"
    ):
        current = chosen.get(baseline.site_id)
        if baseline.intercept is None:
            continue
        if current is None or (
            baseline.measure == EnergyMeasure.TCE and current.measure != EnergyMeasure.TCE
        ):
            chosen[baseline.site_id] = baseline
    return chosen


def _month_data(baseline: EnergyBaseline, bucket: KpiBucket, drivers: dict) -> MonthData:
    """The month's energy in the baseline's measure, its tonnes (none when 0) and degree days."""
    if baseline.measure == EnergyMeasure.TCE:
        actual: float | None = float(bucket.figures["tce"])
    else:
        quantity = bucket.consumption.get(baseline.medium)
        factor = mwh_factor(medium=baseline.medium, unit=KPI_UNIT[baseline.medium])
        actual = float(quantity) * factor if quantity is not None else None
    processed = bucket.figures["processed_t"]
    hdd, cdd = drivers.get((baseline.site_id, bucket.start), (None, None))
    return MonthData(
        actual=actual,
        production=float(processed) if processed else None,
        tce=float(bucket.figures["tce"]),
        hdd=float(hdd) if hdd is not None else None,
        cdd=float(cdd) if cdd is not None else None,
    )


def _enpi_rows(sites: list[Site], periods: list[Period], intensity: dict) -> list[BenchmarkRow]:
    """Each site's EnPI per period: sum of actual / sum of expected over the period's months with
    both (one month's EnPI for a month). Four queries whatever the sites and periods."""
    baselines = _site_baselines(sites)
    adjustments: dict[int, list[BaselineAdjustment]] = defaultdict(list)
    for adjustment in BaselineAdjustment.objects.filter(baseline__in=list(baselines.values())):
        adjustments[adjustment.baseline_id].append(adjustment)
    drivers = {
        (v.site_id, v.period): (v.hdd, v.cdd)
        for v in DriverValue.objects.filter(
            site__in=sites, period__gte=periods[0].start, period__lte=periods[-1].end
        )
    }
    months = kpi_series_for_sites(
        sites=sites, start=periods[0].start, end=periods[-1].end, granularity=Granularity.MONTH
    )
    rows = []
    for site in sites:
        baseline = baselines.get(site.pk)
        by_month = {b.start: b for b in months[site.pk]}
        for period in periods:
            base = intensity[(site.pk, period)]
            if baseline is None:
                rows.append(replace(base, value=None, missing=_("The site has no energy baseline.")))
                continue
            model = baseline_model(baseline)
            actual = expected = 0.0
            counted = 0
            for month in month_starts(period.start, period.end):
                bucket = by_month.get(month)
                if bucket is None:
                    continue
                row = month_performance(
                    baseline=baseline,
                    model=model,
                    month=month,
                    item=_month_data(baseline, bucket, drivers),
                    adjustment=month_adjustment(adjustments[baseline.pk], month),
                )
                if row.enpi is not None and row.actual is not None and row.expected is not None:
                    actual, expected, counted = actual + row.actual, expected + row.expected, counted + 1
            value = Decimal(repr(actual / expected)).quantize(Decimal("0.000001")) if counted else None
            rows.append(
                replace(
                    base,
                    value=value,
                    baseline=baseline.name,
                    enpi_months=counted,
                    missing="" if value is not None else _("No month with both energy and production."),
                )
            )
    return rows


def _ranked(rows: list[BenchmarkRow]) -> list[BenchmarkRow]:
    """Lowest value first (less energy per tonne, or less than expected), ties sharing a rank."""
    valued = sorted(
        (r for r in rows if r.value is not None), key=lambda r: (r.value, r.site.code, r.period.start)
    )
    ranked: list[BenchmarkRow] = []
    for i, row in enumerate(valued):
        tie = ranked and ranked[-1].value == row.value
        ranked.append(replace(row, rank=ranked[-1].rank if tie else i + 1))
    rest = sorted((r for r in rows if r.value is None), key=lambda r: (r.site.code, r.period.start))
    return ranked + rest


def benchmark(*, sites: list[Site], metric: str, periods: list[Period]) -> Benchmark:
    """The sites' figures of ``metric`` for each of ``periods`` (months or years, oldest first),
    ranked, with the reference levels in force on the last period's last day."""
    granularity = Granularity.YEAR if periods[0].kind == "year" else Granularity.MONTH
    series = kpi_series_for_sites(
        sites=sites, start=periods[0].start, end=periods[-1].end, granularity=granularity
    )
    intensity = {}
    for site in sites:
        by_start = {b.start: b for b in series[site.pk]}
        for period in periods:
            intensity[(site.pk, period)] = _intensity_row(site, period, by_start.get(period.start))
    if metric == BenchmarkMetric.ENPI:
        rows = _enpi_rows(sites, periods, intensity) if sites else []
    else:
        rows = list(intensity.values())
    shipped = _shipped_references(metric)
    plant = [_plant_reference(x) for x in reference_levels(sites=sites, metric=metric, on=periods[-1].end)]
    return Benchmark(
        metric=metric,
        granularity=granularity,
        periods=periods,
        rows=_ranked(rows),
        references=[r for r in shipped if r.drawn] + plant,
        not_drawn=[r for r in shipped if not r.drawn],
        quota_note=shipped_quota_note(),
    )


class BenchmarkQueryInvalid(DomainError):
    """A benchmark asked with a parameter that cannot be answered (the message names it)."""


@dataclass(frozen=True)
class BenchmarkQuery:
    metric: str
    granularity: str
    on: dt.date
    count: int
    sites: list[Site]
    all_sites: list[Site]

    @property
    def periods(self) -> list[Period]:
        return benchmark_periods(granularity=self.granularity, last=self.on, count=self.count)


def benchmark_query(
    *,
    all_sites: list[Site],
    metric: str | None,
    granularity: str | None,
    on: str | None,
    count: str | None,
    codes: list[str],
    strict: bool,
) -> BenchmarkQuery:
    """What a page or API request asks for. Absent parameters take their defaults (kgce/t, months,
    the last complete month, one period, every site); a malformed one raises BenchmarkQueryInvalid
    naming it when ``strict`` (the API), else takes its default too (the page)."""

    def refuse(field: str, message: str) -> None:
        if strict:
            raise BenchmarkQueryInvalid(message, field=field)

    if metric not in BenchmarkMetric.values:
        if metric:
            refuse("metric", _("Choose kgce_per_t or enpi."))
        metric = BenchmarkMetric.KGCE_PER_T
    if granularity not in GRANULARITIES:
        if granularity:
            refuse("period", _("Choose month or year."))
        granularity = Granularity.MONTH
    day = query_date(on)
    if on and day is None:
        refuse("on", str(DATE_OUT_OF_RANGE))
    zone = all_sites[0].time_zone if all_sites else "UTC"
    day = day or months_add(local_today(time_zone=zone).replace(day=1), -1)
    top = MAX_PERIODS[granularity]
    number = int(count) if count and count.isdigit() else None
    if count and (number is None or not 1 <= number <= top):
        refuse("periods", _("Ask for 1 to %(n)s periods.") % {"n": top})
        number = None
    wanted = [c for code in codes for c in code.split(",") if c]
    by_code = {s.code: s for s in all_sites}
    unknown = [c for c in wanted if c not in by_code]
    if unknown:
        refuse("site", _("No such site: %(codes)s.") % {"codes": ", ".join(unknown)})
    chosen = [by_code[c] for c in dict.fromkeys(wanted) if c in by_code]
    return BenchmarkQuery(
        metric=metric,
        granularity=granularity,
        on=day,
        count=min(number or 1, top),
        sites=chosen or list(all_sites),
        all_sites=list(all_sites),
    )
