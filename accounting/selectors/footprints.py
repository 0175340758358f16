"""Reads of product carbon footprint studies (ISO 14067) and their computation.

A study's inventory is the site's measured inputs over the period (grid electricity, fuels and heat from
the stored KPIs through ``kpi_series``, refrigerant refills and transport from the activity data), each
with its provenance, plus the manual items. Electricity is counted with the product-footprint factor
(grid-cn ``pcf``) of the study's year, never the site's scope 2 grid factor. The result is allocated
among co-products by the study's method; every method is also computed side by side (sensitivity).
Every formula is in accounting.formulas.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounting import formulas
from accounting.choices import CombustionMethod
from accounting.models import (
    Factor,
    FactorSet,
    FootprintCoProduct,
    FootprintItem,
    FootprintResult,
    FootprintStudy,
    RefrigerantRefill,
    Scope3Activity,
)
from accounting.models.footprints import (
    BOUNDARY_STAGES,
    Allocation,
    FootprintProduct,
    ItemKind,
    LifeCycleStage,
)
from accounting.selectors.factors import (
    DEFAULT_GWP_SET,
    KPI_FACTOR_SETS,
    FactorMissing,
    FactorTable,
    site_kpi_settings,
)
from accounting.selectors.kpis import TOTAL, kpi_series
from accounting.units import KPI_UNIT
from metering.choices import Medium

PEDIGREE_DATA = Path(__file__).resolve().parent.parent / "data" / "pedigree.yaml"
PEDIGREE_INDICATORS = ("reliability", "completeness", "temporal", "geographical", "technological")
PCF_KEY = "pcf"
FUELS = (Medium.NATURAL_GAS, Medium.DIESEL, Medium.GASOLINE, Medium.LPG)
TOP_CONTRIBUTORS = 5
AVOIDED = "avoided"  # the stage of system-expansion credits in a result
_ZERO = Decimal(0)
_PLACES = Decimal("0.000001")


def _s(value: Decimal | None) -> str | None:
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


# --- Lists and entries ------------------------------------------------------------------------------------


def footprint_study_list() -> QuerySet[FootprintStudy]:
    """Every study with what the register shows: site, GWP set and the latest issued result."""
    return FootprintStudy.objects.select_related("site", "gwp_set").prefetch_related(
        Prefetch("results", queryset=FootprintResult.objects.order_by("-version"))
    )


def footprint_study_get(*, pk: int) -> FootprintStudy:
    """A study with its items, co-products and results (404 when there is none)."""
    return get_object_or_404(
        FootprintStudy.objects.select_related("site", "gwp_set").prefetch_related(
            Prefetch("items", queryset=FootprintItem.objects.order_by("stage", "pk")),
            Prefetch("coproducts", queryset=FootprintCoProduct.objects.order_by("product")),
            Prefetch("results", queryset=FootprintResult.objects.order_by("-version")),
        ),
        pk=pk,
    )


def default_gwp_set() -> FactorSet | None:
    return FactorSet.objects.filter(code=DEFAULT_GWP_SET).first()


def footprint_item_get(*, study: FootprintStudy, pk: int) -> FootprintItem:
    return get_object_or_404(FootprintItem.objects.filter(study=study), pk=pk)


def footprint_coproduct_get(*, study: FootprintStudy, pk: int) -> FootprintCoProduct:
    return get_object_or_404(FootprintCoProduct.objects.filter(study=study), pk=pk)


def latest_result(*, study: FootprintStudy) -> FootprintResult | None:
    return max(study.results.all(), key=lambda r: r.version, default=None)


# --- The inventory ----------------------------------------------------------------------------------------


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
            "quantity": _s(self.quantity),
            "unit": self.unit,
            "factor_kg_per_unit": _s(self.factor_kg_per_unit),
            "factor_source": self.factor_source,
            "gas": self.gas,
            "kg": _s(self.kg),
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
    """The study's inventory lines: measured inputs of the period with provenance, then manual items.

    A constant number of queries: the period's KPIs summed in one bucket, refills, transport, items.
    """
    table = _factor_table(study)
    inventory = Inventory()
    period = {"start": study.period_start.isoformat(), "end": study.period_end.isoformat()}
    kpis = {"source": "site_kpis", "site": study.site.code, **period}
    [bucket] = kpi_series(
        site=study.site, start=study.period_start, end=study.period_end, granularity=TOTAL, with_meters=False
    ) or [None]
    stage = LifeCycleStage.PRODUCTION
    if bucket is not None:
        inventory.processed_t = bucket.figures["processed_t"]
        if not bucket.complete:
            inventory.warnings.append(
                _("KPIs cover %(days)s of the period's %(of)s days.")
                % {"days": bucket.days_with_data, "of": bucket.days}
            )
        kwh = bucket.figures["electricity_kwh"]
        factor = _electricity_factor(study, table, inventory)
        if kwh:
            inventory.lines.append(
                Line(
                    ref="electricity",
                    stage=stage,
                    kind=ItemKind.ELECTRICITY,
                    description=_("Grid electricity"),
                    quantity=kwh,
                    unit="kWh",
                    factor_kg_per_unit=factor,
                    factor_source=_("grid-cn v%(version)s, product carbon-footprint factor %(year)s")
                    % {"version": table.versions.get("grid-cn"), "year": inventory.electricity["year"]},
                    gas="CO2e",
                    pedigree=_measured_pedigree(ItemKind.ELECTRICITY),
                    provenance={**kpis, "factor_set": "grid-cn", **inventory.electricity},
                )
            )
        for fuel in FUELS:
            quantity = bucket.consumption.get(fuel)
            if not quantity:
                continue
            factor, code = _fuel_factor(table, fuel)
            inventory.lines.append(
                Line(
                    ref=f"fuel:{fuel}",
                    stage=stage,
                    kind=ItemKind.FUEL,
                    description=str(Medium(fuel).label),
                    quantity=quantity,
                    unit=KPI_UNIT[fuel],
                    factor_kg_per_unit=factor,
                    factor_source=f"{code} v{table.versions.get(code)}",
                    gas="CO2",
                    pedigree=_measured_pedigree(ItemKind.FUEL),
                    provenance={**kpis, "factor_set": code, "set_version": table.versions.get(code)},
                )
            )
        heat_gj = bucket.consumption.get(Medium.HEAT, _ZERO) + bucket.consumption.get(Medium.STEAM, _ZERO)
        if heat_gj:
            heat = table.get("china-guideline", "heat.co2") * formulas.KG_PER_TONNE
            inventory.lines.append(
                Line(
                    ref="heat",
                    stage=stage,
                    kind=ItemKind.HEAT,
                    description=_("Purchased heat and steam"),
                    quantity=heat_gj,
                    unit="GJ",
                    factor_kg_per_unit=heat,
                    factor_source=f"china-guideline v{table.versions.get('china-guideline')}",
                    gas="CO2",
                    pedigree=_measured_pedigree(ItemKind.HEAT),
                    provenance={**kpis, "factor_set": "china-guideline"},
                )
            )
    else:
        inventory.warnings.append(_("The site has no KPIs in the period: no measured input is counted."))
    activity = {"site": study.site, "date__gte": study.period_start, "date__lte": study.period_end}
    refills: dict[str, Decimal] = {}
    for gas, kg in RefrigerantRefill.objects.filter(**activity).values_list("gas", "kg"):
        refills[gas] = refills.get(gas, _ZERO) + kg
    for gas, kg in sorted(refills.items()):
        gwp = table.gwp(gas)
        inventory.lines.append(
            Line(
                ref=f"refrigerant:{gas}",
                stage=stage,
                kind=ItemKind.REFRIGERANT,
                description=_("Refrigerant leaks (refills), %(gas)s") % {"gas": gas},
                quantity=kg,
                unit="kg",
                factor_kg_per_unit=gwp,
                factor_source=f"{study.gwp_set.code} v{table.versions.get(study.gwp_set.code)}",
                gas=gas,
                pedigree=_measured_pedigree(ItemKind.REFRIGERANT),
                provenance={"source": "refrigerant_refills", **period, "gwp_set": study.gwp_set.code},
            )
        )
    for transport in Scope3Activity.objects.filter(category=3, **activity).order_by("date", "pk"):
        inventory.lines.append(
            Line(
                ref=f"transport:{transport.pk}",
                stage=LifeCycleStage.TRANSPORT,
                kind=ItemKind.TRANSPORT,
                description=transport.description,
                quantity=transport.quantity,
                unit=transport.unit,
                factor_kg_per_unit=transport.factor_kg_per_unit,
                factor_source=transport.factor_source,
                gas="CO2e",
                pedigree=_measured_pedigree(ItemKind.TRANSPORT),
                provenance={
                    "source": "scope3_activity",
                    "activity": transport.pk,
                    "date": transport.date.isoformat(),
                },
            )
        )
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
    stages = BOUNDARY_STAGES[study.boundary]
    for line in inventory.lines:
        line.in_boundary = line.stage in stages
    return inventory


# --- The result -------------------------------------------------------------------------------------------


@dataclass
class _Allocated:
    reference_t: Decimal | None
    share: Decimal | None
    credits_kg: Decimal
    reason: str = ""


def _allocate(
    study: FootprintStudy, method: str, coproducts: list[FootprintCoProduct], processed_t: Decimal
) -> _Allocated:
    """The reference product's tonnes and burden share under ``method`` (reason when impossible)."""
    if study.product == FootprintProduct.BATTERIES:
        # Per tonne processed: the whole burden, nothing to allocate among.
        if not processed_t:
            return _Allocated(None, None, _ZERO, _("No tonnes processed in the period."))
        return _Allocated(processed_t, Decimal(1), _ZERO)
    reference = next((c for c in coproducts if c.product == study.product), None)
    if reference is None:
        return _Allocated(None, None, _ZERO, _("The product's output in the period is not entered."))
    others = [c for c in coproducts if c is not reference]
    if method == Allocation.MASS:
        share = formulas.allocation_share_mass(
            reference_t=reference.output_t, outputs_t=[c.output_t for c in coproducts]
        )
        return _Allocated(reference.output_t, share, _ZERO)
    if method == Allocation.ECONOMIC:
        if any(c.price_cny_per_t is None for c in coproducts):
            return _Allocated(None, None, _ZERO, _("Enter the period's price of every co-product."))
        try:
            share = formulas.allocation_share_economic(
                reference=(reference.output_t, reference.price_cny_per_t or _ZERO),
                outputs=[(c.output_t, c.price_cny_per_t or _ZERO) for c in coproducts],
            )
        except ValueError:
            return _Allocated(None, None, _ZERO, _("The co-products have no value to allocate by."))
        return _Allocated(reference.output_t, share, _ZERO)
    if any(c.avoided_kg_per_t is None for c in others):
        return _Allocated(None, None, _ZERO, _("Enter what every other co-product avoids."))
    credits = sum((c.output_t * (c.avoided_kg_per_t or _ZERO) for c in others), _ZERO)
    return _Allocated(reference.output_t, Decimal(1), credits)


