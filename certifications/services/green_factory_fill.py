"""Filling green-factory indicators from the measured KPIs, with provenance, and keeping them current.

Every figure is read through accounting's selectors (``kpi_series``, the dashboard's read path, and
the energy-functions list), never recomputed here: the evaluation and the dashboard agree. An indicator
whose scheme entry names a ``source`` gets the year's figure as an automatic value; a value entered by
hand is never overwritten, the fresh figure is recorded beside it (``provenance["measured"]``). A source
without data leaves no value and says why (``Evaluation.fill_notes``, ``FillResult.missing``).

The fill follows the KPIs: accounting announces refreshed buckets (``accounting.signals.kpis_changed``),
certifications queues ``certifications.green_factory_refresh`` for the site and year, and the periodic
``certifications.green_factory_sweep`` refills any evaluation whose KPIs were computed since its last
fill (a lost message, a broker that was down).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounting import formulas
from accounting.selectors.energy_functions import energy_function_list
from accounting.selectors.kpis import TOTAL, KpiBucket, kpi_series, kpis_computed_at, meter_tree
from accounting.services.kpis import KGCE_MEDIA
from accounting.units import KPI_UNIT
from greenfactory.accounts.models import User
from greenfactory.sites.models import Site
from metering.choices import Medium

from ..models import Evaluation, Indicator, IndicatorValue, ValueOrigin
from ._common import history_by

# Why an indicator with an automatic source has no measured value (keys kept in Evaluation.fill_notes).
FILL_REASONS: dict[str, Promise] = {
    "no_kpis": _("No KPIs are stored for this site and year."),
    "no_production": _("No tonnes processed are recorded for the year: there is nothing to divide by."),
    "no_energy": _("No energy was measured in the year (no electricity, fuel or heat meters or deliveries)."),
    "no_electricity": _("No electricity (grid or on-site PV) was measured in the year."),
    "no_water_meter": _("The site has no water meter."),
    "unknown_source": _("The scheme names an automatic source this installation does not know."),
    "no_site_areas": _("The site's land area or floor area is not recorded in its master data."),
}
_Q6 = Decimal("0.000001")
_Q3 = Decimal("0.001")
# The energy media counted in comprehensive energy consumption (GB/T 2589), as the KPIs count them.
_ENERGY_MEDIA = tuple(str(m) for m in KGCE_MEDIA)
_ELECTRICITY_MEDIA = (Medium.ELECTRICITY, Medium.PV_GENERATION, Medium.GREEN_ELECTRICITY)


@dataclass
class FillResult:
    """What a fill did, per indicator code: automatic values stored, hand-entered values kept (with the
    fresh measured figure, None when not measurable), and the reason of each value that is missing."""

    evaluation: Evaluation
    filled: dict[str, Decimal] = field(default_factory=dict)
    kept_manual: dict[str, Decimal | None] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    annual_energy_tce: Decimal | None = None


@dataclass
class _Measured:
    value: Decimal | None
    reason: str = ""
    provenance: dict = field(default_factory=dict)


@dataclass
class _Year:
    """The year's KPIs of the site, read once for every indicator."""

    site: Site
    year: int
    bucket: KpiBucket | None
    totals: dict
    roots: dict[str, list[tuple[str, str]]]  # medium -> (meter code, canonical unit), root meters only
    computed_at: dt.datetime | None

    @property
    def period(self) -> dict:
        start, end = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        days_with_data = self.bucket.days_with_data if self.bucket else 0
        return {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "days": (end - start).days + 1,
            "days_with_data": days_with_data,
        }

    def meters(self, media: tuple[str, ...]) -> list[dict]:
        quantities = self.bucket.meters if self.bucket else {}
        return [
            {"code": code, "medium": medium, "quantity": _s(quantities.get(code)), "unit": unit}
            for medium in media
            for code, unit in self.roots.get(medium, [])
        ]

    def figure(self, name: str) -> Decimal:
        assert self.bucket is not None  # noqa: S101 - callers check for the bucket first
        return self.bucket.figures[name]

    @property
    def processed_t(self) -> Decimal:
        return self.figure("processed_t") if self.bucket else Decimal(0)

    def base(self, source: str, media: tuple[str, ...], *, factors: bool) -> dict:
        provenance = {
            "source": source,
            "period": self.period,
            "meters": self.meters(media),
            "kpis_computed_at": self.computed_at.isoformat() if self.computed_at else None,
        }
        if self.bucket is not None:
            provenance["consumption"] = {
                m: q for m, q in self.totals.get("consumption", {}).items() if m in media
            }
        if factors and self.bucket is not None:
            provenance["factors"] = self.bucket.factors
        return provenance


