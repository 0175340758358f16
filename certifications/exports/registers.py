"""Any register as CSV or Excel, written from the same columns its import reads, so an exported
file can be edited and imported again; and the empty import template of a register."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponseBase
from django.utils.functional import Promise

from greenfactory.core.exports import table_response

from ..parsers.registers import Column

EXPORT_FORMATS = ("csv", "xlsx")


def register_rows(columns: Sequence[Column], entries: Iterable[Any]) -> Iterator[list[Any]]:
    for entry in entries:
        yield [column.write(entry) for column in columns]


def register_table_response(
    *, columns: Sequence[Column], entries: Iterable[Any], fmt: str, filename: str, sheet: str | Promise
) -> HttpResponseBase:
    """The entries as a download; headers in the reader's language (the import knows them all)."""
    return table_response(
        fmt=fmt,
        filename=filename,
        sheet=str(sheet),
        header=[str(c.label) for c in columns],
        rows=register_rows(columns, entries),
    )


def import_template_response(
    *, columns: Sequence[Column], filename: str, sheet: str | Promise
) -> HttpResponseBase:
    """An empty workbook with the register's columns, headed by their keys, ready to fill in."""
    return table_response(
        fmt="xlsx",
        filename=f"{filename}-template",
        sheet=str(sheet),
        header=[c.key for c in columns],
        rows=[],
    )
