"""The yearly ISO 14064-1 inventory: DOMAIN vectors, totals equal to the KPI API, gases, boundaries,
base year and the settings API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from accounting import formulas
from accounting.models import InventoryCategory, SourceUncertainty
from accounting.models.inventory import EmissionSource
from accounting.selectors.inventory import ghg_inventory
from accounting.services.activity import RefrigerantRefillValues, Scope3ActivityValues, activity_create
from accounting.services.inventory import (
    base_year_recalculation_create,
    inventory_settings_save,
    inventory_site_save,
)
from tests.factories import SiteFactory

from .kpi_helpers import ingest, march_plant, meter

pytestmark = pytest.mark.django_db
API = "/api/v1/ghg-inventories/"


@pytest.fixture
def plant(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        march_plant(site)
    return site


def d(value) -> Decimal:
    return Decimal(value)


def inventory_api(client, organisation, year=2025):
    response = client.get(API, {"organisation": organisation.code, "year": year})
    assert response.status_code == 200, response.content
    return response.json()


def kpi_year(client, site, year=2025):
    response = client.get(
        "/api/v1/kpis/",
        {"site": site.code, "start": f"{year}-01-01", "end": f"{year}-12-31", "granularity": "year"},
    )
    assert response.status_code == 200, response.content
    return response.json()["results"][0]


def test_uncertainty_vector_five_and_ten_percent_combine_to_7_96(plant):
    """DOMAIN: ±5 % on 170.028 t (fuel combustion) and ±10 % on 636.1 t (electricity) -> ±7.96 %."""
    assert round(formulas.uncertainty_sum([(170.028, 0.05), (636.1, 0.10)]) * 100, 2) == 7.96
    inventory = ghg_inventory(organisation=plant.organisation, year=2025)
    by_source = {s.source: s for s in inventory.sources}
    combustion = by_source[EmissionSource.STATIONARY_COMBUSTION]
    electricity = by_source[EmissionSource.IMPORTED_ELECTRICITY]
    assert combustion.tco2e.quantize(d("0.001")) == d("170.028")
    assert combustion.uncertainty_pct == 5  # the shipped defaults
    assert electricity.tco2e == d("636.1")
    assert electricity.uncertainty_pct == 10
    assert inventory.combined_uncertainty_pct.quantize(d("0.01")) == d("7.96")


def test_uncertainty_follows_an_edited_source(plant, staff_client):
    row = SourceUncertainty.objects.get(source=EmissionSource.IMPORTED_ELECTRICITY)
    response = staff_client.patch(
        f"/api/v1/source-uncertainties/{row.pk}/",
        {"percent": "5", "basis": "Class 0.5S revenue meter, grid factor ±4 %"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    data = inventory_api(staff_client, plant.organisation)
    assert d(data["combined_uncertainty_pct"]).quantize(d("0.01")) == d("4.08")
    sources = {s["source"]: s for s in data["sources"]}
    assert sources["imported_electricity"]["basis"] == "Class 0.5S revenue meter, grid factor ±4 %"
    assert d(sources["imported_electricity"]["uncertainty_tco2e"]) == d("31.805")  # 5 % of 636.1 t


def test_base_year_vector_acquisition_over_the_threshold_restates_the_total(plant, staff_user):
    """DOMAIN: base year 10,000 t; an acquisition adds 600 t (6 %) over a 5 % threshold -> 10,600 t."""
    organisation = plant.organisation
    inventory_settings_save(
        organisation=organisation, base_year=2023, base_year_tco2e=d("10000"), by=staff_user
    )
    base_year_recalculation_create(
        organisation=organisation,
        date=dt.date(2025, 7, 1),
        kind="structural",
        effect_tco2e=d("600"),
        reason="Acquired the Binhai pre-treatment line",
        by=staff_user,
    )
    base = ghg_inventory(organisation=organisation, year=2025).base_year
    assert base.threshold_pct == 5
    assert base.change_pct == 6
    assert base.recalculate is True
    assert base.restated_tco2e == d("10600")
    assert base.events[0].share_pct == 6


def test_an_acquisition_and_a_method_change_are_judged_each_on_their_own(plant, staff_user, staff_client):
    organisation = plant.organisation
    inventory_settings_save(
        organisation=organisation, base_year=2023, base_year_tco2e=d("21400"), by=staff_user
    )
    for kind, effect, reason in (("structural", "1600", "Acquired line 3"), ("method", "-480", "AR6 GWPs")):
        base_year_recalculation_create(
            organisation=organisation,
            date=dt.date(2025, 7, 1),
            kind=kind,
            effect_tco2e=d(effect),
            reason=reason,
            by=staff_user,
        )
    base = ghg_inventory(organisation=organisation, year=2025).base_year
    assert base.triggered_by == ["structural"]
    assert [(k.kind, k.share_pct.quantize(d("0.01")), k.triggers) for k in base.kinds] == [
        ("structural", d("7.48"), True),
        ("method", d("2.24"), False),
    ]
    assert base.restated_tco2e == d("22520")
    page = staff_client.get("/kpis/inventory/", {"organisation": organisation.code, "year": 2025})
    text = " ".join(page.content.decode().split())
    assert "Reaching the threshold: Structural change (acquisition, divestment, outsourcing)." in text
    assert "9.72" in text  # both kinds together, by size: (1,600 + 480) / 21,400
    book = load_workbook(
        BytesIO(
            staff_client.get(
                page.request["PATH_INFO"], {"organisation": organisation.code, "year": 2025, "export": "xlsx"}
            ).content
        )
    )
    rows = {row[0]: row[1] for row in book["Base year"].iter_rows(min_row=2, values_only=True)}
    assert rows["Reaching the threshold"] == "Structural change (acquisition, divestment, outsourcing)"


def test_inventory_settings_keep_what_a_save_leaves_out_and_clear_the_base_year_with_none(plant):
    organisation = plant.organisation
    inventory_settings_save(organisation=organisation, base_year=2023, base_year_tco2e=d("10000"))
    kept = inventory_settings_save(organisation=organisation, consolidation="equity_share")
    assert (kept.consolidation, kept.base_year, kept.base_year_tco2e) == ("equity_share", 2023, d("10000"))
    cleared = inventory_settings_save(organisation=organisation, base_year=None, base_year_tco2e=None)
    assert (cleared.consolidation, cleared.base_year, cleared.base_year_tco2e) == ("equity_share", None, None)


def test_inventory_settings_with_a_base_year_but_no_total_are_refused_and_change_nothing(plant):
    from accounting.models import InventorySettings
    from accounting.services.inventory import InventoryInvalid

    organisation = plant.organisation
    stored = inventory_settings_save(organisation=organisation, base_year=2023, base_year_tco2e=d("10000"))
    with pytest.raises(InventoryInvalid, match="Give the base year and its total together.") as exc:
        inventory_settings_save(organisation=organisation, base_year_tco2e=None, boundary_note="Changed")
    assert exc.value.field == "base_year_tco2e"
    stored = InventorySettings.objects.get(pk=stored.pk)
    assert (stored.base_year, stored.base_year_tco2e, stored.boundary_note) == (2023, d("10000"), "")


def test_a_change_below_the_threshold_leaves_the_base_year(plant, staff_client):
    organisation = plant.organisation
    inventory_settings_save(organisation=organisation, base_year=2023, base_year_tco2e=d("10000"))
    response = staff_client.post(
        "/api/v1/base-year-recalculations/",
        {
            "organisation": organisation.code,
            "date": "2025-02-01",
            "kind": "error",
            "effect_tco2e": "-300",
            "reason": "Double-counted diesel in March",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    base = inventory_api(staff_client, organisation)["base_year"]
    assert base["recalculate"] is False
    assert d(base["change_pct"]) == 3
    assert d(base["restated_tco2e"]) == 10000
    assert base["events"][0]["reason"] == "Double-counted diesel in March"


def test_inventory_totals_equal_the_kpi_api_for_the_year(
    plant, staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        activity_create(
            site=plant,
            values=RefrigerantRefillValues(
                date=dt.date(2025, 6, 3), equipment="Chiller 1", gas="R-410A", kg=d("10")
            ),
        )
        ingest(
            plant,
            [
                {
                    "meter": "G-01",
                    "start": "2025-11-01T00:00:00+08:00",
                    "end": "2025-12-01T00:00:00+08:00",
                    "value": 1234.5,
                },
            ],
        )
    api = kpi_year(staff_client, plant)
    data = inventory_api(staff_client, plant.organisation)
    assert data["scope1_tco2e"] == api["scope1_tco2e"]
    assert data["scope2_location_tco2e"] == api["scope2_location_tco2e"]
    assert data["scope2_market_tco2e"] == api["scope2_market_tco2e"]
    assert data["total_tco2e"] == data["kpi_total_tco2e"] == api["total_tco2e"]
    assert {str(c["category"]): c["tco2e"] for c in data["categories"]} == api["categories_tco2e"]
    assert data["months_with_data"] == 3
    # the split by source and gas adds up to the categories
    assert sum(d(s["tco2e"]) for s in data["sources"]) == d(api["total_tco2e"])
    assert sum(d(v) for v in data["gases"]["1"].values()) == d(api["categories_tco2e"]["1"])


def test_equity_share_counts_each_site_at_its_share(plant, staff_client, django_capture_on_commit_callbacks):
    second = SiteFactory(code="BH-02", name="Binhai", organisation=plant.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        meter(second, "E-BH")
        ingest(
            second,
            [
                {"meter": "E-BH", "ts": "2025-05-01T00:00:00+08:00", "value": 0},
                {"meter": "E-BH", "ts": "2025-06-01T00:00:00+08:00", "value": 100_000},
            ],
        )
    inventory_settings_save(organisation=plant.organisation, consolidation="equity_share")
    inventory_site_save(site=second, included=True, equity_share_pct=d("40"), note="JV with a partner")
    data = inventory_api(staff_client, plant.organisation)
    tianjin, binhai = kpi_year(staff_client, plant), kpi_year(staff_client, second)
    expected = d(tianjin["scope2_location_tco2e"]) + d(binhai["scope2_location_tco2e"]) * d("0.4")
    assert d(data["scope2_location_tco2e"]) == expected == d("636.1") + d("63.61") * d("0.4")
    assert {s["code"]: s["share_pct"] for s in data["sites"]} == {"BH-02": "40.000000", "TJ-01": "100.000000"}
    inventory_site_save(site=second, included=False, equity_share_pct=d("40"), note="Sold")
    assert d(inventory_api(staff_client, plant.organisation)["scope2_location_tco2e"]) == d("636.1")


def test_a_refrigerant_blend_is_split_into_its_gases(plant, django_capture_on_commit_callbacks):
    """10 kg R-410A (AR5, 50 % HFC-32 + 50 % HFC-125) = 19.235 t: 3.385 t HFC-32 and 15.85 t HFC-125."""
    with django_capture_on_commit_callbacks(execute=True):
        activity_create(
            site=plant,
            values=RefrigerantRefillValues(
                date=dt.date(2025, 3, 5), equipment="Chiller 1", gas="R-410A", kg=d("10")
            ),
        )
    inventory = ghg_inventory(organisation=plant.organisation, year=2025)
    [blend] = inventory.refrigerants
    assert (blend.gas, blend.kg, blend.gwp, blend.tco2e) == ("R-410A", d("10"), d("1923.5"), d("19.235"))
    assert blend.components == {"HFCs": d("19.235")}
    assert inventory.gases[1]["HFCs"] == d("19.235")
    assert inventory.gases[1]["CO2"].quantize(d("0.001")) == d("170.028")
    assert inventory.gases[1]["SF6"] == 0
    assert inventory.scope1_tco2e.quantize(d("0.001")) == d("189.263")


def test_sf6_refill_is_reported_as_sf6(plant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        activity_create(
            site=plant,
            values=RefrigerantRefillValues(
                date=dt.date(2025, 3, 5), equipment="Switchgear", gas="SF6", kg=d("0.5")
            ),
        )
    inventory = ghg_inventory(organisation=plant.organisation, year=2025)
    assert inventory.gases[1]["SF6"] == d("11.75")  # 0.5 kg x 23,500 (AR5)
    assert inventory.gases[1]["HFCs"] == 0


def test_excluded_category_is_shown_excluded_with_its_justification(
    plant, staff_client, django_capture_on_commit_callbacks
):

    with django_capture_on_commit_callbacks(execute=True):
        activity_create(
            site=plant,
            values=Scope3ActivityValues(
                date=dt.date(2025, 3, 10),
                category=5,
                description="Use of black mass",
                quantity=d("100"),
                unit="t",
                factor_kg_per_unit=d("50"),
                factor_source="Screening",
            ),
        )
    response = staff_client.post(
        "/api/v1/inventory-categories/",
        {
            "organisation": plant.organisation.code,
            "category": 5,
            "included": False,
            "justification": "Black mass is an intermediate; its use is outside our influence.",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = inventory_api(staff_client, plant.organisation)
    five = next(c for c in data["categories"] if c["category"] == 5)
    assert five["included"] is False
    assert five["justification"] == "Black mass is an intermediate; its use is outside our influence."
    assert d(five["tco2e"]) == 5
    assert five["reported_tco2e"] is None
    assert d(data["kpi_total_tco2e"]) - d(data["total_tco2e"]) == 5
    page = staff_client.get("/kpis/inventory/", {"organisation": plant.organisation.code, "year": 2025})
    html = page.content.decode()
    assert "Black mass is an intermediate; its use is outside our influence." in html
    assert 'id="inv-category-5"' in html


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": 1, "included": False, "justification": "Too hard"}, "included"),
        ({"category": 4, "included": False, "justification": "  "}, "justification"),
        ({"category": 7, "included": True}, "category"),
        ({"category": "x", "included": True}, "category"),
    ],
)
def test_bad_category_choices_are_refused_and_change_nothing(site, staff_client, body, field):
    response = staff_client.post(
        "/api/v1/inventory-categories/",
        {"organisation": site.organisation.code, **body},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not InventoryCategory.objects.exists()


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/inventory-settings/", {"base_year": 2023}, "base_year_tco2e"),
        ("/api/v1/inventory-settings/", {"base_year": 1800, "base_year_tco2e": "1"}, "base_year"),
        ("/api/v1/inventory-settings/", {"recalculation_threshold_pct": "0"}, "recalculation_threshold_pct"),
        (
            "/api/v1/inventory-settings/",
            {"recalculation_threshold_pct": "NaN"},
            "recalculation_threshold_pct",
        ),
        ("/api/v1/inventory-settings/", {"consolidation": "vibes"}, "consolidation"),
        (
            "/api/v1/base-year-recalculations/",
            {"date": "2025-01-01", "kind": "structural", "effect_tco2e": "5", "reason": " "},
            "reason",
        ),
        (
            "/api/v1/base-year-recalculations/",
            {"date": "2025-01-01", "kind": "merger", "effect_tco2e": "5", "reason": "x"},
            "kind",
        ),
        (
            "/api/v1/base-year-recalculations/",
            {"date": "2025-01-01", "kind": "error", "effect_tco2e": "Infinity", "reason": "x"},
            "effect_tco2e",
        ),
    ],
)
def test_bad_settings_are_refused_with_the_field_named(site, staff_client, url, body, field):
    response = staff_client.post(
        url, {"organisation": site.organisation.code, **body}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not staff_client.get(url).json()["results"]


def test_equity_share_over_100_is_refused(site, staff_client):
    response = staff_client.post(
        "/api/v1/inventory-sites/",
        {"site": site.code, "equity_share_pct": "120"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "equity_share_pct" in response.json()


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"organisation": "nope", "year": 2025},
        {"organisation": "X", "year": "20x5"},
        {"year": 99999},
        {"year": "²"},
        {"organisation": "²", "year": "²"},
    ],
)
def test_bad_inventory_queries_answer_400(site, staff_client, query):
    query = {k: site.organisation.code if v == "X" else v for k, v in query.items()}
    response = staff_client.get(API, query)
    assert response.status_code == 400


def test_settings_are_created_once_and_updated_after(site, staff_client):
    body = {
        "organisation": site.organisation.code,
        "consolidation": "financial_control",
        "base_year": 2024,
        "base_year_tco2e": "8000",
    }
    assert (
        staff_client.post("/api/v1/inventory-settings/", body, content_type="application/json").status_code
        == 201
    )
    body["recalculation_threshold_pct"] = "3"
    assert (
        staff_client.post("/api/v1/inventory-settings/", body, content_type="application/json").status_code
        == 200  # the organisation's row was updated, not a second one created
    )
    [row] = staff_client.get("/api/v1/inventory-settings/", {"organisation": site.organisation.code}).json()[
        "results"
    ]
    assert row["recalculation_threshold_pct"] == "3.00"
    assert row["consolidation"] == "financial_control"


def test_setting_a_category_or_site_again_updates_it_and_says_so(site, staff_client):
    category = {"organisation": site.organisation.code, "category": 4, "included": True}
    entry = {"site": site.code, "included": True, "equity_share_pct": "100"}
    for url, body in (("/api/v1/inventory-categories/", category), ("/api/v1/inventory-sites/", entry)):
        first = staff_client.post(url, body, content_type="application/json")
        again = staff_client.post(url, body, content_type="application/json")
        assert (first.status_code, again.status_code) == (201, 200)
        assert first.json()["id"] == again.json()["id"]


def test_auditors_cannot_read_or_change_the_inventory(site, auditor_client):
    assert auditor_client.get(API, {"organisation": site.organisation.code, "year": 2025}).status_code == 403
    response = auditor_client.post(
        "/api/v1/inventory-settings/",
        {"organisation": site.organisation.code},
        content_type="application/json",
    )
    assert response.status_code == 403
