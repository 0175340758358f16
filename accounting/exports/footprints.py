"""Footprint exports: the studies register (CSV or Excel), a study's workbook (result, sensitivity,
inventory with pedigree and provenance, co-products) and its product system as openLCA JSON-LD
(olca-schema 2: a zip of processes/, flows/, flow_properties/ and unit_groups/ objects)."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from accounting.models import FootprintStudy
from accounting.models.footprints import Allocation, FootprintProduct, ItemKind, LifeCycleStage
from accounting.selectors import footprints as selectors
from greenfactory.core.exports import Sheet, table_response, workbook_response, yes_no

# openLCA identifies everything by UUID: ours are derived from the study and the object's name, so
# exporting the same study again gives the same identifiers.
_NAMESPACE = uuid.UUID("6f0f6a55-7b53-4f0e-9d64-0a4c6f6b2f10")


def _id(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


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


def footprint_workbook_response(*, study: FootprintStudy) -> HttpResponse:
    result = _result_of(study)
    stages = {**dict(LifeCycleStage.choices), selectors.AVOIDED: _("Avoided products (credits)")}
    summary = [
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
    breakdown = [[_("Life-cycle stage"), stages.get(k, k), _d(v)] for k, v in result["by_stage"].items()]
    breakdown += [[_("Gas"), gas, _d(v)] for gas, v in result["by_gas"].items()]
    breakdown += [
        [_("Top contributor"), c["description"], _d(c["per_unit_kg"]), _d(c["share"])]
        for c in result["contributors"]
    ]
    sensitivity = [
        [
            _label(Allocation.choices, r["allocation"]),
            _d(r["per_unit_kg"]),
            _d(r["difference_pct"]),
            r["not_computed"],
        ]
        for r in result.get("sensitivity", [])
    ]
    lines = [
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
        Sheet(title=_("Result"), header=[_("Item"), _("Value")], rows=summary),
        Sheet(
            title=_("Breakdown"),
            header=[_("By"), _("Name"), _("kgCO2e per unit"), _("Share")],
            rows=breakdown,
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
            rows=lines,
        ),
        Sheet(
            title=_("Co-products"),
            header=[_("Product"), _("Output (t)"), _("Price (CNY/t)"), _("Avoided (kgCO2e/t)"), _("Source")],
            rows=coproducts,
        ),
    ]
    return workbook_response(filename=f"footprint-{study.pk}", sheets=sheets)


# --- openLCA JSON-LD ------------------------------------------------------------------------------------

_UNIT_GROUPS = {
    # unit group name: (flow property name, {unit: conversion to the reference unit}, reference unit)
    "Units of mass": ("Mass", {"kg": 1.0, "t": 1000.0, "g": 0.001}, "kg"),
    "Units of energy": ("Energy", {"MJ": 1.0, "kWh": 3.6, "GJ": 1000.0}, "MJ"),
    "Units of volume": ("Volume", {"m3": 1.0, "L": 0.001}, "m3"),
    "Units of items": ("Number of items", {"Item(s)": 1.0}, "Item(s)"),
    "Units of mass*length": (
        "Goods transport (mass*distance)",
        {"t*km": 1.0, "t·km": 1.0, "tkm": 1.0},
        "t*km",
    ),
}


def _group_of(unit: str) -> tuple[str, str]:
    """The unit group and unit name a unit of ours belongs to (an unknown unit counts as items)."""
    for group, (_prop, units, _ref) in _UNIT_GROUPS.items():
        if unit in units:
            return group, unit
    return "Units of items", "Item(s)"


def _ref(kind: str, obj: dict) -> dict:
    return {"@type": kind, "@id": obj["@id"], "name": obj["name"]}


def footprint_jsonld(*, study: FootprintStudy) -> bytes:
    """The study's product system as an olca-schema 2 zip: one unit process of the recycling plant with
    its inputs, its emissions, and its outputs (the reference product quantitative, the co-products
    with the study's allocation factors), plus one background process per input carrying its factor as
    an emission of the flow "kg CO2e (<GWP set>)", so openLCA links and recomputes the same total."""
    result = _result_of(study)
    gwp = result["gwp_set"]["code"]
    groups: dict[str, dict] = {}
    properties: dict[str, dict] = {}
    for name, (prop, units, ref) in _UNIT_GROUPS.items():
        group_id, prop_id = _id("unit-group", name), _id("flow-property", prop)
        groups[name] = {
            "@type": "UnitGroup",
            "@id": group_id,
            "name": name,
            "defaultFlowProperty": {"@type": "FlowProperty", "@id": prop_id, "name": prop},
            "units": [
                {
                    "@type": "Unit",
                    "@id": _id("unit", name, unit),
                    "name": unit,
                    "conversionFactor": factor,
                    "isRefUnit": unit == ref,
                }
                for unit, factor in units.items()
            ],
        }
        properties[name] = {
            "@type": "FlowProperty",
            "@id": prop_id,
            "name": prop,
            "flowPropertyType": "PHYSICAL_QUANTITY",
            "unitGroup": _ref("UnitGroup", groups[name]),
        }
    flows: dict[str, dict] = {}

    def flow(name: str, flow_type: str, group: str) -> dict:
        key = f"{flow_type}:{name}"
        if key not in flows:
            flows[key] = {
                "@type": "Flow",
                "@id": _id("flow", study.pk, key),
                "name": name,
                "flowType": flow_type,
                "flowProperties": [
                    {
                        "@type": "FlowPropertyFactor",
                        "flowProperty": _ref("FlowProperty", properties[group]),
                        "conversionFactor": 1.0,
                        "isRefFlowProperty": True,
                    }
                ],
            }
        return flows[key]

    def exchange(internal_id: int, flow_obj: dict, group: str, unit: str, amount: float, **extra) -> dict:
        unit_obj = next(u for u in groups[group]["units"] if u["name"] == unit)
        return {
            "@type": "Exchange",
            "internalId": internal_id,
            "flow": _ref("Flow", flow_obj),
            "flowProperty": _ref("FlowProperty", properties[group]),
            "unit": {"@type": "Unit", "@id": unit_obj["@id"], "name": unit},
            "amount": amount,
            **extra,
        }

    co2e = flow(f"kg CO2e ({gwp})", "ELEMENTARY_FLOW", "Units of mass")
    processes: list[dict] = []
    main_exchanges: list[dict] = []
    counter = 0
    for line in result["lines"]:
        if not line["in_boundary"]:
            continue
        group, unit = _group_of(line["unit"])
        counter += 1
        dq = "({})".format(";".join(str(v) for v in line["pedigree"].values()))
        if line["kind"] in (ItemKind.FUEL, ItemKind.REFRIGERANT):
            # Direct emissions of the plant: the gas leaves the process itself.
            gas = flow(f"{line['gas']}, {line['description']}", "ELEMENTARY_FLOW", "Units of mass")
            main_exchanges.append(
                exchange(
                    counter, gas, "Units of mass", "kg", float(Decimal(line["kg"])), isInput=False, dqEntry=dq
                )
            )
            continue
        product = flow(line["description"], "PRODUCT_FLOW", group)
        main_exchanges.append(
            exchange(
                counter, product, group, unit, float(Decimal(line["quantity"])), isInput=True, dqEntry=dq
            )
        )
        background = {
            "@type": "Process",
            "@id": _id("process", study.pk, line["ref"]),
            "name": f"{line['description']} ({line['factor_source']})",
            "processType": "UNIT_PROCESS",
            "exchanges": [
                exchange(1, product, group, unit, 1.0, isInput=False, isQuantitativeReference=True),
                exchange(
                    2, co2e, "Units of mass", "kg", float(Decimal(line["factor_kg_per_unit"])), isInput=False
                ),
            ],
            "lastInternalId": 2,
        }
        processes.append(background)
    outputs = result["coproducts"] or [{"product": result["product"], "output_t": result["reference_t"]}]
    allocation_type = {
        Allocation.MASS: "PHYSICAL_ALLOCATION",
        Allocation.ECONOMIC: "ECONOMIC_ALLOCATION",
        Allocation.SYSTEM_EXPANSION: "USE_DEFAULT_ALLOCATION",
    }[result["allocation"]]
    allocation_factors = []
    for output in outputs:
        if output["output_t"] is None:
            continue
        counter += 1
        reference = output["product"] == result["product"]
        product = flow(_label(FootprintProduct.choices, output["product"]), "PRODUCT_FLOW", "Units of mass")
        avoided = result["allocation"] == Allocation.SYSTEM_EXPANSION and not reference
        main_exchanges.append(
            exchange(
                counter,
                product,
                "Units of mass",
                "t",
                float(Decimal(output["output_t"])),
                # An avoided product is an input with a negative effect in openLCA's system expansion.
                isInput=avoided,
                isAvoidedProduct=avoided,
                isQuantitativeReference=reference,
            )
        )
        if avoided and output.get("avoided_kg_per_t") is not None:
            processes.append(
                {
                    "@type": "Process",
                    "@id": _id("process", study.pk, "avoided", output["product"]),
                    "name": f"{product['name']}, primary production avoided",
                    "processType": "UNIT_PROCESS",
                    "exchanges": [
                        exchange(
                            1, product, "Units of mass", "t", 1.0, isInput=False, isQuantitativeReference=True
                        ),
                        exchange(
                            2,
                            co2e,
                            "Units of mass",
                            "kg",
                            float(Decimal(output["avoided_kg_per_t"])),
                            isInput=False,
                        ),
                    ],
                    "lastInternalId": 2,
                }
            )
        if result["allocation"] != Allocation.SYSTEM_EXPANSION and result["allocation_share"] is not None:
            share = _allocation_factor(result, output)
            if share is not None:
                allocation_factors.append(
                    {
                        "@type": "AllocationFactor",
                        "allocationType": allocation_type,
                        "product": _ref("Flow", product),
                        "value": share,
                    }
                )
    main = {
        "@type": "Process",
        "@id": _id("process", study.pk, "main"),
        "name": f"{study.title} ({study.site.code}, {result['period']['start']} – {result['period']['end']})",
        "description": _("ISO 14067 study exported by Green Factory; version %(version)s.")
        % {"version": result.get("version") or _("draft")},
        "processType": "UNIT_PROCESS",
        "defaultAllocationMethod": allocation_type,
        "allocationFactors": allocation_factors,
        "exchanges": main_exchanges,
        "lastInternalId": counter,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("olca-schema.json", json.dumps({"version": 2}))
        for folder, objects in (
            ("processes", [main, *processes]),
            ("flows", list(flows.values())),
            ("flow_properties", list(properties.values())),
            ("unit_groups", list(groups.values())),
        ):
            for obj in objects:
                archive.writestr(f"{folder}/{obj['@id']}.json", json.dumps(obj, ensure_ascii=False, indent=2))
    return buffer.getvalue()


def _allocation_factor(result: dict, output: dict) -> float | None:
    """The output's share of the burden by the study's method (the shares add up to 1)."""
    rows = [c for c in result["coproducts"] if c["output_t"] is not None]
    if result["allocation"] == Allocation.MASS:
        total = sum(Decimal(c["output_t"]) for c in rows)
        return float(Decimal(output["output_t"]) / total) if total else None
    values = {c["product"]: Decimal(c["output_t"]) * Decimal(c["price_cny_per_t"] or 0) for c in rows}
    total = sum(values.values())
    return float(values[output["product"]] / total) if total and output["product"] in values else None


def footprint_jsonld_response(*, study: FootprintStudy) -> HttpResponse:
    response = HttpResponse(footprint_jsonld(study=study), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="footprint-{study.pk}-olca.zip"'
    return response
