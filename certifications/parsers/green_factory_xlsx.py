"""Reading a green-factory scheme from an Excel workbook, by the same rules as its YAML file.

The workbook is flat (one row per group, indicator, band, case and gate item, each naming what it
belongs to); it is read into the tree of values a YAML file gives, each value placed at its sheet and
row, and that tree goes through ``parse_scheme_tree``: every problem reads like
``sheet Indicators, row 7, weight: “ten” is not a number.``

Sheets (header in row 1; names in any case):

- ``Scheme``: field | value, for code, edition, standard, title, title_zh, source, source_zh;
- ``Groups``: code | parent | name_zh | name_en (a parent is listed above its children);
- ``Indicators``: group | code | name_zh | name_en | type | unit | weight | baseline | leading |
  bands_by | source;
- ``Bands`` (optional): indicator | from | to | baseline | leading;
- ``Cases`` (optional): indicator | code | share | name_zh | name_en;
- ``Gate`` (optional): code | kind | standard | name_zh | name_en.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from greenfactory.core.exports import FORMULA_PREFIXES
from greenfactory.core.tabular import ImportInvalid, Sheet, read_workbook

from .green_factory import SCHEME_FIELDS, Node, SchemeData
from .green_factory_rows import parse_scheme_tree
from .standards import Problem

SCHEME_SHEET = "Scheme"
GROUP_COLUMNS = ("code", "parent", "name_zh", "name_en")
INDICATOR_COLUMNS = (
    "group", "code", "name_zh", "name_en", "type", "unit", "weight", "baseline", "leading", "bands_by", "source",
)  # fmt: skip
BAND_COLUMNS = ("indicator", "from", "to", "baseline", "leading")
CASE_COLUMNS = ("indicator", "code", "share", "name_zh", "name_en")
GATE_COLUMNS = ("code", "kind", "standard", "name_zh", "name_en")
# sheet -> (its columns, the columns it cannot do without)
SHEETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Groups": (GROUP_COLUMNS, ("code",)),
    "Indicators": (INDICATOR_COLUMNS, ("group", "code")),
    "Bands": (BAND_COLUMNS, ("indicator",)),
    "Cases": (CASE_COLUMNS, ("indicator",)),
    "Gate": (GATE_COLUMNS, ("code",)),
}
REQUIRED_SHEETS = (SCHEME_SHEET, "Groups", "Indicators")
# Indicator fields a sheet's columns feed (``bands_by`` becomes the bands' ``by``).
INDICATOR_FIELDS = ("code", "name_zh", "name_en", "type", "unit", "weight", "baseline", "leading", "source")


def sheet_row(sheet: str, row: int) -> str:
    return _("sheet %(sheet)s, row %(row)s") % {"sheet": sheet, "row": row}


def cell_text(value: object) -> str:
    """A cell as the text a YAML file would hold: numbers exactly as shown (8, 0.35), the quote an
    export puts before text that looks like a formula taken off again."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


@dataclass
class _Rows:
    """One sheet's rows as mappings of Nodes, each value placed at the row it is on."""

    title: str
    rows: list[tuple[str, dict[str, Node]]]


def parse_scheme_xlsx(content: bytes) -> tuple[SchemeData | None, list[Problem]]:
    """Read a scheme workbook; returns the data and every problem found (with sheet, row and key)."""
    try:
        book = read_workbook(content, sheets=(SCHEME_SHEET, *SHEETS))
    except ImportInvalid:
        return None, [Problem(_("file"), _("The file is not an Excel workbook (.xlsx)."))]
    problems = [
        Problem(_("file"), _("The sheet “%(sheet)s” is missing.") % {"sheet": name})
        for name in REQUIRED_SHEETS
        if name.lower() not in book
    ]
    if problems:
        return None, problems
    sheets: dict[str, _Rows] = {}
    for name, (columns, needed) in SHEETS.items():
        rows = _sheet_rows(book.get(name.lower()), name, columns, needed, problems)
        if rows is not None:
            sheets[name] = rows
    if problems:
        return None, problems
    root = _scheme_node(book[SCHEME_SHEET.lower()], problems)
    root.value["groups"] = _groups_node(sheets, problems)
    gate = sheets["Gate"] if "Gate" in sheets else _Rows("Gate", [])
    root.value["gate"] = Node([Node(values, where) for where, values in gate.rows], _("sheet Gate"))
    data, found = parse_scheme_tree(root)
    return data, problems + found


