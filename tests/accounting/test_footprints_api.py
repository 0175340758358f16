"""The footprint API: a study built, computed under each method, issued and read back as issued."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounting.models import Factor, FootprintItem, FootprintResult, FootprintStudy
from accounting.services.factors import factor_save

from .budget_helpers import month_kpi

pytestmark = pytest.mark.django_db

API = "/api/v1/"


def _build(client, site):
    """The worked example of test_footprints through the API: 1,000,000 kWh in 2023, 10 t of chemicals
    at 500 kgCO2e/t, black mass 2,000 t of 3,000 t of outputs -> 208.5 kgCO2e/t by mass."""
    month_kpi(site, 2023, 6, electricity_kwh=1_000_000)
    study = client.post(
        f"{API}footprint-studies/",
        {
            "site": site.code,
            "title": "Black mass 2023",
            "product": "black_mass",
            "declared_unit": "1 t of black mass",
            "boundary": "cradle_to_gate",
            "period_start": "2023-01-01",
            "period_end": "2023-12-31",
            "allocation": "mass",
            "gwp_set": "gwp-ar5",
        },
        content_type="application/json",
    )
    assert study.status_code == 201, study.content
    pk = study.json()["id"]
    item = client.post(
        f"{API}footprint-items/",
        {
            "study": pk,
            "stage": "raw_materials",
            "kind": "chemical",
            "description": "Sodium hydroxide",
            "quantity": "10",
            "unit": "t",
            "factor_kg_per_unit": "500",
            "factor_source": "Supplier EPD 2023",
            "reliability": 2,
            "completeness": 3,
            "temporal": 1,
            "geographical": 2,
            "technological": 3,
        },
        content_type="application/json",
    )
    assert item.status_code == 201, item.content
    assert item.json()["uncertainty"] == pytest.approx(0.22287, abs=1e-5)
    for product, tonnes, price, avoided in (
        ("black_mass", "2000", "20000", None),
        ("copper", "200", "60000", "500"),
        ("aluminium", "300", "15000", "300"),
        ("plastics", "500", "1000", "50"),
    ):
        response = client.post(
            f"{API}footprint-coproducts/",
            {
                "study": pk,
                "product": product,
                "output_t": tonnes,
                "price_cny_per_t": price,
                "avoided_kg_per_t": avoided,
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
    return pk


def test_a_study_through_the_api_computed_issued_and_frozen(staff_client, site):
    pk = _build(staff_client, site)
    result = staff_client.get(f"{API}footprint-studies/{pk}/result/").json()
    assert result["per_unit_kg"] == "208.500000"
    assert {r["allocation"]: r["per_unit_kg"] for r in result["sensitivity"]} == {
        "mass": "208.500000",
        "economic": "219.473684",
        "system_expansion": "205.250000",
    }
    assert staff_client.get(f"{API}footprint-studies/{pk}/result/?allocation=economic").json()[
        "per_unit_kg"
    ] == ("219.473684")
    assert staff_client.get(f"{API}footprint-studies/{pk}/result/?allocation=nope").status_code == 400
    issued = staff_client.post(f"{API}footprint-studies/{pk}/issue/")
    assert issued.status_code == 201
    assert issued.json()["version"] == 1
    assert staff_client.post(f"{API}footprint-studies/{pk}/issue/").status_code == 409
    factor_save(
        factor=Factor.objects.get(factor_set__code="grid-cn", key="pcf", year=2023), value=Decimal("0.7")
    )
    now = staff_client.get(f"{API}footprint-studies/{pk}/result/").json()
    assert now["issued"] == {"version": 1, "per_unit_kg": "208.500000"}
    assert now["would_now_be"] == "235.000000"
    study = staff_client.get(f"{API}footprint-studies/{pk}/").json()
    assert (study["status"], study["issued_version"], study["issued_per_unit_kg"]) == (
        "issued",
        1,
        "208.500000",
    )
    # Issued: read-only.
    patch = staff_client.patch(
        f"{API}footprint-studies/{pk}/", {"version": 1, "title": "Changed"}, content_type="application/json"
    )
    assert patch.status_code == 409
    assert FootprintStudy.objects.get(pk=pk).title == "Black mass 2023"
    assert staff_client.delete(f"{API}footprint-items/{FootprintItem.objects.get().pk}/").status_code == 409
    assert FootprintItem.objects.count() == 1


def test_bad_input_is_refused_and_nothing_is_written(staff_client, site):
    pk = _build(staff_client, site)
    bad_item = staff_client.post(
        f"{API}footprint-items/",
        {
            "study": pk,
            "stage": "waste",
            "kind": "waste_treatment",
            "description": "x",
            "quantity": "1",
            "unit": "t",
            "factor_kg_per_unit": "1",
            "factor_source": "x",
            "reliability": 6,
        },
        content_type="application/json",
    )
    assert bad_item.status_code == 400
    backwards = staff_client.patch(
        f"{API}footprint-studies/{pk}/",
        {"version": 1, "period_end": "2022-01-01"},
        content_type="application/json",
    )
    assert backwards.status_code == 400
    assert FootprintStudy.objects.get(pk=pk).period_end.year == 2023
    assert FootprintItem.objects.count() == 1


def test_auditors_are_refused(auditor_client, staff_client, site):
    pk = _build(staff_client, site)
    assert auditor_client.get(f"{API}footprint-studies/{pk}/result/").status_code == 403
    assert auditor_client.post(f"{API}footprint-studies/{pk}/issue/").status_code == 403
    assert not FootprintResult.objects.exists()
