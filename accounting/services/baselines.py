"""ISO 50001 energy baselines: fit, adjustments, degree days, targets and the alerts of missed targets.

The months a baseline is fitted on and compared with are read by accounting.selectors.baselines; this
module holds the writes. The regression is accounting.formulas'.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
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
from accounting.selectors.baselines import (
    BaselineInvalid,
    MonthData,
    driver_values,
    last_complete_month,
    monthly_data,
    mwh_factor,
    target_misses,
)

# Other modules call these through this one; their reads live in the selectors.
from accounting.selectors.baselines import alert_recipient_id as alert_recipient_id
from accounting.selectors.baselines import alert_subject as alert_subject
from accounting.selectors.baselines import target_alerts_for_digest as target_alerts_for_digest
from accounting.units import KPI_UNIT
from greenfactory.core.history import history_reason_set
from greenfactory.core.time import Granularity, month_end, month_floor, month_next, month_starts
from greenfactory.core.validators import DATE_OUT_OF_RANGE, MONTH_OUT_OF_RANGE, date_is_plausible
from greenfactory.sites.models import Site
from metering.models import Meter
from metering.units import UnitError, canonical_unit

if TYPE_CHECKING:
    from greenfactory.accounts.models import User

# --- baselines ----------------------------------------------------------------------------------------


def _validate(baseline: EnergyBaseline, meters: list[Meter]) -> None:
    if baseline.base_end <= baseline.base_start:
        raise BaselineInvalid(_("The baseline period must end after it starts."), field="base_end")
    n = len(month_starts(baseline.base_start, baseline.base_end))
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
    by: User | None = None,
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
        base_end=month_end(base_end),
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
    for month in month_starts(baseline.base_start, baseline.base_end):
        item = data.get(month, MonthData())
        values = driver_values(item, baseline)
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
def baseline_refit(*, baseline: EnergyBaseline, by: User | None = None) -> EnergyBaseline:
    """Fit again on the current KPIs and degree days (after corrections); the old fit stays in the history."""
    baseline = EnergyBaseline.objects.select_for_update().get(pk=baseline.pk)
    _fit(baseline)
    history_reason_set(baseline, "refit")
    baseline.save()
    target_alerts_refresh(site=baseline.site)
    return baseline


@transaction.atomic
def baseline_rename(*, baseline: EnergyBaseline, name: str, by: User | None = None) -> EnergyBaseline:
    name = name.strip()
    if not name:
        raise BaselineInvalid(_("Give the baseline a name."), field="name")
    if EnergyBaseline.objects.filter(site=baseline.site, name=name).exclude(pk=baseline.pk).exists():
        raise BaselineInvalid(_("This site already has a baseline with this name."), field="name")
    baseline.name = name
    baseline.save(update_fields=["name"])
    return baseline


@transaction.atomic
def baseline_delete(*, baseline: EnergyBaseline, by: User | None = None) -> None:
    """Remove a baseline with its adjustments, targets and alerts (the history keeps them)."""
    baseline.delete()


# --- adjustments, degree days, targets -------------------------------------------------------------


@transaction.atomic
def adjustment_record(
    *,
    baseline: EnergyBaseline,
    effective_from: dt.date,
    per_period: Decimal,
    reason: str,
    by: User | None = None,
) -> BaselineAdjustment:
    """Record a static-factor change: ``per_period`` (baseline unit) is added to expected from the month
    of ``effective_from`` on."""
    if not reason.strip():
        raise BaselineInvalid(_("Say why the baseline is adjusted."), field="reason")
    if not per_period.is_finite() or abs(per_period) >= Decimal("1e11"):
        raise BaselineInvalid(_("Give a finite adjustment."), field="per_period")
    if not date_is_plausible(effective_from):
        raise BaselineInvalid(str(DATE_OUT_OF_RANGE), field="effective_from")
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
    *, site: Site, period: dt.date, hdd: Decimal | None, cdd: Decimal | None, by: User | None = None
) -> DriverValue:
    """Enter (or correct) a month's heating and cooling degree days for a site."""
    for name, value in (("hdd", hdd), ("cdd", cdd)):
        if value is not None and (not value.is_finite() or value < 0 or value > 2000):
            raise BaselineInvalid(_("Degree days lie between 0 and 2000 a month."), field=name)
    if not date_is_plausible(period):
        raise BaselineInvalid(str(MONTH_OUT_OF_RANGE), field="period")
    row, _created = DriverValue.objects.update_or_create(
        site=site, period=month_floor(period), defaults={"hdd": hdd, "cdd": cdd, "updated_by": by}
    )
    return row


@transaction.atomic
def driver_values_set_many(
    *, site: Site, values: list[tuple[dt.date, Decimal | None, Decimal | None]], by: User | None = None
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
    by: User | None = None,
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
def target_delete(*, target: EnergyTarget, by: User | None = None) -> None:
    target.delete()


# --- alerts ---------------------------------------------------------------------------------------------


@transaction.atomic
def target_alerts_refresh(*, site: Site | None = None) -> int:
    """Raise an alert for every month that misses a target, and drop alerts of months that no longer
    miss (after a correction). Idempotent; returns the number of new alerts."""
    sites = (
        [site] if site is not None else list(Site.objects.filter(pk__in=EnergyTarget.objects.values("site")))
    )
    new = 0
    for s in sites:
        misses = target_misses(site=s)
        keep = {(t.pk, month) for t, month, _value in misses}
        existing = {(a.target_id, a.period): a for a in TargetAlert.objects.filter(target__site=s)}
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
