"""Reads of KPIs and rollups for the KPI API and the dashboard (one code path, so they agree).

Day and month buckets come from stored site KPIs; a year is the sum of its months. Intensities are
computed from the summed figures through accounting.formulas, never averaged.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q

from accounting import formulas
from accounting.models import SiteKpi
from accounting.selectors.periods import Period, change, comparable, points
from accounting.units import KPI_UNIT
from greenfactory.core.time import Granularity, bucket_floor, bucket_next, month_floor
from greenfactory.sites.models import Site
from metering.choices import Medium
from metering.models import Meter, MeterRollup
from metering.units import canonical_unit
from metering.virtual_meters import FormulaError, formula_parse

_SUMMED = (
    "electricity_kwh",
    "pv_kwh",
    "green_kwh",
    "certificates_kwh",
    "water_m3",
    "tce",
    "scope1_tco2e",
    "scope2_location_tco2e",
    "scope2_market_tco2e",
    "category3_tco2e",
    "category4_tco2e",
    "category5_tco2e",
    "category6_tco2e",
    "processed_t",
)
_PLACES = Decimal("0.000001")


def q6(value: Decimal | None) -> Decimal | None:
    """Six decimal places: the precision KPIs are reported with."""
    return None if value is None else value.quantize(_PLACES)


@dataclass
class KpiBucket:
    start: dt.date
    end: dt.date  # inclusive
    figures: dict[str, Decimal]
    consumption: dict[str, Decimal]
    meters: dict[str, float]
    data_quality: dict[str, int]
    factors: list[dict]
    days_with_data: int = 0  # days of the bucket with stored day KPIs

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def complete(self) -> bool:
        """Whether every day of the bucket has data: a total over fewer days is not the period's."""
        return self.days_with_data >= self.days

    @property
    def total_tco2e(self) -> Decimal:
        f = self.figures
        return (
            f["scope1_tco2e"] + f["scope2_location_tco2e"] + sum(f[f"category{i}_tco2e"] for i in range(3, 7))
        )

    def as_dict(self) -> dict:
        f = self.figures
        total_kwh = f["electricity_kwh"] + f["pv_kwh"]
        categories = {
            "1": f["scope1_tco2e"],
            "2": f["scope2_location_tco2e"],
            **{str(i): f[f"category{i}_tco2e"] for i in range(3, 7)},
        }
        tce_per_t = formulas.intensity(numerator=f["tce"], denominator=f["processed_t"])
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "consumption": {
                medium: {"quantity": str(q6(q)), "unit": KPI_UNIT[medium]}
                for medium, q in self.consumption.items()
            },
            "meters": {code: round(q, 6) for code, q in self.meters.items()},
            "tce": str(q6(f["tce"])),
            "scope1_tco2e": str(q6(f["scope1_tco2e"])),
            "scope2_location_tco2e": str(q6(f["scope2_location_tco2e"])),
            "scope2_market_tco2e": str(q6(f["scope2_market_tco2e"])),
            "categories_tco2e": {k: str(q6(v)) for k, v in categories.items()},
            "total_tco2e": str(q6(self.total_tco2e)),
            "processed_t": str(q6(f["processed_t"])),
            "tce_per_t": _s(tce_per_t),
            "kgce_per_t": _s(tce_per_t * 1000 if tce_per_t is not None else None),
            "tco2e_per_t": _s(formulas.intensity(numerator=self.total_tco2e, denominator=f["processed_t"])),
            "water_m3_per_t": _s(formulas.intensity(numerator=f["water_m3"], denominator=f["processed_t"])),
            "renewable_share": _s(
                formulas.renewable_share(
                    pv_kwh=f["pv_kwh"],
                    # Green power and certificates cover grid electricity, never more than was drawn.
                    green_kwh=min(f["green_kwh"] + f["certificates_kwh"], f["electricity_kwh"]),
                    total_kwh=total_kwh,
                )
            ),
            "data_quality": self.data_quality,
            "factors": self.factors,
            "days": self.days,
            "days_with_data": self.days_with_data,
            "complete": self.complete,
        }


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(q6(value))


