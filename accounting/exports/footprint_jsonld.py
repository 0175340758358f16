"""A footprint study's product system as openLCA JSON-LD (olca-schema 2): a zip of processes/, flows/,
flow_properties/ and unit_groups/ objects, each with its @type and @id.

The plant is one unit process with its inputs, direct emissions and outputs (the reference product as
the quantitative reference, the co-products with the study's allocation factors, or as avoided products
under system expansion). Each input has a background process emitting its factor as the flow
"kg CO2e (<GWP set>)", so a verifier can link the system in openLCA and recompute the same total.
Identifiers are derived from the study and the object's name: exporting again gives the same ones.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _

from accounting.models import FootprintStudy
from accounting.models.footprints import Allocation, FootprintProduct, ItemKind

_NAMESPACE = uuid.UUID("6f0f6a55-7b53-4f0e-9d64-0a4c6f6b2f10")
MASS = "Units of mass"
_UNIT_GROUPS = {
    # unit group: (flow property, {unit: conversion to the reference unit}, reference unit)
    MASS: ("Mass", {"kg": 1.0, "t": 1000.0, "g": 0.001}, "kg"),
    "Units of energy": ("Energy", {"MJ": 1.0, "kWh": 3.6, "GJ": 1000.0}, "MJ"),
    "Units of volume": ("Volume", {"m3": 1.0, "L": 0.001}, "m3"),
    "Units of items": ("Number of items", {"Item(s)": 1.0}, "Item(s)"),
    "Units of mass*length": (
        "Goods transport (mass*distance)",
        {"t*km": 1.0, "t·km": 1.0, "tkm": 1.0},
        "t*km",
    ),
}
_ALLOCATION_TYPES = {
    Allocation.MASS: "PHYSICAL_ALLOCATION",
    Allocation.ECONOMIC: "ECONOMIC_ALLOCATION",
    Allocation.SYSTEM_EXPANSION: "USE_DEFAULT_ALLOCATION",
}


def _id(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


def _ref(obj: dict) -> dict:
    return {"@type": obj["@type"], "@id": obj["@id"], "name": obj["name"]}


def _group_of(unit: str) -> tuple[str, str]:
    """The unit group and unit a unit of ours belongs to (an unknown unit counts as items)."""
    for group, (_prop, units, _reference) in _UNIT_GROUPS.items():
        if unit in units:
            return group, unit
    return "Units of items", "Item(s)"


class _ProductSystem:
    def __init__(self, study: FootprintStudy, result: dict) -> None:
        self.study, self.result = study, result
        self.groups: dict[str, dict] = {}
        self.properties: dict[str, dict] = {}
        self.flows: dict[str, dict] = {}
        self.processes: list[dict] = []
        self.exchanges: list[dict] = []
        self.allocation_factors: list[dict] = []
        for name, (prop, units, reference) in _UNIT_GROUPS.items():
            prop_id = _id("flow-property", prop)
            self.groups[name] = {
                "@type": "UnitGroup",
                "@id": _id("unit-group", name),
                "name": name,
                "defaultFlowProperty": {"@type": "FlowProperty", "@id": prop_id, "name": prop},
                "units": [
                    {
                        "@type": "Unit",
                        "@id": _id("unit", name, unit),
                        "name": unit,
                        "conversionFactor": factor,
                        "isRefUnit": unit == reference,
                    }
                    for unit, factor in units.items()
                ],
            }
            self.properties[name] = {
                "@type": "FlowProperty",
                "@id": prop_id,
                "name": prop,
                "flowPropertyType": "PHYSICAL_QUANTITY",
                "unitGroup": _ref(self.groups[name]),
            }
        self.co2e = self.flow(f"kg CO2e ({result['gwp_set']['code']})", "ELEMENTARY_FLOW", MASS)

    def flow(self, name: str, flow_type: str, group: str) -> dict:
        key = f"{flow_type}:{name}"
        if key not in self.flows:
            self.flows[key] = {
                "@type": "Flow",
                "@id": _id("flow", self.study.pk, key),
                "name": name,
                "flowType": flow_type,
                "flowProperties": [
                    {
                        "@type": "FlowPropertyFactor",
                        "flowProperty": _ref(self.properties[group]),
                        "conversionFactor": 1.0,
                        "isRefFlowProperty": True,
                    }
                ],
            }
        return self.flows[key]

    def exchange(self, internal_id: int, flow: dict, group: str, unit: str, amount: float, **extra) -> dict:
        unit_obj = next(u for u in self.groups[group]["units"] if u["name"] == unit)
        return {
            "@type": "Exchange",
            "internalId": internal_id,
            "flow": _ref(flow),
            "flowProperty": _ref(self.properties[group]),
            "unit": {"@type": "Unit", "@id": unit_obj["@id"], "name": unit},
            "amount": amount,
            **extra,
        }

    def background(self, key: str, name: str, product: dict, group: str, unit: str, kg: float) -> None:
        """A process making one unit of ``product`` and emitting ``kg`` CO2e."""
        self.processes.append(
            {
                "@type": "Process",
                "@id": _id("process", self.study.pk, key),
                "name": name,
                "processType": "UNIT_PROCESS",
                "exchanges": [
                    self.exchange(1, product, group, unit, 1.0, isInput=False, isQuantitativeReference=True),
                    self.exchange(2, self.co2e, MASS, "kg", kg, isInput=False),
                ],
                "lastInternalId": 2,
            }
        )

    def add_lines(self) -> None:
        for line in (line for line in self.result["lines"] if line["in_boundary"]):
            group, unit = _group_of(line["unit"])
            number = len(self.exchanges) + 1
            dq = "({})".format(";".join(str(v) for v in line["pedigree"].values()))
            if line["kind"] in (ItemKind.FUEL, ItemKind.REFRIGERANT):
                # Direct emissions of the plant: the gas leaves the process itself.
                gas = self.flow(f"{line['gas']}, {line['description']}", "ELEMENTARY_FLOW", MASS)
                kg = float(Decimal(line["kg"]))
                self.exchanges.append(self.exchange(number, gas, MASS, "kg", kg, isInput=False, dqEntry=dq))
                continue
            product = self.flow(line["description"], "PRODUCT_FLOW", group)
            amount = float(Decimal(line["quantity"]))
            self.exchanges.append(
                self.exchange(number, product, group, unit, amount, isInput=True, dqEntry=dq)
            )
            name = f"{line['description']} ({line['factor_source']})"
            self.background(
                line["ref"], name, product, group, unit, float(Decimal(line["factor_kg_per_unit"]))
            )

    def add_outputs(self) -> None:
        result = self.result
        outputs = result["coproducts"] or [{"product": result["product"], "output_t": result["reference_t"]}]
        expansion = result["allocation"] == Allocation.SYSTEM_EXPANSION
        for output in (o for o in outputs if o["output_t"] is not None):
            reference = output["product"] == result["product"]
            name = str(dict(FootprintProduct.choices).get(output["product"], output["product"]))
            product = self.flow(name, "PRODUCT_FLOW", MASS)
            avoided = expansion and not reference
            self.exchanges.append(
                self.exchange(
                    len(self.exchanges) + 1,
                    product,
                    MASS,
                    "t",
                    float(Decimal(output["output_t"])),
                    # openLCA's avoided product: an input with the opposite effect.
                    isInput=avoided,
                    isAvoidedProduct=avoided,
                    isQuantitativeReference=reference,
                )
            )
            if avoided and output.get("avoided_kg_per_t") is not None:
                key, kg = f"avoided/{output['product']}", float(Decimal(output["avoided_kg_per_t"]))
                self.background(key, f"{name}, primary production avoided", product, MASS, "t", kg)
            share = None if expansion else _allocation_factor(result, output)
            if share is not None:
                self.allocation_factors.append(
                    {
                        "@type": "AllocationFactor",
                        "allocationType": _ALLOCATION_TYPES[result["allocation"]],
                        "product": _ref(product),
                        "value": share,
                    }
                )

    def main(self) -> dict:
        result, study = self.result, self.study
        period = f"{result['period']['start']} – {result['period']['end']}"
        return {
            "@type": "Process",
            "@id": _id("process", study.pk, "main"),
            "name": f"{study.title} ({study.site.code}, {period})",
            "description": _("ISO 14067 study exported by Green Factory; version %(version)s.")
            % {"version": result.get("version") or _("draft")},
            "processType": "UNIT_PROCESS",
            "defaultAllocationMethod": _ALLOCATION_TYPES[result["allocation"]],
            "allocationFactors": self.allocation_factors,
            "exchanges": self.exchanges,
            "lastInternalId": len(self.exchanges),
        }


def _allocation_factor(result: dict, output: dict) -> float | None:
    """The output's share of the burden by the study's method (the shares add up to 1)."""
    rows = [c for c in result["coproducts"] if c["output_t"] is not None]
    if result["allocation"] == Allocation.MASS:
        total = sum(Decimal(c["output_t"]) for c in rows)
        return float(Decimal(output["output_t"]) / total) if total else None
    values = {c["product"]: Decimal(c["output_t"]) * Decimal(c["price_cny_per_t"] or 0) for c in rows}
    total = sum(values.values())
    return float(values[output["product"]] / total) if total and output["product"] in values else None


def footprint_jsonld(*, study: FootprintStudy, result: dict) -> bytes:
    """The zip of the study's product system, from ``result`` (issued or computed now)."""
    system = _ProductSystem(study, result)
    system.add_lines()
    system.add_outputs()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("olca-schema.json", json.dumps({"version": 2}))
        for folder, objects in (
            ("processes", [system.main(), *system.processes]),
            ("flows", list(system.flows.values())),
            ("flow_properties", list(system.properties.values())),
            ("unit_groups", list(system.groups.values())),
        ):
            for obj in objects:
                archive.writestr(f"{folder}/{obj['@id']}.json", json.dumps(obj, ensure_ascii=False, indent=2))
    return buffer.getvalue()


def footprint_jsonld_response(*, study: FootprintStudy, result: dict) -> HttpResponse:
    response = HttpResponse(footprint_jsonld(study=study, result=result), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="footprint-{study.pk}-olca.zip"'
    return response
