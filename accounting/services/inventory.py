"""The yearly ISO 14064-1 GHG inventory of an organisation, and the writes of its settings.

``ghg_inventory`` returns a plain data structure (dataclasses, Decimal figures) that the page, the
Excel export, the API and the dossier render. It reads the sites' stored month KPIs through the
same selector as the KPI API (so its totals equal the API's for the year) and the activity data
behind them (refrigerant refills by gas); never raw readings. Every formula is in metering.formulas.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

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
from accounting.models.inventory import ConsolidationApproach, EmissionSource
from accounting.selectors.kpis import kpi_series, q6
from accounting.services.factors import FactorMissing, FactorTable
from greenfactory.core.exceptions import DomainError
from greenfactory.core.time import Granularity
from greenfactory.sites.models import Organisation, Site
from metering.choices import Medium

CATEGORIES = (1, 2, 3, 4, 5, 6)
GASES = ("CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6", "NF3")
_PFCS = {"CF4", "C2F6", "C3F8", "C4F10", "C5F12", "C6F14", "c-C4F8"}
SOURCE_CATEGORY = {
    EmissionSource.STATIONARY_COMBUSTION: 1,
    EmissionSource.REFRIGERANTS: 1,
    EmissionSource.IMPORTED_ELECTRICITY: 2,
    EmissionSource.IMPORTED_HEAT: 2,
    EmissionSource.CATEGORY3: 3,
    EmissionSource.CATEGORY4: 4,
    EmissionSource.CATEGORY5: 5,
    EmissionSource.CATEGORY6: 6,
}
_FUELS = (Medium.NATURAL_GAS, Medium.DIESEL, Medium.GASOLINE, Medium.LPG)
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


class InventoryInvalid(DomainError):
    """An inventory setting that breaks a rule of ISO 14064-1 or of the organisation's boundary."""


def gas_family(gas: str) -> str:
    """The reporting gas (group) of a GWP-set key: HFC-32 -> HFCs, CF4 -> PFCs, SF6 -> SF6."""
    if gas in ("CO2", "CH4", "N2O", "SF6", "NF3"):
        return gas
    if gas.upper().startswith("HFC"):
        return "HFCs"
    if gas.upper().startswith("PFC") or gas in _PFCS:
        return "PFCs"
    return "HFCs" if gas.upper().startswith("R-") else gas


# --- The data structure ---------------------------------------------------------------------------------


@dataclass
class BoundarySite:
    code: str
    name: str
    included: bool
    share_pct: Decimal
    note: str


@dataclass
class CategoryRow:
    category: int
    included: bool
    justification: str
    tco2e: Decimal  # what the KPIs hold for the category, at the sites' shares
    reported_tco2e: Decimal | None  # None when the category is outside the reporting boundary


@dataclass
class RefrigerantRow:
    gas: str
    kg: Decimal
    gwp: Decimal
    tco2e: Decimal
    components: dict[str, Decimal]  # reporting gas -> tCO2e


@dataclass
class SourceRow:
    source: str
    category: int
    included: bool
    activity: list[tuple[str, Decimal, str]]  # (medium, quantity, unit)
    tco2e: Decimal
    uncertainty_pct: Decimal
    basis: str
    uncertainty_tco2e: Decimal = _ZERO  # ± tCO2e: emissions x uncertainty

    def __post_init__(self) -> None:
        self.uncertainty_tco2e = self.tco2e * self.uncertainty_pct / _HUNDRED


@dataclass
class FactorUsed:
    set_code: str
    set_name: str
    version: int
    key: str
    year: int
    value: Decimal
    unit: str
    source: str


@dataclass
class RecalculationRow:
    date: dt.date
    kind: str
    effect_tco2e: Decimal
    share_pct: Decimal
    reason: str


@dataclass
class BaseYear:
    year: int
    total_tco2e: Decimal
    threshold_pct: Decimal
    events: list[RecalculationRow]
    change_tco2e: Decimal
    change_pct: Decimal
    recalculate: bool
    restated_tco2e: Decimal


