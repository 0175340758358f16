"""Green-factory schemes written back out as YAML or as an Excel workbook, in the shapes the loader
reads (``parsers/green_factory_rows.py`` and ``parsers/green_factory_xlsx.py``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml
from django.utils.translation import gettext as _

from greenfactory.core.exports import Sheet, xlsx_workbook

from ..models import (
    Evaluation,
    GateItem,
    GateOutcome,
    Indicator,
    IndicatorType,
    Scheme,
    SchemeGroup,
    ValueOrigin,
)
from ..parsers.green_factory_xlsx import (
    BAND_COLUMNS,
    CASE_COLUMNS,
    GATE_COLUMNS,
    GROUP_COLUMNS,
    INDICATOR_COLUMNS,
    SCHEME_SHEET,
)
from ..selectors.green_factory import EvaluationScore, GroupScore, provenance_summary
from ..selectors.green_factory_gate import GateCheck, gate_passed, gate_verdict_label

SCHEME_FIELDS = ("code", "edition", "standard", "title", "title_zh", "source", "source_zh")


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


def scheme_filename(scheme: Scheme) -> str:
    """A download name without the characters that break one: GB/T 36132-2025 -> gb-t-36132-2025."""
    return scheme.code.replace("/", "-").replace(" ", "-").replace(":", "-").lower()


def scheme_xlsx(scheme: Scheme) -> bytes:
    """The scheme as a workbook the loader accepts (sheets Scheme, Groups, Indicators, Bands, Cases and
    Gate); numbers are number cells, codes are text so 3.10 stays 3.10."""
    groups = list(SchemeGroup.objects.filter(scheme=scheme).select_related("parent").order_by("position"))
    indicators = list(Indicator.objects.filter(scheme=scheme).select_related("group").order_by("position"))
    values = {
        "code": scheme.code,
        "edition": scheme.edition,
        "standard": scheme.standard_label,
        "title": scheme.title,
        "title_zh": scheme.title_zh,
        "source": scheme.source,
        "source_zh": scheme.source_zh,
    }
    bands = [
        [i.code, *(_decimal(row.get(key)) for key in BAND_COLUMNS[1:])]
        for i in indicators
        for row in (i.bands or {}).get("rows", [])
    ]
    cases = [
        [i.code, case["code"], _decimal(case["share"]), case["name_zh"], case.get("name_en", "")]
        for i in indicators
        for case in i.cases
    ]
    gate = [
        [g.code, g.kind, g.standard_code, g.name_zh, g.name_en]
        for g in GateItem.objects.filter(scheme=scheme).order_by("position")
    ]
    return xlsx_workbook(
        [
            Sheet(SCHEME_SHEET, ["field", "value"], [[k, values[k]] for k in SCHEME_FIELDS], frozenset({1})),
            Sheet(
                "Groups",
                GROUP_COLUMNS,
                [[g.code, g.parent.code if g.parent else "", g.name_zh, g.name_en] for g in groups],
                frozenset({0, 1}),
            ),
            Sheet(
                "Indicators", INDICATOR_COLUMNS, [_indicator_row(i) for i in indicators], frozenset({0, 1})
            ),
            Sheet("Bands", BAND_COLUMNS, bands, frozenset({0})),
            Sheet("Cases", CASE_COLUMNS, cases, frozenset({0, 1})),
            Sheet("Gate", GATE_COLUMNS, gate, frozenset({0})),
        ]
    )


def _indicator_row(indicator: Indicator) -> list[Any]:
    return [
        indicator.group.code,
        indicator.code,
        indicator.name_zh,
        indicator.name_en,
        indicator.type,
        indicator.unit,
        indicator.weight.normalize(),
        None if indicator.baseline is None else indicator.baseline.normalize(),
        None if indicator.leading is None else indicator.leading.normalize(),
        (indicator.bands or {}).get("by", ""),
        indicator.source,
    ]


def _decimal(value: str | None) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def evaluation_filename(evaluation: Evaluation) -> str:
    return f"green-factory-{evaluation.site.code}-{evaluation.year}".replace("/", "-").replace(" ", "-")


def _summary_text(provenance: dict) -> str:
    summary = provenance_summary(provenance)
    parts = []
    if summary["start"]:
        parts.append(
            _("%(start)s to %(end)s, %(with)s of %(days)s days with data")
            % {
                "start": summary["start"],
                "end": summary["end"],
                "with": summary["days_with_data"],
                "days": summary["days"],
            }
        )
    if summary["factor_sets"]:
        parts.append(_("factor sets %(sets)s") % {"sets": summary["factor_sets"]})
    if summary["kpis_computed_at"]:
        parts.append(
            _("KPIs computed at %(at)s") % {"at": summary["kpis_computed_at"].isoformat(timespec="minutes")}
        )
    if summary["functions"] is not None:
        parts.append(
            _("%(count)s of %(of)s functions provided")
            % {"count": summary["functions"], "of": summary["functions_of"]}
        )
    return "; ".join(parts)


def evaluation_xlsx(*, score: EvaluationScore, gate: list[GateCheck]) -> bytes:
    """The self-evaluation as a workbook: indicators (value, unit, origin, provenance summary, B, L,
    points), groups, the gate and the total, as the evaluation page shows them."""
    evaluation = score.evaluation
    codes = {g.group.pk: g.group.code for g in _walk_groups(score.groups)}
    indicators = []
    for entry in score.indicators():
        indicator, stored = entry.indicator, entry.entry
        origin = ValueOrigin(stored.origin).label if stored is not None else ""
        automatic = stored is not None and stored.origin == ValueOrigin.AUTOMATIC
        indicators.append(
            [
                codes.get(indicator.group_id, ""),
                indicator.code,
                indicator.name_zh,
                indicator.name_en,
                entry.value if indicator.type != IndicatorType.QUALITATIVE else entry.case,
                indicator.unit,
                str(origin),
                _summary_text(stored.provenance) if automatic and stored is not None else "",
                stored.reason if stored is not None else "",
                entry.baseline,
                entry.leading,
                indicator.weight,
                entry.points,
            ]
        )
    groups = [
        [g.group.code, codes.get(g.group.parent_id or 0, ""), g.group.name_zh, g.group.name_en]
        + [g.points, g.weight]
        for g in _walk_groups(score.groups)
    ]
    verdict = gate_passed(gate)
    summary = [
        [_("Site"), str(evaluation.site)],
        [_("Year"), evaluation.year],
        [_("Scheme"), evaluation.scheme.code],
        [_("Source"), evaluation.scheme.source],
        [_("Total score"), score.total],
        [_("Maximum"), score.weight],
        [_("Gate"), str(gate_verdict_label(verdict))],
    ]
    return xlsx_workbook(
        [
            Sheet(str(_("Evaluation")), [_("Field"), _("Value")], summary),
            Sheet(
                str(_("Indicators")),
                [_("Group"), _("Code"), _("Chinese name"), _("English name"), _("Value"), _("Unit")]
                + [_("Origin"), _("Provenance"), _("Reason"), "B", "L", _("Weight"), _("Points")],
                indicators,
                frozenset({0, 1}),
            ),
            Sheet(
                str(_("Groups")),
                [_("Code"), _("Parent"), _("Chinese name"), _("English name"), _("Points"), _("Weight")],
                groups,
                frozenset({0, 1}),
            ),
            Sheet(
                str(_("Gate")),
                [_("Code"), _("Chinese name"), _("English name"), _("Outcome"), _("Reason")],
                [
                    [c.item.code, c.item.name_zh, c.item.name_en, str(GateOutcome(c.outcome).label), c.reason]
                    for c in gate
                ],
                frozenset({0}),
            ),
        ]
    )


def _walk_groups(groups: list[GroupScore]) -> list[GroupScore]:
    return [s for g in groups for s in (g, *_walk_groups(g.children))]