def _sheet_rows(
    sheet: Sheet | None, name: str, columns: tuple[str, ...], needed: tuple[str, ...], problems: list[Problem]
) -> _Rows | None:
    if sheet is None:
        return _Rows(name, [])
    table = sheet.table()
    header = sheet_row(sheet.title, 1)
    unknown = [c for c in table.columns if c and c not in columns]
    missing = [c for c in needed if c not in table.columns]
    problems += [Problem(f"{header}, {c}", _("unknown column.")) for c in unknown]
    problems += [Problem(header, _("The column “%(column)s” is missing.") % {"column": c}) for c in missing]
    if unknown or missing:
        return None
    rows = []
    for line in table.rows:
        where = sheet_row(sheet.title, line.line)
        values = {key: Node(cell_text(value), where) for key, value in line.items()}
        rows.append((where, {k: v for k, v in values.items() if v.value != ""}))
    return _Rows(sheet.title, rows)


def _scheme_node(sheet: Sheet, problems: list[Problem]) -> Node:
    fields: dict[str, Node] = {}
    for number, cells in sheet.lines:
        key = cell_text(cells[0]) if cells else ""
        if not key or (number == 1 and key.lower() == "field"):
            continue
        where = sheet_row(sheet.title, number)
        if key not in SCHEME_FIELDS or key in ("gate", "groups"):
            problems.append(Problem(f"{where}, {key}", _("unknown field.")))
            continue
        fields[key] = Node(cell_text(cells[1]) if len(cells) > 1 else "", where)
    return Node(fields, _("sheet %(sheet)s") % {"sheet": sheet.title})


def _groups_node(sheets: dict[str, _Rows], problems: list[Problem]) -> Node:
    """The group tree, indicators under their groups, bands and cases under their indicators."""
    groups: dict[str, Node] = {}
    top: list[Node] = []
    for where, row in sheets["Groups"].rows:
        fields = {k: v for k, v in row.items() if k != "parent"}
        node = Node({**fields, "groups": Node([], where), "indicators": Node([], where)}, where)
        parent = row.get("parent")
        if parent is None:
            top.append(node)
        elif parent.value in groups:
            groups[parent.value].value["groups"].value.append(node)
        else:
            problems.append(_unknown(where, "parent", _("no group “%(code)s” is listed above."), parent))
        if "code" in row:
            groups.setdefault(row["code"].value, node)
    indicators: dict[str, Node] = {}
    for where, row in sheets["Indicators"].rows:
        node = Node({k: v for k, v in row.items() if k in INDICATOR_FIELDS}, where)
        if "bands_by" in row:
            node.value["bands"] = Node({"by": row["bands_by"], "rows": Node([], where)}, where)
        group = row.get("group")
        if group is not None and group.value in groups:
            groups[group.value].value["indicators"].value.append(node)
        else:
            problems.append(_unknown(where, "group", _("no group “%(code)s” in the sheet Groups."), group))
        if "code" in row:
            indicators.setdefault(row["code"].value, node)
    for sheet, key in (("Bands", "bands"), ("Cases", "cases")):
        for where, row in sheets[sheet].rows:
            name = row.get("indicator")
            owner = indicators.get(name.value) if name is not None else None
            if owner is None:
                message = _("no indicator “%(code)s” in the sheet Indicators.")
                problems.append(_unknown(where, "indicator", message, name))
                continue
            _attach(owner, key, Node({k: v for k, v in row.items() if k != "indicator"}, where), where)
    return Node(top, _("sheet Groups"))


def _attach(indicator: Node, key: str, row: Node, where: str) -> None:
    if key == "bands":
        bands = indicator.value.setdefault("bands", Node({"rows": Node([], where)}, indicator.line))
        bands.value["rows"].value.append(row)
    else:
        indicator.value.setdefault("cases", Node([], where)).value.append(row)


def _unknown(where: str, key: str, message: str, node: Node | None) -> Problem:
    """A row naming what it belongs to wrongly; an empty cell is simply required."""
    if node is None:
        return Problem(f"{where}, {key}", _("is required."))
    return Problem(f"{where}, {key}", message % {"code": node.value})
