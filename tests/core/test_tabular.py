"""The one reader of uploaded tables (CSV and Excel), and the line numbers every file import reports."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from greenfactory.core.exceptions import DomainError
from greenfactory.core.messages import text_render
from greenfactory.core.tabular import ImportInvalid, TableRow, read_table, read_workbook


def _xlsx(*sheets: tuple[str, list[list[object] | None]]) -> bytes:
    """A workbook with these sheets; ``None`` in a sheet's rows leaves that row blank."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row or [], start=1):
                sheet.cell(row=number, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the reader -----------------------------------------------------------------------------------


def test_csv_with_a_byte_order_mark_has_clean_header_names_and_trimmed_values():
    table = read_table("\ufeff Meter ,TS,Value\nE-101, 2026-10-01 00:00 ,1000\n".encode())
    assert table.file_type == "csv"
    assert table.columns == ("meter", "ts", "value")
    assert table.rows == [{"meter": "E-101", "ts": "2026-10-01 00:00", "value": "1000"}]
    assert table.rows[0].line == 2


def test_csv_rows_carry_the_line_an_editor_shows_counting_blank_lines_and_quoted_line_breaks():
    text = 'material,note\r\nCopper,"first\r\nsecond"\r\n\r\n , \r\nBlack mass,\r\n'
    table = read_table(text.encode())
    assert [(row["material"], row.line) for row in table.rows] == [("Copper", 2), ("Black mass", 6)]
    assert table.rows[0]["note"] == "first\r\nsecond"


def test_csv_short_records_are_padded_and_extra_cells_and_unnamed_columns_dropped():
    table = read_table(b"a,,b\n1,x\n1,2,3,4\n")
    assert table.columns == ("a", "", "b")
    assert table.rows == [{"a": "1", "b": ""}, {"a": "1", "b": "3"}]


def test_excel_rows_keep_their_cell_values_and_their_spreadsheet_row_numbers():
    data = _xlsx(
        (
            "Readings",
            [
                ["Meter", "start", " VALUE "],
                ["G-01", dt.datetime(2025, 1, 1), 1001],
                None,
                ["G-01", None, 2.5],
            ],
        ),
        ("Other", [["ignored"], ["x"]]),
    )
    table = read_table(data)
    assert table.file_type == "xlsx"
    assert table.columns == ("meter", "start", "value")
    assert table.rows == [
        {"meter": "G-01", "start": dt.datetime(2025, 1, 1), "value": 1001},
        {"meter": "G-01", "start": None, "value": 2.5},
    ]
    assert [row.line for row in table.rows] == [2, 4]


def test_a_row_is_a_plain_dict_that_also_knows_its_line():
    row = TableRow({"a": "1"}, line=7)
    assert row == {"a": "1"}
    assert isinstance(row, dict)
    assert row.line == 7


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty; it needs a header line."),
        (b"\r\nmeter,ts,value\r\nE-101,2026-10-01,1\r\n", "The file is empty; it needs a header line."),
        (_xlsx(("Empty", [])), "The first sheet is empty; it needs a header row."),
        ("meter,值\n电表,1\n".encode("gb18030"), "The file is neither an Excel workbook nor UTF-8 CSV text."),
        (b"PK\x03\x04 not really a zip", "The Excel file could not be read"),
    ],
    ids=["empty", "missing-header", "empty-sheet", "not-utf8", "damaged-excel"],
)
def test_an_unreadable_file_is_refused_with_a_reason(data, message):
    with pytest.raises(ImportInvalid, match=message) as refused:
        read_table(data)
    assert isinstance(refused.value, DomainError)
    assert refused.value.line is None


def test_a_malformed_csv_record_is_refused_naming_its_line():
    data = b"meter,note\nE-101,ok\n\nE-101," + b"x" * 200_000 + b"\n"
    with pytest.raises(ImportInvalid) as refused:
        read_table(data)
    assert refused.value.line == 4
    assert refused.value.message.startswith("line 4: The CSV file is malformed: ")


def test_named_sheets_are_found_whatever_their_case_and_read_as_tables():
    data = _xlsx(
        ("Standard", [["field", "value"], ["code", "ISO 9999"]]),
        ("clauses", [["Number", "Title"], None, ["4", "Context"]]),
        ("Notes", [["anything"]]),
    )
    book = read_workbook(data, sheets=("Standard", "Clauses"))
    assert set(book) == {"standard", "clauses"}
    assert book["clauses"].title == "clauses"
    assert [tuple(line) for line in book["standard"].lines] == [
        (1, ("field", "value")),
        (2, ("code", "ISO 9999")),
    ]
    clauses = book["clauses"].table()
    assert clauses.columns == ("number", "title")
    assert [(row["number"], row.line) for row in clauses.rows] == [("4", 3)]
    assert set(read_workbook(data)) == {"standard", "clauses", "notes"}


def test_a_sheet_whose_first_row_is_blank_has_no_header():
    book = read_workbook(_xlsx(("Clauses", [None, ["number", "title"], ["4", "Context"]])))
    table = book["clauses"].table()
    assert (table.columns, table.rows) == ((), [])