def _s(value: Decimal | float | None) -> str | None:
    if value is None:
        return None
    return str(Decimal(repr(value)).quantize(_Q6) if isinstance(value, float) else value.quantize(_Q6))


def _per_tonne(year: _Year, source: str, media: tuple[str, ...], *, factors: bool) -> _Measured | None:
    """The common checks of a per-tonne intensity: KPIs and production exist."""
    if year.bucket is None:
        return _Measured(None, "no_kpis", year.base(source, media, factors=factors))
    if not year.processed_t:
        return _Measured(None, "no_production", year.base(source, media, factors=factors))
    return None


def _production(year: _Year) -> dict:
    return {"processed": {"value": _s(year.processed_t), "unit": "t"}}


def _energy_per_unit(year: _Year) -> _Measured:
    """Comprehensive energy consumption per tonne processed, kgce/t (the dashboard's kgce_per_t)."""
    missing = _per_tonne(year, "energy_per_unit", _ENERGY_MEDIA, factors=True)
    if missing is not None:
        return missing
    provenance = year.base("energy_per_unit", _ENERGY_MEDIA, factors=True)
    if not year.figure("tce"):
        return _Measured(None, "no_energy", provenance)
    provenance["production"] = _production(year)
    provenance["figures"] = {"tce": {"value": _s(year.figure("tce")), "unit": "tce"}}
    return _Measured(Decimal(year.totals["kgce_per_t"]), provenance=provenance)


def _carbon_intensity(year: _Year) -> _Measured:
    """Scope 1 plus scope 2 (location-based) per tonne processed, tCO2e/t: the factory's own emissions
    and those of the energy it imports (ISO 14064-1 categories 1 and 2)."""
    missing = _per_tonne(year, "carbon_intensity", _ENERGY_MEDIA, factors=True)
    if missing is not None:
        return missing
    provenance = year.base("carbon_intensity", _ENERGY_MEDIA, factors=True)
    scope1, scope2 = year.figure("scope1_tco2e"), year.figure("scope2_location_tco2e")
    if not year.figure("tce"):
        return _Measured(None, "no_energy", provenance)
    provenance["production"] = _production(year)
    provenance["figures"] = {
        "scope1": {"value": _s(scope1), "unit": "tCO2e"},
        "scope2_location": {"value": _s(scope2), "unit": "tCO2e"},
    }
    value = formulas.intensity(numerator=scope1 + scope2, denominator=year.processed_t)
    return _Measured(value, provenance=provenance)


def _renewable_share(year: _Year) -> _Measured:
    """(On-site PV + green electricity and certificates) / total electricity, in per cent (the
    dashboard's renewable_share)."""
    media = tuple(str(m) for m in _ELECTRICITY_MEDIA)
    provenance = year.base("renewable_share", media, factors=False)
    if year.bucket is None:
        return _Measured(None, "no_kpis", provenance)
    share = year.totals.get("renewable_share")
    if share is None:
        return _Measured(None, "no_electricity", provenance)
    provenance["figures"] = {
        name: {"value": _s(year.figure(name)), "unit": "kWh"}
        for name in ("electricity_kwh", "pv_kwh", "green_kwh", "certificates_kwh")
    }
    return _Measured(Decimal(share) * 100, provenance=provenance)


def _water_intensity(year: _Year) -> _Measured:
    """Water intake per tonne processed, m3/t (the dashboard's water_m3_per_t)."""
    media = (str(Medium.WATER),)
    if not year.roots.get(Medium.WATER):
        return _Measured(None, "no_water_meter", year.base("water_intensity", media, factors=False))
    missing = _per_tonne(year, "water_intensity", media, factors=False)
    if missing is not None:
        return missing
    provenance = year.base("water_intensity", media, factors=False)
    provenance["production"] = _production(year)
    provenance["figures"] = {"water": {"value": _s(year.figure("water_m3")), "unit": KPI_UNIT[Medium.WATER]}}
    return _Measured(Decimal(year.totals["water_m3_per_t"]), provenance=provenance)


