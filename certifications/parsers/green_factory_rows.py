"""The row readers of green-factory scheme files: groups, indicators (bands, cases) and gate items."""

from __future__ import annotations

from decimal import Decimal

import yaml
from django.utils.translation import gettext as _

from greenfactory.core.yaml_untrusted import ALIAS_REFUSED, AliasRefused, compose_untrusted

from ..models import GateKind, IndicatorType
from .green_factory import (
    GATE_FIELDS,
    GROUP_FIELDS,
    INDICATOR_FIELDS,
    QUANTITATIVE,
    SCHEME_FIELDS,
    GateData,
    GroupData,
    IndicatorData,
    Node,
    SchemeData,
    _plain,
    _Reader,
)
from .standards import Problem

BAND_FIELDS = ("from", "to", "baseline", "leading")
CASE_FIELDS = ("code", "share", "name_zh", "name_en")


def parse_scheme_yaml(text: str | bytes) -> tuple[SchemeData | None, list[Problem]]:
    """Read a scheme file; returns the data and every problem found (with line and key)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None, [Problem(_("file"), _("The file is not UTF-8 text."))]
    try:
        root = compose_untrusted(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        message = str(ALIAS_REFUSED) if isinstance(exc, AliasRefused) else _("The file is not valid YAML.")
        return None, [Problem(_("line %(line)s") % {"line": line}, message)]
    if root is None:
        return None, [Problem(_("line %(line)s") % {"line": 1}, _("The file is empty."))]
    tree = _plain(root)
    tree.line = 1  # what concerns the whole file is placed on its first line
    return parse_scheme_tree(tree)


def parse_scheme_tree(root: Node) -> tuple[SchemeData | None, list[Problem]]:
    """Read a scheme from its tree of values (YAML's, or the one an Excel workbook is read into), so
    both formats are checked by the same rules; top-level problems are placed at ``root.line``."""
    reader = _Reader()
    top = reader.mapping(root, SCHEME_FIELDS, _("scheme"))
    if top is None:
        return None, reader.problems
    at = root.line
    data = SchemeData(
        code=reader.text(top, "code", at),
        edition=reader.text(top, "edition", at),
        standard=reader.text(top, "standard", at, required=False),
        title=reader.text(top, "title", at),
        title_zh=reader.text(top, "title_zh", at, required=False),
        source=reader.text(top, "source", at),
        source_zh=reader.text(top, "source_zh", at, required=False),
    )
    data.gate = [g for g in (_gate(reader, n) for n in reader.seq(top, "gate")) if g is not None]
    data.groups = [g for g in (_group(reader, n) for n in reader.seq(top, "groups")) if g is not None]
    if not data.groups:
        reader.problem(at, "groups", _("the scheme needs at least one indicator group."))
    _unique_codes(reader, data)
    return data, reader.problems


def _gate(reader: _Reader, node: Node) -> GateData | None:
    row = reader.mapping(node, GATE_FIELDS, _("gate item"))
    if row is None:
        return None
    kind = reader.text(row, "kind", node.line)
    if kind and kind not in GateKind.values:
        reader.problem(
            row["kind"].line, "kind", _("must be one of %(kinds)s.") % {"kinds": ", ".join(GateKind.values)}
        )
    standard = reader.text(row, "standard", node.line, required=kind == GateKind.CERTIFICATE)
    return GateData(
        code=reader.text(row, "code", node.line),
        kind=kind,
        standard=standard,
        name_zh=reader.text(row, "name_zh", node.line),
        name_en=reader.text(row, "name_en", node.line, required=False),
    )


def _group(reader: _Reader, node: Node) -> GroupData | None:
    row = reader.mapping(node, GROUP_FIELDS, _("group"))
    if row is None:
        return None
    group = GroupData(
        code=reader.text(row, "code", node.line),
        name_zh=reader.text(row, "name_zh", node.line),
        name_en=reader.text(row, "name_en", node.line, required=False),
    )
    group.groups = [g for g in (_group(reader, n) for n in reader.seq(row, "groups")) if g is not None]
    group.indicators = [i for i in (_indicator(reader, n) for n in reader.seq(row, "indicators")) if i]
    return group


def _indicator(reader: _Reader, node: Node) -> IndicatorData | None:
    row = reader.mapping(node, INDICATOR_FIELDS, _("indicator"))
    if row is None:
        return None
    kind = reader.text(row, "type", node.line)
    if kind and kind not in IndicatorType.values:
        reader.problem(
            row["type"].line,
            "type",
            _("must be one of %(types)s.") % {"types": ", ".join(IndicatorType.values)},
        )
    bands = _bands(reader, row.get("bands"))
    needs_values = kind in QUANTITATIVE and not bands
    baseline = reader.number(row, "baseline", node.line, required=needs_values)
    leading = reader.number(row, "leading", node.line, required=needs_values)
    if baseline is not None and baseline == leading:
        reader.problem(row["leading"].line, "leading", _("must differ from the baseline value."))
    cases = _cases(reader, row.get("cases"))
    if kind == IndicatorType.QUALITATIVE and not cases:
        reader.problem(node.line, "cases", _("a qualitative indicator needs its cases."))
    weight = reader.number(row, "weight", node.line, required=True)
    if weight is not None and weight < 0:
        reader.problem(row["weight"].line, "weight", _("must not be negative."))
    return IndicatorData(
        code=reader.text(row, "code", node.line),
        name_zh=reader.text(row, "name_zh", node.line),
        name_en=reader.text(row, "name_en", node.line, required=False),
        type=kind,
        unit=reader.text(row, "unit", node.line, required=False),
        weight=weight or Decimal(0),
        baseline=baseline,
        leading=leading,
        bands=bands,
        cases=cases,
        source=reader.text(row, "source", node.line, required=False),
    )


def _bands(reader: _Reader, node: Node | None) -> dict:
    if node is None:
        return {}
    data = reader.mapping(node, ("by", "rows"), "bands")
    if data is None:
        return {}
    rows = []
    for item in reader.seq(data, "rows"):
        row = reader.mapping(item, BAND_FIELDS, _("band"))
        if row is None:
            continue
        values = {
            key: reader.number(row, key, item.line, required=key in ("baseline", "leading"))
            for key in BAND_FIELDS
        }
        if values["baseline"] is not None and values["baseline"] == values["leading"]:
            reader.problem(item.line, "leading", _("must differ from the baseline value."))
        rows.append({key: (str(v) if v is not None else None) for key, v in values.items()})
    return {"by": reader.text(data, "by", node.line), "rows": rows}


def _cases(reader: _Reader, node: Node | None) -> list:
    if node is None:
        return []
    if not isinstance(node.value, list):
        reader.problem(node.line, "cases", _("must be a list."))
        return []
    cases = []
    for item in node.value:
        row = reader.mapping(item, CASE_FIELDS, _("case"))
        if row is None:
            continue
        share = reader.number(row, "share", item.line, required=True)
        if share is not None and not Decimal(0) <= share <= Decimal(1):
            reader.problem(row["share"].line, "share", _("must be between 0 and 1."))
        cases.append(
            {
                "code": reader.text(row, "code", item.line),
                "share": str(share) if share is not None else "0",
                "name_zh": reader.text(row, "name_zh", item.line),
                "name_en": reader.text(row, "name_en", item.line, required=False),
            }
        )
    return cases


def _unique_codes(reader: _Reader, data: SchemeData) -> None:
    seen: set[str] = set()

    def visit(groups: list[GroupData]) -> None:
        for group in groups:
            for code in [group.code, *(i.code for i in group.indicators)]:
                if code in seen:
                    reader.problems.append(Problem(_("code %(code)s") % {"code": code}, _("is used twice.")))
                seen.add(code)
            visit(group.groups)

    visit(data.groups)
