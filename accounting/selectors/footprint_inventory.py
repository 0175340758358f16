"""A footprint study's inventory: the measured inputs of its period, each with its provenance, and
its manual items, each with its pedigree-matrix uncertainty.

Measured inputs are the site's stored KPIs of the period summed through ``kpi_series`` (grid
electricity, fuels, heat), the refrigerant refills and the transport activities. Electricity is
counted with the product-footprint factor (grid-cn ``pcf``) of the study's year, never the site's
scope 2 grid factor.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from accounting import formulas
from accounting.choices import CombustionMethod
from accounting.models import Factor, FootprintStudy, RefrigerantRefill, Scope3Activity
from accounting.models.footprints import BOUNDARY_STAGES, ItemKind, LifeCycleStage, SystemBoundary
from accounting.selectors.factors import KPI_FACTOR_SETS, FactorMissing, FactorTable, site_kpi_settings
from accounting.selectors.kpis import TOTAL, KpiBucket, kpi_series
from accounting.units import KPI_UNIT
from metering.choices import Medium

PEDIGREE_DATA = Path(__file__).resolve().parent.parent / "data" / "pedigree.yaml"
PEDIGREE_INDICATORS = ("reliability", "completeness", "temporal", "geographical", "technological")
PCF_KEY = "pcf"
FUELS = (Medium.NATURAL_GAS, Medium.DIESEL, Medium.GASOLINE, Medium.LPG)
_ZERO = Decimal(0)
_PLACES = Decimal("0.000001")


def q6(value: Decimal | None) -> str | None:
    """A figure as reported in results: six decimals, as a string."""
    return None if value is None else str(value.quantize(_PLACES))


@functools.cache
def pedigree_matrix() -> dict:
    """The shipped pedigree matrix: uncertainty factors per indicator and score, basic factors per
    item kind, and the pedigree of measured inputs (accounting/data/pedigree.yaml)."""
    return yaml.safe_load(PEDIGREE_DATA.read_text(encoding="utf-8"))


def item_uncertainty(*, kind: str, pedigree: tuple[int, ...]) -> float:
    """Relative uncertainty of an inventory item from its kind and its five pedigree scores."""
    matrix = pedigree_matrix()
    factors = [
        float(matrix["indicators"][name][score - 1])
        for name, score in zip(PEDIGREE_INDICATORS, pedigree, strict=True)
    ]
    return formulas.pedigree_relative_uncertainty(basic=float(matrix["basic"][kind]), factors=factors)


@dataclass
class Line:
    """One line of a study's inventory, in kgCO2e over the period (before allocation)."""

    ref: str
    stage: str
    kind: str
    description: str
    quantity: Decimal
    unit: str
    factor_kg_per_unit: Decimal
    factor_source: str
    gas: str
    pedigree: tuple[int, ...]
    provenance: dict
    in_boundary: bool = True
    item_id: int | None = None

    @property
    def kg(self) -> Decimal:
        return self.quantity * self.factor_kg_per_unit

    @property
    def uncertainty(self) -> float:
        return item_uncertainty(kind=self.kind, pedigree=self.pedigree)

    def as_dict(self) -> dict:
        return {
            "ref": self.ref,
            "item": self.item_id,
            "stage": self.stage,
            "kind": self.kind,
            "description": self.description,
            "quantity": q6(self.quantity),
            "unit": self.unit,
            "factor_kg_per_unit": q6(self.factor_kg_per_unit),
            "factor_source": self.factor_source,
            "gas": self.gas,
            "kg": q6(self.kg),
            "in_boundary": self.in_boundary,
            "pedigree": dict(zip(PEDIGREE_INDICATORS, self.pedigree, strict=True)),
            "uncertainty": round(self.uncertainty, 6),
            "provenance": self.provenance,
        }


def _factor_table(study: FootprintStudy) -> FactorTable:
    """The site's factor table with the study's GWP set in place of the site's. One or two queries."""
    settings = site_kpi_settings(site=study.site)
    settings.gwp_set = study.gwp_set  # unsaved: the study's choice, never the site's
    table = FactorTable(settings=settings)
    codes = {*KPI_FACTOR_SETS, study.gwp_set.code}
    for code, version, key, year, value in Factor.objects.filter(factor_set__code__in=codes).values_list(
        "factor_set__code", "factor_set__version", "key", "year", "value"
    ):
        table.values.setdefault((code, key), {})[year] = value
        table.versions[code] = version
    return table