TOTAL = "total"


def kpi_series(
    *, site: Site, start: dt.date, end: dt.date, granularity: str, with_meters: bool = True
) -> list[KpiBucket]:
    """The site's KPIs per day, month or year for the buckets whose first day lies in [start, end];
    ``granularity="total"`` sums the days of [start, end] into one bucket.

    At most four queries whatever the period's length: they read stored KPIs and rollups.
    """
    zone = zoneinfo.ZoneInfo(site.time_zone)
    stored = _stored_granularity(start, end, granularity)
    lo, hi = _local_bounds(start, end, zone)
    rows = list(
        SiteKpi.objects.filter(site=site, granularity=stored, start__gte=lo, start__lt=hi).order_by("start")
    )
    meters = meter_quantities(site=site, granularity=stored, start=lo, end=hi) if with_meters else {}
    if stored == Granularity.DAY:
        day_starts = [row.start for row in rows]  # the rows read above: no further query
    else:
        day_starts = list(
            SiteKpi.objects.filter(
                site=site, granularity=Granularity.DAY, start__gte=lo, start__lt=hi
            ).values_list("start", flat=True)
        )
    return _buckets(site, rows, day_starts, meters, start, end, granularity)


def kpi_series_for_sites(
    *, sites: list[Site], start: dt.date, end: dt.date, granularity: str
) -> dict[int, list[KpiBucket]]:
    """``kpi_series`` (without meters) of several sites at once, keyed by site id: two queries
    whatever the number of sites or buckets, and the same buckets site by site."""
    if not sites:
        return {}
    stored = _stored_granularity(start, end, granularity)
    bounds = {s.pk: _local_bounds(start, end, zoneinfo.ZoneInfo(s.time_zone)) for s in sites}
    # Sites may lie in different time zones: read the widest span once, keep each site's own.
    lo = min(b[0] for b in bounds.values())
    hi = max(b[1] for b in bounds.values())
    rows: dict[int, list[SiteKpi]] = defaultdict(list)
    day_starts: dict[int, list[dt.datetime]] = defaultdict(list)
    for row in SiteKpi.objects.filter(
        site__in=sites, granularity=stored, start__gte=lo, start__lt=hi
    ).order_by("site_id", "start"):
        if bounds[row.site_id][0] <= row.start < bounds[row.site_id][1]:
            rows[row.site_id].append(row)
    for site_id, day_start in SiteKpi.objects.filter(
        site__in=sites, granularity=Granularity.DAY, start__gte=lo, start__lt=hi
    ).values_list("site_id", "start"):
        if bounds[site_id][0] <= day_start < bounds[site_id][1]:
            day_starts[site_id].append(day_start)
    return {s.pk: _buckets(s, rows[s.pk], day_starts[s.pk], {}, start, end, granularity) for s in sites}


def _stored_granularity(start: dt.date, end: dt.date, granularity: str) -> str:
    whole_months = start.day == 1 and (end + dt.timedelta(days=1)).day == 1
    monthly = granularity in (Granularity.MONTH, Granularity.YEAR) or (granularity == TOTAL and whole_months)
    # Whole months are summed from month rows, so a total equals the API's months to the last digit.
    return Granularity.MONTH if monthly else Granularity.DAY


def _local_bounds(start: dt.date, end: dt.date, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    lo = dt.datetime.combine(start, dt.time(), tzinfo=zone)
    return lo, dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone)


