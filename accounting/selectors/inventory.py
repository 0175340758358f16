"""Reads of the yearly ISO 14064-1 GHG inventory of an organisation, and of its settings.

``ghg_inventory`` returns the plain data structure of accounting.selectors.inventory_report. It
reads the sites' stored month KPIs through the same selector as the KPI API (so its totals equal the
API's for the year) and the activity data behind them (refrigerant refills by gas); never raw
readings. Every formula is in accounting.formulas.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.db.models import QuerySet

from accounting import formulas
from accounting.models import (
    BaseYearRecalculation,
    Factor,
    InventoryCategory,
    InventorySettings,
    InventorySite,
    RefrigerantRefill,
    SiteKpi,
    SourceUncertainty,
)
from accounting.models.inventory import ConsolidationApproach, EmissionSource, RecalculationKind
from accounting.selectors.factors import (
    FactorMissing,
    FactorTable,
    factor_key_label,
    factor_set_names,
    shipped_chinese,
)
from accounting.selectors.inventory_report import (
    CATEGORIES,
    FUELS,
    GASES,
    SOURCE_CATEGORY,
    BaseYear,
    BoundarySite,
    CategoryRow,
    FactorUsed,
    Inventory,
    RecalculationKindRow,
    RecalculationRow,
    RefrigerantRow,
    SourceRow,
    gas_family,
    year_coverage,
)
from accounting.selectors.kpis import kpi_series
from greenfactory.core.time import Granularity
from greenfactory.sites.models import Organisation, Site
from metering.choices import Medium

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
UNCERTAINTY_DEFAULTS = Path(__file__).resolve().parent.parent / "data" / "uncertainty_defaults.yaml"


def inventory_settings(*, organisation: Organisation) -> InventorySettings:
    """The organisation's settings, or unsaved defaults (operational control, no base year, 5 %)."""
    found = InventorySettings.objects.filter(organisation=organisation).first()
    return found or InventorySettings(organisation=organisation)


def uncertainty_table() -> dict[str, SourceUncertainty]:
    """The uncertainty of every emission source type; a missing one is the shipped default (unsaved:
    reads never write; the data migration and ``uncertainty_defaults_load`` store them)."""
    rows = {row.source: row for row in SourceUncertainty.objects.all()}
    if len(rows) < len(EmissionSource.values):
        for entry in yaml.safe_load(UNCERTAINTY_DEFAULTS.read_text(encoding="utf-8")):
            rows.setdefault(
                entry["source"],
                SourceUncertainty(
                    source=entry["source"],
                    percent=Decimal(str(entry["percent"])),
                    basis=entry["basis"],
                ),
            )
    return rows


def inventory_years(*, organisation: Organisation) -> list[int]:
    """Years that have month KPIs at any of the organisation's sites, newest first."""
    starts = SiteKpi.objects.filter(site__organisation=organisation, granularity=Granularity.MONTH).dates(
        "start", "year", order="DESC"
    )
    return [d.year for d in starts]


# --- Rows of the settings page and the API ------------------------------------------------------------


def inventory_settings_stored(*, organisation: Organisation) -> InventorySettings | None:
    return InventorySettings.objects.filter(organisation=organisation).first()


def inventory_site_stored(*, site: Site) -> InventorySite | None:
    return InventorySite.objects.filter(site=site).first()


def inventory_category_stored(*, organisation: Organisation, category: int) -> InventoryCategory | None:
    return InventoryCategory.objects.filter(organisation=organisation, category=category).first()


def inventory_categories(*, organisation: Organisation) -> QuerySet[InventoryCategory]:
    return InventoryCategory.objects.filter(organisation=organisation).order_by("category")


def inventory_sites(*, organisation: Organisation) -> QuerySet[InventorySite]:
    return InventorySite.objects.filter(site__organisation=organisation).select_related("site")


def base_year_recalculations(*, organisation: Organisation) -> QuerySet[BaseYearRecalculation]:
    return BaseYearRecalculation.objects.filter(organisation=organisation).order_by("date", "id")


