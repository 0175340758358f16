"""Actual against budget, month by month, from the site's stored monthly KPIs (never recomputed from
readings); the year-end forecast from the run rate and from the site's energy baseline; overruns for
the daily digest."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from decimal import Decimal

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting.models import BudgetQuantity, BudgetTariff, EnergyBaseline, EnergyBudget, SiteKpi
from accounting.models.baselines import BaselineScope, EnergyMeasure
from accounting.selectors.baselines import baseline_model, driver_values, monthly_data
from accounting.units import KPI_UNIT
from greenfactory.core.time import Granularity
from greenfactory.sites.models import Site
from metering.choices import Medium

HUNDRED = Decimal(100)


@dataclasses.dataclass
class MonthRow:
    month: int
    budget: Decimal
    actual: Decimal | None
    cumulative_budget: Decimal
    cumulative_actual: Decimal | None
    variance: Decimal | None  # actual - budget: positive is over budget
    variance_percent: Decimal | None
    over: bool  # over budget by more than the tolerance
    tariff: Decimal | None = None
    running: bool = False  # the month is not over yet: its actual is the month so far

    @property
    def budget_cost(self) -> Decimal | None:
        return None if self.tariff is None else self.budget * self.tariff

    @property
    def actual_cost(self) -> Decimal | None:
        return None if self.tariff is None or self.actual is None else self.actual * self.tariff


@dataclasses.dataclass
class BudgetSeries:
    quantity: str
    medium: str
    unit: str
    months: list[MonthRow]
    elapsed: int  # complete months with stored actuals, counted from January
    actual_to_date: Decimal
    budget_total: Decimal
    run_rate_forecast: Decimal | None
    baseline_forecast: Decimal | None
    baseline_name: str = ""

    @property
    def key(self) -> str:
        return f"{self.quantity}-{self.medium}" if self.medium else self.quantity

    @property
    def label(self) -> str:
        return series_label(self.quantity, self.medium)

    @property
    def has_cost(self) -> bool:
        return any(m.tariff is not None for m in self.months)

    @property
    def cost_budget_total(self) -> Decimal | None:
        costs = [m.budget_cost for m in self.months if m.budget_cost is not None]
        return sum(costs, Decimal(0)) if costs else None

    @property
    def cost_actual_total(self) -> Decimal | None:
        costs = [m.actual_cost for m in self.months if m.actual_cost is not None]
        return sum(costs, Decimal(0)) if costs else None


def series_label(quantity: str, medium: str) -> str:
    """A budget line's name in the active language: the quantity, or the medium it budgets."""
    if quantity == BudgetQuantity.MEDIUM:
        return str(Medium(medium).label) if medium in Medium.values else medium
    return str(BudgetQuantity(quantity).label)


def unit_of(quantity: str, medium: str) -> str:
    if quantity == BudgetQuantity.TCE:
        return "tce"
    if quantity == BudgetQuantity.TCO2E:
        return "tCO2e"
    return KPI_UNIT.get(medium, "")


def _actual(row: SiteKpi, quantity: str, medium: str) -> Decimal:
    if quantity == BudgetQuantity.TCE:
        return row.tce
    if quantity == BudgetQuantity.TCO2E:
        # The KPIs' total: scope 1, location-based scope 2 and categories 3 to 6.
        return (
            row.scope1_tco2e
            + row.scope2_location_tco2e
            + sum((getattr(row, f"category{i}_tco2e") for i in range(3, 7)), Decimal(0))
        )
    if medium == Medium.ELECTRICITY:
        return row.electricity_kwh
    return Decimal(str(row.consumption.get(medium, 0)))


def monthly_kpis(*, site: Site, year: int) -> dict[int, SiteKpi]:
    """The site's stored month KPIs of ``year`` by month number. One query."""
    zone = zoneinfo.ZoneInfo(site.time_zone)
    lo = dt.datetime(year, 1, 1, tzinfo=zone)
    hi = dt.datetime(year + 1, 1, 1, tzinfo=zone)
    rows = SiteKpi.objects.filter(site=site, granularity=Granularity.MONTH, start__gte=lo, start__lt=hi)
    return {row.start.astimezone(zone).month: row for row in rows}


def _tariff(tariffs: list[BudgetTariff], medium: str, day: dt.date) -> Decimal | None:
    for t in tariffs:
        if t.medium == medium and t.valid_from <= day and (t.valid_to is None or day <= t.valid_to):
            return t.price_cny
    return None