@dataclass
class Inventory:
    organisation_code: str
    organisation_name: str
    year: int
    start: dt.date
    end: dt.date
    consolidation: str
    boundary_note: str
    sites: list[BoundarySite]
    categories: list[CategoryRow]
    gases: dict[int, dict[str, Decimal]]  # category 1 and 2 -> reporting gas -> tCO2e
    refrigerants: list[RefrigerantRow]
    scope1_tco2e: Decimal
    scope2_location_tco2e: Decimal
    scope2_market_tco2e: Decimal
    electricity_kwh: Decimal
    green_kwh: Decimal
    certificates_kwh: Decimal
    total_tco2e: Decimal  # categories in the reporting boundary, scope 2 location-based
    total_market_tco2e: Decimal  # the same with scope 2 market-based
    kpi_total_tco2e: Decimal  # every category, as the KPI API sums it
    sources: list[SourceRow]
    combined_uncertainty_pct: Decimal | None
    factors: list[FactorUsed]
    gwp_sets: list[str]
    combustion_methods: list[str]
    grid: list[dict]
    residual: list[dict]
    base_year: BaseYear | None
    months_with_data: int
    unsplit_gases: dict[int, Decimal] = field(default_factory=dict)  # categories 3-6: CO2e, not by gas

    def as_dict(self) -> dict:
        """JSON-ready: decimals as strings with six places."""
        return _jsonable(asdict(self))


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(q6(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


# --- Reading --------------------------------------------------------------------------------------------


def inventory_settings(*, organisation: Organisation) -> InventorySettings:
    """The organisation's settings, or unsaved defaults (operational control, no base year, 5 %)."""
    found = InventorySettings.objects.filter(organisation=organisation).first()
    return found or InventorySettings(organisation=organisation)


UNCERTAINTY_DEFAULTS = Path(__file__).resolve().parent.parent / "data" / "uncertainty_defaults.yaml"


def uncertainty_table() -> dict[str, SourceUncertainty]:
    """The uncertainty of every emission source type; a missing one is the shipped default (unsaved:
    reads never write; the data migration and ``uncertainty_defaults_load`` store them)."""
    rows = {row.source: row for row in SourceUncertainty.objects.all()}
    if len(rows) < len(EmissionSource.values):
        for entry in yaml.safe_load(UNCERTAINTY_DEFAULTS.read_text(encoding="utf-8")):
            rows.setdefault(
                entry["source"],
                SourceUncertainty(
                    source=entry["source"], percent=Decimal(str(entry["percent"])), basis=entry["basis"]
                ),
            )
    return rows


@transaction.atomic
def uncertainty_defaults_load(*, path: Path = UNCERTAINTY_DEFAULTS) -> int:
    """Create the uncertainty of each source type that has none, from the shipped defaults; rows
    already present (perhaps corrected) are kept. Returns how many were created."""
    created = 0
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        _row, made = SourceUncertainty.objects.get_or_create(
            source=entry["source"],
            defaults={"percent": Decimal(str(entry["percent"])), "basis": entry["basis"]},
        )
        created += made
    return created


def ghg_inventory(*, organisation: Organisation, year: int) -> Inventory:
    """The organisation's inventory for a calendar year (days of each site's time zone).

    Sites in the organisational boundary count at 100 % under a control approach and at their
    equity share under the equity-share approach. Categories outside the reporting boundary are
    listed with their justification and left out of the totals.
    """
    settings = inventory_settings(organisation=organisation)
    equity = settings.consolidation == ConsolidationApproach.EQUITY_SHARE
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
            )
        )
        if included:
            counted.append((site, share / _HUNDRED if equity else Decimal(1)))
    choices = {row.category: row for row in InventoryCategory.objects.filter(organisation=organisation)}
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    figures: dict[str, Decimal] = defaultdict(lambda: _ZERO)
    consumption: dict[str, Decimal] = defaultdict(lambda: _ZERO)
    used_grid: list[dict] = []
    used_residual: list[dict] = []
    gwp_sets: set[str] = set()
    methods: set[str] = set()
    set_versions: dict[str, int] = {}
    refrigerant_rows: dict[str, RefrigerantRow] = {}
    heat_tco2e = _ZERO
    months = 0
    refills = defaultdict(list)
    for site_id, gas, kg in RefrigerantRefill.objects.filter(
        site__in=[s for s, _share in counted], date__gte=start, date__lte=end
    ).values_list("site_id", "gas", "kg"):
        refills[site_id].append((gas, kg))
    for site, share in counted:
        # Month buckets, summed in order: the same additions the KPI API makes for granularity=year.
        series = kpi_series(site=site, start=start, end=end, granularity=Granularity.MONTH, with_meters=False)
        if not series:
            continue
        months = max(months, len(series))
        site_figures: dict[str, Decimal] = defaultdict(lambda: _ZERO)
        site_consumption: dict[str, Decimal] = defaultdict(lambda: _ZERO)
        for bucket in series:
            for name, value in bucket.figures.items():
                site_figures[name] += value
            for medium, quantity in bucket.consumption.items():
                site_consumption[medium] += quantity
            for used in bucket.factors:
                set_versions.update(used.get("sets", {}))
                gwp_sets.add(used.get("gwp", ""))
                methods.add(used.get("combustion_method", ""))
                for key, target in (("grid", used_grid), ("residual", used_residual)):
                    if used.get(key) and used[key] not in target:
                        target.append(used[key])
        for name, value in site_figures.items():
            figures[name] += value * share
        for medium, quantity in site_consumption.items():
            consumption[medium] += quantity * share
        heat_gj = site_consumption.get(Medium.HEAT, _ZERO) + site_consumption.get(Medium.STEAM, _ZERO)
        if not heat_gj and not refills.get(site.pk):
            continue
        table = FactorTable.for_site(site=site)
        if heat_gj:
            heat_tco2e += share * formulas.purchased_heat_co2(
                gj=heat_gj, tco2_per_gj=table.get("china-guideline", "heat.co2")
            )
        for gas, kg in refills.get(site.pk, []):
            _add_refrigerant(refrigerant_rows, table, gas, kg * share)
    refrigerants = sorted(refrigerant_rows.values(), key=lambda r: r.gas)
    categories_kpi = {
        1: figures["scope1_tco2e"],
        2: figures["scope2_location_tco2e"],
        **{i: figures[f"category{i}_tco2e"] for i in range(3, 7)},
    }
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
    included_categories = {row.category for row in rows if row.included}
    refrigerant_total = sum((r.tco2e for r in refrigerants), _ZERO)
    gases: dict[int, dict[str, Decimal]] = {1: dict.fromkeys(GASES, _ZERO), 2: dict.fromkeys(GASES, _ZERO)}
    for row in refrigerants:
        for family, tco2e in row.components.items():
            gases[1][family] = gases[1].get(family, _ZERO) + tco2e
    # Combustion (both methods as configured) reports CO2 only; the rest of category 1 is refrigerants.
    gases[1]["CO2"] = categories_kpi[1] - refrigerant_total
    gases[2]["CO2"] = categories_kpi[2]
    uncertainties = uncertainty_table()
    activity_fuels = [
        (medium, consumption[medium], "m3" if medium == Medium.NATURAL_GAS else "kg")
        for medium in _FUELS
        if consumption.get(medium)
    ]
    source_figures = {
        EmissionSource.STATIONARY_COMBUSTION: (categories_kpi[1] - refrigerant_total, activity_fuels),
        EmissionSource.REFRIGERANTS: (
            refrigerant_total,
            [(r.gas, r.kg, "kg") for r in refrigerants],
        ),
        EmissionSource.IMPORTED_ELECTRICITY: (
            categories_kpi[2] - heat_tco2e,
            [(Medium.ELECTRICITY, figures["electricity_kwh"], "kWh")] if figures["electricity_kwh"] else [],
        ),
        EmissionSource.IMPORTED_HEAT: (
            heat_tco2e,
            [(m, consumption[m], "GJ") for m in (Medium.HEAT, Medium.STEAM) if consumption.get(m)],
        ),
        **{EmissionSource(f"category{i}"): (categories_kpi[i], []) for i in range(3, 7)},
    }
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
            )
        )
    counted_sources = [(float(s.tco2e), float(s.uncertainty_pct) / 100) for s in sources if s.included]
    combined = (
        Decimal(repr(round(formulas.uncertainty_sum(counted_sources) * 100, 6)))
        if any(e for e, _u in counted_sources)
        else None
    )
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
        gases=gases,
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
        combined_uncertainty_pct=combined,
        factors=_factors_used(set_versions, gwp_sets, methods, used_grid, used_residual, consumption),
        gwp_sets=sorted(g for g in gwp_sets if g),
        combustion_methods=sorted(m for m in methods if m),
        grid=used_grid,
        residual=used_residual,
        base_year=_base_year(organisation, settings),
        months_with_data=months,
        unsplit_gases={i: categories_kpi[i] for i in range(3, 7)},
    )