@dataclass
class Inventory:
    lines: list[Line] = field(default_factory=list)
    processed_t: Decimal = _ZERO
    electricity: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _electricity_factor(study: FootprintStudy, table: FactorTable, inventory: Inventory) -> Decimal:
    year = study.period_end.year
    if not table.has("grid-cn", PCF_KEY):
        raise FactorMissing(_("No product carbon-footprint electricity factor in the factor set “grid-cn”."))
    used = table.year_of("grid-cn", PCF_KEY, year)
    value = table.get("grid-cn", PCF_KEY, year)
    inventory.electricity = {
        "key": PCF_KEY,
        "study_year": year,
        "year": used,
        "kg_per_kwh": str(value),
        "set_version": table.versions.get("grid-cn"),
        "fallback": used != year,
    }
    if used != year:
        inventory.warnings.append(
            _(
                "No product carbon-footprint electricity factor for %(year)s: the %(used)s factor "
                "(%(value)s kgCO2e/kWh) is used."
            )
            % {"year": year, "used": used, "value": value}
        )
    return value


def _fuel_factor(table: FactorTable, fuel: str) -> tuple[Decimal, str]:
    """kgCO2 per KPI unit of a fuel by the site's combustion method, and the factors' description."""
    if table.settings.combustion_method == CombustionMethod.IPCC:
        energy_tj = table.get("ipcc-2006", f"{fuel}.ncv") / 1000
        tco2 = formulas.combustion_co2e_ipcc(
            energy_tj=energy_tj,
            emission_factors_kg_per_tj={"CO2": table.get("ipcc-2006", f"{fuel}.co2")},
            gwp={"CO2": table.gwp("CO2")},
        )
        return tco2 * formulas.KG_PER_TONNE, "ipcc-2006"
    tco2 = formulas.combustion_co2_china(
        fuel_quantity=Decimal(1),
        ncv_gj_per_unit=table.get("china-guideline", f"{fuel}.ncv"),
        carbon_tc_per_tj=table.get("china-guideline", f"{fuel}.cc"),
        oxidation=table.get("china-guideline", f"{fuel}.of"),
    )
    return tco2 * formulas.KG_PER_TONNE, "china-guideline"


def _measured_pedigree(kind: str) -> tuple[int, ...]:
    return tuple(pedigree_matrix()["measured"][kind])


def footprint_inventory(*, study: FootprintStudy) -> Inventory:
    """The study's inventory lines: measured inputs of the period with provenance, then manual items,
    each marked in or outside the study's boundary. A constant number of queries."""
    table = _factor_table(study)
    inventory = Inventory()
    buckets = kpi_series(
        site=study.site, start=study.period_start, end=study.period_end, granularity=TOTAL, with_meters=False
    )
    if buckets:
        _kpi_lines(study, table, inventory, buckets[0])
    else:
        inventory.warnings.append(_("The site has no KPIs in the period: no measured input is counted."))
    _activity_lines(study, table, inventory)
    for item in study.items.all():
        inventory.lines.append(
            Line(
                ref=f"item:{item.pk}",
                stage=item.stage,
                kind=item.kind,
                description=item.description,
                quantity=item.quantity,
                unit=item.unit,
                factor_kg_per_unit=item.factor_kg_per_unit,
                factor_source=item.factor_source,
                gas=item.gas,
                pedigree=item.pedigree,
                provenance={"source": "manual"},
                item_id=item.pk,
            )
        )
    stages = BOUNDARY_STAGES[SystemBoundary(study.boundary)]
    for line in inventory.lines:
        line.in_boundary = line.stage in stages
    return inventory


def _measured(
    ref: str, kind: str, description: str, quantity: Decimal, unit: str, factor: Decimal, **more: Any
) -> Line:
    return Line(
        ref=ref,
        stage=more.pop("stage", LifeCycleStage.PRODUCTION),
        kind=kind,
        description=description,
        quantity=quantity,
        unit=unit,
        factor_kg_per_unit=factor,
        pedigree=_measured_pedigree(kind),
        **more,
    )


