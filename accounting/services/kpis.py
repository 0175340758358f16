"""Site KPIs per day and month from meter rollups, activity data, production and factor sets.

Every figure comes from accounting.formulas; this module only gathers quantities and factors.
Quantities per medium are in the KPI unit of the medium: kWh, m3, kg (liquid fuels, through
their density), GJ (heat and steam).

KPIs follow the rollups through metering's outbox: metering writes a ``RollupChange`` row per touched
site and span in the transaction of the rollups, and ``rollup_changes_consume`` turns pending rows into
refreshed KPI buckets (sent by the ``accounting.rollup_changes_consume`` task when metering signals
``rollups_changed``, and by the periodic sweeper for rows whose message was lost).
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections import defaultdict
from decimal import Decimal

from django.db import models, transaction
from django.db.models import F, Max, Min, Q, Sum
from django.utils import timezone

from accounting import formulas
from accounting.choices import CombustionMethod
from accounting.models import (
    EnergyTarget,
    FuelDelivery,
    GreenCertificateRetirement,
    RefrigerantRefill,
    Scope3Activity,
    SiteKpi,
)
from accounting.selectors.factors import to_kpi_unit
from accounting.services.factors import FactorTable
from accounting.signals import kpis_changed
from greenfactory.core.dispatch import task_after_commit
from greenfactory.core.exceptions import DomainError
from greenfactory.core.spans import Span, span_cover, spans_merge
from greenfactory.core.time import Granularity, bucket_floor, bucket_next, bucket_starts
from greenfactory.sites.models import ProductionKind, ProductionRecord, Site
from metering.choices import Medium
from metering.models import MeterRollup, RollupChange
from metering.units import canonical_unit

logger = logging.getLogger(__name__)

KPI_GRANULARITIES = (Granularity.DAY, Granularity.MONTH)
FUELS = (Medium.NATURAL_GAS, Medium.DIESEL, Medium.GASOLINE, Medium.LPG)
KGCE_MEDIA = (Medium.ELECTRICITY, *FUELS, Medium.HEAT, Medium.STEAM)
_ZERO = Decimal(0)


def _dec(value: float) -> Decimal:
    return Decimal(repr(round(float(value), 9)))


def _bucket_of_date(day: dt.date, granularity: str, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    return bucket_floor(start, granularity=granularity, zone=zone)


@transaction.atomic
def site_kpis_refresh(*, site_id: int, start: dt.datetime, end: dt.datetime) -> int:
    """Recompute the site's day and month KPIs for every bucket overlapping [start, end).

    Buckets are replaced in one transaction, so a retry or a second run writes the same figures.
    Returns the number of buckets written.
    """
    # One refresh of a site at a time: two workers replacing the same buckets would collide.
    site = Site.objects.select_for_update(no_key=True).get(pk=site_id)
    zone = zoneinfo.ZoneInfo(site.time_zone)
    factors = FactorTable.for_site(site=site)
    written = 0
    for granularity in KPI_GRANULARITIES:
        buckets = bucket_starts(start, end, granularity=granularity, zone=zone)
        if not buckets:
            continue
        first, last = buckets[0], bucket_next(buckets[-1], granularity=granularity, zone=zone)
        if granularity == Granularity.DAY:
            # A month's certificates are spread over its days by their consumption, so a change on
            # one day moves the share of every day of its month: days are refreshed a month at a time.
            first = bucket_floor(first, granularity=Granularity.MONTH, zone=zone)
            last_month = bucket_floor(
                last - dt.timedelta(seconds=1), granularity=Granularity.MONTH, zone=zone
            )
            last = bucket_next(last_month, granularity=Granularity.MONTH, zone=zone)
        rows = [
            _kpi(site, zone, factors, granularity, bucket, data)
            for bucket, data in _gather(site, zone, factors, granularity, first, last).items()
        ]
        _storable_check(site, rows)
        SiteKpi.objects.filter(site=site, granularity=granularity, start__gte=first, start__lt=last).delete()
        SiteKpi.objects.bulk_create(rows)
        written += len(rows)
    if EnergyTarget.objects.filter(site=site).exists():
        # Changed figures may now miss (or meet) a target: its alerts follow without waiting for the
        # daily digest.
        task_after_commit("accounting.target_alerts_refresh", site.pk)
    _kpis_changed_announce(site=site, zone=zone, start=start, end=end)
    return written


def _kpis_changed_announce(
    *, site: Site, zone: zoneinfo.ZoneInfo, start: dt.datetime, end: dt.datetime
) -> None:
    """Tell the apps that read KPIs (accounting.signals) once the new buckets are committed; a
    refresh rolled back (its savepoint included) tells nobody."""
    first = start.astimezone(zone).year
    last = (end - dt.timedelta(microseconds=1)).astimezone(zone).year
    years = list(range(first, max(first, last) + 1))
    site_id = site.pk
    transaction.on_commit(
        lambda: kpis_changed.send(sender=SiteKpi, site_id=site_id, start=start, end=end, years=years)
    )


class KpiOutOfRange(DomainError):
    """A computed figure is larger than its column holds: the meters behind it need checking."""


_DECIMAL_LIMITS = [
    (field.attname, Decimal(10) ** (field.max_digits - field.decimal_places))
    for field in SiteKpi._meta.concrete_fields
    if isinstance(field, models.DecimalField)
]


def _storable_check(site: Site, rows: list[SiteKpi]) -> None:
    """Refuse figures no column can hold (PostgreSQL would fail the write, SQLite store garbage),
    naming the site, bucket and figure."""
    for row in rows:
        for name, limit in _DECIMAL_LIMITS:
            value = getattr(row, name)
            if value is not None and not abs(value) < limit:
                raise KpiOutOfRange(
                    f"site {site.code}, {row.granularity} {row.start.date().isoformat()}: {name} = "
                    f"{value:.6g} is beyond what can be stored; check the meters' readings and multipliers."
                )


def site_kpis_recompute(
    *, site: Site, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> int:
    """Recompute a site's KPIs over [start, end) (default: every bucket its rollups and activity reach)."""
    if start is None or end is None:
        zone = zoneinfo.ZoneInfo(site.time_zone)
        bounds = MeterRollup.objects.filter(meter__site=site).aggregate(lo=Min("start"), hi=Max("start"))
        found = [Span(bounds["lo"], bounds["hi"])] if bounds["lo"] is not None else []
        for model in (FuelDelivery, RefrigerantRefill, GreenCertificateRetirement, Scope3Activity):
            dates = model.objects.filter(site=site).aggregate(lo=Min("date"), hi=Max("date"))
            if dates["lo"] is not None:
                day_lo, day_hi = (
                    dt.datetime.combine(d, dt.time(), tzinfo=zone) for d in (dates["lo"], dates["hi"])
                )
                found.append(Span(day_lo, day_hi))
        covered = span_cover(found)
        if covered is None:
            return 0
        start = start or covered.start
        end = end or covered.end + dt.timedelta(days=32)
    return site_kpis_refresh(site_id=site.pk, start=start, end=end)


