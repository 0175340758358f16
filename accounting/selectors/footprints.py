"""Reads of product carbon footprint studies (ISO 14067) and their computation.

A study's inventory is the site's measured inputs over the period (grid electricity, fuels and heat from
the stored KPIs through ``kpi_series``, refrigerant refills and transport from the activity data), each
with its provenance, plus the manual items. Electricity is counted with the product-footprint factor
(grid-cn ``pcf``) of the study's year, never the site's scope 2 grid factor. The result is allocated
among co-products by the study's method; every method is also computed side by side (sensitivity).
Every formula is in accounting.formulas.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounting import formulas
from accounting.models import FactorSet, FootprintCoProduct, FootprintItem, FootprintResult, FootprintStudy
from accounting.models.footprints import Allocation, FootprintProduct
from accounting.selectors.factors import DEFAULT_GWP_SET
from accounting.selectors.footprint_inventory import (
    PEDIGREE_INDICATORS as PEDIGREE_INDICATORS,
)
from accounting.selectors.footprint_inventory import (
    Inventory,
    footprint_inventory,
)
from accounting.selectors.footprint_inventory import (
    item_uncertainty as item_uncertainty,
)
from accounting.selectors.footprint_inventory import q6 as _s

TOP_CONTRIBUTORS = 5
AVOIDED = "avoided"  # the stage of system-expansion credits in a result
_ZERO = Decimal(0)


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


def _coproduct(c: FootprintCoProduct) -> dict:
    return {
        "product": c.product,
        "output_t": _s(c.output_t),
        "price_cny_per_t": None if c.price_cny_per_t is None else str(c.price_cny_per_t),
        "avoided_kg_per_t": _s(c.avoided_kg_per_t),
        "avoided_source": c.avoided_source,
    }


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
        "coproducts": [_coproduct(c) for c in coproducts],
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
    if allocated.share is not None and allocated.reference_t is not None:
        result.update(_per_unit(study, counted, total, allocated))
    return result


def _per_unit(study: FootprintStudy, counted: list, total: Decimal, allocated: _Allocated) -> dict:
    """The allocated burden per declared unit, by stage and gas, and the top contributors."""
    share, reference_t = allocated.share or _ZERO, allocated.reference_t or Decimal(1)
    per_t = study.declared_amount_t / reference_t  # kg of the reference product -> per declared unit

    def unit(kg: Decimal) -> Decimal:
        return kg * share * per_t

    allocated_kg = total * share - allocated.credits_kg
    by_stage: dict[str, Decimal] = {}
    by_gas: dict[str, Decimal] = {}
    for line in counted:
        by_stage[line.stage] = by_stage.get(line.stage, _ZERO) + unit(line.kg)
        by_gas[line.gas] = by_gas.get(line.gas, _ZERO) + unit(line.kg)
    if allocated.credits_kg:
        by_stage[AVOIDED] = -allocated.credits_kg * per_t
        by_gas["CO2e"] = by_gas.get("CO2e", _ZERO) - allocated.credits_kg * per_t
    ranked = sorted(counted, key=lambda line: line.kg, reverse=True)[:TOP_CONTRIBUTORS]
    per_unit = formulas.per_declared_unit(
        allocated_kg=allocated_kg, reference_t=reference_t, declared_t=study.declared_amount_t
    )
    return {
        "allocated_kg": _s(allocated_kg),
        "per_unit_kg": _s(per_unit),
        "by_stage": {stage: _s(v) for stage, v in by_stage.items()},
        "by_gas": {gas: _s(v) for gas, v in sorted(by_gas.items())},
        "contributors": [
            {
                "ref": line.ref,
                "description": line.description,
                "per_unit_kg": _s(unit(line.kg)),
                "share": _s(line.kg / total) if total else None,
            }
            for line in ranked
        ],
    }


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