def _buckets(
    site: Site,
    rows: list[SiteKpi],
    day_starts: list[dt.datetime],
    meters: dict[dt.datetime, dict[str, float]],
    start: dt.date,
    end: dt.date,
    granularity: str,
) -> list[KpiBucket]:
    """The stored rows (and the day starts with data) summed into the buckets of ``granularity``."""
    zone = zoneinfo.ZoneInfo(site.time_zone)
    lo, _hi = _local_bounds(start, end, zone)
    buckets: dict[dt.datetime, KpiBucket] = {}
    for row in rows:
        local = row.start.astimezone(zone)
        key = lo if granularity == TOTAL else bucket_floor(local, granularity=granularity, zone=zone)
        bucket = buckets.get(key)
        if bucket is None:
            if granularity == TOTAL:
                last = end
            else:
                last = bucket_next(key, granularity=granularity, zone=zone).date() - dt.timedelta(days=1)
            bucket = buckets[key] = KpiBucket(
                start=key.date(),
                end=last,
                figures=dict.fromkeys(_SUMMED, Decimal(0)),
                consumption=defaultdict(Decimal),
                meters=defaultdict(float),
                data_quality=defaultdict(int),
                factors=[],
            )
        for name in _SUMMED:
            bucket.figures[name] += getattr(row, name)
        for medium, quantity in row.consumption.items():
            bucket.consumption[medium] += Decimal(quantity)
        for name, count in row.data_quality.items():
            bucket.data_quality[name] += count
        for code, quantity in meters.get(row.start, {}).items():
            bucket.meters[code] += quantity
        if row.factors not in bucket.factors:
            bucket.factors.append(row.factors)
    for day_start in day_starts:
        local = day_start.astimezone(zone)
        key = lo if granularity == TOTAL else bucket_floor(local, granularity=granularity, zone=zone)
        if key in buckets:
            buckets[key].days_with_data += 1
    for bucket in buckets.values():
        bucket.consumption = dict(sorted(bucket.consumption.items()))
        bucket.meters = dict(sorted(bucket.meters.items()))
        bucket.data_quality = dict(bucket.data_quality)
    return list(buckets.values())


def days_with_data(*, site: Site, periods: list[tuple[dt.date, dt.date]]) -> list[int]:
    """For each (first day, last day) period, how many of its days have stored KPIs. One query."""
    zone = zoneinfo.ZoneInfo(site.time_zone)
    counts = {}
    for i, (start, end) in enumerate(periods):
        lo = dt.datetime.combine(start, dt.time(), tzinfo=zone)
        hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        counts[f"p{i}"] = Count("pk", filter=Q(start__gte=lo, start__lt=hi))
    found = SiteKpi.objects.filter(site=site, granularity=Granularity.DAY).aggregate(**counts)
    return [found[f"p{i}"] for i in range(len(periods))]


def kpis_computed_at(*, site: Site, start: dt.date, end: dt.date) -> dt.datetime | None:
    """When the site's stored KPIs of the days [start, end] were last computed (None without any):
    readers that keep figures derived from them compare it with their own time. One query."""
    zone = zoneinfo.ZoneInfo(site.time_zone)
    lo = dt.datetime.combine(start, dt.time(), tzinfo=zone)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    found = SiteKpi.objects.filter(site=site, start__gte=lo, start__lt=hi).aggregate(at=Max("computed_at"))
    return found["at"]


def meter_quantities(
    *, site: Site, granularity: str, start: dt.datetime, end: dt.datetime
) -> dict[dt.datetime, dict[str, float]]:
    """Per bucket start, each meter's consumption in its canonical unit, virtual meters included."""
    result: dict[dt.datetime, dict[str, float]] = defaultdict(dict)
    for bucket, code, quantity in MeterRollup.objects.filter(
        meter__site=site, granularity=granularity, start__gte=start, start__lt=end
    ).values_list("start", "meter__code", "quantity"):
        result[bucket][code] = quantity
    virtual = [
        (m.code, m.formula) for m in Meter.objects.filter(site=site, is_virtual=True).only("code", "formula")
    ]
    for code, text in virtual:
        try:
            formula = formula_parse(text)
        except FormulaError:
            continue
        for values in result.values():
            if formula.meter_codes <= values.keys():
                try:
                    values[code] = formula.evaluate(values)
                except (ZeroDivisionError, FormulaError):
                    continue
    return result