def _kpi_lines(study: FootprintStudy, table: FactorTable, inventory: Inventory, bucket: KpiBucket) -> None:
    """Grid electricity, fuels and heat of the period from the site's KPIs."""
    kpis = {
        "source": "site_kpis",
        "site": study.site.code,
        "start": study.period_start.isoformat(),
        "end": study.period_end.isoformat(),
    }
    inventory.processed_t = bucket.figures["processed_t"]
    if not bucket.complete:
        inventory.warnings.append(
            _("KPIs cover %(days)s of the period's %(of)s days.")
            % {"days": bucket.days_with_data, "of": bucket.days}
        )
    factor = _electricity_factor(study, table, inventory)
    kwh = bucket.figures["electricity_kwh"]
    if kwh:
        source = _("grid-cn v%(version)s, product carbon-footprint factor %(year)s") % {
            "version": table.versions.get("grid-cn"),
            "year": inventory.electricity["year"],
        }
        inventory.lines.append(
            _measured(
                "electricity", ItemKind.ELECTRICITY, _("Grid electricity"), kwh, "kWh", factor,
                factor_source=source, gas="CO2e",
                provenance={**kpis, "factor_set": "grid-cn", **inventory.electricity},
            )
        )  # fmt: skip
    for fuel in FUELS:
        quantity = bucket.consumption.get(fuel)
        if not quantity:
            continue
        fuel_factor, code = _fuel_factor(table, fuel)
        inventory.lines.append(
            _measured(
                f"fuel:{fuel}", ItemKind.FUEL, str(Medium(fuel).label), quantity, KPI_UNIT[fuel], fuel_factor,
                factor_source=f"{code} v{table.versions.get(code)}", gas="CO2",
                provenance={**kpis, "factor_set": code, "set_version": table.versions.get(code)},
            )
        )  # fmt: skip
    heat_gj = bucket.consumption.get(Medium.HEAT, _ZERO) + bucket.consumption.get(Medium.STEAM, _ZERO)
    if heat_gj:
        inventory.lines.append(
            _measured(
                "heat", ItemKind.HEAT, _("Purchased heat and steam"), heat_gj, "GJ",
                table.get("china-guideline", "heat.co2") * formulas.KG_PER_TONNE,
                factor_source=f"china-guideline v{table.versions.get('china-guideline')}", gas="CO2",
                provenance={**kpis, "factor_set": "china-guideline"},
            )
        )  # fmt: skip


def _activity_lines(study: FootprintStudy, table: FactorTable, inventory: Inventory) -> None:
    """Refrigerant leaks (refills, by gas) and transport to the plant of the period."""
    period = {"start": study.period_start.isoformat(), "end": study.period_end.isoformat()}
    activity = {"site": study.site, "date__gte": study.period_start, "date__lte": study.period_end}
    refills: dict[str, Decimal] = {}
    for gas, kg in RefrigerantRefill.objects.filter(**activity).values_list("gas", "kg"):
        refills[gas] = refills.get(gas, _ZERO) + kg
    gwp_code = study.gwp_set.code
    for gas, kg in sorted(refills.items()):
        inventory.lines.append(
            _measured(
                f"refrigerant:{gas}", ItemKind.REFRIGERANT,
                _("Refrigerant leaks (refills), %(gas)s") % {"gas": gas}, kg, "kg", table.gwp(gas),
                factor_source=f"{gwp_code} v{table.versions.get(gwp_code)}", gas=gas,
                provenance={"source": "refrigerant_refills", **period, "gwp_set": gwp_code},
            )
        )  # fmt: skip
    # Transport records of the same route and factor (a monthly entry, say) are one line, their
    # quantities summed, with the records listed in the provenance.
    routes: dict[tuple[str, str, Decimal, str], list[Scope3Activity]] = {}
    for transport in Scope3Activity.objects.filter(category=3, **activity).order_by("date", "pk"):
        key = (transport.description, transport.unit, transport.factor_kg_per_unit, transport.factor_source)
        routes.setdefault(key, []).append(transport)
    for (description, unit, factor, factor_source), records in routes.items():
        inventory.lines.append(
            _measured(
                f"transport:{records[0].pk}", ItemKind.TRANSPORT, description,
                sum((r.quantity for r in records), _ZERO), unit, factor,
                stage=LifeCycleStage.TRANSPORT, factor_source=factor_source, gas="CO2e",
                provenance={
                    "source": "scope3_activity", "activities": [r.pk for r in records], "records": len(records),
                    "from": records[0].date.isoformat(), "to": records[-1].date.isoformat(),
                },
            )
        )  # fmt: skip