# --- The inventory -------------------------------------------------------------------------------------


@dataclass
class _Totals:
    """What the counted sites' month KPIs of the year add up to, each at its share."""

    figures: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: _ZERO))
    consumption: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: _ZERO))
    grid: list[dict] = field(default_factory=list)
    residual: list[dict] = field(default_factory=list)
    gwp_sets: set[str] = field(default_factory=set)
    methods: set[str] = field(default_factory=set)
    set_versions: dict[str, int] = field(default_factory=dict)
    refrigerants: dict[str, RefrigerantRow] = field(default_factory=dict)
    heat_tco2e: Decimal = _ZERO
    months: int = 0
    month_days: dict[dt.date, int] = field(default_factory=dict)  # month -> days with data (any site)


def _boundary(
    organisation: Organisation, equity: bool
) -> tuple[list[BoundarySite], list[tuple[Site, Decimal]]]:
    """Every site of the organisation as the boundary lists it, and the counted sites with their share."""
    sites = list(Site.objects.filter(organisation=organisation).select_related("inventory_boundary"))
    boundary: list[BoundarySite] = []
    counted: list[tuple[Site, Decimal]] = []
    for site in sites:
        entry = getattr(site, "inventory_boundary", None)
        included = entry.included if entry else True
        share = entry.equity_share_pct if entry else _HUNDRED
        boundary.append(
            BoundarySite(
                code=site.code,
                name=site.name,
                included=included,
                share_pct=share if equity else _HUNDRED,
                note=entry.note if entry else "",
                name_zh=site.name_zh,
            )
        )
        if included:
            counted.append((site, share / _HUNDRED if equity else Decimal(1)))
    return boundary, counted


def _add_site(
    totals: _Totals, site: Site, share: Decimal, start: dt.date, end: dt.date, refills: list
) -> None:
    """Add one site's year (its month buckets, summed in order: the same additions the KPI API makes
    for granularity=year), its purchased heat and its refrigerant refills."""
    series = kpi_series(site=site, start=start, end=end, granularity=Granularity.MONTH, with_meters=False)
    if not series:
        return
    totals.months = max(totals.months, len(series))
    site_figures: dict[str, Decimal] = defaultdict(lambda: _ZERO)
    site_consumption: dict[str, Decimal] = defaultdict(lambda: _ZERO)
    for bucket in series:
        totals.month_days[bucket.start] = max(totals.month_days.get(bucket.start, 0), bucket.days_with_data)
        for name, value in bucket.figures.items():
            site_figures[name] += value
        for medium, quantity in bucket.consumption.items():
            site_consumption[medium] += quantity
        for used in bucket.factors:
            totals.set_versions.update(used.get("sets", {}))
            totals.gwp_sets.add(used.get("gwp", ""))
            totals.methods.add(used.get("combustion_method", ""))
            for key, target in (("grid", totals.grid), ("residual", totals.residual)):
                if used.get(key) and used[key] not in target:
                    target.append(used[key])
    for name, value in site_figures.items():
        totals.figures[name] += value * share
    for medium, quantity in site_consumption.items():
        totals.consumption[medium] += quantity * share
    heat_gj = site_consumption.get(Medium.HEAT, _ZERO) + site_consumption.get(Medium.STEAM, _ZERO)
    if not heat_gj and not refills:
        return
    table = FactorTable.for_site(site=site)
    if heat_gj:
        totals.heat_tco2e += share * formulas.purchased_heat_co2(
            gj=heat_gj, tco2_per_gj=table.get("china-guideline", "heat.co2")
        )
    for gas, kg in refills:
        _add_refrigerant(totals.refrigerants, table, gas, kg * share)


def _year_totals(counted: list[tuple[Site, Decimal]], start: dt.date, end: dt.date) -> _Totals:
    totals = _Totals()
    refills = defaultdict(list)
    for site_id, gas, kg in RefrigerantRefill.objects.filter(
        site__in=[s for s, _share in counted], date__gte=start, date__lte=end
    ).values_list("site_id", "gas", "kg"):
        refills[site_id].append((gas, kg))
    for site, share in counted:
        _add_site(totals, site, share, start, end, refills.get(site.pk, []))
    return totals


