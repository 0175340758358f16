"""Reading standards from YAML and Excel files, and the plain data shape they are read into.

Parsing never touches the database: it returns the standard's data and a list of problems, each
naming the line (YAML) or cell (Excel) it was found at. The import service checks what needs the
database (editions already loaded, crosswalk targets) and writes only when nothing is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import IO, Any

import yaml
from django.utils.translation import gettext as _

from greenfactory.core.tabular import ImportInvalid, read_workbook
from greenfactory.core.yaml_untrusted import ALIAS_REFUSED, AliasRefused, compose_untrusted

from ..models import MappingRelation, StandardStatus

NUMBER_RE = re.compile(r"^[A-Za-z0-9]+(?:[.\-][A-Za-z0-9]+)*$")
STANDARD_FIELDS = (
    "code",
    "edition",
    "title",
    "title_zh",
    "status",
    "withdrawn_on",
    "replaced_by",
    "note",
    "note_zh",
)
CLAUSE_FIELDS = ("number", "title", "title_zh", "parent")
MAPPING_FIELDS = ("clause", "standard", "target", "relation")
TITLE_MAX = 200


@dataclass(frozen=True)
class Problem:
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass
class ClauseRow:
    number: str
    title: str
    title_zh: str = ""
    parent: str = ""
    location: str = field(default="", compare=False)


@dataclass
class MappingRow:
    clause: str
    standard: str
    target: str
    relation: str
    location: str = field(default="", compare=False)


@dataclass
class StandardData:
    code: str = ""
    edition: str = ""
    title: str = ""
    title_zh: str = ""
    status: str = StandardStatus.CURRENT
    withdrawn_on: dt.date | None = None
    replaced_by: str = ""
    note: str = ""
    note_zh: str = ""
    clauses: list[ClauseRow] = field(default_factory=list)
    mappings: list[MappingRow] = field(default_factory=list)
    locations: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        return f"{self.code}:{self.edition}"


# --- YAML -----------------------------------------------------------------------------------------


def _line(node: yaml.Node) -> str:
    return _("line %(line)s") % {"line": node.start_mark.line + 1}


def parse_yaml(text: str | bytes) -> tuple[StandardData | None, list[Problem]]:
    """Read a standard from YAML. Every scalar is read as text, so clause 4.10 stays 4.10."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None, [Problem(_("file"), _("The file is not UTF-8 text."))]
    try:
        root = compose_untrusted(text)
    except yaml.YAMLError as exc:
        return None, [_yaml_error(exc, text)]
    if not isinstance(root, yaml.MappingNode):
        return None, [Problem(_("line %(line)s") % {"line": 1}, _("The file must be a mapping of fields."))]

    problems: list[Problem] = []
    data = StandardData()
    for key_node, value_node in root.value:
        key = str(key_node.value)
        if key in ("clauses", "mappings"):
            if not isinstance(value_node, yaml.SequenceNode):
                problems.append(Problem(_line(value_node), _("%(field)s must be a list.") % {"field": key}))
                continue
            for item in value_node.value:
                row = _yaml_row(item, CLAUSE_FIELDS if key == "clauses" else MAPPING_FIELDS, problems)
                if row is None:
                    continue
                if key == "clauses":
                    data.clauses.append(ClauseRow(**row, location=_line(item)))
                else:
                    data.mappings.append(MappingRow(**row, location=_line(item)))
        elif key in STANDARD_FIELDS:
            if not isinstance(value_node, yaml.ScalarNode):
                problems.append(
                    Problem(_line(value_node), _("%(field)s must be a single value.") % {"field": key})
                )
                continue
            _set_field(data, key, value_node.value, _line(value_node), problems)
        else:
            problems.append(Problem(_line(key_node), _("Unknown field “%(field)s”.") % {"field": key}))
    problems += validate(data)
    return data, problems


def _yaml_error(exc: yaml.YAMLError, text: str) -> Problem:
    """Where and why the YAML parser stopped; a reader error (a control character) has only an offset."""
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:
        line = mark.line + 1
    elif isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
    else:
        line = None
    where = _("line %(line)s") % {"line": line} if line else _("file")
    if isinstance(exc, AliasRefused):
        return Problem(where, str(ALIAS_REFUSED))
    if isinstance(exc, yaml.reader.ReaderError):
        reason = _("the character %(code)s is not allowed") % {"code": f"U+{exc.character:04X}"}
    else:
        reason = getattr(exc, "problem", None) or str(exc)
    return Problem(where, _("This is not valid YAML: %(reason)s") % {"reason": reason})


def _yaml_row(node: yaml.Node, fields: tuple[str, ...], problems: list[Problem]) -> dict[str, str] | None:
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(_line(node), _("Each entry must be a mapping of fields.")))
        return None
    row = dict.fromkeys(fields, "")
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key not in fields:
            problems.append(Problem(_line(key_node), _("Unknown field “%(field)s”.") % {"field": key}))
        elif not isinstance(value_node, yaml.ScalarNode):
            problems.append(
                Problem(_line(value_node), _("%(field)s must be a single value.") % {"field": key})
            )
        else:
            row[key] = str(value_node.value).strip()
    return row


# --- Excel ----------------------------------------------------------------------------------------


