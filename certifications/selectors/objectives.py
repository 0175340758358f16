"""Reads of the objectives register: the list and an objective's page, and each objective's current
value with where it comes from: its latest progress entry, or the site KPI it follows, read through
accounting.selectors.kpis over the objective's period (to yesterday), with the period, the days with
data, the factor sets and the meters the KPI selectors report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounting import formulas
from accounting.selectors import kpis as kpi_selectors
from greenfactory.sites.models import Site

from ..models import Direction, Follows, Objective, ObjectiveProgress

_PLACES = Decimal("0.000001")


@dataclass
class CurrentValue:
    """An objective's current value: where it was read, for which period and with what data."""

    value: Decimal | None
    source: str  # Follows value
    on: dt.date | None = None  # the progress entry's date (manual)
    start: dt.date | None = None  # the KPI period (kpi)
    end: dt.date | None = None
    days: int = 0
    days_with_data: int = 0
    factors: list[dict] = field(default_factory=list)
    meters: dict[str, float] = field(default_factory=dict)
    note: str = ""
    percent: Decimal | None = None
    achieved: bool | None = None


def objective_list() -> QuerySet[Objective]:
    latest = ObjectiveProgress.objects.order_by("-recorded_on", "-pk")
    return (
        Objective.objects.select_related("owner", "kpi_site")
        .prefetch_related(
            "standards", "sites", Prefetch("progress", queryset=latest, to_attr="latest_progress")
        )
        .order_by("reference")
    )


def objective_detail(pk: int) -> Objective:
    return (
        Objective.objects.select_related("owner", "kpi_site")
        .prefetch_related(
            "standards",
            "sites",
            "clauses__standard",
            "evidence",
            "findings",
            Prefetch("progress", queryset=ObjectiveProgress.objects.select_related("recorded_by")),
        )
        .get(pk=pk)
    )


def progress_percent(
    *, baseline: Decimal | None, target: Decimal, current: Decimal | None, direction: str
) -> Decimal | None:
    """How far the current value has come from the baseline towards the target, in per cent (0 at
    the baseline, 100 at the target, above 100 beyond it, negative when it went the wrong way).
    Without a baseline (or with the target equal to it) only a met target (100) can be said."""
    if current is None:
        return None
    if baseline is None or baseline == target:
        return Decimal(100) if target_met(target=target, current=current, direction=direction) else None
    return ((current - baseline) / (target - baseline) * 100).quantize(Decimal("0.1"))


def target_met(*, target: Decimal, current: Decimal | None, direction: str) -> bool | None:
    if current is None:
        return None
    return current <= target if direction == Direction.LOWER else current >= target


def kpi_figure(bucket: kpi_selectors.KpiBucket, figure: str) -> Decimal | None:
    """One figure of a KPI bucket, as the KPI API reports it (six places)."""
    f = bucket.figures
    if figure == "electricity_kwh_per_t":
        # Electricity used: from the grid and from on-site PV, per tonne processed.
        value = formulas.intensity(numerator=f["electricity_kwh"] + f["pv_kwh"], denominator=f["processed_t"])
        return None if value is None else value.quantize(_PLACES)
    if figure == "electricity_kwh":
        return f["electricity_kwh"].quantize(_PLACES)
    reported = bucket.as_dict().get(figure)
    return None if reported is None else Decimal(reported)


def kpi_period(objective: Objective, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The days the followed KPI is summed over: the objective's period up to yesterday."""
    end = min(objective.due_on, today - dt.timedelta(days=1))
    if end < objective.starts_on:
        return None
    return objective.starts_on, end


def current_values(
    objectives: Iterable[Objective], *, with_meters: bool = False, today: dt.date | None = None
) -> dict[int, CurrentValue]:
    """The current value of each objective. Manual objectives read their prefetched progress (no
    query); objectives following a KPI share one KPI read per site and period (two or three queries
    each), so a page of objectives following the same figures costs the same whatever its size."""
    today = today or timezone.localdate()
    cache: dict[tuple[int, dt.date, dt.date], kpi_selectors.KpiBucket | None] = {}
    out: dict[int, CurrentValue] = {}
    for objective in objectives:
        if objective.follows == Follows.KPI and objective.kpi_site is not None:
            current = _kpi_value(objective, cache, with_meters=with_meters, today=today)
        else:
            current = _manual_value(objective)
        current.percent = progress_percent(
            baseline=objective.baseline,
            target=objective.target,
            current=current.value,
            direction=objective.direction,
        )
        current.achieved = target_met(
            target=objective.target, current=current.value, direction=objective.direction
        )
        out[objective.pk] = current
    return out


def _manual_value(objective: Objective) -> CurrentValue:
    rows = getattr(objective, "latest_progress", None)
    if rows is None:
        rows = sorted(objective.progress.all(), key=lambda p: (p.recorded_on, p.pk), reverse=True)
    if not rows:
        return CurrentValue(value=None, source=Follows.MANUAL)
    last = rows[0]
    return CurrentValue(value=last.value, source=Follows.MANUAL, on=last.recorded_on, note=last.note)


def _kpi_value(
    objective: Objective,
    cache: dict[tuple[int, dt.date, dt.date], kpi_selectors.KpiBucket | None],
    *,
    with_meters: bool,
    today: dt.date,
) -> CurrentValue:
    site: Site = objective.kpi_site  # type: ignore[assignment]
    period = kpi_period(objective, today)
    if period is None:
        return CurrentValue(value=None, source=Follows.KPI)
    start, end = period
    key = (site.pk, start, end)
    if key not in cache:
        buckets = kpi_selectors.kpi_series(
            site=site, start=start, end=end, granularity=kpi_selectors.TOTAL, with_meters=with_meters
        )
        cache[key] = buckets[0] if buckets else None
    bucket = cache[key]
    if bucket is None:
        return CurrentValue(value=None, source=Follows.KPI, start=start, end=end, days=(end - start).days + 1)
    return CurrentValue(
        value=kpi_figure(bucket, objective.kpi),
        source=Follows.KPI,
        start=bucket.start,
        end=bucket.end,
        days=bucket.days,
        days_with_data=bucket.days_with_data,
        factors=bucket.factors,
        meters=dict(bucket.meters),
    )