# A site whose KPI refresh failed is retried by the sweeper after this long.
FAILED_RETRY_AFTER = dt.timedelta(hours=1)


def rollup_changes_consume(*, ids: list[int] | None = None, limit: int = 500) -> int:
    """Consume pending rollup changes (these ids, or the oldest ``limit``): refresh the KPI buckets of
    their sites and spans (overlapping spans of a site merged, so a bucket is computed once) and mark
    them consumed, all in one transaction.

    Each site is refreshed in a savepoint: a site whose refresh fails (a figure that overflows a
    column, say) has its rows marked failed with the error and is retried after FAILED_RETRY_AFTER,
    while every other site moves on. Rows another worker holds are skipped (it consumes them); a
    worker killed midway rolls back and leaves them pending for the retry or the sweeper; consumed
    rows are never consumed again, so a retried task does nothing. Returns the number of rows
    consumed or marked failed.
    """
    now = timezone.now()
    with transaction.atomic():
        pending = RollupChange.objects.select_for_update(skip_locked=True).filter(consumed_at__isnull=True)
        pending = pending.filter(Q(failed_at__isnull=True) | Q(failed_at__lt=now - FAILED_RETRY_AFTER))
        if ids is not None:
            pending = pending.filter(pk__in=ids)
        changes = list(pending.order_by("created_at", "pk")[:limit])
        if not changes:
            return 0
        per_site: dict[int, list[Span[dt.datetime]]] = defaultdict(list)
        for change in changes:
            per_site[change.site_id].append(Span(change.start, change.end))
        failed: dict[int, str] = {}
        # Sites in id order, as every KPI refresh locks them: no deadlock between two consumers.
        for site_id, spans in sorted(per_site.items()):
            try:
                with transaction.atomic():
                    for span in spans_merge(spans):
                        site_kpis_refresh(site_id=site_id, start=span.start, end=span.end)
            except Exception as exc:  # noqa: BLE001 - one site's failure must not stop the others
                logger.exception("Refreshing the KPIs of site %s failed", site_id)
                failed[site_id] = f"{type(exc).__name__}: {exc}"[:2000]
        done = [c.pk for c in changes if c.site_id not in failed]
        RollupChange.objects.filter(pk__in=done).update(consumed_at=now, failed_at=None, error="")
        for site_id, error in failed.items():
            RollupChange.objects.filter(pk__in=[c.pk for c in changes if c.site_id == site_id]).update(
                failed_at=now, error=error, attempts=F("attempts") + 1
            )
        return len(changes)


