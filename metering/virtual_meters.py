"""Virtual-meter formulas: parsed with Python's ``ast`` over an allow-list of nodes, never evaluated.

Meters are referenced by code in square brackets (``[E-MAIN] - [E-101]``) or, when the code is a
plain identifier, bare (``M1 - M2``). Numbers, + - * / and parentheses are allowed; nothing else.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

_BRACKETED = re.compile(r"\[([^\[\]]+)\]")
_BINARY = {
    ast.Add: float.__add__,
    ast.Sub: float.__sub__,
    ast.Mult: float.__mul__,
    ast.Div: float.__truediv__,
}


class FormulaError(ValueError):
    """A formula that cannot be parsed or uses something outside the allow-list."""


@dataclass(frozen=True)
class Formula:
    text: str
    tree: ast.Expression
    names: dict[str, str]  # placeholder identifier -> meter code

    @property
    def meter_codes(self) -> frozenset[str]:
        return frozenset(self.names.values())

    def evaluate(self, values: Mapping[str, float]) -> float:
        """The formula's value given each referenced meter's value by code."""
        return _eval(self.tree.body, self.names, values)


def formula_parse(text: str) -> Formula:
    """Parse ``text``; FormulaError with a readable reason when it is not a valid formula."""
    if not text or not text.strip():
        raise FormulaError(_("The formula is empty."))
    names: dict[str, str] = {}

    def _placeholder(match: re.Match) -> str:
        code = match.group(1).strip()
        if not code:
            raise FormulaError(_("Empty brackets in the formula."))
        key = f"_m{len(names)}"
        names[key] = code
        return f" {key} "

    rewritten = _BRACKETED.sub(_placeholder, text)
    if "[" in rewritten or "]" in rewritten:
        raise FormulaError(_("Unbalanced square brackets in the formula."))
    try:
        tree = ast.parse(rewritten.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(
            _("The formula is not a valid expression (write meter codes with dashes in [brackets]).")
        ) from exc
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in names:
                names[node.id] = node.id
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise FormulaError(_("Only numbers and meter codes may appear in a formula."))
        elif not isinstance(
            node,
            ast.Expression | ast.BinOp | ast.UnaryOp | ast.Load | ast.UAdd | ast.USub | ast.operator,
        ) or (isinstance(node, ast.operator) and type(node) not in _BINARY):
            raise FormulaError(
                _("Only + - * /, parentheses, numbers and meter codes may appear in a formula.")
            )
    if not names:
        raise FormulaError(_("The formula refers to no meter."))
    return Formula(text=text, tree=tree, names=names)


def _eval(node: ast.AST, names: dict[str, str], values: Mapping[str, float]) -> float:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return float(values[names[node.id]])
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, names, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left = _eval(node.left, names, values)
        right = _eval(node.right, names, values)
        if isinstance(node.op, ast.Div) and right == 0:
            return math.nan
        return _BINARY[type(node.op)](left, right)
    raise FormulaError(_("Unsupported formula element."))  # unreachable after formula_parse
