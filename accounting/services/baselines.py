"""ISO 50001 energy baselines: fit, adjustments, degree days, targets and the alerts of missed targets.

Monthly energy and production come from stored site KPIs (whole site) or monthly meter rollups
(a significant energy use), never from raw readings. The regression, expected, savings, EnPI and
CUSUM are metering.formulas'.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import zoneinfo
from collections.abc import Iterable
from decimal import Decimal

import numpy as np
import pint
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
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
from accounting.services.kpis import KPI_UNIT
from greenfactory.core.exceptions import DomainError
from greenfactory.core.time import Granularity
from greenfactory.sites.models import ProductionKind, ProductionRecord, Site
from metering.choices import Medium
from metering.models import Meter, MeterRollup
from metering.units import UnitError, canonical_unit, conversion_factor


class BaselineInvalid(DomainError):
    """A baseline that cannot be defined or fitted as asked (too few periods, missing data...)."""


# --- months ---------------------------------------------------------------------------------------------


def month_floor(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_next(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months from the month of ``start`` to the month of ``end``, inclusive."""
    result, current = [], month_floor(start)
    while current <= end:
        result.append(current)
        current = month_next(current)
    return result


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


def last_complete_month(*, site: Site) -> dt.date:
    """The first day of the last month that is over in the site's time zone."""
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(site.time_zone)).date()
    return month_floor(month_floor(today) - dt.timedelta(days=1))


def _months_with_production(site: Site, start: dt.date, end: dt.date) -> set[dt.date]:
    """Months in [start, end] that a record of tonnes processed overlaps (the KPIs show 0 t otherwise)."""
    covered: set[dt.date] = set()
    records = ProductionRecord.objects.filter(
        site=site, kind=ProductionKind.PROCESSED, period_start__lte=end, period_end__gte=month_floor(start)
    ).values_list("period_start", "period_end")
    for first, last in records:
        covered.update(months(max(first, month_floor(start)), min(last, end)))
    return covered


def monthly_data(*, baseline: EnergyBaseline, start: dt.date, end: dt.date) -> dict[dt.date, MonthData]:
    """Energy (in the baseline's unit), tonnes processed, tce and degree days per month in [start, end].

    Production is None (missing) in a month no record of tonnes processed overlaps. Four queries
    (five for a significant energy use) whatever the number of months.
    """
    site = baseline.site
    zone = zoneinfo.ZoneInfo(site.time_zone)
    lo = dt.datetime.combine(month_floor(start), dt.time(), tzinfo=zone)
    hi = dt.datetime.combine(month_next(end), dt.time(), tzinfo=zone)
    data: dict[dt.date, MonthData] = {}
    kpis = SiteKpi.objects.filter(site=site, granularity=Granularity.MONTH, start__gte=lo, start__lt=hi).only(
        "start", "consumption", "tce", "processed_t"
    )
    with_production = _months_with_production(site, start, end)
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
            else:
                quantity = row.consumption.get(baseline.medium)
                item.actual = float(Decimal(quantity)) * factor if quantity is not None else None
    if baseline.scope == BaselineScope.SEU:
        meters = list(baseline.meters.all())
        factors = {
            m.pk: mwh_factor(medium=m.medium, unit=canonical_unit(medium=m.medium, unit=m.unit))
            for m in meters
        }
        totals: dict[dt.date, float] = {}
        for meter_id, bucket, quantity in MeterRollup.objects.filter(
            meter__in=meters, granularity=Granularity.MONTH, start__gte=lo, start__lt=hi
        ).values_list("meter_id", "start", "quantity"):
            month = bucket.astimezone(zone).date()
            totals[month] = totals.get(month, 0.0) + quantity * factors[meter_id]
        for month, total in totals.items():
            data.setdefault(month, MonthData()).actual = total
    for value in DriverValue.objects.filter(site=site, period__gte=month_floor(start), period__lte=end):
        item = data.setdefault(value.period, MonthData())
        item.hdd = float(value.hdd) if value.hdd is not None else None
        item.cdd = float(value.cdd) if value.cdd is not None else None
    return data


def _driver_values(item: MonthData, baseline: EnergyBaseline) -> dict[str, float] | None:
    values = {"production": item.production, "hdd": item.hdd, "cdd": item.cdd}
    chosen = {name: values[name] for name in baseline.drivers}
    return None if any(v is None for v in chosen.values()) else chosen


# --- baselines ----------------------------------------------------------------------------------------


