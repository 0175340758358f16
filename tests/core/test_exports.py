"""Workbooks of several sheets and one-table downloads from greenfactory.core.exports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook

from greenfactory.core.exports import (
    Sheet,
    table_response,
    workbook_response,
    xlsx_response,
    xlsx_workbook,
    yes_no,
)


def _open(content: bytes):
    return load_workbook(BytesIO(content))


def test_a_workbook_has_every_sheet_in_order_with_its_header_and_rows():
    book = _open(
        xlsx_workbook(
            [
                Sheet(title="Summary", header=["Item", "Value"], rows=[["Total", Decimal("12.5")]]),
                Sheet(
                    title="Sites",
                    header=["Site", "Since"],
                    rows=[["TJ-01", dt.date(2025, 3, 1)], ["SH-02", None]],
                ),
            ]
        )
    )
    assert book.sheetnames == ["Summary", "Sites"]
    assert list(book["Summary"].values) == [("Item", "Value"), ("Total", 12.5)]
    sites = list(book["Sites"].values)
    assert sites[0] == ("Site", "Since")
    assert sites[1][0] == "TJ-01"
    assert sites[1][1].date() == dt.date(2025, 3, 1)
    assert sites[2] == ("SH-02", None)


def test_every_cell_of_every_sheet_is_neutralised_and_long_titles_are_cut():
    title = "A sheet title far longer than Excel allows"
    book = _open(
        xlsx_workbook(
            [
                Sheet(title="One", header=["=SUM(A1)", "n"], rows=[["+1", 3]]),
                Sheet(title=title, header=["Note"], rows=[["@cmd", "-2"]]),
            ]
        )
    )
    assert book.sheetnames == ["One", title[:31]]
    assert list(book["One"].values) == [("'=SUM(A1)", "n"), ("'+1", 3)]
    assert list(book[title[:31]].values)[1] == ("'@cmd", "'-2")


def test_text_columns_keep_a_number_like_value_as_text():
    book = _open(
        xlsx_workbook(
            [
                Sheet(
                    title="Clauses",
                    header=["number", "n"],
                    rows=[["4.10", 4.10]],
                    text_columns=frozenset({0}),
                )
            ]
        )
    )
    number, plain = book["Clauses"]["A2"], book["Clauses"]["B2"]
    assert (number.value, number.number_format) == ("4.10", "@")
    assert plain.value == 4.1


def test_a_workbook_download_is_named_and_typed_as_excel():
    response = workbook_response(
        filename="ghg-inventory-acme-2025", sheets=[Sheet(title="S", header=["h"], rows=[])]
    )
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="ghg-inventory-acme-2025.xlsx"'
    assert _open(response.content).sheetnames == ["S"]


def test_a_one_table_download_is_a_workbook_of_one_sheet():
    response = xlsx_response(filename="kpis", sheet="KPIs", header=["Start"], rows=[["2025-01-01"]])
    assert list(_open(response.content)["KPIs"].values) == [("Start",), ("2025-01-01",)]


def test_yes_no_is_translated():
    assert (yes_no(True), yes_no(False)) == ("yes", "no")
    with translation.override("zh-hans"):
        assert yes_no(True) != "yes"


def test_a_table_downloads_as_csv_or_as_a_one_sheet_workbook():
    header, rows = ["Site", "Tonnes"], [["TJ-01", Decimal("1.5")], ["=cmd", None]]
    csv = table_response(fmt="csv", filename="t", sheet="T", header=header, rows=rows)
    assert csv["Content-Disposition"] == 'attachment; filename="t.csv"'
    assert b"".join(csv.streaming_content).decode() == "\ufeffSite,Tonnes\r\nTJ-01,1.5\r\n'=cmd,\r\n"
    xlsx = table_response(fmt="xlsx", filename="t", sheet="T", header=header, rows=rows)
    assert list(_open(xlsx.content)["T"].values) == [("Site", "Tonnes"), ("TJ-01", 1.5), ("'=cmd", None)]
    with pytest.raises(ValueError, match="yaml"):
        table_response(fmt="yaml", filename="t", sheet="T", header=header, rows=rows)
