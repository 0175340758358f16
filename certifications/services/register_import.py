"""Importing a register from a spreadsheet (Excel or CSV): every line checked, all or nothing.

Plants keep their registers in spreadsheets; this brings one in. Each register describes its table
once (``RegisterTable``: its columns and the service call that saves one entry), and this module
does the rest for all of them:

- the file is read through greenfactory/core/tabular.py (CSV or the first sheet of a workbook);
- columns are found by key or by their English or Chinese header; a missing required column or an
  unknown one is refused before any line is read;
- every line is read and checked, and every problem is reported with its line and column;
- a line whose reference exists updates that entry, any other line creates one;
- only when no line has a problem are the entries saved, each through the register's own service
  (so its rules and its audit trail apply), in one transaction: a rule the service refuses on any
  line rolls the whole file back and is reported on that line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError
from greenfactory.core.tabular import Table, TableRow, read_table
from greenfactory.sites.models import Site

from ..models.registers import RegisterEntry
from ..models.standards import Clause
from ..parsers.registers import CellInvalid, Column, Lookups, blank, clause_key

# Lines one file may hold; a register larger than this is imported in parts.
MAX_IMPORT_LINES = 5000
# Problems reported at most; the rest are counted.
MAX_REPORTED_ERRORS = 200

Saver = Callable[..., RegisterEntry]


@dataclass(frozen=True)
class RegisterTable:
    """A register's spreadsheet: its columns and how one line is saved.

    ``save(values=..., existing=..., by=...)`` creates (``existing`` is None) or updates one entry
    through the register's service and returns it; ``values`` holds a value per column key present
    in the file. ``reference`` must be one of the columns: it is how lines find their entries.
    """

    model: type[RegisterEntry]
    columns: tuple[Column, ...]
    save: Saver
    filename: str
    sheet: str | Promise

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class LineError:
    line: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


class RegisterImportInvalid(DomainError):
    """The file has problems; nothing was imported. ``errors`` lists each with its line."""

    code = "import_invalid"

    def __init__(self, errors: list[LineError], *, total: int | None = None) -> None:
        self.errors = errors[:MAX_REPORTED_ERRORS]
        self.total = len(errors) if total is None else total
        super().__init__(
            _("Nothing was imported: the file has %(n)s problem(s); each is listed with its line.")
            % {"n": self.total}
        )

    def extra(self) -> dict[str, Any]:
        return {"errors": [e.as_dict() for e in self.errors], "error_count": self.total}


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    references: list[str]


def import_register(*, table: RegisterTable, data: bytes, by: User) -> ImportResult:
    """Import every line of the file into the register, or nothing (raises RegisterImportInvalid or
    ImportInvalid for an unreadable file)."""
    sheet = read_table(data)
    positions = _columns(table, sheet)
    if len(sheet.rows) > MAX_IMPORT_LINES:
        raise RegisterImportInvalid(
            [
                LineError(
                    line=1,
                    column="",
                    message=_("The file has more than %(n)s lines; import it in parts.")
                    % {"n": MAX_IMPORT_LINES},
                )
            ]
        )
    if not sheet.rows:
        raise RegisterImportInvalid(
            [LineError(line=1, column="", message=_("The file has no lines to import."))]
        )
    lookups = _lookups()
    errors: list[LineError] = []
    lines = [_read_line(table, row, positions, lookups, errors) for row in sheet.rows]
    _check_duplicates(table, sheet.rows, lines, errors)
    if errors:
        raise RegisterImportInvalid(errors)
    return _save(table, sheet.rows, lines, by)


def _columns(table: RegisterTable, sheet: Table) -> dict[str, str]:
    """Column key -> the header it has in the file; refuses unknown and missing columns."""
    known = {name: column.key for column in table.columns for name in column.headers()}
    positions: dict[str, str] = {}
    errors = []
    for header in sheet.columns:
        if not header:
            continue
        key = known.get(header)
        if key is None:
            errors.append(
                LineError(
                    line=1,
                    column=header,
                    message=_("Unknown column; the columns are: %(columns)s.")
                    % {"columns": ", ".join(c.key for c in table.columns)},
                )
            )
        elif key in positions:
            errors.append(LineError(line=1, column=header, message=_("This column appears twice.")))
        else:
            positions[key] = header
    for column in table.columns:
        if (column.required or column.key == "reference") and column.key not in positions:
            errors.append(LineError(line=1, column=column.key, message=_("This column is required.")))
    if errors:
        raise RegisterImportInvalid(errors)
    return positions


def _lookups() -> Lookups:
    return Lookups(
        sites={s.code.upper(): s for s in Site.objects.all()},
        users={u.username.lower(): u for u in User.objects.filter(is_active=True)},
        clauses={
            clause_key(f"{c.standard.code} {c.number}"): c for c in Clause.objects.select_related("standard")
        },
    )


def _read_line(
    table: RegisterTable, row: TableRow, positions: dict[str, str], lookups: Lookups, errors: list[LineError]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, header in positions.items():
        column = table.column(key)
        cell = row.get(header)
        if column.required and blank(cell):
            errors.append(LineError(line=row.line, column=header, message=_("This field is required.")))
            continue
        try:
            values[key] = column.read(cell, lookups)
        except CellInvalid as exc:
            errors.append(LineError(line=row.line, column=header, message=str(exc)))
    return values


def _check_duplicates(
    table: RegisterTable, rows: list[TableRow], lines: list[dict[str, Any]], errors: list[LineError]
) -> None:
    seen: dict[str, int] = {}
    for row, values in zip(rows, lines, strict=True):
        reference = values.get("reference")
        if not reference:
            continue
        if reference in seen:
            errors.append(
                LineError(
                    line=row.line,
                    column="reference",
                    message=_("The reference %(ref)s is already on line %(line)s.")
                    % {"ref": reference, "line": seen[reference]},
                )
            )
        else:
            seen[reference] = row.line


def _save(table: RegisterTable, rows: list[TableRow], lines: list[dict[str, Any]], by: User) -> ImportResult:
    references = [values["reference"] for values in lines]
    errors: list[LineError] = []
    created = updated = 0
    with transaction.atomic():
        existing = {e.reference: e for e in table.model._default_manager.filter(reference__in=references)}
        for row, values in zip(rows, lines, strict=True):
            entry = existing.get(values["reference"])
            try:
                with transaction.atomic():
                    table.save(values=values, existing=entry, by=by)
            except DomainError as exc:
                errors.append(LineError(line=row.line, column=exc.field or "", message=exc.message))
                continue
            except ValidationError as exc:
                for name, messages in _validation_messages(exc):
                    errors.append(LineError(line=row.line, column=name, message=" ".join(messages)))
                continue
            if entry is None:
                created += 1
            else:
                updated += 1
        if errors:
            # Raised inside the transaction, so every line saved before is rolled back.
            raise RegisterImportInvalid(errors)
    return ImportResult(created=created, updated=updated, references=references)


def _validation_messages(exc: ValidationError) -> list[tuple[str, list[str]]]:
    if hasattr(exc, "error_dict"):
        return [(name, [str(m) for e in errs for m in e.messages]) for name, errs in exc.error_dict.items()]
    return [("", [str(m) for m in exc.messages])]


ENTRY_FIELDS = ("reference", "title", "title_zh", "owner", "notes")
ENTRY_LINKS = ("sites", "clauses")


def apply_entry_values(entry: RegisterEntry, values: dict[str, Any], *, fields: tuple[str, ...] = ()) -> None:
    """Set the common fields (and ``fields``) present in ``values`` on an unsaved or saved entry;
    a register's save function calls this, saves, then ``apply_entry_links``."""
    for name in (*ENTRY_FIELDS, *fields):
        if name in values:
            setattr(entry, name, values[name])


def apply_entry_links(entry: RegisterEntry, values: dict[str, Any]) -> None:
    """Set the sites and clauses present in ``values`` on a saved entry."""
    for name in ENTRY_LINKS:
        if name in values:
            getattr(entry, name).set(values[name])