def _validate(baseline: EnergyBaseline, meters: list[Meter]) -> None:
    if baseline.base_end <= baseline.base_start:
        raise BaselineInvalid(_("The baseline period must end after it starts."), field="base_end")
    n = len(months(baseline.base_start, baseline.base_end))
    if n < formulas.MIN_BASELINE_PERIODS:
        raise BaselineInvalid(
            _("A baseline needs at least %(min)s monthly periods; %(start)s to %(end)s has %(n)s.")
            % {
                "min": formulas.MIN_BASELINE_PERIODS,
                "start": baseline.base_start,
                "end": baseline.base_end,
                "n": n,
            },
            field="base_end",
        )
    if n > 120:
        raise BaselineInvalid(_("A baseline period covers at most 120 months."), field="base_end")
    if month_floor(baseline.base_end) > last_complete_month(site=baseline.site):
        raise BaselineInvalid(
            _("A baseline covers complete months: %(month)s is not over yet.")
            % {"month": month_floor(baseline.base_end).strftime("%Y-%m")},
            field="base_end",
        )
    if baseline.scope == BaselineScope.SEU:
        if not meters:
            raise BaselineInvalid(_("Choose the meters of the significant energy use."), field="meters")
        if not baseline.seu_name:
            raise BaselineInvalid(_("Name the significant energy use."), field="seu_name")
        if baseline.measure == EnergyMeasure.TCE:
            raise BaselineInvalid(
                _("A significant energy use is measured in MWh; choose MWh."), field="measure"
            )
        others = [m.code for m in meters if m.site_id != baseline.site_id]
        if others:
            raise BaselineInvalid(
                _("These meters belong to another site: %(codes)s.") % {"codes": ", ".join(others)},
                field="meters",
            )
        media = {m.medium for m in meters}
        if len(media) > 1:
            raise BaselineInvalid(
                _("The meters of one significant energy use measure one medium."), field="meters"
            )
        baseline.medium = media.pop()
        for m in meters:
            try:
                mwh_factor(medium=m.medium, unit=canonical_unit(medium=m.medium, unit=m.unit))
            except UnitError as exc:
                raise BaselineInvalid(str(exc), field="meters") from exc
    elif baseline.measure == EnergyMeasure.MWH:
        if baseline.medium not in KPI_UNIT:
            raise BaselineInvalid(_("Choose the medium measured in MWh."), field="medium")
        mwh_factor(medium=baseline.medium, unit=KPI_UNIT[baseline.medium])
    else:
        baseline.medium = ""


@transaction.atomic
def baseline_create(
    *,
    site: Site,
    name: str,
    base_start: dt.date,
    base_end: dt.date,
    measure: str,
    medium: str = "",
    scope: str = BaselineScope.SITE,
    seu_name: str = "",
    meters: Iterable[Meter] = (),
    use_hdd: bool = False,
    use_cdd: bool = False,
    by=None,
) -> EnergyBaseline:
    """Define a monthly baseline and fit it; refused (nothing stored) when the fit is impossible."""
    meters = list(meters) if scope == BaselineScope.SEU else []
    baseline = EnergyBaseline(
        site=site,
        name=name.strip(),
        scope=scope,
        seu_name=seu_name.strip() if scope == BaselineScope.SEU else "",
        measure=measure,
        medium=medium or "",
        base_start=month_floor(base_start),
        base_end=month_next(base_end) - dt.timedelta(days=1),
        use_hdd=use_hdd,
        use_cdd=use_cdd,
        owner=by,
    )
    if not baseline.name:
        raise BaselineInvalid(_("Give the baseline a name."), field="name")
    _validate(baseline, meters)
    # Two baselines of the same name at once: the second waits, then sees the first and is refused.
    Site.objects.select_for_update().filter(pk=site.pk).values_list("pk", flat=True).first()
    if EnergyBaseline.objects.filter(site=site, name=baseline.name).exists():
        raise BaselineInvalid(_("This site already has a baseline with this name."), field="name")
    baseline.save()
    baseline.meters.set(meters)
    _fit(baseline)
    baseline.save()
    return baseline