def test_reading_a_workbook_that_is_not_one_is_refused():
    with pytest.raises(ImportInvalid, match="could not be read"):
        read_workbook(b"meter,ts,value\n")


def _truncated_sheet(data: bytes) -> bytes:
    """The workbook with its first sheet's XML cut in half: it opens, but its rows cannot be read."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            target.writestr(item, content)
    return out.getvalue()


def test_a_workbook_damaged_inside_a_sheet_is_refused_not_raised():
    data = _truncated_sheet(_xlsx(("Standard", [["field", "value"], ["code", "ISO 9999"]])))
    with pytest.raises(ImportInvalid, match="could not be read"):
        read_table(data)
    with pytest.raises(ImportInvalid, match="could not be read"):
        read_workbook(data)


# --- the four uploads report the same line for the same row -----------------------------------------
# Each file: a header (line 1), a row (line 2), two blank lines (3 and 4), and a bad row on line 5.


def _file(fmt: str, header: list[str], first: list[object], bad: list[object]) -> tuple[str, bytes]:
    if fmt == "xlsx":
        return "upload.xlsx", _xlsx(("Sheet1", [header, first, None, None, bad]))
    lines = [header, first, [], [], bad]
    return "upload.csv", "".join(",".join(str(v) for v in line) + "\n" for line in lines).encode()


FORMATS = pytest.mark.parametrize("fmt", ["csv", "xlsx"])


@pytest.mark.django_db
@FORMATS
def test_a_readings_import_names_the_line_of_each_bad_row(staff_client, site, fmt):
    from metering.models import ImportJob

    name, data = _file(
        fmt, ["meter", "ts", "value"], ["E-998", "2026-10-01 00:00", 1], ["E-999", "2026-10-01 01:00", 2]
    )
    response = staff_client.post(
        "/meters/imports/", {"kind": "readings", "site": site.code, "file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert [(e["line"], e["meter"]) for e in job.errors] == [(2, "E-998"), (5, "E-999")]


@pytest.mark.django_db
@FORMATS
def test_a_production_import_names_the_line_of_a_bad_row(staff_client, site, fmt):
    from metering.models import ImportJob

    header = ["period_start", "period_end", "material", "kind", "tonnes"]
    name, data = _file(
        fmt,
        header,
        ["2026-01-01", "2026-01-31", "Copper", "output", 10],
        ["2026-02-01", "2026-02-28", "Copper", "melted", 10],
    )
    response = staff_client.post(
        "/meters/imports/", {"kind": "production", "site": site.code, "file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.valid_rows, [e["line"] for e in job.errors]) == (1, [5])
    assert text_render(job.errors[0]["reason"]).startswith("kind must be one of")


@pytest.mark.django_db
@FORMATS
def test_an_activity_import_names_the_line_of_a_bad_row(staff_client, site, fmt):
    from accounting.models import Scope3Activity

    header = [
        "site",
        "date",
        "category",
        "description",
        "quantity",
        "unit",
        "factor_kg_per_unit",
        "factor_source",
    ]
    name, data = _file(
        fmt,
        header,
        [site.code, "2025-03-05", 3, "Trucking", 1000, "t·km", 0.078, "carrier"],
        [site.code, "2025-03-06", 9, "Trucking", 1000, "t·km", 0.078, "carrier"],
    )
    response = staff_client.post("/kpis/activity/scope3/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "5: category" in page
    assert "2: category" not in page
    assert not Scope3Activity.objects.exists()


@pytest.mark.django_db
def test_a_standards_workbook_names_the_row_of_a_bad_clause(staff_client):
    data = _xlsx(
        ("Standard", [["field", "value"], ["code", "ISO 9999"], ["edition", "2030"], ["title", "Test"]]),
        ("Clauses", [["number", "title"], ["4", "Context"], None, None, ["4.1", None]]),
    )
    response = staff_client.post(
        "/api/v1/standards/import/", {"file": SimpleUploadedFile("standard.xlsx", data)}
    )
    assert response.status_code == 400
    assert response.json()["problems"] == [
        {"location": "Clauses!A5", "message": "The clause title is missing."}
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["readings", "production"])
def test_a_file_import_without_its_columns_is_refused_before_anything_is_stored(staff_client, site, kind):
    from metering.models import ImportJob

    response = staff_client.post(
        "/meters/imports/",
        {"kind": kind, "site": site.code, "file": SimpleUploadedFile("x.csv", b"foo,bar\n1,2\n")},
    )
    assert response.status_code == 400
    assert "needs the columns" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_an_activity_import_that_is_not_utf8_is_refused_with_the_reason(staff_client, site):
    upload = SimpleUploadedFile("s3.csv", "site,日期\n".encode("gb18030"))
    response = staff_client.post("/kpis/activity/scope3/", {"file": upload})
    assert response.status_code == 400
    assert "neither an Excel workbook nor UTF-8 CSV text" in response.content.decode()