def meter_tree(*, site: Site) -> list[tuple[Meter, int, str]]:
    """The site's meters in tree order (parents before children) with their depth and canonical unit."""
    meters = list(Meter.objects.filter(site=site).order_by("medium", "code"))
    children: dict[int | None, list[Meter]] = defaultdict(list)
    for meter in meters:
        children[meter.parent_id].append(meter)
    ordered: list[tuple[Meter, int, str]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for meter in children.get(parent_id, []):
            ordered.append((meter, depth, canonical_unit(medium=meter.medium, unit=meter.unit)))
            walk(meter.pk, depth + 1)

    walk(None, 0)
    return ordered


def medium_label(medium: str) -> str:
    return str(Medium(medium).label)


def latest_kpi_day(*, site: Site) -> dt.date | None:
    """The last day with stored KPIs: the dashboard opens on its month."""
    latest = (
        SiteKpi.objects.filter(site=site, granularity=Granularity.DAY)
        .order_by("-start")
        .values_list("start", flat=True)[:1]
    )
    return latest[0].astimezone(zoneinfo.ZoneInfo(site.time_zone)).date() if latest else None


def default_kpi_day(*, site: Site, today: dt.date) -> dt.date:
    """The day the dashboard opens on: in the last complete month with data, not the running one.

    The month of the last day with KPIs when that day ends its month; otherwise the month before,
    when it has data (a month of 1 day of 31 has no figures worth comparing); otherwise the last day.
    """
    latest = latest_kpi_day(site=site)
    if latest is None:
        return today
    if (latest + dt.timedelta(days=1)).day == 1:
        return latest
    before = month_floor(latest) - dt.timedelta(days=1)
    [days] = days_with_data(site=site, periods=[(month_floor(before), before)])
    return before if days else latest


@dataclass
class KpiComparison:
    """A period's totals beside the previous period's and last year's, and how many days of each have
    data; changes are given only between periods with data for about as many days."""

    current: dict | None
    previous: dict | None
    last_year: dict | None
    coverage: list[dict]  # per period (this, previous, last year): days with data, of days
    like_previous: bool
    like_last_year: bool

    @property
    def changes_hidden(self) -> bool:
        return not (self.like_previous and self.like_last_year)

    def figure(self, name: str, *, share: bool = False) -> dict:
        """One figure (a key of ``KpiBucket.as_dict``): its value in each period and the changes,
        relative in per cent, or for a ``share`` (a fraction of 1) in percentage points."""
        value, previous, last_year = (_value(d, name) for d in (self.current, self.previous, self.last_year))
        compare = points if share else change
        return {
            "value": value,
            "previous": previous,
            "change_previous": compare(value, previous) if self.like_previous else None,
            "last_year": last_year,
            "change_last_year": compare(value, last_year) if self.like_last_year else None,
        }


def _value(data: dict | None, name: str) -> Decimal | None:
    raw = data.get(name) if data else None
    return Decimal(raw) if raw is not None else None


def kpi_total(*, site: Site, period: Period, with_meters: bool = False) -> dict | None:
    """The period's KPIs summed into one bucket (``KpiBucket.as_dict``), or None without data."""
    buckets = kpi_series(
        site=site, start=period.start, end=period.end, granularity=TOTAL, with_meters=with_meters
    )
    return buckets[0].as_dict() if buckets else None


def kpi_comparison(*, site: Site, period: Period) -> KpiComparison:
    """The period (with its meters), the previous period and the same period last year."""
    compared = (period, period.previous(), period.last_year())
    days = days_with_data(site=site, periods=[(p.start, p.end) for p in compared])
    coverage = [{"days": n, "of": p.days} for p, n in zip(compared, days, strict=True)]
    return KpiComparison(
        current=kpi_total(site=site, period=period, with_meters=True),
        previous=kpi_total(site=site, period=compared[1]),
        last_year=kpi_total(site=site, period=compared[2]),
        coverage=coverage,
        like_previous=comparable(days[0], days[1]),
        like_last_year=comparable(days[0], days[2]),
    )