def _add_refrigerant(rows: dict[str, RefrigerantRow], table: FactorTable, gas: str, kg: Decimal) -> None:
    try:
        gwp = table.gwp(gas)
    except FactorMissing:
        return  # refused when recorded; a GWP set without the gas also leaves it out of the KPIs
    code = table.settings.gwp_set.code
    fractions = (
        {gas: Decimal(1)}
        if table.has(code, gas)
        else {
            key.split(":", 1)[1]: by_year[max(by_year)]
            for (set_code, key), by_year in table.values.items()
            if set_code == "refrigerant-blends" and key.startswith(f"{gas}:")
        }
    )
    row = rows.get(gas)
    if row is None:
        row = rows[gas] = RefrigerantRow(gas=gas, kg=_ZERO, gwp=gwp, tco2e=_ZERO, components={})
    row.kg += kg
    row.tco2e += formulas.refrigerant_co2e(leak_kg=formulas.refrigerant_leak_kg(refills_kg=kg), gwp_value=gwp)
    for component, fraction in fractions.items():
        family = gas_family(component)
        share = formulas.refrigerant_co2e(leak_kg=kg * fraction, gwp_value=table.get(code, component))
        row.components[family] = row.components.get(family, _ZERO) + share


def _factors_used(set_versions, gwp_sets, methods, grid, residual, consumption) -> list[FactorUsed]:
    """The factors behind the figures, with their sources: grid and residual factors, the GWP sets,
    and the combustion factors of the fuels burnt."""
    wanted: set[tuple[str, str, int | None]] = set()
    for used in (*grid, *residual):
        wanted.add(("grid-cn", used["region"], used["year"]))
    fuels = [m for m in _FUELS if consumption.get(m)]
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
    # Changes are judged together: several small ones can add up to a significant one.
    check = formulas.base_year_check(
        base_total=base, change=sum((e.effect_tco2e for e in events), _ZERO), threshold=threshold
    )
    return BaseYear(
        year=settings.base_year,
        total_tco2e=base,
        threshold_pct=settings.recalculation_threshold_pct,
        events=rows,
        change_tco2e=check.change,
        change_pct=check.share * _HUNDRED,
        recalculate=check.recalculate,
        restated_tco2e=check.restated,
    )