def footprint_compute(
    *, study: FootprintStudy, allocation: str | None = None, inventory: Inventory | None = None
) -> dict:
    """The study's result under ``allocation`` (its own method by default) as plain JSON data:
    kgCO2e per declared unit, by stage and by gas, top contributors, combined uncertainty, and the
    inventory it came from. Figures are strings with six decimals."""
    method = allocation or study.allocation
    inventory = inventory or footprint_inventory(study=study)
    counted = [line for line in inventory.lines if line.in_boundary]
    total = sum((line.kg for line in counted), _ZERO)
    coproducts = list(study.coproducts.all())
    allocated = _allocate(study, method, coproducts, inventory.processed_t)
    result: dict = {
        "study": study.pk,
        "title": study.title,
        "site": study.site.code,
        "product": study.product,
        "unit_kind": study.unit_kind,
        "declared_unit": study.declared_unit,
        "declared_amount_t": _s(study.declared_amount_t),
        "boundary": study.boundary,
        "period": {"start": study.period_start.isoformat(), "end": study.period_end.isoformat()},
        "cut_off": study.cut_off,
        "allocation": method,
        "gwp_set": {"code": study.gwp_set.code, "name": study.gwp_set.name, "version": study.gwp_set.version},
        "electricity_factor": inventory.electricity,
        "lines": [line.as_dict() for line in inventory.lines],
        "total_kg": _s(total),
        "coproducts": [
            {
                "product": c.product,
                "output_t": _s(c.output_t),
                "price_cny_per_t": None if c.price_cny_per_t is None else str(c.price_cny_per_t),
                "avoided_kg_per_t": _s(c.avoided_kg_per_t),
                "avoided_source": c.avoided_source,
            }
            for c in coproducts
        ],
        "processed_t": _s(inventory.processed_t),
        "reference_t": _s(allocated.reference_t),
        "allocation_share": None
        if allocated.share is None
        else str(allocated.share.quantize(Decimal("1e-9"))),
        "credits_kg": _s(allocated.credits_kg),
        "allocated_kg": None,
        "per_unit_kg": None,
        "by_stage": {},
        "by_gas": {},
        "contributors": [],
        "uncertainty": round(
            formulas.uncertainty_sum((float(line.kg), line.uncertainty) for line in counted), 6
        ),
        "warnings": list(inventory.warnings),
        "not_computed": allocated.reason,
    }
    if allocated.share is None or allocated.reference_t is None:
        return result
    per_t = study.declared_amount_t / allocated.reference_t  # declared units -> multiplier

    def unit(kg: Decimal) -> Decimal:
        return kg * allocated.share * per_t  # type: ignore[operator]

    allocated_kg = total * allocated.share - allocated.credits_kg
    by_stage: dict[str, Decimal] = {}
    by_gas: dict[str, Decimal] = {}
    for line in counted:
        by_stage[line.stage] = by_stage.get(line.stage, _ZERO) + unit(line.kg)
        by_gas[line.gas] = by_gas.get(line.gas, _ZERO) + unit(line.kg)
    if allocated.credits_kg:
        by_stage[AVOIDED] = -allocated.credits_kg * per_t
        by_gas["CO2e"] = by_gas.get("CO2e", _ZERO) - allocated.credits_kg * per_t
    ranked = sorted(counted, key=lambda line: line.kg, reverse=True)[:TOP_CONTRIBUTORS]
    result.update(
        allocated_kg=_s(allocated_kg),
        per_unit_kg=_s(
            formulas.per_declared_unit(
                allocated_kg=allocated_kg,
                reference_t=allocated.reference_t,
                declared_t=study.declared_amount_t,
            )
        ),
        by_stage={stage: _s(v) for stage, v in by_stage.items()},
        by_gas={gas: _s(v) for gas, v in sorted(by_gas.items())},
        contributors=[
            {
                "ref": line.ref,
                "description": line.description,
                "per_unit_kg": _s(unit(line.kg)),
                "share": _s(line.kg / total) if total else None,
            }
            for line in ranked
        ],
    )
    return result