def _fit(baseline: EnergyBaseline) -> None:
    data = monthly_data(baseline=baseline, start=baseline.base_start, end=baseline.base_end)
    energy: list[float] = []
    drivers: dict[str, list[float]] = {name: [] for name in baseline.drivers}
    missing: list[str] = []
    for month in months(baseline.base_start, baseline.base_end):
        item = data.get(month, MonthData())
        values = _driver_values(item, baseline)
        if item.actual is None or values is None:
            missing.append(month.strftime("%Y-%m"))
            continue
        energy.append(item.actual)
        for name, value in values.items():
            drivers[name].append(value)
    if missing:
        raise BaselineInvalid(
            _("No energy, production or degree days for %(months)s: enter them or choose another period.")
            % {"months": ", ".join(missing)},
            field="base_start",
        )
    if not np.mean(energy):
        # CV(RMSE) divides by the mean energy: it would be NaN, and there is nothing to explain anyway.
        raise BaselineInvalid(
            _(
                "The energy is zero in every month of the baseline period: there is nothing to fit. "
                "Choose another medium, meters or period."
            ),
            field="base_start",
        )
    design = np.column_stack([np.ones(len(energy)), *(np.asarray(v) for v in drivers.values())])
    if np.linalg.matrix_rank(design) < design.shape[1]:
        raise BaselineInvalid(
            _(
                "The drivers cannot be told apart over this period (a driver is constant or proportional "
                "to another): the regression is singular. Drop a driver or choose another period."
            ),
            field="base_start",
        )
    try:
        model = formulas.regression_fit(
            energy=energy, drivers=drivers, min_periods=formulas.MIN_BASELINE_PERIODS
        )
    except ValueError as exc:
        raise BaselineInvalid(str(exc), field="base_start") from exc
    if not all(map(math.isfinite, (model.intercept, model.r2, model.cv_rmse, *model.coefficients.values()))):
        raise BaselineInvalid(
            _("The regression gives no finite model over this period. Choose another period."),
            field="base_start",
        )
    baseline.intercept = model.intercept
    baseline.coefficients = model.coefficients
    baseline.r2 = model.r2
    baseline.cv_rmse = model.cv_rmse
    baseline.periods = model.periods
    baseline.fitted_at = timezone.now()
    baseline.data_versions = _data_versions(baseline)


def _data_versions(baseline: EnergyBaseline) -> dict:
    """What the fit read: when the KPIs were computed, the factor-set versions, the degree days' last change."""
    zone = zoneinfo.ZoneInfo(baseline.site.time_zone)
    lo = dt.datetime.combine(baseline.base_start, dt.time(), tzinfo=zone)
    hi = dt.datetime.combine(month_next(baseline.base_end), dt.time(), tzinfo=zone)
    rows = SiteKpi.objects.filter(
        site=baseline.site, granularity=Granularity.MONTH, start__gte=lo, start__lt=hi
    ).values_list("computed_at", "factors")
    sets: dict[str, int] = {}
    computed = None
    for computed_at, factors in rows:
        computed = max(computed, computed_at) if computed else computed_at
        for code, version in (factors or {}).get("sets", {}).items():
            sets[code] = max(sets.get(code, 0), version)
    drivers = DriverValue.objects.filter(
        site=baseline.site, period__gte=baseline.base_start, period__lte=baseline.base_end
    ).aggregate(last=Max("updated_at"))["last"]
    return {
        "kpis_computed_at": computed.isoformat() if computed else None,
        "factor_sets": dict(sorted(sets.items())),
        "degree_days_updated_at": drivers.isoformat() if drivers else None,
    }


@transaction.atomic
def baseline_refit(*, baseline: EnergyBaseline, by=None) -> EnergyBaseline:
    """Fit again on the current KPIs and degree days (after corrections); the old fit stays in the history."""
    baseline = EnergyBaseline.objects.select_for_update().get(pk=baseline.pk)
    _fit(baseline)
    baseline._change_reason = "refit"
    baseline.save()
    target_alerts_refresh(site=baseline.site)
    return baseline


@transaction.atomic
def baseline_rename(*, baseline: EnergyBaseline, name: str, by=None) -> EnergyBaseline:
    name = name.strip()
    if not name:
        raise BaselineInvalid(_("Give the baseline a name."), field="name")
    if EnergyBaseline.objects.filter(site=baseline.site, name=name).exclude(pk=baseline.pk).exists():
        raise BaselineInvalid(_("This site already has a baseline with this name."), field="name")
    baseline.name = name
    baseline.save(update_fields=["name"])
    return baseline


@transaction.atomic
def baseline_delete(*, baseline: EnergyBaseline, by=None) -> None:
    """Remove a baseline with its adjustments, targets and alerts (the history keeps them)."""
    baseline.delete()


# --- adjustments, degree days, targets -------------------------------------------------------------


