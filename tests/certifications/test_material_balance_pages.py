"""Material-balance pages: the list's rates and verdicts, filters and export; the detail against
each threshold set; recording, editing (and its conflict) and importing a month, with refusals that
change nothing; a constant number of queries whatever the rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from certifications.models import MaterialBalance
from tests.factories import SiteFactory

from .factories import make_evidence
from .material_balance_data import month_balance

D = Decimal
pytestmark = pytest.mark.django_db
LIST = "material-balance-list"


def _form(site, month="2026-04", **changes):
    data = {
        "site": site.pk,
        "period_start": month,
        "input_ncm_t": "500",
        "input_lfp_t": "0",
        "input_lco_t": "0",
        "input_lmo_t": "0",
        "input_other_t": "0",
        "input_li_t": "10",
        "powder_input_t": "200",
        "powder_recovered_t": "196",
        "outputs-TOTAL_FORMS": "3",
        "outputs-INITIAL_FORMS": "0",
        "outputs-MIN_NUM_FORMS": "0",
        "outputs-MAX_NUM_FORMS": "30",
        "outputs-0-product": "Li2CO3",
        "outputs-0-tonnes": "48",
        "outputs-0-li_t": "9.1",
    }
    data.update(changes)
    return data


def test_list_shows_rates_and_verdicts_per_threshold_set(staff_client, site, staff_user):
    month_balance(site=site, by=staff_user)
    page = staff_client.get(reverse(LIST)).content.decode()
    assert "92 %" in page  # Li 18.4 / 20
    assert "98.5 %" in page  # powder 394 / 400, Ni 59.1 / 60
    assert 'data-verdict="fail"' in page  # MIIT: Mn 97.5 % < 98 %
    assert 'data-verdict="pass"' in page  # EU 2027


def test_list_filters_by_site_and_year(staff_client, site, staff_user):
    other = SiteFactory(code="WH-02")
    month_balance(site=site, by=staff_user)
    month_balance(site=other, by=staff_user, month=dt.date(2025, 6, 1))
    page = staff_client.get(reverse(LIST), {"site": other.pk}).content.decode()
    assert "WH-02</td>" in page
    assert "TJ-01</td>" not in page
    page = staff_client.get(reverse(LIST), {"year": 2026}).content.decode()
    assert "TJ-01</td>" in page
    assert "WH-02</td>" not in page


def test_list_query_count_does_not_grow_with_rows(
    staff_client, site, staff_user, django_assert_max_num_queries
):
    month_balance(site=site, by=staff_user)
    with django_assert_max_num_queries(12) as one:
        staff_client.get(reverse(LIST))
    for month in range(4, 13):
        month_balance(site=site, by=staff_user, month=dt.date(2026, month, 1))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = staff_client.get(reverse(LIST)).content.decode()
    assert page.count("data-balance=") == 10


def test_export_holds_the_rates(staff_client, site, staff_user):
    month_balance(site=site, by=staff_user)
    response = staff_client.get(reverse(LIST), {"export": "xlsx"})
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("TJ-01", "2026-03", 1000, 92)
    assert rows[1][-3:] == ("fail", "pass", "pass")


def test_detail_shows_each_rule_with_its_value_and_reason(staff_client, site, staff_user):
    balance = month_balance(site=site, by=staff_user, input_cu_t=None)
    page = staff_client.get(reverse("material-balance-detail", args=[balance.pk])).content.decode()
    assert "97.5 %" in page
    assert "&lt; 1.5 %" in page
    assert "The input was not assayed for this element." in page
    assert "Regulation (EU) 2023/1542" in page
    assert "97.9</td>" in page  # Li2CO3's tonnes as stored, without trailing zeros
    assert "4,650 m³" in page


def test_detail_query_count_does_not_grow_with_outputs(
    staff_client, site, staff_user, django_assert_max_num_queries
):
    few = month_balance(site=site, by=staff_user)
    outputs = [{"product": f"Product {n}", "tonnes": D("1"), "li_t": D("0.1")} for n in range(25)]
    many = month_balance(site=site, by=staff_user, month=dt.date(2026, 4, 1), outputs=outputs)
    with django_assert_max_num_queries(20) as one:
        staff_client.get(reverse("material-balance-detail", args=[few.pk]))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = staff_client.get(reverse("material-balance-detail", args=[many.pk])).content.decode()
    assert "Product 24" in page


def test_detail_in_chinese(staff_client, site, staff_user):
    balance = month_balance(site=site, by=staff_user)
    response = staff_client.get(
        reverse("material-balance-detail", args=[balance.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    page = response.content.decode()
    assert "工信部行业规范条件（2024年本）" in page
    assert "附件十二C部分" in page  # the EU source in Chinese


def test_detail_of_an_unknown_balance_is_404(staff_client, db):
    assert staff_client.get(reverse("material-balance-detail", args=[987654])).status_code == 404


def test_record_a_month_with_outputs_and_evidence(staff_client, site, staff_user):
    evidence = make_evidence(owner=staff_user, title="Assay report April")
    response = staff_client.post(reverse("material-balance-create"), _form(site, evidence=[evidence.pk]))
    balance = MaterialBalance.objects.get()
    assert response.status_code == 302
    assert balance.period_start == dt.date(2026, 4, 1)
    assert balance.period_end == dt.date(2026, 4, 30)
    assert balance.outputs.get().li_t == D("9.1")
    assert list(balance.evidence.all()) == [evidence]
    page = staff_client.get(response["Location"]).content.decode()
    assert "91 %" in page  # 9.1 / 10
    assert "Assay report April" in page


def test_bad_figures_are_shown_on_the_form_and_nothing_is_written(staff_client, site):
    response = staff_client.post(reverse("material-balance-create"), _form(site, input_li_t="900"))
    assert response.status_code == 400
    assert "cannot exceed the batteries that came in" in response.content.decode()
    response = staff_client.post(reverse("material-balance-create"), _form(site, **{"outputs-1-tonnes": "5"}))
    assert response.status_code == 400
    assert "Name the product of this row." in response.content.decode()
    assert not MaterialBalance.objects.exists()


def test_edit_form_shows_the_stored_figures_and_outputs(staff_client, site, staff_user):
    balance = month_balance(site=site, by=staff_user)
    page = staff_client.get(reverse("material-balance-update", args=[balance.pk])).content.decode()
    assert 'name="input_ncm_t" value="600"' in page
    assert 'name="outputs-0-tonnes" value="97.9"' in page
    assert 'name="outputs-1-mn_t" value="17.55"' in page


def test_edit_from_an_older_version_is_refused_and_changes_nothing(staff_client, site, staff_user):
    balance = month_balance(site=site, by=staff_user)
    url = reverse("material-balance-update", args=[balance.pk])
    assert (
        staff_client.post(url, _form(site, month="2026-03", version="1", input_li_t="21")).status_code == 302
    )
    response = staff_client.post(url, _form(site, month="2026-03", version="1", input_li_t="25"))
    assert response.status_code == 400
    assert "changed since you opened it" in response.content.decode()
    balance.refresh_from_db()
    assert (balance.version, balance.input_li_t) == (2, D("21"))


def _workbook(balance_lines, output_rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.title = "Balance"
    sheet.append(["field", "value"])
    for line in balance_lines:
        sheet.append(list(line))
    outputs = book.create_sheet("Outputs")
    outputs.append(["product", "tonnes", "li_t", "ni_t", "co_t", "mn_t", "cu_t", "al_t"])
    for row in output_rows:
        outputs.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("balance.xlsx", buffer.getvalue())


GOOD_LINES = [
    ("site", "TJ-01"),
    ("month", "2026-05"),
    ("input_ncm_t", 800),
    ("input_li_t", 16),
    ("input_co_t", 24),
]


def test_import_records_the_month(staff_client, site):
    upload = _workbook(GOOD_LINES, [("Li2CO3", 80, 14.6), ("Cobalt sulfate", 110, None, None, 23.6)])
    response = staff_client.post(reverse("material-balance-import"), {"file": upload})
    assert response.status_code == 302
    balance = MaterialBalance.objects.get()
    assert balance.input_ncm_t == D("800")
    assert [o.product for o in balance.outputs.all()] == ["Li2CO3", "Cobalt sulfate"]
    page = staff_client.get(response["Location"]).content.decode()
    assert "91.25 %" in page  # Li 14.6 / 16


def test_import_with_bad_lines_lists_each_and_writes_nothing(staff_client, site):
    lines = [*GOOD_LINES, ("input_ni_t", "lots"), ("colour", "red")]
    upload = _workbook(lines, [("Li2CO3", "x", 14.6)])
    response = staff_client.post(reverse("material-balance-import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Balance, line 7" in page
    assert "Balance, line 8" in page
    assert "Outputs, line 2" in page
    assert not MaterialBalance.objects.exists()


def test_import_refused_by_a_rule_names_the_line(staff_client, site):
    upload = _workbook([*GOOD_LINES, ("powder_cu_pct", 150)], [])
    response = staff_client.post(reverse("material-balance-import"), {"file": upload})
    assert response.status_code == 400
    assert "Balance, line 7" in response.content.decode()
    assert not MaterialBalance.objects.exists()


def test_import_of_something_else_than_a_workbook_is_a_clear_400(staff_client, site):
    upload = SimpleUploadedFile("balance.xlsx", b"not a workbook")
    response = staff_client.post(reverse("material-balance-import"), {"file": upload})
    assert response.status_code == 400
    assert not MaterialBalance.objects.exists()


def test_the_template_has_both_sheets_and_imports_once_filled(staff_client, site):
    response = staff_client.get(reverse("material-balance-import-template"))
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Balance", "Outputs"]
    fields = [row[0] for row in book["Balance"].iter_rows(min_row=2, values_only=True)]
    assert fields[:2] == ["site", "month"]
    buffer = BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("t.xlsx", buffer.getvalue())
    assert staff_client.post(reverse("material-balance-import"), {"file": upload}).status_code == 302
    assert MaterialBalance.objects.get().input_total_t == D("900")