class _Bucket:
    def __init__(self) -> None:
        self.media: dict[str, Decimal] = defaultdict(lambda: _ZERO)
        self.quality = {"gaps": 0, "spikes": 0, "decreases": 0}
        self.refrigerants: list[tuple[str, Decimal]] = []
        self.certificates = _ZERO
        self.categories: dict[int, Decimal] = defaultdict(lambda: _ZERO)
        self.processed = _ZERO
        self.meters: set[str] = set()


def _gather(
    site: Site,
    zone: zoneinfo.ZoneInfo,
    factors: FactorTable,
    granularity: str,
    first: dt.datetime,
    last: dt.datetime,
) -> dict[dt.datetime, _Bucket]:
    buckets: dict[dt.datetime, _Bucket] = defaultdict(_Bucket)
    roots = MeterRollup.objects.filter(
        meter__site=site, granularity=granularity, start__gte=first, start__lt=last
    )
    for start, medium, unit, parent, quantity, gaps, spikes, decreases in (
        roots.values_list("start", "meter__medium", "meter__unit", "meter__parent_id")
        .annotate(q=Sum("quantity"), g=Sum("gaps"), s=Sum("spikes"), d=Sum("decreases"))
        .order_by()
    ):
        bucket = buckets[start.astimezone(zone)]
        bucket.quality["gaps"] += gaps
        bucket.quality["spikes"] += spikes
        bucket.quality["decreases"] += decreases
        if parent is None:  # sub-meters are inside their parent: counting them would double it
            canonical = canonical_unit(medium=medium, unit=unit)
            bucket.media[medium] += to_kpi_unit(
                medium=medium, unit=canonical, quantity=_dec(quantity), factors=factors
            )
    day_lo, day_hi = first.astimezone(zone).date(), last.astimezone(zone).date()
    for delivery in FuelDelivery.objects.filter(site=site, date__gte=day_lo, date__lt=day_hi):
        bucket = buckets[_bucket_of_date(delivery.date, granularity, zone)]
        bucket.media[delivery.fuel] += to_kpi_unit(
            medium=delivery.fuel, unit=delivery.unit, quantity=delivery.quantity, factors=factors
        )
    for refill in RefrigerantRefill.objects.filter(site=site, date__gte=day_lo, date__lt=day_hi):
        buckets[_bucket_of_date(refill.date, granularity, zone)].refrigerants.append((refill.gas, refill.kg))
    _certificates_add(buckets, site, zone, granularity, day_lo, day_hi)
    for activity in Scope3Activity.objects.filter(site=site, date__gte=day_lo, date__lt=day_hi):
        tco2e = activity.quantity * activity.factor_kg_per_unit / formulas.KG_PER_TONNE
        buckets[_bucket_of_date(activity.date, granularity, zone)].categories[activity.category] += tco2e
    records = ProductionRecord.objects.filter(
        site=site, kind=ProductionKind.PROCESSED, period_start__lt=day_hi, period_end__gte=day_lo
    ).values_list("period_start", "period_end", "tonnes")
    for bucket_start, bucket in list(buckets.items()):
        b_lo = bucket_start.date()
        b_hi = bucket_next(bucket_start, granularity=granularity, zone=zone).date()
        for p_lo, p_hi, tonnes in records:
            overlap = (min(b_hi, p_hi + dt.timedelta(days=1)) - max(b_lo, p_lo)).days
            if overlap > 0:  # a record's tonnes are spread evenly over its days
                bucket.processed += tonnes * overlap / ((p_hi - p_lo).days + 1)
    return buckets


def _certificates_add(
    buckets: dict[dt.datetime, _Bucket],
    site: Site,
    zone: zoneinfo.ZoneInfo,
    granularity: str,
    day_lo: dt.date,
    day_hi: dt.date,
) -> None:
    """Add retired certificates to the buckets of the consumption they cover.

    Certificates cover the grid electricity of the month they are retired in (kWh of the matching
    vintage only). A month bucket takes them whole; its day buckets share them in proportion to each
    day's grid electricity, so every day shows the month's coverage and the days add up to the month
    (a day on which certificates are retired is not a day of 100 % green power). A month without grid
    electricity keeps them on the day of retirement.
    """
    per_month: dict[dt.datetime, list[tuple[dt.datetime, Decimal]]] = defaultdict(list)
    for day, kwh, vintage in GreenCertificateRetirement.objects.filter(
        site=site, date__gte=day_lo, date__lt=day_hi
    ).values_list("date", "kwh", "vintage"):
        if vintage != day.year:  # only kWh of the matching vintage are covered
            continue
        month = _bucket_of_date(day, Granularity.MONTH, zone)
        per_month[month].append((_bucket_of_date(day, granularity, zone), kwh))
    for month, retired in per_month.items():
        if granularity != Granularity.DAY:
            buckets[month].certificates += sum((kwh for _day, kwh in retired), _ZERO)
            continue
        month_end = bucket_next(month, granularity=Granularity.MONTH, zone=zone)
        days = {start: b for start, b in buckets.items() if month <= start < month_end}
        month_kwh = sum((b.media.get(Medium.ELECTRICITY, _ZERO) for b in days.values()), _ZERO)
        if not month_kwh:
            for day_start, kwh in retired:
                buckets[day_start].certificates += kwh
            continue
        total = sum((kwh for _day, kwh in retired), _ZERO)
        for bucket in days.values():
            bucket.certificates += total * bucket.media.get(Medium.ELECTRICITY, _ZERO) / month_kwh


