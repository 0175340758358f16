import io

import pytest
from openpyxl import load_workbook

from greenfactory.sites.models import ProductionRecord
from tests.factories import ProductionRecordFactory, SiteFactory

LIST = "/sites/production/"
NEW = "/sites/production/new/"


@pytest.mark.django_db
def test_list_filters_by_site_and_material(staff_client, site):
    other = SiteFactory(code="HB-02")
    ProductionRecordFactory(site=site, material="Black mass")
    ProductionRecordFactory(site=site, material="Copper")
    ProductionRecordFactory(site=other, material="Black mass")
    page = staff_client.get(LIST, {"site": "TJ-01", "material": "black"}).content.decode()
    assert "1 record" in page
    assert "Copper" not in page


@pytest.mark.django_db
def test_empty_filter_result_explains_itself(staff_client, site):
    page = staff_client.get(LIST, {"material": "unobtainium"}).content.decode()
    assert "No production record matches" in page


@pytest.mark.django_db
def test_csv_export_neutralises_formulas_and_keeps_chinese(staff_client, site):
    ProductionRecordFactory(site=site, material='=HYPERLINK("http://evil")', note="黑粉 batch")
    response = staff_client.get(LIST, {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Disposition"].endswith('.csv"')
    assert "'=HYPERLINK" in body
    assert "黑粉 batch" in body


@pytest.mark.django_db
def test_excel_export_has_the_filtered_rows(staff_client, site):
    ProductionRecordFactory(site=site, material="Copper", tonnes="12.5")
    ProductionRecordFactory(site=site, material="@SUM(A1)", tonnes="1")
    response = staff_client.get(LIST, {"material": "o", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Site"
    assert rows[1][4] == "Copper"
    assert rows[1][5] == 12.5
    assert len(rows) == 2


@pytest.mark.django_db
def test_form_error_keeps_what_was_typed(staff_client, site):
    response = staff_client.post(
        NEW,
        {
            "site": site.pk,
            "period_start": "2026-02-01",
            "period_end": "2026-01-01",
            "kind": "processed",
            "material": "Spent packs",
            "tonnes": "123.4",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "cannot end before it starts" in page
    assert 'value="Spent packs"' in page
    assert 'value="123.4"' in page
    assert not ProductionRecord.objects.exists()


@pytest.mark.django_db
def test_duplicate_record_from_the_form_is_explained(staff_client, site):
    data = {
        "site": site.pk,
        "period_start": "2026-01-01",
        "period_end": "2026-01-31",
        "kind": "processed",
        "material": "Spent packs",
        "tonnes": "10",
    }
    assert staff_client.post(NEW, data).status_code == 302
    response = staff_client.post(NEW, data)
    assert "already exists" in response.content.decode()
    assert ProductionRecord.objects.count() == 1


@pytest.mark.django_db
def test_list_page_query_count_is_constant(staff_client, site, django_assert_max_num_queries):
    for i in range(3):
        ProductionRecordFactory(site=site, material=f"A{i}")
    with django_assert_max_num_queries(10) as small:
        staff_client.get(LIST)
    for i in range(60):
        ProductionRecordFactory(site=site, material=f"B{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get(LIST)


@pytest.mark.django_db
def test_sites_page_lists_sites(staff_client, site):
    page = staff_client.get("/sites/").content.decode()
    assert "TJ-01" in page
    assert "Asia/Shanghai" in page