def _add_refrigerant(rows: dict[str, RefrigerantRow], table: FactorTable, gas: str, kg: Decimal) -> None:
    try:
        gwp = table.gwp(gas)
    except FactorMissing:
        return  # refused when recorded; a GWP set without the gas also leaves it out of the KPIs
    code = table.settings.gwp_set.code
    fractions = {gas: Decimal(1)} if table.has(code, gas) else table.blend_fractions(gas)
    row = rows.get(gas)
    if row is None:
        row = rows[gas] = RefrigerantRow(gas=gas, kg=_ZERO, gwp=gwp, tco2e=_ZERO, components={})
    row.kg += kg
    row.tco2e += formulas.refrigerant_co2e(leak_kg=formulas.refrigerant_leak_kg(refills_kg=kg), gwp_value=gwp)
    for component, fraction in fractions.items():
        family = gas_family(component)
        share = formulas.refrigerant_co2e(leak_kg=kg * fraction, gwp_value=table.get(code, component))
        row.components[family] = row.components.get(family, _ZERO) + share


def _categories(organisation: Organisation, categories_kpi: dict[int, Decimal]) -> list[CategoryRow]:
    choices = {row.category: row for row in InventoryCategory.objects.filter(organisation=organisation)}
    rows = []
    for category in CATEGORIES:
        choice = choices.get(category)
        included = choice.included if choice else True
        rows.append(
            CategoryRow(
                category=category,
                included=included,
                justification=choice.justification if choice else "",
                tco2e=categories_kpi[category],
                reported_tco2e=categories_kpi[category] if included else None,
            )
        )
    return rows


def _gases(
    categories_kpi: dict[int, Decimal], refrigerants: list[RefrigerantRow], refrigerant_total: Decimal
) -> dict[int, dict[str, Decimal]]:
    gases: dict[int, dict[str, Decimal]] = {1: dict.fromkeys(GASES, _ZERO), 2: dict.fromkeys(GASES, _ZERO)}
    for row in refrigerants:
        for family, tco2e in row.components.items():
            gases[1][family] = gases[1].get(family, _ZERO) + tco2e
    # Combustion (both methods as configured) reports CO2 only; the rest of category 1 is refrigerants.
    gases[1]["CO2"] = categories_kpi[1] - refrigerant_total
    gases[2]["CO2"] = categories_kpi[2]
    return gases


def _sources(
    totals: _Totals,
    categories_kpi: dict[int, Decimal],
    refrigerants: list[RefrigerantRow],
    included_categories: set[int],
) -> list[SourceRow]:
    """Emissions per source type with their activity data and uncertainty."""
    figures, consumption = totals.figures, totals.consumption
    refrigerant_total = sum((r.tco2e for r in refrigerants), _ZERO)
    activity_fuels: list[tuple[str, Decimal, str]] = [
        (medium, consumption[medium], "m3" if medium == Medium.NATURAL_GAS else "kg")
        for medium in FUELS
        if consumption.get(medium)
    ]
    source_figures: dict[EmissionSource, tuple[Decimal, list[tuple[str, Decimal, str]]]] = {
        EmissionSource.STATIONARY_COMBUSTION: (categories_kpi[1] - refrigerant_total, activity_fuels),
        EmissionSource.REFRIGERANTS: (refrigerant_total, [(r.gas, r.kg, "kg") for r in refrigerants]),
        EmissionSource.IMPORTED_ELECTRICITY: (
            categories_kpi[2] - totals.heat_tco2e,
            [(Medium.ELECTRICITY, figures["electricity_kwh"], "kWh")] if figures["electricity_kwh"] else [],
        ),
        EmissionSource.IMPORTED_HEAT: (
            totals.heat_tco2e,
            [(m, consumption[m], "GJ") for m in (Medium.HEAT, Medium.STEAM) if consumption.get(m)],
        ),
        **{EmissionSource(f"category{i}"): (categories_kpi[i], []) for i in range(3, 7)},
    }
    uncertainties = uncertainty_table()
    sources = []
    for source, (tco2e, activity) in source_figures.items():
        if not tco2e and not activity:
            continue
        known = uncertainties.get(source)
        sources.append(
            SourceRow(
                source=source.value,
                category=SOURCE_CATEGORY[source],
                included=SOURCE_CATEGORY[source] in included_categories,
                activity=[(str(m), q, u) for m, q, u in activity],
                tco2e=tco2e,
                uncertainty_pct=known.percent if known else _ZERO,
                basis=known.basis if known else "",
                basis_zh=shipped_chinese(english=known.basis, what="basis", of=(source.value,))
                if known
                else "",
            )
        )
    return sources