def run_rate_forecast(*, actual_to_date: Decimal, elapsed: int) -> Decimal | None:
    """Year-end forecast from the run rate: the mean of the complete months with actuals times twelve."""
    if elapsed == 0:
        return None
    return actual_to_date / elapsed * 12


def _baseline_for(baselines: list[EnergyBaseline], quantity: str, medium: str) -> EnergyBaseline | None:
    for b in baselines:
        if b.scope != BaselineScope.SITE or b.intercept is None:
            continue
        if quantity == BudgetQuantity.TCE and b.measure == EnergyMeasure.TCE:
            return b
        medium_match = b.measure == EnergyMeasure.MWH and b.medium == medium
        if quantity == BudgetQuantity.MEDIUM and medium_match and KPI_UNIT.get(medium) == "kWh":
            return b
    return None


def baseline_forecast(
    *, baseline: EnergyBaseline, year: int, elapsed: int, actual_to_date: Decimal
) -> Decimal | None:
    """Actual to date plus the baseline model's prediction for each remaining month, driven by the
    same month of the year before (its production and degree days). None when a driver is missing."""
    if elapsed >= 12:
        return actual_to_date
    model = baseline_model(baseline)
    data = monthly_data(
        baseline=baseline, start=dt.date(year - 1, elapsed + 1, 1), end=dt.date(year - 1, 12, 1)
    )
    total = Decimal(0)
    for month in range(elapsed + 1, 13):
        item = data.get(dt.date(year - 1, month, 1))
        values = driver_values(item, baseline) if item is not None else None
        if values is None:
            return None
        predicted = model.intercept + sum(model.coefficients.get(k, 0.0) * v for k, v in values.items())
        total += Decimal(str(predicted))
    scale = Decimal(1000) if baseline.measure == EnergyMeasure.MWH else Decimal(1)  # MWh -> kWh
    return actual_to_date + total * scale


def _series(
    budget: EnergyBudget,
    quantity: str,
    medium: str,
    amounts: dict[int, Decimal],
    kpis: dict[int, SiteKpi],
    tariffs: list[BudgetTariff],
    baselines: list[EnergyBaseline],
    running_month: int | None,
) -> BudgetSeries:
    """One line's months. The running month shows its actual so far; it is over budget only once
    that already exceeds the month's budget beyond the tolerance, and the forecasts leave it out
    (a few days' actual is not a month's run rate)."""
    tolerance = budget.tolerance_percent
    months: list[MonthRow] = []
    cum_budget, cum_actual = Decimal(0), Decimal(0)
    elapsed, gap = 0, False
    for month in range(1, 13):
        amount = amounts.get(month, Decimal(0))
        row = kpis.get(month)
        actual = _actual(row, quantity, medium) if row is not None else None
        cum_budget += amount
        running = month == running_month
        if actual is not None:
            cum_actual += actual
            if not gap and not running:
                elapsed = month
        if actual is None or running:
            gap = True
        variance = actual - amount if actual is not None else None
        percent = variance / amount * HUNDRED if variance is not None and amount else None
        over = variance is not None and variance > 0 and (percent is None or percent > tolerance)
        medium_priced = medium if quantity == BudgetQuantity.MEDIUM else ""
        months.append(
            MonthRow(
                month=month,
                budget=amount,
                actual=actual,
                cumulative_budget=cum_budget,
                cumulative_actual=cum_actual if actual is not None else None,
                variance=variance,
                variance_percent=percent,
                over=over,
                tariff=_tariff(tariffs, medium_priced, dt.date(budget.year, month, 1))
                if medium_priced
                else None,
                running=running and actual is not None,
            )
        )
    to_date = sum((m.actual for m in months[:elapsed] if m.actual is not None), Decimal(0))
    baseline = _baseline_for(baselines, quantity, medium)
    return BudgetSeries(
        quantity=quantity,
        medium=medium,
        unit=unit_of(quantity, medium),
        months=months,
        elapsed=elapsed,
        actual_to_date=to_date,
        budget_total=cum_budget,
        run_rate_forecast=run_rate_forecast(actual_to_date=to_date, elapsed=elapsed),
        baseline_forecast=(
            baseline_forecast(baseline=baseline, year=budget.year, elapsed=elapsed, actual_to_date=to_date)
            if baseline is not None
            else None
        ),
        baseline_name=baseline.name if baseline is not None else "",
    )