@transaction.atomic
def adjustment_record(
    *, baseline: EnergyBaseline, effective_from: dt.date, per_period: Decimal, reason: str, by=None
) -> BaselineAdjustment:
    """Record a static-factor change: ``per_period`` (baseline unit) is added to expected from the month
    of ``effective_from`` on."""
    if not reason.strip():
        raise BaselineInvalid(_("Say why the baseline is adjusted."), field="reason")
    if not per_period.is_finite() or abs(per_period) >= Decimal("1e11"):
        raise BaselineInvalid(_("Give a finite adjustment."), field="per_period")
    if not dt.date(2000, 1, 1) <= effective_from <= dt.date(2100, 12, 31):
        raise BaselineInvalid(_("Give a date between 2000 and 2100."), field="effective_from")
    adjustment = BaselineAdjustment.objects.create(
        baseline=baseline,
        effective_from=effective_from,
        per_period=per_period,
        reason=reason.strip(),
        recorded_by=by,
    )
    target_alerts_refresh(site=baseline.site)
    return adjustment


@transaction.atomic
def driver_value_set(
    *, site: Site, period: dt.date, hdd: Decimal | None, cdd: Decimal | None, by=None
) -> DriverValue:
    """Enter (or correct) a month's heating and cooling degree days for a site."""
    for name, value in (("hdd", hdd), ("cdd", cdd)):
        if value is not None and (not value.is_finite() or value < 0 or value > 2000):
            raise BaselineInvalid(_("Degree days lie between 0 and 2000 a month."), field=name)
    if not dt.date(2000, 1, 1) <= period <= dt.date(2100, 12, 31):
        raise BaselineInvalid(_("Give a month between 2000 and 2100."), field="period")
    value, _created = DriverValue.objects.update_or_create(
        site=site, period=month_floor(period), defaults={"hdd": hdd, "cdd": cdd, "updated_by": by}
    )
    return value


@transaction.atomic
def driver_values_set_many(
    *, site: Site, values: list[tuple[dt.date, Decimal | None, Decimal | None]], by=None
) -> int:
    """Save a batch of months' degree days (a month left empty on both is removed); returns months saved."""
    saved = 0
    for period, hdd, cdd in values:
        if hdd is None and cdd is None:
            DriverValue.objects.filter(site=site, period=month_floor(period)).delete()
            continue
        driver_value_set(site=site, period=period, hdd=hdd, cdd=cdd, by=by)
        saved += 1
    return saved


@transaction.atomic
def target_set(
    *,
    site: Site,
    kind: str,
    value: Decimal,
    baseline: EnergyBaseline | None = None,
    note: str = "",
    active_from: dt.date | None = None,
    by=None,
) -> EnergyTarget:
    """Set a target checked every month; alerts for months that miss it are raised at once."""
    if baseline is not None and baseline.site_id != site.pk:
        raise BaselineInvalid(_("The baseline belongs to another site."), field="baseline")
    if kind == TargetKind.ENPI_MAX and baseline is None:
        raise BaselineInvalid(_("An EnPI target belongs to a baseline."), field="baseline")
    if not value.is_finite() or value <= 0 or value >= Decimal("1e8"):
        raise BaselineInvalid(_("A target is a positive number."), field="value")
    target = EnergyTarget.objects.create(
        site=site,
        baseline=baseline,
        kind=kind,
        value=value,
        note=note,
        active_from=active_from,
        created_by=by,
    )
    target_alerts_refresh(site=site)
    return target


@transaction.atomic
def target_delete(*, target: EnergyTarget, by=None) -> None:
    target.delete()