def _combined_uncertainty(sources: list[SourceRow]) -> Decimal | None:
    counted = [(float(s.tco2e), float(s.uncertainty_pct) / 100) for s in sources if s.included]
    if not any(e for e, _u in counted):
        return None
    return Decimal(repr(round(formulas.uncertainty_sum(counted) * 100, 6)))


def ghg_inventory(*, organisation: Organisation, year: int) -> Inventory:
    """The organisation's inventory for a calendar year (days of each site's time zone).

    Sites in the organisational boundary count at 100 % under a control approach and at their
    equity share under the equity-share approach. Categories outside the reporting boundary are
    listed with their justification and left out of the totals.
    """
    settings = inventory_settings(organisation=organisation)
    boundary, counted = _boundary(organisation, settings.consolidation == ConsolidationApproach.EQUITY_SHARE)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    totals = _year_totals(counted, start, end)
    figures = totals.figures
    refrigerants = sorted(totals.refrigerants.values(), key=lambda r: r.gas)
    categories_kpi = {
        1: figures["scope1_tco2e"],
        2: figures["scope2_location_tco2e"],
        **{i: figures[f"category{i}_tco2e"] for i in range(3, 7)},
    }
    rows = _categories(organisation, categories_kpi)
    included_categories = {row.category for row in rows if row.included}
    refrigerant_total = sum((r.tco2e for r in refrigerants), _ZERO)
    sources = _sources(totals, categories_kpi, refrigerants, included_categories)
    total = sum((categories_kpi[c] for c in included_categories), _ZERO)
    market_total = total
    if 2 in included_categories:
        market_total += figures["scope2_market_tco2e"] - categories_kpi[2]
    return Inventory(
        organisation_code=organisation.code,
        organisation_name=organisation.name,
        year=year,
        start=start,
        end=end,
        consolidation=settings.consolidation,
        boundary_note=settings.boundary_note,
        sites=boundary,
        categories=rows,
        gases=_gases(categories_kpi, refrigerants, refrigerant_total),
        refrigerants=refrigerants,
        scope1_tco2e=figures["scope1_tco2e"],
        scope2_location_tco2e=figures["scope2_location_tco2e"],
        scope2_market_tco2e=figures["scope2_market_tco2e"],
        electricity_kwh=figures["electricity_kwh"],
        green_kwh=figures["green_kwh"],
        certificates_kwh=figures["certificates_kwh"],
        total_tco2e=total,
        total_market_tco2e=market_total,
        kpi_total_tco2e=sum(categories_kpi.values(), _ZERO),
        sources=sources,
        combined_uncertainty_pct=_combined_uncertainty(sources),
        factors=_factors_used(totals),
        gwp_sets=sorted(g for g in totals.gwp_sets if g),
        gwp_set_names=[named for _code, named in sorted(factor_set_names(codes=totals.gwp_sets).items())],
        combustion_methods=sorted(m for m in totals.methods if m),
        grid=totals.grid,
        residual=totals.residual,
        base_year=_base_year(organisation, settings),
        months_with_data=totals.months,
        **year_coverage(month_days=totals.month_days, start=start, end=end),
        unsplit_gases={i: categories_kpi[i] for i in range(3, 7)},
    )