def parse_xlsx(content: bytes) -> tuple[StandardData | None, list[Problem]]:
    """Read a standard from a workbook with the sheets Standard, Clauses and (optionally) Mappings."""
    try:
        book = read_workbook(content, sheets=("Standard", "Clauses", "Mappings"))
    except ImportInvalid:
        return None, [Problem(_("file"), _("The file is not an Excel workbook (.xlsx)."))]
    problems = [
        Problem(_("file"), _("The sheet “%(sheet)s” is missing.") % {"sheet": needed})
        for needed in ("Standard", "Clauses")
        if needed.lower() not in book
    ]
    if problems:
        return None, problems

    data = StandardData()
    sheet = book["standard"]
    for number, row in sheet.lines:
        if row[0] in (None, ""):
            continue
        key = str(row[0]).strip()
        value = row[1] if len(row) > 1 else None
        if number == 1 and key.lower() == "field":
            continue
        if key not in STANDARD_FIELDS:
            problems.append(
                Problem(f"{sheet.title}!A{number}", _("Unknown field “%(field)s”.") % {"field": key})
            )
            continue
        _set_field(data, key, value, f"{sheet.title}!B{number}", problems)

    sheets: tuple[tuple[str, tuple[str, ...], list[Any], type[Any]], ...] = (
        ("clauses", CLAUSE_FIELDS, data.clauses, ClauseRow),
        ("mappings", MAPPING_FIELDS, data.mappings, MappingRow),
    )
    for title, fields, rows, cls in sheets:
        if title not in book or not book[title].lines:
            continue
        sheet = book[title]
        table = sheet.table()
        missing = [f for f in fields if f not in table.columns and f not in ("title_zh", "parent")]
        problems += [
            Problem(f"{sheet.title}!1", _("The column “%(column)s” is missing.") % {"column": name})
            for name in missing
        ]
        if not missing:
            rows += [
                cls(**{f: _text(line.get(f)) for f in fields}, location=f"{sheet.title}!A{line.line}")
                for line in table.rows
            ]
    problems += validate(data)
    return data, problems


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- shared validation ----------------------------------------------------------------------------


def _set_field(data: StandardData, key: str, value: object, where: str, problems: list[Problem]) -> None:
    data.locations[key] = where
    if key == "withdrawn_on":
        if value in (None, ""):
            return
        if isinstance(value, dt.datetime):
            data.withdrawn_on = value.date()
            return
        if isinstance(value, dt.date):
            data.withdrawn_on = value
            return
        try:
            data.withdrawn_on = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            problems.append(Problem(where, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}))
        return
    setattr(data, key, _text(value))


def validate(data: StandardData) -> list[Problem]:
    """Checks that need no database: required fields, numbers, duplicates, parents, relations."""
    problems: list[Problem] = []

    def where(key: str) -> str:
        return data.locations.get(key, _("file"))

    for key in ("code", "edition", "title"):
        if not getattr(data, key):
            problems.append(Problem(where(key), _("The field “%(field)s” is required.") % {"field": key}))
    if data.status not in StandardStatus.values:
        problems.append(
            Problem(
                where("status"),
                _("Unknown status “%(value)s”; use one of: %(choices)s.")
                % {"value": data.status, "choices": ", ".join(StandardStatus.values)},
            )
        )
    for key in ("code", "title", "title_zh"):
        if len(getattr(data, key)) > TITLE_MAX:
            problems.append(Problem(where(key), _("Longer than %(max)s characters.") % {"max": TITLE_MAX}))
    if not data.clauses:
        problems.append(Problem(_("file"), _("The standard has no clauses.")))
    seen: set[str] = set()
    for row in data.clauses:
        if not row.number:
            problems.append(Problem(row.location, _("The clause number is missing.")))
        elif not NUMBER_RE.match(row.number) or len(row.number) > 20:
            problems.append(
                Problem(row.location, _("“%(value)s” is not a clause number.") % {"value": row.number})
            )
        elif row.number in seen:
            problems.append(
                Problem(row.location, _("Clause %(number)s appears twice.") % {"number": row.number})
            )
        if not row.title:
            problems.append(Problem(row.location, _("The clause title is missing.")))
        elif len(row.title) > TITLE_MAX or len(row.title_zh) > TITLE_MAX:
            problems.append(Problem(row.location, _("Longer than %(max)s characters.") % {"max": TITLE_MAX}))
        if row.parent and row.parent not in seen:
            problems.append(
                Problem(
                    row.location,
                    _("The parent clause %(parent)s is not listed before this clause.")
                    % {"parent": row.parent},
                )
            )
        seen.add(row.number)
    for mapping in data.mappings:
        if mapping.clause not in seen:
            problems.append(
                Problem(
                    mapping.location,
                    _("Clause %(number)s is not in this standard.") % {"number": mapping.clause},
                )
            )
        if mapping.relation not in MappingRelation.values:
            problems.append(
                Problem(
                    mapping.location,
                    _("Unknown relation “%(value)s”; use one of: %(choices)s.")
                    % {"value": mapping.relation, "choices": ", ".join(MappingRelation.values)},
                )
            )
        if not mapping.standard or not mapping.target:
            problems.append(Problem(mapping.location, _("A mapping needs a standard and a target clause.")))
    return problems


def read_standard_file(upload: IO[bytes]) -> tuple[StandardData | None, list[Problem]]:
    """Parse an uploaded YAML or Excel file, told apart by its name or, failing that, its content."""
    name = (getattr(upload, "name", "") or "").lower()
    content = upload.read()
    if name.endswith((".yaml", ".yml")):
        return parse_yaml(content)
    if name.endswith(".xlsx") or content.startswith(b"PK\x03\x04"):
        return parse_xlsx(content)
    return parse_yaml(content)
