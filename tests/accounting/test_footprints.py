"""Product carbon footprints (ISO 14067): the worked example under each allocation method, the
product-footprint electricity factor against the scope 2 factors, the pedigree-to-uncertainty rule,
issuing and what later data changes show."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest

from accounting import formulas
from accounting.models import Factor, FactorSet, FootprintResult
from accounting.selectors.factors import FactorTable
from accounting.selectors.footprints import (
    footprint_compute,
    footprint_previous,
    footprint_result,
    footprint_study_get,
    item_uncertainty,
)
from accounting.services import footprints as service
from accounting.services.factors import factor_save

from .budget_helpers import month_kpi

pytestmark = pytest.mark.django_db


def _study(site, *, year=2023, boundary="cradle_to_gate", allocation="mass", product="black_mass"):
    return service.footprint_study_create(
        site=site,
        title=f"Black mass {year}",
        product=product,
        declared_unit="1 t of black mass",
        boundary=boundary,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        allocation=allocation,
        gwp_set=FactorSet.objects.get(code="gwp-ar5"),
        cut_off="Inputs below 1 % of mass and of emissions left out.",
    )


def _worked_example(site, **kwargs):
    """1,000,000 kWh of grid electricity in 2023; 10 t of chemicals at 500 kgCO2e/t; outputs black mass
    2,000 t (20,000 CNY/t), copper 200 t (60,000 CNY/t, avoids 500 kgCO2e/t), aluminium 300 t
    (15,000 CNY/t, avoids 300 kgCO2e/t), plastics 500 t (1,000 CNY/t, avoids 50 kgCO2e/t)."""
    month_kpi(site, 2023, 6, electricity_kwh=1_000_000)
    study = _study(site, **kwargs)
    service.footprint_item_create(
        study=study,
        stage="raw_materials",
        kind="chemical",
        description="Sodium hydroxide",
        quantity=Decimal(10),
        unit="t",
        factor_kg_per_unit=Decimal(500),
        factor_source="Supplier EPD 2023",
        reliability=2,
        completeness=3,
        temporal=1,
        geographical=2,
        technological=3,
    )
    for product, tonnes, price, avoided in (
        ("black_mass", 2000, 20000, None),
        ("copper", 200, 60000, 500),
        ("aluminium", 300, 15000, 300),
        ("plastics", 500, 1000, 50),
    ):
        service.footprint_coproduct_save(
            study=study,
            product=product,
            output_t=Decimal(tonnes),
            price_cny_per_t=Decimal(price),
            avoided_kg_per_t=None if avoided is None else Decimal(avoided),
        )
    return footprint_study_get(pk=study.pk)


def test_worked_example_by_mass_by_value_and_by_system_expansion(site):
    """Inventory (cradle to gate): electricity 1,000,000 kWh * 0.6205 = 620,500 kg; chemicals
    10 t * 500 = 5,000 kg; total 625,500 kgCO2e.

    By mass: share 2,000 / (2,000 + 200 + 300 + 500) = 2/3; 625,500 * 2/3 = 417,000 kg over 2,000 t
    = 208.5 kgCO2e per t of black mass.
    By value: 2,000 * 20,000 = 40,000,000 CNY of 40,000,000 + 12,000,000 + 4,500,000 + 500,000
    = 57,000,000; 625,500 * 40/57 = 438,947.368421 kg over 2,000 t = 219.473684 kg/t.
    System expansion: credits 200 * 500 + 300 * 300 + 500 * 50 = 215,000 kg; 625,500 - 215,000
    = 410,500 kg over 2,000 t = 205.25 kg/t.
    """
    study = _worked_example(site)
    mass = footprint_compute(study=study)
    assert mass["total_kg"] == "625500.000000"
    assert mass["allocation"] == "mass"
    assert mass["per_unit_kg"] == "208.500000"
    assert Decimal(mass["allocation_share"]) == Decimal("0.666666667")
    economic = footprint_compute(study=study, allocation="economic")
    assert economic["per_unit_kg"] == "219.473684"
    expansion = footprint_compute(study=study, allocation="system_expansion")
    assert expansion["credits_kg"] == "215000.000000"
    assert expansion["per_unit_kg"] == "205.250000"
    # The same figures side by side, the study's own method marked.
    result = footprint_result(study=study)
    table = {row["allocation"]: row for row in result["sensitivity"]}
    assert {k: v["per_unit_kg"] for k, v in table.items()} == {
        "mass": "208.500000",
        "economic": "219.473684",
        "system_expansion": "205.250000",
    }
    assert table["mass"]["chosen"]
    assert table["economic"]["difference_pct"] == "5.263158"  # 219.473684 / 208.5 - 1


def test_stages_gases_and_contributors_per_declared_unit(site):
    """By mass (2/3 over 2,000 t): electricity 620,500 * 2/3 / 2,000 = 206.833333 kg/t in the recycling
    process, chemicals 5,000 * 2/3 / 2,000 = 1.666667 kg/t in raw materials; both CO2e. Shares of the
    total: 620,500 / 625,500 = 0.992006, 5,000 / 625,500 = 0.007994."""
    result = footprint_compute(study=_worked_example(site))
    assert result["by_stage"] == {"production": "206.833333", "raw_materials": "1.666667"}
    assert result["by_gas"] == {"CO2e": "208.500000"}
    assert result["gwp_set"]["code"] == "gwp-ar5"
    top = result["contributors"]
    assert [c["description"] for c in top] == ["Grid electricity", "Sodium hydroxide"]
    assert [c["share"] for c in top] == ["0.992006", "0.007994"]


def test_gate_to_gate_leaves_the_inputs_out(site):
    """Gate to gate counts the recycling process only: 620,500 * 2/3 / 2,000 = 206.833333 kg/t; the
    chemicals line stays listed, outside the boundary."""
    result = footprint_compute(study=_worked_example(site, boundary="gate_to_gate"))
    assert result["per_unit_kg"] == "206.833333"
    chemicals = next(line for line in result["lines"] if line["kind"] == "chemical")
    assert chemicals["in_boundary"] is False


def test_footprint_electricity_factor_is_not_the_scope2_grid_factor(site):
    """1,000,000 kWh in 2023: product-footprint factor 0.6205 -> 620.5 t; scope 2 location-based with
    the national factor 0.5306 -> 530.6 t, with the North China factor 0.6361 -> 636.1 t (the site's
    KPI settings use North China)."""
    study = _worked_example(site)
    [electricity] = [
        line for line in footprint_compute(study=study)["lines"] if line["kind"] == "electricity"
    ]
    assert electricity["quantity"] == "1000000.000000"
    assert electricity["factor_kg_per_unit"] == "0.620500"
    assert Decimal(electricity["kg"]) / 1000 == Decimal("620.5")
    assert electricity["provenance"]["source"] == "site_kpis"
    table = FactorTable.for_site(site=site)
    assert table.settings.grid_region == "north_china"
    kwh = Decimal(1_000_000)
    national = formulas.scope2_location(kwh=kwh, grid_kg_per_kwh=table.get("grid-cn", "national", 2023))
    north = formulas.scope2_location(kwh=kwh, grid_kg_per_kwh=table.get("grid-cn", "north_china", 2023))
    assert (national, north) == (Decimal("530.6"), Decimal("636.1"))


def test_a_year_without_its_own_factor_uses_the_latest_earlier_one_and_says_so(site):
    """2026 has no product-footprint factor: 2024's 0.5777 is used; 500,000 kWh -> 288,850 kg."""
    month_kpi(site, 2026, 3, electricity_kwh=500_000)
    result = footprint_compute(study=_study(site, year=2026, product="batteries_processed"))
    assert result["electricity_factor"]["year"] == 2024
    assert result["electricity_factor"]["fallback"] is True
    assert result["lines"][0]["kg"] == "288850.000000"
    assert any("2024" in w and "2026" in w for w in result["warnings"])


