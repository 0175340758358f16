"""Reading green-factory scheme files (YAML, or Excel through ``green_factory_xlsx``) into plain data,
with every problem naming its place (a YAML line, or an Excel sheet and row) and key.

Parsing never touches the database; the loader service writes only when the list of problems is empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.utils.translation import gettext as _

from ..models import IndicatorType
from .standards import Problem

SCHEME_FIELDS = ("code", "edition", "standard", "title", "title_zh", "source", "source_zh", "gate", "groups")
GROUP_FIELDS = ("code", "name_zh", "name_en", "groups", "indicators")
INDICATOR_FIELDS = (
    "code", "name_zh", "name_en", "type", "unit", "weight", "baseline", "leading", "bands", "cases", "source",
)  # fmt: skip
GATE_FIELDS = ("code", "kind", "standard", "name_zh", "name_en")
QUANTITATIVE = (IndicatorType.HIGHER_BETTER, IndicatorType.LOWER_BETTER, IndicatorType.COUNT)


# Where a value was read: a YAML line (1-based), or a label such as "sheet Indicators, row 7".
Where = int | str


@dataclass
class Node:
    """A value with where it was read: the YAML line it starts on, or its Excel sheet and row."""

    value: Any
    line: Where


@dataclass
class IndicatorData:
    code: str
    name_zh: str
    name_en: str
    type: str
    unit: str
    weight: Decimal
    baseline: Decimal | None
    leading: Decimal | None
    bands: dict
    cases: list
    source: str


@dataclass
class GroupData:
    code: str
    name_zh: str
    name_en: str
    groups: list[GroupData] = field(default_factory=list)
    indicators: list[IndicatorData] = field(default_factory=list)


@dataclass
class GateData:
    code: str
    kind: str
    standard: str
    name_zh: str
    name_en: str


@dataclass
class SchemeData:
    code: str = ""
    edition: str = ""
    standard: str = ""
    title: str = ""
    title_zh: str = ""
    source: str = ""
    source_zh: str = ""
    gate: list[GateData] = field(default_factory=list)
    groups: list[GroupData] = field(default_factory=list)


def _plain(node: yaml.Node) -> Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        return Node({str(k.value): _plain(v) for k, v in node.value}, line)
    if isinstance(node, yaml.SequenceNode):
        return Node([_plain(item) for item in node.value], line)
    return Node(str(node.value), line)


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, line: Where, key: str, message: str) -> None:
        if isinstance(line, int):
            where = _("line %(line)s, %(key)s") % {"line": line, "key": key}
        else:
            where = f"{line}, {key}"
        self.problems.append(Problem(where, message))

    def mapping(self, node: Node, fields: tuple[str, ...], what: str) -> dict[str, Node] | None:
        if not isinstance(node.value, dict):
            self.problem(node.line, what, _("must be a mapping of fields."))
            return None
        for key, value in node.value.items():
            if key not in fields:
                self.problem(value.line, key, _("unknown field."))
        return node.value

    def text(self, data: dict[str, Node], key: str, line: Where, *, required: bool = True) -> str:
        node = data.get(key)
        if node is None or node.value in ("", None):
            if required:
                self.problem(line, key, _("is required."))
            return ""
        if not isinstance(node.value, str):
            self.problem(node.line, key, _("must be a single value."))
            return ""
        return node.value.strip()

    def number(self, data: dict[str, Node], key: str, line: Where, *, required: bool) -> Decimal | None:
        raw = self.text(data, key, line, required=required)
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.problem(data[key].line, key, _("“%(value)s” is not a number.") % {"value": raw})
            return None
        if not value.is_finite():
            self.problem(data[key].line, key, _("must be a finite number."))
            return None
        return value

    def seq(self, data: dict[str, Node], key: str) -> list[Node]:
        node = data.get(key)
        if node is None:
            return []
        if not isinstance(node.value, list):
            self.problem(node.line, key, _("must be a list."))
            return []
        return node.value