def inventory_years(*, organisation: Organisation) -> list[int]:
    """Years that have month KPIs at any of the organisation's sites, newest first."""
    starts = SiteKpi.objects.filter(site__organisation=organisation, granularity=Granularity.MONTH).dates(
        "start", "year", order="DESC"
    )
    return [d.year for d in starts]


# --- Writing --------------------------------------------------------------------------------------------


def _save(instance, *, by) -> None:
    instance._history_user = by
    try:
        instance.full_clean()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            field_name, messages = next(iter(exc.message_dict.items()))
        else:
            field_name, messages = None, exc.messages
        raise InventoryInvalid("; ".join(messages), field=field_name) from exc
    instance.save()


@transaction.atomic
def inventory_settings_save(*, organisation: Organisation, by=None, **fields) -> InventorySettings:
    """Create or change an organisation's consolidation approach, boundary note, base year, base-year
    total and recalculation threshold."""
    settings = InventorySettings.objects.select_for_update().filter(organisation=organisation).first()
    settings = settings or InventorySettings(organisation=organisation)
    for name, value in fields.items():
        setattr(settings, name, value)
    if (settings.base_year is None) != (settings.base_year_tco2e is None):
        raise InventoryInvalid(
            _("Give the base year and its total together."),
            field="base_year_tco2e" if settings.base_year_tco2e is None else "base_year",
        )
    _save(settings, by=by)
    return settings


@transaction.atomic
def inventory_site_save(
    *, site: Site, included: bool, equity_share_pct: Decimal, note: str = "", by=None
) -> InventorySite:
    """Put a site in or out of its organisation's boundary, with the equity share it counts at."""
    # Two saves at once for the same site: the second waits and updates the first one's row.
    Site.objects.select_for_update().filter(pk=site.pk).values_list("pk", flat=True).first()
    entry = InventorySite.objects.filter(site=site).first() or InventorySite(site=site)
    entry.included, entry.equity_share_pct, entry.note = included, equity_share_pct, note
    _save(entry, by=by)
    return entry


@transaction.atomic
def inventory_category_save(
    *, organisation: Organisation, category: int, included: bool, justification: str = "", by=None
) -> InventoryCategory:
    """Include or exclude an ISO 14064-1 category; an exclusion needs a justification and
    categories 1 and 2 cannot be excluded."""
    if category not in CATEGORIES:
        raise InventoryInvalid(_("The category must be 1 to 6."), field="category")
    # Two saves at once for the same category: the second waits and updates the first one's row.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list("pk", flat=True).first()
    entry = InventoryCategory.objects.filter(organisation=organisation, category=category).first()
    entry = entry or InventoryCategory(organisation=organisation, category=category)
    entry.included, entry.justification = included, justification.strip()
    _save(entry, by=by)
    return entry


@transaction.atomic
def base_year_recalculation_create(
    *, organisation: Organisation, date: dt.date, kind: str, effect_tco2e: Decimal, reason: str, by=None
) -> BaseYearRecalculation:
    """Record a structural change, method change or error with its effect on the base year."""
    if not reason.strip():
        raise InventoryInvalid(_("Give the reason for the change."), field="reason")
    event = BaseYearRecalculation(
        organisation=organisation,
        date=date,
        kind=kind,
        effect_tco2e=effect_tco2e,
        reason=reason.strip(),
        created_by=by,
    )
    _save(event, by=by)
    return event


@transaction.atomic
def base_year_recalculation_delete(*, event: BaseYearRecalculation, by=None) -> None:
    """Remove a recalculation event recorded by mistake (the audit trail keeps it)."""
    event._history_user = by
    event.delete()


@transaction.atomic
def source_uncertainty_save(
    *, row: SourceUncertainty, percent: Decimal, basis: str | None = None, by=None
) -> SourceUncertainty:
    """Correct the uncertainty of an emission source type, and what it is based on."""
    row.percent = percent
    if basis is not None:
        row.basis = basis
    _save(row, by=by)
    return row