def test_the_2024_factor_reached_the_database_and_the_set_version_went_up():
    grid = FactorSet.objects.get(code="grid-cn")
    assert Factor.objects.get(factor_set=grid, key="pcf", year=2024).value == Decimal("0.5777")
    assert Factor.objects.get(factor_set=grid, key="pcf", year=2023).value == Decimal("0.6205")
    assert grid.version == 2


def test_pedigree_scores_become_an_uncertainty_and_combine_by_the_sum_rule(site):
    """Chemicals, pedigree (2, 3, 1, 2, 3), basic factor 1.05 (materials): factors 1.05, 1.05, 1.00,
    1.01, 1.20; GSD^2 = exp(sqrt(3 * ln(1.05)^2 + ln(1.01)^2 + ln(1.20)^2))
    = exp(sqrt(3 * 0.0023805 + 0.0000990 + 0.0332412)) = exp(0.201200) = 1.22287 -> +22.29 %.
    Electricity measured, pedigree (1, 1, 1, 1, 1), basic 1.05 -> 5 %.
    Study: sqrt((620,500 * 0.05)^2 + (5,000 * 0.22287)^2) / 625,500 = 31,045.0 / 625,500 = 4.963 %."""
    chemicals = item_uncertainty(kind="chemical", pedigree=(2, 3, 1, 2, 3))
    assert chemicals == pytest.approx(0.22287, abs=1e-5)
    assert item_uncertainty(kind="electricity", pedigree=(1, 1, 1, 1, 1)) == pytest.approx(0.05)
    result = footprint_compute(study=_worked_example(site))
    expected = math.sqrt((620_500 * 0.05) ** 2 + (5_000 * chemicals) ** 2) / 625_500
    assert result["uncertainty"] == pytest.approx(expected, abs=1e-6)
    assert result["uncertainty"] == pytest.approx(0.04963, abs=1e-5)


