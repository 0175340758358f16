"""Energy baselines end to end: crafted KPIs -> fit -> expected, savings, EnPI, CUSUM, adjustments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accounting.models import EnergyBaseline
from accounting.models.baselines import EnergyMeasure
from accounting.selectors.baselines import baseline_performance
from accounting.services.baselines import (
    BaselineInvalid,
    adjustment_record,
    baseline_create,
)

from .baseline_helpers import REPORT, vector_plant

pytestmark = pytest.mark.django_db


@pytest.fixture
def plant(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        vector_plant(site)
    return site


def create(site, **extra):
    fields = {
        "site": site,
        "name": "Site electricity",
        "base_start": dt.date(2025, 1, 1),
        "base_end": dt.date(2025, 12, 31),
        "measure": EnergyMeasure.MWH,
        "medium": "electricity",
        **extra,
    }
    return baseline_create(**fields)


def performance(baseline):
    return baseline_performance(baseline=baseline, adjustments=list(baseline.adjustments.all()), targets=[])


def report_row(baseline):
    return next(r for r in performance(baseline) if r.period == REPORT)


def test_energy_on_production_gives_the_domain_coefficients(plant):
    baseline = create(plant)
    assert round(baseline.intercept, 3) == 687.007
    assert round(baseline.coefficients["production"], 6) == 0.118248
    assert round(baseline.r2, 5) == 0.98237
    assert baseline.periods == 12
    assert not baseline.weak


def test_energy_on_production_and_hdd_gives_domain_expected_savings_and_enpi(plant):
    baseline = create(plant, use_hdd=True)
    assert round(baseline.intercept, 3) == 467.152
    assert round(baseline.coefficients["production"], 6) == 0.164903
    assert round(baseline.coefficients["hdd"], 6) == 0.209909
    assert round(baseline.r2, 5) == 0.99697
    row = report_row(baseline)
    assert round(row.actual, 3) == 1120
    assert round(row.expected, 3) == 1201.727
    assert round(row.savings, 3) == 81.727
    assert round(row.enpi, 5) == 0.93199


def test_cusum_adds_up_savings_from_the_first_baseline_month(plant):
    baseline = create(plant, use_hdd=True)
    rows = performance(baseline)
    baseline_rows = [r for r in rows if r.in_baseline]
    # OLS residuals sum to zero: the CUSUM is back at zero at the end of the baseline period.
    assert abs(baseline_rows[-1].cusum) < 1e-6
    assert round(rows[-1].cusum, 3) == 81.727
    assert round(rows[0].cusum, 6) == round(rows[0].savings, 6)


def test_a_model_with_r2_below_075_is_flagged_weak(site, django_capture_on_commit_callbacks):
    # Energy that does not follow production: R^2 far below 0.75.
    from .baseline_helpers import vector_months

    with django_capture_on_commit_callbacks(execute=True):
        from greenfactory.core.time import month_next

        from .kpi_helpers import ingest, meter, processed

        meter(site, "E-MAIN")
        total, readings = 0, []
        for i, (month, production, _hdd, _energy) in enumerate(vector_months()[:12]):
            readings.append({"meter": "E-MAIN", "ts": f"{month}T00:00:00+08:00", "value": total})
            total += (1000 + (300 if i % 2 else -300)) * 1000
            processed(site, month, month_next(month) - dt.timedelta(days=1), str(production))
        readings.append({"meter": "E-MAIN", "ts": "2026-01-01T00:00:00+08:00", "value": total})
        ingest(site, readings)
    baseline = create(site)
    assert baseline.r2 < 0.75
    assert baseline.weak


def test_fewer_than_twelve_periods_are_refused_and_nothing_is_stored(plant):
    with pytest.raises(BaselineInvalid, match="at least 12 monthly periods"):
        create(plant, base_end=dt.date(2025, 11, 30))
    assert not EnergyBaseline.objects.exists()


def test_a_month_without_degree_days_is_named_in_the_refusal(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        vector_plant(site, with_hdd=False)
    with pytest.raises(BaselineInvalid, match="2025-01"):
        create(site, use_hdd=True)
    assert not EnergyBaseline.objects.exists()


def test_a_singular_design_is_refused(plant):
    from accounting.services.baselines import driver_value_set

    for month in range(1, 13):  # CDD the same every month: not a driver
        driver_value_set(site=plant, period=dt.date(2025, month, 1), hdd=Decimal(1), cdd=Decimal(5))
    with pytest.raises(BaselineInvalid, match="singular"):
        create(plant, use_cdd=True)
    assert not EnergyBaseline.objects.exists()


def test_an_adjustment_adds_to_expected_from_its_month_on(plant, staff_user):
    baseline = create(plant, use_hdd=True)
    adjustment_record(
        baseline=baseline,
        effective_from=dt.date(2026, 1, 10),
        per_period=Decimal("50"),
        reason="New shredder line commissioned",
        by=staff_user,
    )
    rows = performance(baseline)
    row = rows[-1]
    assert round(row.expected, 3) == 1251.727
    assert round(row.savings, 3) == 131.727
    assert round(row.enpi, 5) == round(1120 / 1251.727, 5)
    assert all(r.adjustment == 0 for r in rows if r.in_baseline)


def test_the_demo_year_makes_a_sound_baseline_for_the_shredders(django_capture_on_commit_callbacks):
    from greenfactory.web.demo import demo_load
    from metering.models import Meter

    with django_capture_on_commit_callbacks(execute=True):
        demo_load(today=dt.date(2026, 11, 28))
    site = Meter.objects.get(code="E-104").site
    baseline = create(
        site,
        name="Shredders",
        scope="seu",
        seu_name="Shredding",
        meters=Meter.objects.filter(code="E-104"),
        base_start=dt.date(2025, 11, 1),
        base_end=dt.date(2026, 10, 31),
        use_hdd=True,
    )
    assert baseline.periods == 12
    assert baseline.r2 > 0.95
    assert baseline.cv_rmse < 0.02
    assert round(baseline.coefficients["production"], 2) == 0.06


def _drop_production(site, month: dt.date, django_capture_on_commit_callbacks):
    from greenfactory.sites.models import ProductionRecord
    from greenfactory.sites.services import production_record_delete

    with django_capture_on_commit_callbacks(execute=True):
        production_record_delete(record=ProductionRecord.objects.get(site=site, period_start=month))


def test_a_month_without_production_is_named_in_the_refusal(plant, django_capture_on_commit_callbacks):
    _drop_production(plant, dt.date(2025, 11, 1), django_capture_on_commit_callbacks)
    with pytest.raises(BaselineInvalid, match="2025-11"):
        create(plant)
    assert not EnergyBaseline.objects.exists()


def test_a_reporting_month_without_production_has_no_expected_savings_or_enpi(
    plant, django_capture_on_commit_callbacks
):
    baseline = create(plant, use_hdd=True)
    _drop_production(plant, REPORT, django_capture_on_commit_callbacks)
    row = report_row(baseline)
    assert row.production is None
    assert (row.expected, row.savings, row.enpi, row.cusum) == (None, None, None, None)
    assert round(row.actual, 3) == 1120  # the energy is still shown


def test_the_month_still_running_is_neither_shown_nor_fitted(plant, monkeypatch):
    baseline = create(plant, use_hdd=True)
    assert performance(baseline)[-1].period == REPORT
    # Mid-January 2026: January's KPIs exist but the month is not over.
    monkeypatch.setattr("django.utils.timezone.now", lambda: dt.datetime(2026, 1, 20, 8, tzinfo=dt.UTC))
    assert performance(baseline)[-1].period == dt.date(2025, 12, 1)
    with pytest.raises(BaselineInvalid, match="2026-01 is not over yet"):
        create(plant, name="Running", base_start=dt.date(2025, 2, 1), base_end=dt.date(2026, 1, 31))
