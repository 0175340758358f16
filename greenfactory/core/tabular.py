"""One reader for uploaded tables: CSV text or an Excel workbook, each row with the line it came from.

Every file import (readings, production records, activity data, standards workbooks) reads through
here, so a row's line is counted the same way everywhere: the line number an editor shows for CSV
(where the record starts; blank lines count), the row number a spreadsheet shows for Excel. Header
names are trimmed and lower-cased; rows with nothing in them are skipped. CSV values are trimmed
text; Excel values are the cells' values (numbers, dates), formulas read as their last result.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from greenfactory.core.exceptions import DomainError

XLSX_MAGIC = b"PK\x03\x04"  # an .xlsx file is a zip archive

FileType = Literal["csv", "xlsx"]


def line_label(line: int) -> str:
    """How a location is named to people: "line 7"."""
    return _("line %(line)s") % {"line": line}


class ImportInvalid(DomainError):
    """An uploaded file that cannot be imported; with ``line``, the message starts with that line."""

    code = "import_invalid"

    def __init__(self, message: str, *, field: str | None = None, line: int | None = None) -> None:
        if line is not None:
            message = f"{line_label(line)}: {message}"
        super().__init__(message, field=field)
        self.line = line


class TableRow(dict[str, object]):
    """One row keyed by header name; ``line`` is where it is in the file (CSV line or Excel row)."""

    __slots__ = ("line",)

    def __init__(self, values: Mapping[str, object] | Iterable[tuple[str, object]], *, line: int) -> None:
        super().__init__(values)
        self.line = line

    def __repr__(self) -> str:
        return f"TableRow({dict.__repr__(self)}, line={self.line})"


@dataclass(frozen=True)
class Table:
    """A file's header names (in file order, blank ones kept as "") and its rows that hold something."""

    file_type: FileType
    columns: tuple[str, ...]
    rows: list[TableRow]


class SheetLine(NamedTuple):
    """One row of a sheet as it stands: its row number and its cells' values."""

    number: int
    cells: tuple[object, ...]


@dataclass(frozen=True)
class Sheet:
    """A worksheet's rows that hold something, each with its row number (row 1 is the header)."""

    title: str
    lines: tuple[SheetLine, ...]

    def table(self) -> Table:
        """The sheet read as a table; with row 1 blank it has no columns (and so no rows)."""
        lines = iter(self.lines)
        header = self.lines[0] if self.lines and self.lines[0].number == 1 else None
        if header is not None:
            next(lines)
        return _sheet_table(header, lines)


def column_name(value: object) -> str:
    """A header cell as a column name: trimmed and lower-cased; an empty cell names nothing ("")."""
    return "" if value is None else str(value).strip().lower()


def read_table(data: bytes) -> Table:
    """The rows of a CSV file or of an Excel workbook's first sheet, told apart by content.

    Raises ImportInvalid when the file is neither, cannot be read, or has no header."""
    if not data.startswith(XLSX_MAGIC):
        return _csv_table(data)
    with _opened(data) as workbook:
        lines = _numbered(workbook.worksheets[0])
        header = next(lines, None)
        if header is None or not header.cells:
            raise ImportInvalid(_("The first sheet is empty; it needs a header row."))
        return _sheet_table(header, lines)


def read_workbook(data: bytes, *, sheets: Iterable[str] | None = None) -> dict[str, Sheet]:
    """An Excel workbook's sheets keyed by lower-cased title (only those named in ``sheets``, found
    whatever their case, if given). Raises ImportInvalid when the file is not a readable workbook."""
    wanted = None if sheets is None else {name.lower() for name in sheets}
    with _opened(data) as workbook:
        return {
            str(worksheet.title).lower(): Sheet(
                title=str(worksheet.title),
                lines=tuple(line for line in _numbered(worksheet) if _holds_something(line.cells)),
            )
            for worksheet in workbook.worksheets  # chart sheets hold no cells
            if wanted is None or str(worksheet.title).lower() in wanted
        }


@contextmanager
def _opened(data: bytes) -> Iterator[Any]:
    """An Excel workbook opened read-only (formulas as their last result) and closed after use.

    Whatever openpyxl raises for a damaged file, on opening or while rows are read (read-only
    sheets are parsed as they are iterated), becomes ImportInvalid."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise _unreadable(exc) from exc
    try:
        yield workbook
    except DomainError:
        raise
    except Exception as exc:  # as above, while the sheet's XML is parsed
        raise _unreadable(exc) from exc
    finally:
        workbook.close()


def _unreadable(exc: Exception) -> ImportInvalid:
    return ImportInvalid(_("The Excel file could not be read: %(error)s") % {"error": exc})


def _numbered(worksheet: Any) -> Iterator[SheetLine]:
    # A read-only sheet yields every row from row 1 (missing rows as blanks), so counting is exact.
    for number, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
        yield SheetLine(number, tuple(cells))


def _holds_something(cells: Iterable[object]) -> bool:
    return any(v not in (None, "") for v in cells)


def _sheet_table(header: SheetLine | None, lines: Iterable[SheetLine]) -> Table:
    if header is None:
        return Table(file_type="xlsx", columns=(), rows=[])
    columns = tuple(column_name(value) for value in header.cells)
    rows = [
        TableRow(((c, v) for c, v in zip(columns, line.cells, strict=False) if c), line=line.number)
        for line in lines
        if _holds_something(line.cells)
    ]
    return Table(file_type="xlsx", columns=columns, rows=rows)


def _csv_table(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportInvalid(_("The file is neither an Excel workbook nor UTF-8 CSV text.")) from exc
    records = _records(csv.reader(io.StringIO(text, newline="")))
    header = next(records, None)
    if header is None or not header[1]:
        raise ImportInvalid(_("The file is empty; it needs a header line."))
    columns = tuple(column_name(name) for name in header[1])
    rows = []
    for line, cells in records:
        if not cells:
            continue
        values = dict(zip(columns, cells, strict=False))
        for name in columns[len(cells) :]:  # a short record: its missing cells are empty
            values[name] = ""
        row = TableRow(((k, v.strip()) for k, v in values.items() if k), line=line)
        if any(row.values()):
            rows.append(row)
    return Table(file_type="csv", columns=columns, rows=rows)


def _records(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on (a quoted value may run over several lines)."""
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            raise ImportInvalid(
                _("The CSV file is malformed: %(error)s") % {"error": exc}, line=line
            ) from exc
        if cells is None:
            return
        yield line, cells