def test_per_tonne_processed_takes_the_whole_burden(site):
    """Batteries processed: 1,000,000 kWh * 0.6205 = 620,500 kg over 4,000 t = 155.125 kg/t."""
    month_kpi(site, 2023, 6, electricity_kwh=1_000_000, processed_t=4000)
    result = footprint_compute(study=_study(site, product="batteries_processed"))
    assert result["per_unit_kg"] == "155.125000"


def test_issued_result_is_frozen_and_later_data_shows_what_it_would_now_be(site, staff_user):
    study = _worked_example(site)
    issued = service.footprint_study_issue(study=study, by=staff_user)
    assert (issued.version, issued.per_unit_kg) == (1, Decimal("208.5"))
    assert issued.result["sensitivity"][0]["allocation"] == "mass"
    # A later correction of the factor changes what the study would now be, not what was issued.
    factor = Factor.objects.get(factor_set__code="grid-cn", key="pcf", year=2023)
    factor_save(factor=factor, value=Decimal("0.7"))
    issued.refresh_from_db()
    assert issued.per_unit_kg == Decimal("208.5")
    now = footprint_compute(study=footprint_study_get(pk=study.pk))
    assert now["per_unit_kg"] == "235.000000"  # (700,000 + 5,000) * 2/3 / 2,000
    with pytest.raises(service.StudyIssued):
        service.footprint_item_create(
            study=study,
            stage="waste",
            kind="waste_treatment",
            description="Sludge",
            quantity=Decimal(1),
            unit="t",
            factor_kg_per_unit=Decimal(1),
            factor_source="x",
        )
    reopened = service.footprint_study_reopen(study=study)
    service.footprint_study_issue(study=reopened, by=staff_user)
    assert list(FootprintResult.objects.filter(study=study).values_list("version", "per_unit_kg")) == [
        (2, Decimal("235.000000")),
        (1, Decimal("208.500000")),
    ]