def budget_vs_actual(
    *, budget: EnergyBudget, with_baseline: bool = True, today: dt.date | None = None
) -> list[BudgetSeries]:
    """Each budgeted quantity's months: budget, actual, cumulative, variance and the year-end
    forecasts; ``today`` (the site's local date by default) decides which month is still running.
    A fixed number of queries whatever the number of lines (more when a baseline applies)."""
    if today is None:
        today = timezone.localdate(timezone=zoneinfo.ZoneInfo(budget.site.time_zone))
    running_month = today.month if today.year == budget.year else None
    amounts: dict[tuple[str, str], dict[int, Decimal]] = {}
    for line in budget.lines.all():
        amounts.setdefault((line.quantity, line.medium), {})[line.month] = line.amount
    kpis = monthly_kpis(site=budget.site, year=budget.year)
    tariffs = list(budget.tariffs.all())
    baselines = list(EnergyBaseline.objects.filter(site=budget.site)) if with_baseline else []
    return [
        _series(budget, quantity, medium, by_month, kpis, tariffs, baselines, running_month)
        for (quantity, medium), by_month in sorted(amounts.items())
    ]


@dataclasses.dataclass(frozen=True)
class Overrun:
    budget: EnergyBudget
    quantity: str
    medium: str
    unit: str
    month: dt.date
    budget_amount: Decimal
    actual: Decimal
    variance_percent: Decimal | None

    @property
    def series_key(self) -> str:
        return f"{self.quantity}-{self.medium}" if self.medium else self.quantity

    @property
    def subject(self) -> str:
        """The digest line in the active language: the budget, its line and month, the actual
        against the budget and the tolerance it went beyond."""
        figures = {
            "site": self.budget.site.code,
            "year": self.budget.year,
            "line": series_label(self.quantity, self.medium),
            "month": f"{self.month:%Y-%m}",
            "actual": f"{self.actual.normalize():f}",
            "budget": f"{self.budget_amount.normalize():f}",
            "unit": self.unit,
            "tolerance": f"{self.budget.tolerance_percent.normalize():f}",
        }
        if self.variance_percent is None:
            return (
                _(
                    "%(site)s %(year)s budget · %(line)s · %(month)s: actual %(actual)s %(unit)s "
                    "against a budget of zero (tolerance %(tolerance)s %%)"
                )
                % figures
            )
        return _(
            "%(site)s %(year)s budget · %(line)s · %(month)s: actual %(actual)s %(unit)s against "
            "a budget of %(budget)s %(unit)s, +%(variance)s %% (tolerance %(tolerance)s %%)"
        ) % {**figures, "variance": f"{self.variance_percent:.1f}"}


def budget_overruns(*, on: dt.date) -> list[Overrun]:
    """Months up to the month before ``on`` whose actual exceeds the budget by more than the
    budget's tolerance, in the budgets of ``on``'s year and the year before."""
    overruns = []
    budgets = (
        EnergyBudget.objects.filter(year__in=[on.year - 1, on.year])
        .select_related("site")
        .prefetch_related("lines", "tariffs")
    )
    for budget in budgets:
        for series in budget_vs_actual(budget=budget, with_baseline=False, today=on):
            for row in series.months:
                month = dt.date(budget.year, row.month, 1)
                if row.over and row.actual is not None and month < dt.date(on.year, on.month, 1):
                    overruns.append(
                        Overrun(
                            budget,
                            series.quantity,
                            series.medium,
                            series.unit,
                            month,
                            row.budget,
                            row.actual,
                            row.variance_percent,
                        )
                    )
    return overruns


def budget_list(*, site: Site | None = None, year: int | None = None) -> QuerySet[EnergyBudget]:
    qs = EnergyBudget.objects.select_related("site")
    if site is not None:
        qs = qs.filter(site=site)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("site__code", "-year")


def budget_get(*, pk: int) -> EnergyBudget:
    return get_object_or_404(
        EnergyBudget.objects.select_related("site").prefetch_related("lines", "tariffs"), pk=pk
    )


def lines_from_actuals(
    *, site: Site, year: int, percent: Decimal, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], list[Decimal]]:
    """Twelve monthly amounts per (quantity, medium) from ``year``'s stored actuals, changed by
    ``percent`` (-10 for ten per cent less). Months without actuals are zero."""
    kpis = monthly_kpis(site=site, year=year)
    factor = 1 + percent / HUNDRED
    return {
        (q, m): [
            (_actual(kpis[month], q, m) * factor).quantize(Decimal("0.000001"))
            if month in kpis
            else Decimal(0)
            for month in range(1, 13)
        ]
        for q, m in keys
    }