def _platform_functions(year: _Year) -> _Measured:
    """How many of the standard's energy-and-carbon management functions this installation provides."""
    functions = energy_function_list()
    provided = [f.key for f in functions if f.provided]
    provenance = {
        "source": "platform_functions",
        "functions": provided,
        "of": len(functions),
        "data": "accounting/data/energy_functions.yaml",
    }
    return _Measured(Decimal(len(provided)), provenance=provenance)


def _floor_area_ratio(year: _Year) -> _Measured:
    """Floor area / land area, from the site's master data (not from the KPIs: it has no period)."""
    site = year.site
    provenance = {
        "source": "floor_area_ratio",
        "site": {
            "code": site.code,
            "land_area_m2": _s(site.land_area_m2),
            "floor_area_m2": _s(site.floor_area_m2),
        },
        "data": "site master data",
    }
    if not site.land_area_m2 or site.floor_area_m2 is None:
        return _Measured(None, "no_site_areas", provenance)
    return _Measured((site.floor_area_m2 / site.land_area_m2).quantize(_Q6), provenance=provenance)


SOURCES: dict[str, Callable[[_Year], _Measured]] = {
    "floor_area_ratio": _floor_area_ratio,
    "energy_per_unit": _energy_per_unit,
    "carbon_intensity": _carbon_intensity,
    "renewable_share": _renewable_share,
    "water_intensity": _water_intensity,
    "platform_functions": _platform_functions,
}


def _year_read(site: Site, year: int) -> _Year:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    # Read first: KPIs committed while the fill reads make the stored time older than theirs, so
    # the sweep fills again rather than taking the evaluation as current.
    computed_at = kpis_computed_at(site=site, start=start, end=end)
    buckets = kpi_series(site=site, start=start, end=end, granularity=TOTAL, with_meters=True)
    bucket = buckets[0] if buckets else None
    roots: dict[str, list[tuple[str, str]]] = {}
    for meter, depth, unit in meter_tree(site=site):
        if depth == 0 and not meter.is_virtual:
            roots.setdefault(meter.medium, []).append((meter.code, unit))
    totals = bucket.as_dict() if bucket else {}
    return _Year(site, year, bucket, totals, roots, computed_at)


_TIMES = ("computed_at", "kpis_computed_at")


def _same(a: dict, b: dict) -> bool:
    """Provenances equal but for when they were computed: KPIs recomputed to the same figures (a
    factor set that changed nothing here) leave the stored value and its history alone."""

    def figures(provenance: dict) -> dict:
        return {k: v for k, v in provenance.items() if k not in _TIMES}

    inner_a, inner_b = a.get("provenance"), b.get("provenance")
    if isinstance(inner_a, dict) and isinstance(inner_b, dict):  # a measured figure beside a hand value
        return figures({**a, "provenance": figures(inner_a)}) == figures(
            {**b, "provenance": figures(inner_b)}
        )
    return figures(a) == figures(b)


def _measured_note(measured: _Measured) -> dict:
    if measured.value is None:
        return {"value": None, "reason": measured.reason, "provenance": measured.provenance}
    return {"value": _s(measured.value), "provenance": measured.provenance}


def _store(
    *, evaluation: Evaluation, indicator: Indicator, measured: _Measured, by: User | None, now: str
) -> IndicatorValue | None:
    """Write one indicator's automatic value (or record it beside a hand-entered one); returns the entry
    that holds the indicator's value afterwards."""
    entry = (
        IndicatorValue.objects.select_for_update().filter(evaluation=evaluation, indicator=indicator).first()
    )
    if entry is not None and entry.origin == ValueOrigin.MANUAL:
        note = _measured_note(measured)
        if not _same(entry.provenance.get("measured") or {}, note):
            # The person's value and its version stay: only what was measured beside it changes.
            entry.provenance = {**entry.provenance, "measured": {**note, "computed_at": now}}
            history_by(entry, by)
            entry.save(update_fields=["provenance"])
        return entry
    if measured.value is None:
        if entry is not None:
            entry.delete()
        return None
    value = measured.value.quantize(_Q6)
    provenance = {**measured.provenance, "value": str(value), "unit": indicator.unit, "computed_at": now}
    if entry is None:
        entry = IndicatorValue(evaluation=evaluation, indicator=indicator, origin=ValueOrigin.AUTOMATIC)
    elif entry.value == value and _same(entry.provenance, provenance):
        return entry  # unchanged: a refill writes nothing
    entry.value, entry.case, entry.reason, entry.provenance = value, "", "", provenance
    entry.updated_by = by
    history_by(entry, by)
    entry.save()
    return entry