def _scope1(factors: FactorTable, data: _Bucket) -> Decimal:
    """Direct emissions (tCO2e): fuels burnt on site, by the configured method, and refrigerant leaks."""
    settings = factors.settings
    media = data.media
    scope1 = _ZERO
    for fuel in FUELS:
        quantity = media.get(fuel)
        if not quantity:
            continue
        if settings.combustion_method == CombustionMethod.IPCC:
            energy_tj = quantity * factors.get("ipcc-2006", f"{fuel}.ncv") / 1000
            scope1 += formulas.combustion_co2e_ipcc(
                energy_tj=energy_tj,
                emission_factors_kg_per_tj={"CO2": factors.get("ipcc-2006", f"{fuel}.co2")},
                gwp={"CO2": factors.gwp("CO2")},
            )
        else:
            scope1 += formulas.combustion_co2_china(
                fuel_quantity=quantity,
                ncv_gj_per_unit=factors.get("china-guideline", f"{fuel}.ncv"),
                carbon_tc_per_tj=factors.get("china-guideline", f"{fuel}.cc"),
                oxidation=factors.get("china-guideline", f"{fuel}.of"),
            )
    for gas, kg in data.refrigerants:
        leak = formulas.refrigerant_leak_kg(refills_kg=kg)
        scope1 += formulas.refrigerant_co2e(leak_kg=leak, gwp_value=factors.gwp(gas))
    return scope1


def _kpi(
    site: Site,
    zone: zoneinfo.ZoneInfo,
    factors: FactorTable,
    granularity: str,
    bucket_start: dt.datetime,
    data: _Bucket,
) -> SiteKpi:
    year = bucket_start.year
    settings = factors.settings
    media = data.media
    tce = formulas.tce_total((media[m], factors.get("gbt2589", m)) for m in KGCE_MEDIA if media.get(m))
    scope1 = _scope1(factors, data)
    grid = factors.get("grid-cn", settings.grid_region, year)
    residual = factors.get("grid-cn", settings.residual_region, year)
    heat_gj = media.get(Medium.HEAT, _ZERO) + media.get(Medium.STEAM, _ZERO)
    heat = (
        formulas.purchased_heat_co2(gj=heat_gj, tco2_per_gj=factors.get("china-guideline", "heat.co2"))
        if heat_gj
        else _ZERO
    )
    grid_kwh = media.get(Medium.ELECTRICITY, _ZERO)
    green_kwh = media.get(Medium.GREEN_ELECTRICITY, _ZERO)
    location = formulas.scope2_location(kwh=grid_kwh, grid_kg_per_kwh=grid) + heat
    market = (
        formulas.scope2_market(
            kwh=grid_kwh, covered_kwh=green_kwh + data.certificates, residual_kg_per_kwh=residual
        )
        + heat
    )
    used = {
        "sets": dict(sorted(factors.versions.items())),
        "grid": {
            "region": settings.grid_region,
            "year": factors.year_of("grid-cn", settings.grid_region, year),
            "kg_per_kwh": str(grid),
        },
        "residual": {
            "region": settings.residual_region,
            "year": factors.year_of("grid-cn", settings.residual_region, year),
            "kg_per_kwh": str(residual),
        },
        "gwp": settings.gwp_set.code,
        "combustion_method": settings.combustion_method,
    }
    return SiteKpi(
        site=site,
        granularity=granularity,
        start=bucket_start,
        consumption={m: str(q) for m, q in sorted(media.items())},
        electricity_kwh=grid_kwh,
        pv_kwh=media.get(Medium.PV_GENERATION, _ZERO),
        green_kwh=green_kwh,
        certificates_kwh=data.certificates,
        water_m3=media.get(Medium.WATER, _ZERO),
        tce=tce,
        scope1_tco2e=scope1,
        scope2_location_tco2e=location,
        scope2_market_tco2e=market,
        category3_tco2e=data.categories[3],
        category4_tco2e=data.categories[4],
        category5_tco2e=data.categories[5],
        category6_tco2e=data.categories[6],
        processed_t=data.processed,
        data_quality=data.quality,
        factors=used,
    )
