"""Green-factory indicators filled from the measured KPIs (DOMAIN.md section 6 vectors), with
provenance, hand-entered values kept, and the fill following the KPI pipeline."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.management import call_command

from accounting.selectors.energy_functions import energy_function_list
from accounting.services.kpis import site_kpis_recompute
from certifications.models import Evaluation, Indicator, IndicatorValue, ValueOrigin
from certifications.selectors.green_factory import evaluation_score
from certifications.services.green_factory import schemes_load_shipped
from certifications.services.green_factory_fill import evaluation_fill, evaluations_stale_refresh
from certifications.services.green_factory_values import evaluation_open, indicator_value_override
from metering.choices import Medium, MeterKind
from tests.accounting.kpi_helpers import march_plant, pipeline_run
from tests.metering.helpers import ingest, meter

from .factories import make_evidence

pytestmark = pytest.mark.django_db

MARCH = {"start": "2025-03-01T00:00:00+08:00", "end": "2025-04-01T00:00:00+08:00"}


@pytest.fixture
def scheme(db):
    return next(s for s in schemes_load_shipped() if s.edition == "2025")


@pytest.fixture
def plant(site, django_capture_on_commit_callbacks):
    """DOMAIN.md: 1,000,000 kWh, 50,000 m3 gas, 20 t diesel, 4,000 t processed (March 2025), plus
    300,000 kWh of contracted green electricity and 6,000 m3 of water."""
    with django_capture_on_commit_callbacks(execute=True):
        march_plant(site)
        meter(site, "GE-01", Medium.GREEN_ELECTRICITY, "kWh", MeterKind.INTERVAL)
        meter(site, "W-01", Medium.WATER, "m3", MeterKind.INTERVAL)
        ingest(
            site, [{"meter": "GE-01", **MARCH, "value": 300_000}, {"meter": "W-01", **MARCH, "value": 6000}]
        )
    return site


@pytest.fixture
def evaluation(plant, scheme):
    return evaluation_open(site=plant, year=2025, scheme=scheme)


def _value(evaluation, code) -> IndicatorValue:
    return IndicatorValue.objects.get(evaluation=evaluation, indicator__code=code)


def _score(evaluation, code):
    return next(s for s in evaluation_score(evaluation=evaluation).indicators() if s.indicator.code == code)


def test_energy_per_unit_is_the_vector_in_kgce_per_tonne_with_its_provenance(evaluation):
    result = evaluation_fill(evaluation=evaluation)
    assert result.filled["1.1.1"].quantize(D("0.001")) == D("53.189")
    entry = _value(evaluation, "1.1.1")
    assert entry.origin == ValueOrigin.AUTOMATIC
    provenance = entry.provenance
    assert provenance["unit"] == "kgce/t"
    assert provenance["period"]["start"] == "2025-01-01"
    assert provenance["period"]["end"] == "2025-12-31"
    assert {m["code"] for m in provenance["meters"]} == {"E-MAIN", "G-01", "D-01"}
    assert provenance["production"] == {"processed": {"value": "4000.000000", "unit": "t"}}
    assert D(provenance["figures"]["tce"]["value"]) == D("212.757")
    assert provenance["factors"][0]["sets"]["gbt2589"] == 1
    assert provenance["computed_at"]
    assert provenance["kpis_computed_at"]


def test_annual_energy_use_is_set_and_chooses_the_renewable_band(evaluation):
    evaluation_fill(evaluation=evaluation)
    evaluation.refresh_from_db()
    assert evaluation.annual_energy_tce == D("212.757")
    assert evaluation.refreshed_at is not None
    assert _score(evaluation, "1.3.1").band["baseline"] == "18"  # below 3,000 tce


def test_carbon_intensity_is_scope_one_and_two_per_tonne(evaluation):
    evaluation_fill(evaluation=evaluation)
    entry = _value(evaluation, "1.2.1")
    assert entry.value.quantize(D("0.0001")) == D("0.2015")  # 806.128 t over 4,000 t
    assert D(entry.provenance["figures"]["scope1"]["value"]).quantize(D("0.001")) == D("170.028")
    assert D(entry.provenance["figures"]["scope2_location"]["value"]) == D("636.1")


def test_renewable_share_thirty_per_cent_scores_the_domain_vector(evaluation):
    evaluation_fill(evaluation=evaluation)
    assert _value(evaluation, "1.3.1").value == D(30)  # 300,000 green of 1,000,000 kWh
    assert _score(evaluation, "1.3.1").points.quantize(D("0.001")) == D("2.595")  # B 18, L 55, w 8


def test_water_intake_is_cubic_metres_per_tonne(evaluation):
    evaluation_fill(evaluation=evaluation)
    entry = _value(evaluation, "2.1")
    assert entry.value == D("1.5")
    assert entry.provenance["meters"] == [
        {"code": "W-01", "medium": "water", "quantity": "6000.000000", "unit": "m3"}
    ]


def test_platform_functions_count_what_this_installation_provides(evaluation):
    evaluation_fill(evaluation=evaluation)
    provided = [f.key for f in energy_function_list() if f.provided]
    entry = _value(evaluation, "1.4.1")
    assert entry.value == len(provided)
    assert entry.provenance["functions"] == provided


def test_a_site_without_production_or_water_meter_gets_no_value_and_a_reason(
    site, scheme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meter(site, "E-MAIN")
        ingest(
            site,
            [
                {"meter": "E-MAIN", "ts": "2025-03-01T00:00:00+08:00", "value": 0},
                {"meter": "E-MAIN", "ts": "2025-04-01T00:00:00+08:00", "value": 1000},
            ],
        )
    evaluation = evaluation_open(site=site, year=2025, scheme=scheme)
    result = evaluation_fill(evaluation=evaluation)
    assert set(result.missing) == {"1.1.1", "1.2.1", "2.1"}
    assert "No tonnes processed" in result.missing["1.1.1"]
    assert "no water meter" in result.missing["2.1"]
    assert result.filled["1.3.1"] == 0  # electricity measured, none of it renewable
    evaluation.refresh_from_db()
    assert evaluation.fill_notes == {
        "1.1.1": "no_production",
        "1.2.1": "no_production",
        "2.1": "no_water_meter",
    }
    assert not IndicatorValue.objects.filter(evaluation=evaluation, indicator__code="1.1.1").exists()


def test_a_year_without_kpis_fills_only_the_platform_functions_and_the_sites_areas(evaluation, scheme, plant):
    other = evaluation_open(site=plant, year=2024, scheme=scheme)
    result = evaluation_fill(evaluation=other)
    assert set(result.filled) == {"1.4.1", "5.3"}
    assert "No KPIs" in result.missing["1.3.1"]
    other.refresh_from_db()
    assert other.annual_energy_tce is None


def test_a_hand_entered_value_survives_a_refill_and_shows_what_was_measured(evaluation, staff_user):
    evaluation_fill(evaluation=evaluation)
    indicator = Indicator.objects.get(scheme=evaluation.scheme, code="2.1")
    evidence = make_evidence(owner=staff_user, title="Water bills 2025")
    indicator_value_override(
        evaluation=evaluation, indicator=indicator, value=D("1.2"), reason="Main meter under-read in March",
        evidence=[evidence], version=1, by=staff_user,
    )  # fmt: skip
    result = evaluation_fill(evaluation=evaluation)
    entry = _value(evaluation, "2.1")
    assert (entry.origin, entry.value, entry.version) == (ValueOrigin.MANUAL, D("1.2"), 2)
    assert entry.reason == "Main meter under-read in March"
    assert entry.provenance["measured"]["value"] == "1.500000"
    assert entry.provenance["measured"]["provenance"]["meters"][0]["code"] == "W-01"
    assert result.kept_manual == {"2.1": D("1.5")}
    assert "2.1" not in result.filled


def test_a_second_fill_over_the_same_kpis_writes_nothing(evaluation):
    evaluation_fill(evaluation=evaluation)
    history = IndicatorValue.history.count()
    evaluation_history = Evaluation.history.count()
    evaluation_fill(evaluation=evaluation)
    assert IndicatorValue.history.count() == history
    assert Evaluation.history.count() == evaluation_history


def test_kpis_recomputed_to_the_same_figures_change_no_value(evaluation):
    evaluation_fill(evaluation=evaluation)
    history = IndicatorValue.history.count()
    site_kpis_recompute(site=evaluation.site)
    evaluation_fill(evaluation=evaluation)
    assert IndicatorValue.history.count() == history


def test_a_new_reading_recomputes_the_kpis_and_the_evaluation_follows(
    evaluation, django_capture_on_commit_callbacks
):
    evaluation_fill(evaluation=evaluation)
    with django_capture_on_commit_callbacks(execute=True):
        ingest(evaluation.site, [{"meter": "W-01", "start": "2025-04-01T00:00:00+08:00", "end": "2025-04-02T00:00:00+08:00", "value": 2000}])  # fmt: skip
    assert _value(evaluation, "2.1").value == D(2)  # 8,000 m3 over 4,000 t


def test_the_sweep_refills_an_evaluation_whose_kpis_changed_without_a_message(evaluation):
    evaluation_fill(evaluation=evaluation)
    assert evaluations_stale_refresh() == 0  # current: nothing to do
    ingest(evaluation.site, [{"meter": "W-01", "start": "2025-04-01T00:00:00+08:00", "end": "2025-04-02T00:00:00+08:00", "value": 2000}])  # fmt: skip
    pipeline_run()  # inside the test's transaction: no message is sent after commit
    assert _value(evaluation, "2.1").value == D("1.5")
    assert evaluations_stale_refresh() == 1
    assert _value(evaluation, "2.1").value == D(2)


def test_the_sweep_fills_an_evaluation_never_filled(evaluation):
    assert evaluations_stale_refresh() == 1
    assert _value(evaluation, "1.1.1").value.quantize(D("0.001")) == D("53.189")


def test_the_command_fills_a_sites_evaluation(evaluation, capsys):
    call_command("green_factory_fill", "--site", "TJ-01", "--year", "2025")
    out = capsys.readouterr().out
    assert "1.1.1" in out
    assert _value(evaluation, "1.1.1").origin == ValueOrigin.AUTOMATIC


def test_the_command_refuses_a_site_without_an_evaluation_of_that_year(evaluation):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no green-factory evaluation"):
        call_command("green_factory_fill", "--site", "TJ-01", "--year", "2023")
    assert not Evaluation.objects.filter(year=2023).exists()


def test_the_floor_area_ratio_is_the_sites_floor_area_over_its_land_area(evaluation, plant):
    result = evaluation_fill(evaluation=evaluation)
    assert result.filled["5.3"] == D("0.4")  # 20,000 m2 of floor on 50,000 m2 of land
    stored = IndicatorValue.objects.get(evaluation=evaluation, indicator__code="5.3")
    assert stored.provenance["site"] == {
        "code": plant.code,
        "land_area_m2": "50000.000000",
        "floor_area_m2": "20000.000000",
    }
    assert stored.provenance["data"] == "site master data"
    type(plant).objects.filter(pk=plant.pk).update(land_area_m2=None)
    evaluation.site.refresh_from_db()
    result = evaluation_fill(evaluation=evaluation)
    assert "land area or floor area is not recorded" in result.missing["5.3"]
    assert not IndicatorValue.objects.filter(evaluation=evaluation, indicator__code="5.3").exists()