def _factors_used(totals: _Totals) -> list[FactorUsed]:
    """The factors behind the figures, with their sources: grid and residual factors, the GWP sets,
    and the combustion factors of the fuels burnt."""
    set_versions, gwp_sets, methods = totals.set_versions, totals.gwp_sets, totals.methods
    grid, residual, consumption = totals.grid, totals.residual, totals.consumption
    wanted: set[tuple[str, str, int | None]] = set()
    for used in (*grid, *residual):
        wanted.add(("grid-cn", used["region"], used["year"]))
    fuels = [m for m in FUELS if consumption.get(m)]
    for method in methods:
        if method == "china":
            wanted |= {("china-guideline", f"{f}.{p}", None) for f in fuels for p in ("ncv", "cc", "of")}
        elif method == "ipcc":
            wanted |= {("ipcc-2006", f"{f}.{p}", None) for f in fuels for p in ("ncv", "co2")}
    if consumption.get(Medium.HEAT) or consumption.get(Medium.STEAM):
        wanted.add(("china-guideline", "heat.co2", None))
    codes = {code for code, _k, _y in wanted} | set(gwp_sets)
    if not codes:
        return []
    keys = {key for _c, key, _y in wanted}
    result = []
    rows = (
        Factor.objects.filter(factor_set__code__in=codes)
        .select_related("factor_set")
        .order_by("factor_set__code", "key", "year")
    )
    for factor in rows:
        code = factor.factor_set.code
        if code in gwp_sets:
            pass
        elif factor.key not in keys or not (
            (code, factor.key, factor.year) in wanted or (code, factor.key, None) in wanted
        ):
            continue
        result.append(
            FactorUsed(
                set_code=code,
                set_name=factor.factor_set.name,
                version=set_versions.get(code, factor.factor_set.version),
                key=factor.key,
                year=factor.year,
                value=factor.value,
                unit=factor.unit,
                source=factor.source,
                set_name_zh=shipped_chinese(english=factor.factor_set.name, what="set", of=(code,)),
                source_zh=shipped_chinese(
                    english=factor.source, what="source", of=(code, factor.key, factor.year)
                ),
                key_label=factor_key_label(set_code=code, key=factor.key),
            )
        )
    return result


def _base_year(organisation: Organisation, settings: InventorySettings) -> BaseYear | None:
    if settings.base_year is None or settings.base_year_tco2e is None:
        return None
    threshold = settings.recalculation_threshold_pct / _HUNDRED
    events = list(BaseYearRecalculation.objects.filter(organisation=organisation).order_by("date", "id"))
    base = settings.base_year_tco2e
    rows = [
        RecalculationRow(
            date=e.date,
            kind=e.kind,
            effect_tco2e=e.effect_tco2e,
            share_pct=formulas.base_year_check(
                base_total=base, change=e.effect_tco2e, threshold=threshold
            ).share
            * _HUNDRED,
            reason=e.reason,
        )
        for e in events
    ]
    # Each kind is judged on its own and the kinds together by size: an acquisition is not offset by
    # a method change of the opposite sign.
    judged = formulas.base_year_judge(
        base_total=base, changes=[(e.kind, e.effect_tco2e) for e in events], threshold=threshold
    )
    return BaseYear(
        year=settings.base_year,
        total_tco2e=base,
        threshold_pct=settings.recalculation_threshold_pct,
        events=rows,
        change_tco2e=judged.change,
        change_pct=abs(judged.change) / base * _HUNDRED if base else _ZERO,
        recalculate=judged.recalculate,
        restated_tco2e=judged.restated,
        kinds=[
            RecalculationKindRow(
                kind=kind,
                change_tco2e=check.change,
                share_pct=check.share * _HUNDRED,
                triggers=kind in judged.triggers,
            )
            for kind in RecalculationKind.values
            if (check := judged.kinds.get(kind)) is not None
        ],
        cumulative_pct=judged.cumulative_share * _HUNDRED,
        triggered_by=list(judged.triggers),
    )
