"""CSV and Excel downloads of tables, and workbooks of several sheets, with spreadsheet formulas
neutralised: the one place every export writes its cells."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its title (cut to Excel's 31 characters), header row and rows.

    Columns listed in ``text_columns`` (0-based) are stored as text, so a clause number 4.10 stays
    4.10 instead of becoming the number 4.1.
    """

    title: str
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    text_columns: frozenset[int] = field(default_factory=frozenset)


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with a quote; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # so Excel opens UTF-8 (Chinese) text correctly
        yield writer.writerow([neutralise(str(h)) for h in header])
        for row in rows:
            yield writer.writerow([neutralise(_plain(v)) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_workbook(sheets: Iterable[Sheet]) -> bytes:
    """A workbook with ``sheets`` in order; every cell neutralised, Decimals as numbers, times in UTC."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet.title[:31])
        worksheet.append([neutralise(str(h)) for h in sheet.header])
        for row in sheet.rows:
            worksheet.append(_xlsx_row(worksheet, row, sheet.text_columns))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_file_response(*, filename: str, content: bytes) -> HttpResponse:
    """A built workbook as a download named ``filename``.xlsx."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def workbook_response(*, filename: str, sheets: Iterable[Sheet]) -> HttpResponse:
    """A workbook of several sheets as a download."""
    return xlsx_file_response(filename=filename, content=xlsx_workbook(sheets))


def xlsx_response(
    *, filename: str, sheet: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """One table as a one-sheet workbook download."""
    return workbook_response(filename=filename, sheets=[Sheet(title=sheet, header=header, rows=rows)])


def table_response(
    *, fmt: str, filename: str, sheet: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse | StreamingHttpResponse:
    """One table as a download: ``fmt`` is ``csv`` (streamed) or ``xlsx`` (a one-sheet workbook)."""
    if fmt == "csv":
        return csv_response(filename=filename, header=header, rows=rows)
    if fmt == "xlsx":
        return xlsx_response(filename=filename, sheet=sheet, header=header, rows=rows)
    raise ValueError(f"unknown export format {fmt!r}")


def yes_no(value: bool) -> str:
    """A flag as the word a reader expects in a file ("yes" or "no", translated)."""
    return _("yes") if value else _("no")


def _xlsx_row(worksheet: Any, row: Sequence[Any], text_columns: frozenset[int]) -> list[Any]:
    # ``worksheet`` is openpyxl's write-only sheet, whose class is not public.
    cells = [neutralise(_cell(v)) for v in row]
    for index in text_columns:
        if index < len(cells) and cells[index] is not None:
            text = WriteOnlyCell(worksheet, value=str(cells[index]))
            text.number_format = "@"
            cells[index] = text
    return cells


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return (
            value.replace(tzinfo=None)
            if value.tzinfo is None
            else value.astimezone(dt.UTC).replace(tzinfo=None)
        )
    if isinstance(value, int | float | dt.date):
        return value
    return str(value)
