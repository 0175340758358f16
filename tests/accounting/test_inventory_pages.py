"""The inventory page and its Excel workbook: sections, figures equal to the API, constant queries,
both languages, bad input."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from accounting.models import InventoryCategory, InventorySettings, SourceUncertainty
from accounting.services.activity import RefrigerantRefillValues, activity_create
from accounting.services.inventory import (
    base_year_recalculation_create,
    inventory_category_save,
    inventory_settings_save,
)
from tests.factories import SiteFactory

from .kpi_helpers import ingest, march_plant, meter

pytestmark = pytest.mark.django_db
URL = "/kpis/inventory/"


@pytest.fixture
def plant(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        march_plant(site)
        activity_create(
            site=site,
            values=RefrigerantRefillValues(
                date=dt.date(2025, 6, 3), equipment="Chiller 1", gas="R-410A", kg=Decimal("10")
            ),
        )
    inventory_settings_save(organisation=site.organisation, base_year=2023, base_year_tco2e=Decimal("10000"))
    base_year_recalculation_create(
        organisation=site.organisation,
        date=dt.date(2025, 7, 1),
        kind="structural",
        effect_tco2e=Decimal("600"),
        reason="Acquired the Binhai line",
    )
    inventory_category_save(
        organisation=site.organisation,
        category=6,
        included=False,
        justification='=HYPERLINK("x") not material',
    )
    return site


def test_page_shows_the_sections_in_iso_order_with_the_api_figures(plant, staff_client):
    page = staff_client.get(URL, {"organisation": plant.organisation.code, "year": 2025})
    assert page.status_code == 200
    html = page.content.decode()
    api = staff_client.get(
        "/api/v1/ghg-inventories/", {"organisation": plant.organisation.code, "year": 2025}
    ).json()
    sections = [
        "inv-summary",
        "inv-org-boundary",
        "inv-categories",
        "inv-gases",
        "inv-factors",
        "inv-uncertainty",
        "inv-base-year",
    ]
    positions = [html.index(f'id="{s}"') for s in sections]
    assert positions == sorted(positions)
    assert f"{Decimal(api['total_tco2e']):.3f}" in html
    assert "825.363" in html  # 170.028 + 19.235 + 636.1, under the thousands separator
    assert "R-410A" in html
    assert "Recalculate the base year" in html
    assert "10,600.000" in html
    assert "MEE/NBS North China grid 2023" in html  # the factor's source
    assert "Operational control" in html


def test_excel_workbook_has_a_sheet_per_section_with_the_figures(plant, staff_client):
    response = staff_client.get(
        URL, {"organisation": plant.organisation.code, "year": 2025, "export": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'ghg-inventory-{plant.organisation.code}-2025.xlsx"')
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == [
        "Summary",
        "Organisational boundary",
        "Categories",
        "Gases",
        "Factors",
        "Uncertainty",
        "Base year",
    ]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Total, scope 2 location-based (tCO2e)"] == pytest.approx(825.363, abs=0.001)
    assert summary["Combined uncertainty (± %)"] == pytest.approx(7.807, abs=0.001)
    categories = list(book["Categories"].iter_rows(min_row=2, values_only=True))
    assert categories[0][2] == pytest.approx(189.263, abs=0.001)
    assert categories[5][1] == "no"
    assert categories[5][4] == '\'=HYPERLINK("x") not material'  # neutralised
    gases = list(book["Gases"].iter_rows(values_only=True))
    assert gases[0][:4] == ("Category", "CO2", "CH4", "N2O")
    assert gases[1][1] == pytest.approx(170.028, abs=0.001)
    assert gases[1][4] == pytest.approx(19.235)
    assert ("R-410A", 10, 1923.5, pytest.approx(19.235), pytest.approx(19.235)) == gases[4][:5]
    factors = list(book["Factors"].iter_rows(min_row=2, values_only=True))
    assert factors[[f[2] for f in factors].index("north_china")][:4] == ("grid-cn", 2, "north_china", 2023)
    base = {row[0]: row[1] for row in book["Base year"].iter_rows(min_row=2, values_only=True)}
    assert base["Recalculate"] == "yes"
    assert book["Base year"]["D7"].value == pytest.approx(10600)


def test_page_queries_stay_constant_as_data_grows(
    plant, staff_client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    query = {"organisation": plant.organisation.code, "year": 2025}
    with django_assert_max_num_queries(20) as small:
        staff_client.get(URL, query)
    with django_capture_on_commit_callbacks(execute=True):
        for month in range(4, 12):
            ingest(
                plant,
                [
                    {
                        "meter": "G-01",
                        "start": f"2025-{month:02d}-01T00:00:00+08:00",
                        "end": f"2025-{month + 1:02d}-01T00:00:00+08:00",
                        "value": 1000 + month,
                    }
                ],
            )
            activity_create(
                site=plant,
                values=RefrigerantRefillValues(
                    date=dt.date(2025, month, 2), equipment="C2", gas="HFC-134a", kg=Decimal("1")
                ),
            )
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = staff_client.get(URL, query)
    assert page.context["inv"].months_with_data == 9


def test_page_in_chinese(plant, staff_client):
    page = staff_client.get(
        URL, {"organisation": plant.organisation.code, "year": 2025}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    html = page.content.decode()
    assert "温室气体清单" in html
    assert "组织边界" in html
    assert "不确定性" in html
    assert "Organisational boundary" not in html


def test_dashboard_and_energy_area_link_to_the_inventory(site, staff_client):
    assert URL in staff_client.get("/kpis/").content.decode()
    assert URL in staff_client.get("/energy/").content.decode()


def test_empty_year_and_no_organisation(site, staff_client):
    page = staff_client.get(URL, {"organisation": site.organisation.code, "year": 2019})
    assert page.status_code == 200
    assert "No KPIs for this year yet" in page.content.decode()


def test_an_unknown_organisation_answers_404(site, staff_client):
    assert staff_client.get(URL, {"organisation": "nope"}).status_code == 404
    assert staff_client.get(SETTINGS_URL, {"organisation": "²"}).status_code == 404


@pytest.mark.parametrize("year", ["abc", "1200", "²", "2025²", "-2025", "1e3"])
def test_a_bad_year_answers_400_and_says_why(site, staff_client, year):
    response = staff_client.get(URL, {"organisation": site.organisation.code, "year": year})
    assert response.status_code == 400
    assert "Choose a year between 1990 and 2100." in response.content.decode()
    assert staff_client.get(URL, {"year": year, "export": "xlsx"}).status_code == 400


def test_reading_the_inventory_pages_writes_no_uncertainty(plant, staff_client):
    SourceUncertainty.objects.filter(source="refrigerants").delete()
    assert staff_client.get(URL).status_code == 200
    page = staff_client.get(SETTINGS_URL).content.decode()
    assert not SourceUncertainty.objects.filter(source="refrigerants").exists()
    assert "Refills weighed at service" in page  # the shipped default is still shown


def test_saving_the_settings_restores_missing_default_uncertainties(site, staff_client):
    SourceUncertainty.objects.filter(source="refrigerants").delete()
    response = _post(
        staff_client,
        site.organisation,
        "settings",
        consolidation="operational_control",
        base_year="2024",
        base_year_tco2e="10000",
        recalculation_threshold_pct="5",
    )
    assert response.status_code == 302
    assert SourceUncertainty.objects.filter(source="refrigerants").exists()


def test_a_second_organisation_is_selectable(site, staff_client):
    other = SiteFactory(code="SZ-01", name="Shenzhen")
    meter(other, "E-SZ")
    page = staff_client.get(URL, {"organisation": other.organisation.code})
    assert page.status_code == 200
    assert page.context["inv"].organisation_code == other.organisation.code


SETTINGS_URL = "/kpis/inventory/settings/"


def _post(client, organisation, section, **fields):
    data = {"section": section, "organisation": organisation.code}
    data.update({f"{section}-{k}": v for k, v in fields.items()})
    return client.post(SETTINGS_URL, data)


def test_staff_set_the_boundary_base_year_and_events_on_the_settings_page(site, staff_client):
    organisation = site.organisation
    response = _post(
        staff_client,
        organisation,
        "settings",
        consolidation="equity_share",
        boundary_note="Plants we hold shares in",
        base_year="2024",
        base_year_tco2e="10000",
        recalculation_threshold_pct="5",
    )
    assert response.status_code == 302
    assert (
        _post(
            staff_client, organisation, "site", site=site.pk, included="on", equity_share_pct="60"
        ).status_code
        == 302
    )
    assert (
        _post(
            staff_client, organisation, "category", category="4", justification="No purchased goods data yet"
        ).status_code
        == 302
    )  # an unticked box excludes
    assert (
        _post(
            staff_client,
            organisation,
            "event",
            date="2025-07-01",
            kind="structural",
            effect_tco2e="600",
            reason="Acquisition",
        ).status_code
        == 302
    )
    assert (
        _post(
            staff_client, organisation, "uncertainty", source="refrigerants", percent="20", basis="Weighed"
        ).status_code
        == 302
    )
    inventory = staff_client.get(URL, {"organisation": organisation.code, "year": 2025}).context["inv"]
    assert inventory.consolidation == "equity_share"
    assert inventory.sites[0].share_pct == 60
    assert (
        next(c for c in inventory.categories if c.category == 4).justification
        == "No purchased goods data yet"
    )
    assert inventory.base_year.restated_tco2e == Decimal("10600")
    page = staff_client.get(SETTINGS_URL, {"organisation": organisation.code}).content.decode()
    assert "Acquisition" in page
    assert "Weighed" in page


@pytest.mark.parametrize(
    ("section", "fields", "message"),
    [
        ("category", {"category": "1", "justification": "x"}, "Categories 1 and 2 are always part"),
        ("category", {"category": "5", "justification": ""}, "Say why the category is excluded."),
        (
            "settings",
            {"consolidation": "operational_control", "base_year": "2024", "recalculation_threshold_pct": "5"},
            "Give the base year and its total together.",
        ),
        ("site", {"site": "999999", "equity_share_pct": "50"}, "Select a valid choice"),
        (
            "event",
            {"date": "2025-01-01", "kind": "error", "effect_tco2e": "1", "reason": "  "},
            "This field is required",
        ),
    ],
)
def test_bad_settings_on_the_page_answer_400_and_keep_the_input(site, staff_client, section, fields, message):
    response = _post(staff_client, site.organisation, section, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not InventoryCategory.objects.exists()
    assert not InventorySettings.objects.exists()


def test_the_settings_page_in_chinese(site, staff_client):
    html = staff_client.get(SETTINGS_URL, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "温室气体清单设置" in html
    assert "报告边界" in html


def test_the_workbook_export_gives_the_page_figures(plant, staff_client):
    from accounting.exports.inventory import inventory_workbook
    from accounting.selectors.inventory import ghg_inventory

    page = staff_client.get(URL, {"organisation": plant.organisation.code, "year": 2025})
    shown = page.context["inv"]
    book = load_workbook(
        BytesIO(inventory_workbook(ghg_inventory(organisation=plant.organisation, year=2025)))
    )
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Total, scope 2 location-based (tCO2e)"] == float(shown.total_tco2e)
    assert summary["Total, scope 2 market-based (tCO2e)"] == float(shown.total_market_tco2e)
    categories = list(book["Categories"].iter_rows(min_row=2, values_only=True))
    assert [c[2] for c in categories[:6]] == [float(c.tco2e) for c in shown.categories]


def test_the_settings_page_has_one_form_per_section_each_with_its_button(site, staff_client):
    html = staff_client.get(SETTINGS_URL, {"organisation": site.organisation.code}).content.decode()
    forms = re.findall(
        r'name="section" value="(\w+)".*?<button type="submit" class="primary">([^<]+)</button>', html, re.S
    )
    assert forms == [
        ("settings", "Save"),
        ("site", "Save"),
        ("category", "Save"),
        ("event", "Record"),
        ("uncertainty", "Save"),
    ]


def test_a_year_with_a_month_and_a_day_of_data_says_so_on_the_page_and_in_the_workbook(plant, staff_client):
    query = {"organisation": plant.organisation.code, "year": 2025}
    page = staff_client.get(URL, query)
    text = " ".join(page.content.decode().split())
    assert "data for 32 of 365 days" in text
    assert "incomplete year" in text
    assert "Incomplete year: the figures below cover the 32 of 365 days that have data" in text
    assert "2025-01 (0 of 31 days)" in text
    assert "2025-06 (1 of 30 days)" in text  # the day of a refrigerant refill
    assert "2025-03 (" not in text
    assert "months with KPIs" not in text
    book = load_workbook(BytesIO(staff_client.get(URL, {**query, "export": "xlsx"}).content))
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert (summary["Days with data"], summary["Days in the year"], summary["Complete year"]) == (
        32,
        365,
        "no",
    )
    api = staff_client.get("/api/v1/ghg-inventories/", query).json()
    assert (api["days_with_data"], api["complete"]) == (32, False)
