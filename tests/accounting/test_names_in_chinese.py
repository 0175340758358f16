"""Chinese pages show the Chinese names of sites and meters when given, and the shipped factor and
uncertainty data in Chinese, by name, never by code."""

from __future__ import annotations

import pytest
from django.utils import translation

from accounting.models import Factor, SourceUncertainty
from accounting.selectors.factors import shipped_chinese
from accounting.services.factors import factor_save
from greenfactory.sites.services import site_update
from metering.services.meters import meter_update

from .kpi_helpers import march_plant

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def plant(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        march_plant(site)
    yield site
    translation.deactivate()  # the middleware leaves the request's language active in this thread


def test_sites_and_meters_show_their_chinese_names_on_chinese_pages(plant, staff_client):
    site_update(site=plant, name_zh="天津工厂")
    meter_update(meter=plant.meters.get(code="E-MAIN"), name_zh="总进线电表")
    query = {"site": plant.code, "period": "month", "on": "2025-03-01"}
    chinese = staff_client.get("/kpis/", query, **ZH).content.decode()
    assert "TJ-01 · 天津工厂" in chinese
    assert "总进线电表" in chinese
    english = staff_client.get("/kpis/", query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "天津工厂" not in english
    assert "总进线电表" not in english
    assert f"TJ-01 · {plant.name}" in english


def test_the_chinese_name_is_stored_through_the_api(site, admin_client):
    response = admin_client.patch(
        f"/api/v1/sites/{site.code}/", {"name_zh": "天津工厂"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    site.refresh_from_db()
    assert site.name_zh == "天津工厂"


def test_a_corrected_source_is_not_shown_beside_a_stale_translation(plant, staff_client):
    factor = Factor.objects.get(factor_set__code="china-guideline", key="diesel.ncv")
    assert shipped_chinese(
        english=factor.source, what="source", of=("china-guideline", "diesel.ncv", 2015)
    ) == ("核算指南附录：42.652 GJ/t")
    factor_save(factor=factor, value=factor.value, source="Supplier assay 2025-02")
    html = staff_client.get("/kpis/inventory/", {"organisation": plant.organisation.code, "year": 2025}, **ZH)
    text = html.content.decode()
    assert "Supplier assay 2025-02" in text
    assert "核算指南附录：42.652 GJ/t" not in text
    assert SourceUncertainty.objects.exists()


def test_the_chinese_inventory_shows_factor_names_and_sources_not_codes(plant, staff_client):
    query = {"organisation": plant.organisation.code, "year": 2025}
    html = staff_client.get("/kpis/inventory/", query, **ZH).content.decode()
    assert "GWP-100，IPCC 第五次评估报告" in html
    assert "核算指南附录" in html
    assert "柴油，低位发热量" in html
    assert "计量或发票燃料量" in html  # the uncertainty basis
    for english_or_code in (
        "Guideline Appendix",
        "diesel.ncv",
        "gwp-ar5",
        "china-guideline",
        "Metered or invoiced",
    ):
        assert english_or_code not in html


def test_the_english_inventory_names_factors_in_words(plant, staff_client):
    html = staff_client.get("/kpis/inventory/", {"organisation": plant.organisation.code, "year": 2025})
    text = html.content.decode()
    assert "Diesel, net calorific value" in text
    assert "GWP-100, IPCC AR5" in text
    assert "diesel.ncv" not in text
