"""The spreadsheet import every register shares: cells read into field values, and every problem
of a file reported with its line and column before anything is saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from certifications.models import Evidence
from certifications.parsers import registers as cells
from certifications.parsers.registers import CellInvalid, Column, Lookups
from certifications.services.register_import import RegisterImportInvalid, RegisterTable, import_register
from greenfactory.core.exports import Sheet as ExportSheet
from greenfactory.core.exports import xlsx_workbook
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

NONE = Lookups()


def _unused(**kwargs):
    raise AssertionError("a file with problems must never reach the register's service")


# A table whose lines never reach saving: every file below has a problem.
TABLE = RegisterTable(
    model=Evidence,  # type: ignore[arg-type]
    columns=(
        Column("reference", _("Reference"), cells.text(40), lambda e: e.reference, required=True),
        Column("title", _("Title"), cells.text(300), lambda e: e.title, required=True),
        Column("sites", _("Sites"), cells.sites, lambda e: ""),
        Column("owner", _("Owner"), cells.user, lambda e: ""),
        Column("clauses", _("Clauses"), cells.clauses, lambda e: ""),
        Column("review_on", _("Review date"), cells.date, lambda e: ""),
    ),
    save=_unused,
    filename="test-register",
    sheet="Test",
)


def _csv(text: str) -> bytes:
    return text.encode()


def test_text_cells_are_trimmed_and_excel_whole_numbers_lose_their_decimal_point():
    read = cells.text(10)
    assert read("  GB 8978 ", NONE) == "GB 8978"
    assert read(12.0, NONE) == "12"
    assert read(None, NONE) == ""
    with pytest.raises(CellInvalid, match="At most 10"):
        read("x" * 11, NONE)


def test_dates_come_from_excel_dates_or_iso_text_and_anything_else_is_refused():
    assert cells.date(dt.datetime(2026, 3, 31, 0, 0), NONE) == dt.date(2026, 3, 31)
    assert cells.date("2026-03-31", NONE) == dt.date(2026, 3, 31)
    assert cells.date("", NONE) is None
    for bad in ("31/03/2026", "2026-02-30", "1800-01-01"):
        with pytest.raises(CellInvalid):
            cells.date(bad, NONE)


def test_numbers_are_checked_against_their_bounds():
    read = cells.integer(1, 120)
    assert read("12", NONE) == 12
    assert read(12.0, NONE) == 12
    for bad in ("0", "121", "1.5", "twelve", "NaN", "Infinity"):
        with pytest.raises(CellInvalid):
            read(bad, NONE)
    assert cells.decimal(8, 2)("12.340", NONE) == Decimal("12.34")
    with pytest.raises(CellInvalid, match="2 decimal places"):
        cells.decimal(8, 2)("12.345", NONE)
    with pytest.raises(CellInvalid):
        cells.decimal(8, 2)("1000000", NONE)


def test_a_choice_is_read_by_its_value_or_its_label_in_either_language():
    read = cells.choice([("compliant", _("Yes")), ("not_compliant", _("No"))])
    assert read("compliant", NONE) == "compliant"
    assert read("NO", NONE) == "not_compliant"
    with translation.override("zh-hans"):
        chinese_no = str(_("No"))
    assert read(chinese_no, NONE) == "not_compliant"
    with pytest.raises(CellInvalid, match="Not one of"):
        read("maybe", NONE)


def test_lists_split_on_english_and_chinese_separators_and_unknown_names_are_refused(clauses):
    site_a, site_b = SiteFactory(code="TJ-01"), SiteFactory(code="TJ-02")
    lookups = Lookups(
        sites={"TJ-01": site_a, "TJ-02": site_b},
        clauses={"ISO 9999 4.1": clauses["4.1"], "ISO 9999 5": clauses["5"]},
    )
    assert cells.sites("tj-01、TJ-02", lookups) == [site_a, site_b]
    assert cells.sites("", lookups) == []
    assert cells.clauses("ISO 9999 4.1; iso  9999 5", lookups) == [clauses["4.1"], clauses["5"]]
    with pytest.raises(CellInvalid, match="TJ-09"):
        cells.sites("TJ-01, TJ-09", lookups)
    with pytest.raises(CellInvalid, match="ISO 9999 7"):
        cells.clauses("ISO 9999 7", lookups)


def test_every_bad_line_of_a_file_is_reported_with_its_line_and_column(clauses, django_user_model):
    SiteFactory(code="TJ-01")
    django_user_model.objects.create_user(username="wang.li", password="x")
    data = _csv(
        "reference,title,sites,owner,clauses,review_on\n"
        "OB-1,Environmental protection law,TJ-01,wang.li,ISO 9999 4.1,2026-12-31\n"
        "OB-2,,TJ-07,nobody,ISO 9999 8,31.12.2026\n"
        "OB-1,Again,,,,\n"
    )
    with pytest.raises(RegisterImportInvalid) as caught:
        import_register(table=TABLE, data=data, by=None)  # type: ignore[arg-type]
    problems = {(e.line, e.column) for e in caught.value.errors}
    assert problems == {
        (3, "title"),
        (3, "sites"),
        (3, "owner"),
        (3, "clauses"),
        (3, "review_on"),
        (4, "reference"),
    }
    assert caught.value.total == 6
    assert caught.value.extra()["error_count"] == 6
    duplicate = next(e for e in caught.value.errors if e.line == 4)
    assert "line 2" in duplicate.message


def test_unknown_and_missing_columns_are_refused_before_any_line_is_read():
    with pytest.raises(RegisterImportInvalid) as caught:
        import_register(table=TABLE, data=_csv("reference,colour\nOB-1,red\n"), by=None)  # type: ignore[arg-type]
    assert {(e.line, e.column) for e in caught.value.errors} == {(1, "colour"), (1, "title")}


def test_columns_are_found_by_their_chinese_headers_in_an_excel_file():
    with translation.override("zh-hans"):
        header = [str(_("Reference")), str(_("Title")), str(_("Review date"))]
    workbook = xlsx_workbook([ExportSheet(title="x", header=header, rows=[["OB-1", "", "2026-13-01"]])])
    with pytest.raises(RegisterImportInvalid) as caught:
        import_register(table=TABLE, data=workbook, by=None)  # type: ignore[arg-type]
    # The Chinese headers were recognised: the problems are the line's cells, not the columns.
    assert {(e.line, e.column) for e in caught.value.errors} == {
        (2, header[1].lower()),
        (2, header[2].lower()),
    }


def test_an_empty_file_imports_nothing_and_says_so():
    with pytest.raises(RegisterImportInvalid, match="1 problem"):
        import_register(table=TABLE, data=_csv("reference,title\n"), by=None)  # type: ignore[arg-type]
