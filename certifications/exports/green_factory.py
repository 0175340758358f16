"""Green-factory schemes written back out as YAML, in the shape the loader reads."""

from __future__ import annotations

from typing import Any

import yaml

from ..models import GateItem, Indicator, Scheme, SchemeGroup


def _indicator(indicator: Indicator) -> dict[str, Any]:
    row: dict[str, Any] = {
        "code": indicator.code,
        "name_zh": indicator.name_zh,
        "name_en": indicator.name_en,
        "type": indicator.type,
        "unit": indicator.unit,
        "weight": _number(indicator.weight),
    }
    if indicator.baseline is not None:
        row["baseline"] = _number(indicator.baseline)
    if indicator.leading is not None:
        row["leading"] = _number(indicator.leading)
    if indicator.bands:
        rows = [{k: v for k, v in band.items() if v is not None} for band in indicator.bands.get("rows", [])]
        row["bands"] = {"by": indicator.bands.get("by", ""), "rows": rows}
    if indicator.cases:
        row["cases"] = indicator.cases
    if indicator.source:
        row["source"] = indicator.source
    return row


def _number(value) -> str:
    text = format(value.normalize(), "f")
    return text


def _gate(item: GateItem) -> dict[str, Any]:
    row = {"code": item.code, "kind": item.kind, "name_zh": item.name_zh, "name_en": item.name_en}
    if item.standard_code:
        row["standard"] = item.standard_code
    return row


def scheme_yaml(scheme: Scheme) -> str:
    """The scheme as a YAML file the loader accepts (loading it again changes nothing)."""
    groups = list(SchemeGroup.objects.filter(scheme=scheme).order_by("position"))
    indicators = list(Indicator.objects.filter(scheme=scheme).order_by("position"))
    children: dict[int | None, list[SchemeGroup]] = {}
    for group in groups:
        children.setdefault(group.parent_id, []).append(group)

    def build(group: SchemeGroup) -> dict[str, Any]:
        row: dict[str, Any] = {"code": group.code, "name_zh": group.name_zh, "name_en": group.name_en}
        rows = [_indicator(i) for i in indicators if i.group_id == group.pk]
        subgroups = [build(c) for c in children.get(group.pk, [])]
        if subgroups:
            row["groups"] = subgroups
        if rows:
            row["indicators"] = rows
        return row

    data = {
        "code": scheme.code,
        "edition": scheme.edition,
        "standard": scheme.standard_label,
        "title": scheme.title,
        "title_zh": scheme.title_zh,
        "source": scheme.source,
        "source_zh": scheme.source_zh,
        "gate": [_gate(g) for g in GateItem.objects.filter(scheme=scheme).order_by("position")],
        "groups": [build(g) for g in children.get(None, [])],
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