# --- performance and alerts -----------------------------------------------------------------------


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
    return formulas.Regression(
        intercept=baseline.intercept,
        coefficients=dict(baseline.coefficients),
        r2=baseline.r2,
        cv_rmse=baseline.cv_rmse,
        periods=baseline.periods,
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
    site = baseline.site
    zone = zoneinfo.ZoneInfo(site.time_zone)
    if until is None:
        latest = (
            SiteKpi.objects.filter(site=site, granularity=Granularity.MONTH)
            .order_by("-start")
            .values_list("start", flat=True)[:1]
        )
        until = latest[0].astimezone(zone).date() if latest else baseline.base_end
    until = max(min(until, last_complete_month(site=site)), baseline.base_end)
    data = monthly_data(baseline=baseline, start=baseline.base_start, end=until)
    model = baseline_model(baseline)
    rows: list[PeriodRow] = []
    for month in months(baseline.base_start, until):
        item = data.get(month, MonthData())
        adjustment = float(
            sum((a.per_period for a in adjustments if month_floor(a.effective_from) <= month), Decimal(0))
        )
        drivers = _driver_values(item, baseline)
        expected = savings = enpi = None
        if drivers is not None and item.actual is not None:
            adjusted = dataclasses.replace(model, intercept=model.intercept + adjustment)
            if adjusted.expected(drivers) > 0:
                performance = formulas.period_performance(model=adjusted, drivers=drivers, actual=item.actual)
                expected, savings, enpi = performance.expected, performance.savings, performance.enpi
        tce_per_t = (
            float(
                formulas.intensity(
                    numerator=Decimal(repr(item.tce)), denominator=Decimal(repr(item.production))
                )
            )
            if item.tce is not None and item.production
            else None
        )
        row = PeriodRow(
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
        row.missed = [t for t in targets if _misses(t, row, baseline)]
        rows.append(row)
    measured = [r for r in rows if r.savings is not None]
    for row, total in zip(measured, formulas.cusum([r.savings for r in measured]), strict=True):
        row.cusum = total
    return rows


def _checked(target: EnergyTarget, month: dt.date, base_end: dt.date | None) -> bool:
    if target.active_from and month < month_floor(target.active_from):
        return False
    return not (base_end and month <= base_end)


def _misses(target: EnergyTarget, row: PeriodRow, baseline: EnergyBaseline | None) -> bool:
    if not _checked(target, row.period, baseline.base_end if baseline else None):
        return False
    if target.kind == TargetKind.ENPI_MAX:
        return row.enpi is not None and Decimal(repr(row.enpi)) > target.value
    return row.tce_per_t is not None and Decimal(repr(row.tce_per_t)) > target.value


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
            base_end = target.baseline.base_end if target.baseline_id else None
            if intensity is not None and _checked(target, month, base_end) and intensity > target.value:
                misses.append((target, month, intensity))
    return misses


@transaction.atomic
def target_alerts_refresh(*, site: Site | None = None) -> int:
    """Raise an alert for every month that misses a target, and drop alerts of months that no longer
    miss (after a correction). Idempotent; returns the number of new alerts."""
    sites = (
        [site] if site is not None else list(Site.objects.filter(pk__in=EnergyTarget.objects.values("site")))
    )
    new = 0
    for s in sites:
        targets = list(EnergyTarget.objects.filter(site=s).select_related("baseline", "site"))
        misses: list[tuple[EnergyTarget, dt.date, Decimal]] = []
        by_baseline: dict[int, list[EnergyTarget]] = {}
        for target in targets:
            if target.kind == TargetKind.ENPI_MAX:
                by_baseline.setdefault(target.baseline_id, []).append(target)
        for baseline_id, enpi_targets in by_baseline.items():
            baseline = enpi_targets[0].baseline
            adjustments = list(BaselineAdjustment.objects.filter(baseline_id=baseline_id))
            for row in baseline_performance(baseline=baseline, adjustments=adjustments, targets=enpi_targets):
                misses += [(t, row.period, Decimal(repr(row.enpi))) for t in row.missed]
        misses += _site_intensity_misses(s, [t for t in targets if t.kind == TargetKind.TCE_PER_T_MAX])
        keep = {(t.pk, month) for t, month, _value in misses}
        existing = {(a.target_id, a.period): a for a in TargetAlert.objects.filter(target__in=targets)}
        TargetAlert.objects.filter(pk__in=[a.pk for key, a in existing.items() if key not in keep]).delete()
        for target, month, value in misses:
            alert = existing.get((target.pk, month))
            value = value.quantize(Decimal("0.000001"))
            if alert is None:
                try:
                    with transaction.atomic():
                        TargetAlert.objects.create(target=target, period=month, actual=value)
                except IntegrityError:  # another refresh raised it first
                    continue
                new += 1
            elif alert.actual != value:
                alert.actual = value
                alert.save(update_fields=["actual"])
    return new


def target_alerts_for_digest() -> list[TargetAlert]:
    """Alerts with the person to tell (the baseline's owner, else whoever set the target)."""
    return list(
        TargetAlert.objects.select_related("target__baseline", "target__site", "target__created_by").order_by(
            "period", "pk"
        )
    )


def alert_recipient_id(alert: TargetAlert) -> int | None:
    target = alert.target
    if target.baseline_id and target.baseline.owner_id:
        return target.baseline.owner_id
    return target.created_by_id


def alert_subject(alert: TargetAlert) -> str:
    target = alert.target
    what = target.baseline.name if target.baseline_id else target.site.code
    return f"{target.site.code} · {what} · {alert.period:%Y-%m} · {target.get_kind_display()} {target.value.normalize()}: {alert.actual.normalize()}"
