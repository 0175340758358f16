"""Green-factory schemes as Excel workbooks: export, import back identical, and problems named by sheet,
row and column with nothing loaded."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from certifications.exceptions import ImportRejected
from certifications.exports.green_factory import scheme_xlsx, scheme_yaml
from certifications.models import Indicator, Scheme
from certifications.parsers.green_factory_rows import parse_scheme_yaml
from certifications.parsers.green_factory_xlsx import parse_scheme_xlsx
from certifications.services.green_factory import scheme_load_file, schemes_load_shipped


@pytest.fixture
def schemes(db):
    return {s.edition: s for s in schemes_load_shipped()}


def _edited(content: bytes, sheet: str, cell: str, value) -> bytes:
    book = load_workbook(BytesIO(content))
    book[sheet][cell] = value
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _row_of(content: bytes, sheet: str, code: str, column: int = 2) -> int:
    book = load_workbook(BytesIO(content))
    return next(r[0].row for r in book[sheet].iter_rows() if r[column - 1].value == code)


@pytest.mark.parametrize("edition", ["2025", "2018"])
def test_a_scheme_exported_to_excel_and_imported_again_is_identical(schemes, edition):
    scheme = schemes[edition]
    before = scheme_yaml(scheme)
    workbook = scheme_xlsx(scheme)
    scheme.delete()
    loaded = scheme_load_file(content=workbook)
    assert scheme_yaml(loaded) == before


def test_the_workbook_reads_as_the_same_data_as_the_yaml_file(schemes):
    scheme = schemes["2025"]
    from_yaml, _ = parse_scheme_yaml(scheme_yaml(scheme))
    from_excel, problems = parse_scheme_xlsx(scheme_xlsx(scheme))
    assert problems == []
    assert from_excel == from_yaml


def test_the_workbook_has_a_sheet_per_kind_of_row(schemes):
    book = load_workbook(BytesIO(scheme_xlsx(schemes["2025"])))
    assert book.sheetnames == ["Scheme", "Groups", "Indicators", "Bands", "Cases", "Gate"]
    bands = [[c.value for c in row] for row in book["Bands"].iter_rows(min_row=2)]
    assert [r[0] for r in bands] == ["1.3.1"] * 4
    assert book["Indicators"]["A1"].value == "group"


def test_a_weight_that_is_not_a_number_is_named_by_sheet_row_and_column_and_nothing_changes(schemes):
    scheme = schemes["2025"]
    workbook = scheme_xlsx(scheme)
    row = _row_of(workbook, "Indicators", "1.3.1")
    broken = _edited(workbook, "Indicators", f"G{row}", "ten")
    with pytest.raises(ImportRejected) as refused:
        scheme_load_file(content=_edited(broken, "Scheme", "B7", "changed source"))
    assert [str(p) for p in refused.value.problems] == [
        f"sheet Indicators, row {row}, weight: “ten” is not a number."
    ]
    assert Scheme.objects.get(pk=scheme.pk).source != "changed source"
    assert Indicator.objects.get(scheme=scheme, code="1.3.1").weight == 8


def test_rows_naming_unknown_groups_or_indicators_are_listed_with_every_other_problem(schemes):
    workbook = scheme_xlsx(schemes["2025"])
    row = _row_of(workbook, "Indicators", "1.3.1")
    broken = _edited(workbook, "Indicators", f"A{row}", "9.9")
    broken = _edited(broken, "Bands", "A2", "7.7")
    broken = _edited(broken, "Cases", "C2", "1.5")
    _, problems = parse_scheme_xlsx(broken)
    assert [str(p) for p in problems] == [
        f"sheet Indicators, row {row}, group: no group “9.9” in the sheet Groups.",
        "sheet Bands, row 2, indicator: no indicator “7.7” in the sheet Indicators.",
        "sheet Cases, row 2, share: must be between 0 and 1.",
    ]


def test_a_workbook_without_its_indicators_sheet_or_not_a_workbook_is_refused(schemes):
    book = load_workbook(BytesIO(scheme_xlsx(schemes["2025"])))
    del book["Indicators"]
    out = BytesIO()
    book.save(out)
    _, problems = parse_scheme_xlsx(out.getvalue())
    assert [str(p) for p in problems] == ["file: The sheet “Indicators” is missing."]
    assert parse_scheme_xlsx(b"PK\x03\x04 not a zip")[1][0].message == (
        "The file is not an Excel workbook (.xlsx)."
    )


def test_an_unknown_column_is_named_once_at_the_header(schemes):
    broken = _edited(scheme_xlsx(schemes["2025"]), "Gate", "F1", "colour")
    _, problems = parse_scheme_xlsx(broken)
    assert [str(p) for p in problems] == ["sheet Gate, row 1, colour: unknown column."]


def test_the_management_command_loads_an_excel_file(schemes, tmp_path, capsys):
    scheme = schemes["2018"]
    path = tmp_path / "scheme.xlsx"
    path.write_bytes(_edited(scheme_xlsx(scheme), "Scheme", "B5", "Edited title"))
    call_command("load_green_factory_schemes", "--file", str(path))
    assert "GB/T 36132-2018:" in capsys.readouterr().out
    assert Scheme.objects.get(pk=scheme.pk).title == "Edited title"


def test_the_management_command_lists_the_problems_of_a_bad_file(schemes, tmp_path):
    path = tmp_path / "scheme.xlsx"
    workbook = scheme_xlsx(schemes["2018"])
    path.write_bytes(_edited(workbook, "Indicators", "G2", "ten"))
    with pytest.raises(CommandError, match=r"sheet Indicators, row 2, weight: “ten” is not a number\."):
        call_command("load_green_factory_schemes", "--file", str(path))