def footprint_sensitivity(*, study: FootprintStudy, inventory: Inventory | None = None) -> list[dict]:
    """The same study under each allocation method, side by side: kgCO2e per declared unit (or why
    the method cannot be computed) and the difference from the study's own method."""
    inventory = inventory or footprint_inventory(study=study)
    rows = [
        {
            "allocation": method,
            **_brief(footprint_compute(study=study, allocation=method, inventory=inventory)),
        }
        for method in Allocation.values
    ]
    own = next((r["per_unit_kg"] for r in rows if r["allocation"] == study.allocation), None)
    for row in rows:
        row["chosen"] = row["allocation"] == study.allocation
        row["difference_pct"] = (
            _s((Decimal(row["per_unit_kg"]) - Decimal(own)) / abs(Decimal(own)) * 100)
            if own and row["per_unit_kg"] is not None and Decimal(own)
            else None
        )
    return rows


def _brief(result: dict) -> dict:
    return {
        "per_unit_kg": result["per_unit_kg"],
        "allocation_share": result["allocation_share"],
        "not_computed": result["not_computed"],
    }


def footprint_result(*, study: FootprintStudy) -> dict:
    """The study's full result under its own method with the sensitivity table: what is issued."""
    inventory = footprint_inventory(study=study)
    result = footprint_compute(study=study, inventory=inventory)
    result["sensitivity"] = footprint_sensitivity(study=study, inventory=inventory)
    return result


def footprint_previous(*, study: FootprintStudy) -> dict | None:
    """The same site's and product's study of the latest earlier period: its figure (issued if it
    was, else computed now) and the change to this one's."""
    before = (
        FootprintStudy.objects.filter(
            site=study.site, product=study.product, period_end__lt=study.period_start
        )
        .select_related("site", "gwp_set")
        .order_by("-period_end", "-pk")
        .first()
    )
    if before is None:
        return None
    issued = FootprintResult.objects.filter(study=before).order_by("-version").first()
    per_unit = issued.per_unit_kg if issued is not None else None
    if issued is None:
        computed = footprint_compute(study=before)["per_unit_kg"]
        per_unit = None if computed is None else Decimal(computed)
    return {
        "study": before.pk,
        "title": before.title,
        "period": {"start": before.period_start.isoformat(), "end": before.period_end.isoformat()},
        "issued_version": issued.version if issued is not None else None,
        "per_unit_kg": _s(per_unit),
    }


def change_pct(current: str | None, before: str | None) -> str | None:
    """(current - before) / |before| in %, or None."""
    if current is None or before is None or not Decimal(before):
        return None
    return _s((Decimal(current) - Decimal(before)) / abs(Decimal(before)) * 100)
