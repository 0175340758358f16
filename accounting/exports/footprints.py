"""Footprint exports: the studies register (CSV or Excel), a study's workbook (result, sensitivity,
inventory with pedigree and provenance, co-products) and its product system as openLCA JSON-LD
(accounting.exports.footprint_jsonld)."""

from __future__ import annotations

import json
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from accounting.exports.footprint_jsonld import footprint_jsonld_response as jsonld_response
from accounting.models import FootprintStudy
from accounting.models.footprints import AVOIDED_LABEL, Allocation, FootprintProduct, ItemKind, LifeCycleStage
from accounting.selectors import footprints as selectors
from greenfactory.core.exports import Sheet, table_response, workbook_response, yes_no


def _label(choices, value: str) -> str:
    return str(dict(choices).get(value, value))


def footprint_list_export(*, fmt: str, studies) -> HttpResponse | StreamingHttpResponse:
    header = [
        _("Study"),
        _("Site"),
        _("Product"),
        _("Declared or functional unit"),
        _("System boundary"),
        _("Period start"),
        _("Period end"),
        _("Allocation"),
        _("GWP set"),
        _("Status"),
        _("Issued version"),
        _("kgCO2e per declared unit (issued)"),
    ]
    rows = []
    for s in studies:
        latest = next(iter(s.results.all()), None)
        rows.append(
            [
                s.title,
                s.site.code,
                s.get_product_display(),
                s.declared_unit,
                s.get_boundary_display(),
                s.period_start,
                s.period_end,
                s.get_allocation_display(),
                s.gwp_set.code,
                s.get_status_display(),
                latest.version if latest else None,
                latest.per_unit_kg if latest else None,
            ]
        )
    return table_response(
        fmt=fmt, filename="footprints", sheet=_("Footprint studies"), header=header, rows=rows
    )


def _d(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _result_of(study: FootprintStudy) -> dict:
    """What the exports show: the latest issued result of an issued study, else the draft's now."""
    issued = selectors.latest_result(study=study)
    if study.issued and issued is not None:
        return issued.result
    return selectors.footprint_result(study=study)


def _stages() -> dict[str, str]:
    return {**dict(LifeCycleStage.choices), selectors.AVOIDED: str(AVOIDED_LABEL)}


def _summary_rows(study: FootprintStudy, result: dict) -> list[list]:
    return [
        [_("Study"), study.title],
        [_("Site"), study.site.code],
        [_("Product"), _label(FootprintProduct.choices, result["product"])],
        [_("Declared or functional unit"), result["declared_unit"]],
        [_("System boundary"), study.get_boundary_display()],
        [_("Period"), f"{result['period']['start']} – {result['period']['end']}"],
        [_("Cut-off rules"), result["cut_off"]],
        [_("Allocation"), _label(Allocation.choices, result["allocation"])],
        [_("GWP set"), f"{result['gwp_set']['code']} v{result['gwp_set']['version']}"],
        [_("Issued version"), result.get("version")],
        [_("kgCO2e per declared unit"), _d(result["per_unit_kg"])],
        [_("Combined uncertainty (±)"), result["uncertainty"]],
        [_("Total in the boundary (kgCO2e)"), _d(result["total_kg"])],
        [_("Allocation share"), _d(result["allocation_share"])],
        [_("Credits of avoided products (kgCO2e)"), _d(result["credits_kg"])],
        *([_("Note"), w] for w in result["warnings"]),
        *([[_("Not computed"), result["not_computed"]]] if result["not_computed"] else []),
    ]


def _breakdown_rows(result: dict) -> list[list]:
    stages = _stages()
    breakdown = [[_("Life-cycle stage"), stages.get(k, k), _d(v)] for k, v in result["by_stage"].items()]
    breakdown += [[_("Gas"), gas, _d(v)] for gas, v in result["by_gas"].items()]
    breakdown += [
        [_("Top contributor"), c["description"], _d(c["per_unit_kg"]), _d(c["share"])]
        for c in result["contributors"]
    ]
    return breakdown


def _inventory_rows(result: dict) -> list[list]:
    stages = _stages()
    return [
        [
            stages.get(line["stage"], line["stage"]),
            _label(ItemKind.choices, line["kind"]),
            line["description"],
            _d(line["quantity"]),
            line["unit"],
            _d(line["factor_kg_per_unit"]),
            line["factor_source"],
            line["gas"],
            _d(line["kg"]),
            yes_no(line["in_boundary"]),
            *line["pedigree"].values(),
            line["uncertainty"],
            json.dumps(line["provenance"], ensure_ascii=False, sort_keys=True),
        ]
        for line in result["lines"]
    ]


def footprint_workbook_response(*, study: FootprintStudy) -> HttpResponse:
    result = _result_of(study)
    sensitivity = [
        [
            _label(Allocation.choices, r["allocation"]),
            _d(r["per_unit_kg"]),
            _d(r["difference_pct"]),
            r["not_computed"],
        ]
        for r in result.get("sensitivity", [])
    ]
    coproducts = [
        [
            _label(FootprintProduct.choices, c["product"]),
            _d(c["output_t"]),
            _d(c["price_cny_per_t"]),
            _d(c["avoided_kg_per_t"]),
            c["avoided_source"],
        ]
        for c in result["coproducts"]
    ]
    sheets = [
        Sheet(title=_("Result"), header=[_("Item"), _("Value")], rows=_summary_rows(study, result)),
        Sheet(
            title=_("Breakdown"),
            header=[_("By"), _("Name"), _("kgCO2e per unit"), _("Share")],
            rows=_breakdown_rows(result),
        ),
        Sheet(
            title=_("Sensitivity"),
            header=[_("Allocation"), _("kgCO2e per unit"), _("Difference (%)"), _("Not computed")],
            rows=sensitivity,
        ),
        Sheet(
            title=_("Inventory"),
            header=[
                _("Life-cycle stage"),
                _("Kind"),
                _("Description"),
                _("Quantity"),
                _("Unit"),
                _("Factor (kgCO2e per unit)"),
                _("Factor source"),
                _("Gas"),
                _("kgCO2e"),
                _("In the boundary"),
                _("Reliability"),
                _("Completeness"),
                _("Temporal correlation"),
                _("Geographical correlation"),
                _("Technological correlation"),
                _("Uncertainty (±)"),
                _("Provenance"),
            ],
            rows=_inventory_rows(result),
        ),
        Sheet(
            title=_("Co-products"),
            header=[_("Product"), _("Output (t)"), _("Price (CNY/t)"), _("Avoided (kgCO2e/t)"), _("Source")],
            rows=coproducts,
        ),
    ]
    return workbook_response(filename=f"footprint-{study.pk}", sheets=sheets)


def footprint_jsonld_response(*, study: FootprintStudy) -> HttpResponse:
    """The study's product system as openLCA JSON-LD (accounting.exports.footprint_jsonld)."""
    return jsonld_response(study=study, result=_result_of(study))