@transaction.atomic
def evaluation_fill(*, evaluation: Evaluation, by: User | None = None) -> FillResult:
    """Fill every indicator of the evaluation's scheme that has an automatic ``source`` with the year's
    figure for its site, with provenance; set ``annual_energy_tce`` (which chooses bands) and the time of
    the fill. Hand-entered values are kept (the measured figure is recorded beside them). Idempotent:
    a second fill over the same KPIs writes no value."""
    caller = evaluation
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    site = Site.objects.get(pk=evaluation.site_id)
    year = _year_read(site, evaluation.year)
    now = timezone.now()
    result = FillResult(evaluation=evaluation)
    notes: dict[str, str] = {}
    indicators = Indicator.objects.filter(scheme_id=evaluation.scheme_id).exclude(source="")
    for indicator in indicators.order_by("position"):
        compute = SOURCES.get(indicator.source)
        measured = (
            compute(year) if compute else _Measured(None, "unknown_source", {"source": indicator.source})
        )
        entry = _store(
            evaluation=evaluation, indicator=indicator, measured=measured, by=by, now=now.isoformat()
        )
        if entry is not None and entry.origin == ValueOrigin.MANUAL:
            result.kept_manual[indicator.code] = measured.value
        elif entry is not None and entry.value is not None:
            result.filled[indicator.code] = entry.value
        if measured.value is None:
            notes[indicator.code] = measured.reason
            result.missing[indicator.code] = str(FILL_REASONS[measured.reason])
    tce = year.figure("tce").quantize(_Q3) if year.bucket is not None and year.figure("tce") else None
    if tce is not None and tce != evaluation.annual_energy_tce:
        # A change of the band figure is a change people see in the scores: it goes into the history.
        evaluation.annual_energy_tce = tce
        history_by(evaluation, by)
        evaluation.save(update_fields=["annual_energy_tce"])
    Evaluation.objects.filter(pk=evaluation.pk).update(
        refreshed_at=now, kpis_computed_at=year.computed_at, fill_notes=notes
    )
    # The caller's object shows the fill too (its band figure chooses the scores it computes next).
    for filled in {id(evaluation): evaluation, id(caller): caller}.values():
        filled.annual_energy_tce = evaluation.annual_energy_tce
        filled.refreshed_at, filled.kpis_computed_at, filled.fill_notes = now, year.computed_at, notes
    result.annual_energy_tce = evaluation.annual_energy_tce
    return result


def evaluations_refresh(*, site_id: int, year: int) -> int:
    """Refill the site's evaluation of the year, if it has one (its KPIs changed). Returns how many."""
    evaluations = list(Evaluation.objects.filter(site_id=site_id, year=year))
    for evaluation in evaluations:
        evaluation_fill(evaluation=evaluation)
    return len(evaluations)


def evaluations_stale_refresh() -> int:
    """Refill every evaluation never filled, or whose year's KPIs were computed since its last fill (the
    periodic sweep behind the ``kpis_changed`` messages). One query per evaluation to compare; returns
    how many were refilled."""
    refilled = 0
    for evaluation in Evaluation.objects.select_related("site").order_by("pk"):
        latest = kpis_computed_at(
            site=evaluation.site, start=dt.date(evaluation.year, 1, 1), end=dt.date(evaluation.year, 12, 31)
        )
        if evaluation.refreshed_at is None or latest != evaluation.kpis_computed_at:
            evaluation_fill(evaluation=evaluation)
            refilled += 1
    return refilled