def test_a_study_that_cannot_be_computed_is_not_issued_and_nothing_changes(site):
    study = _study(site)  # no output of black mass entered
    with pytest.raises(service.DomainError):
        service.footprint_study_issue(study=study)
    assert not FootprintResult.objects.exists()
    assert footprint_study_get(pk=study.pk).status == "draft"


def test_bad_inputs_are_refused(site):
    study = _study(site)
    with pytest.raises(service.DomainError):
        service.footprint_item_create(
            study=study,
            stage="waste",
            kind="waste_treatment",
            description="Sludge",
            quantity=Decimal(1),
            unit="t",
            factor_kg_per_unit=Decimal(1),
            factor_source="x",
            reliability=6,
        )
    with pytest.raises(service.DomainError):
        service.footprint_coproduct_save(study=study, product="copper", output_t=Decimal(0))
    with pytest.raises(service.DomainError):
        service.footprint_study_create(
            site=site,
            title="x",
            product="copper",
            declared_unit="1 t",
            boundary="gate_to_gate",
            period_start=dt.date(2023, 2, 1),
            period_end=dt.date(2023, 1, 1),
            allocation="mass",
            gwp_set=FactorSet.objects.get(code="gwp-ar5"),
        )
    assert not study.items.exists()
    assert not study.coproducts.exists()


def test_the_previous_period_is_compared(site, staff_user):
    """2023 issued at 208.5 kg/t; 2024 with 500,000 kWh * 0.5777 = 288,850 kg, same outputs by mass:
    288,850 * 2/3 / 2,000 = 96.283333 kg/t, 53.82 % less."""
    service.footprint_study_issue(study=_worked_example(site), by=staff_user)
    month_kpi(site, 2024, 6, electricity_kwh=500_000)
    later = _study(site, year=2024)
    for product, tonnes in (("black_mass", 2000), ("copper", 200), ("aluminium", 300), ("plastics", 500)):
        service.footprint_coproduct_save(study=later, product=product, output_t=Decimal(tonnes))
    previous = footprint_previous(study=later)
    assert previous["per_unit_kg"] == "208.500000"
    assert previous["issued_version"] == 1
    assert footprint_compute(study=footprint_study_get(pk=later.pk))["per_unit_kg"] == "96.283333"


def test_transport_records_of_one_route_are_one_inventory_line(site):
    """Two monthly records of the same route and factor: 1,000 + 500 t*km at 0.078 kg/t*km = 117 kg,
    one line; a record with another factor stays its own line."""
    from accounting.models import Scope3Activity
    from accounting.selectors.footprint_inventory import footprint_inventory

    study = _study(site)
    for day, quantity, factor in ((dt.date(2023, 3, 1), 1000, "0.078"), (dt.date(2023, 4, 1), 500, "0.078")):
        Scope3Activity.objects.create(
            site=site, date=day, category=3, description="Inbound batteries by road", quantity=Decimal(quantity),
            unit="t·km", factor_kg_per_unit=Decimal(factor), factor_source="Carrier figure",
        )  # fmt: skip
    rail = Scope3Activity.objects.create(
        site=site, date=dt.date(2023, 5, 1), category=3, description="Inbound batteries by rail",
        quantity=Decimal(2000), unit="t·km", factor_kg_per_unit=Decimal("0.02"), factor_source="Rail operator",
    )  # fmt: skip
    lines = [line for line in footprint_inventory(study=study).lines if line.kind == "transport"]
    assert [(line.description, line.quantity, line.kg) for line in lines] == [
        ("Inbound batteries by road", Decimal(1500), Decimal("117.000000")),
        ("Inbound batteries by rail", Decimal(2000), Decimal("40.00000")),
    ]
    assert lines[0].provenance["records"] == 2
    assert (lines[0].provenance["from"], lines[0].provenance["to"]) == ("2023-03-01", "2023-04-01")
    assert lines[1].provenance["activities"] == [rail.pk]
