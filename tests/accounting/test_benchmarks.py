"""Benchmarks on crafted figures: kgce per tonne by hand, the ranking, EnPI through the baseline's
arithmetic, reference levels (shipped and entered) and the query count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounting.models import ReferenceLevel
from accounting.models.baselines import EnergyMeasure
from accounting.selectors.benchmarks import benchmark, benchmark_periods, benchmark_query
from accounting.services.baselines import baseline_create
from accounting.services.benchmarks import (
    ReferenceLevelInvalid,
    reference_level_create,
    reference_level_update,
)
from greenfactory.core.time import Granularity
from tests.factories import SiteFactory

from .baseline_helpers import REPORT, vector_plant
from .budget_helpers import month_kpi

pytestmark = pytest.mark.django_db

MARCH = benchmark_periods(granularity=Granularity.MONTH, last=dt.date(2026, 3, 1), count=1)


def _sites(site):
    other = SiteFactory(code="SH-02", organisation=site.organisation)
    third = SiteFactory(code="GZ-03", organisation=site.organisation)
    return [site, other, third]


def test_energy_per_tonne_is_tce_over_tonnes_processed_in_kgce(site):
    # DOMAIN.md section 6: 212.757 tce over 4,000 t processed is 53.189 kgce/t.
    month_kpi(site, 2026, 3, tce="212.757", processed_t="4000")
    [row] = benchmark(sites=[site], metric="kgce_per_t", periods=MARCH).rows
    assert row.value == Decimal("53.189250")
    assert row.rank == 1


def test_sites_rank_lowest_energy_per_tonne_first_and_without_tonnes_last(site):
    tj, sh, gz = _sites(site)
    month_kpi(tj, 2026, 3, tce="300", processed_t="5000")  # 60 kgce/t
    month_kpi(sh, 2026, 3, tce="200", processed_t="4000")  # 50 kgce/t
    month_kpi(gz, 2026, 3, tce="50", processed_t="0")  # no tonnes: no figure
    rows = benchmark(sites=[tj, sh, gz], metric="kgce_per_t", periods=MARCH).rows
    assert [(r.site.code, r.rank, r.value) for r in rows] == [
        ("SH-02", 1, Decimal("50.000000")),
        ("TJ-01", 2, Decimal("60.000000")),
        ("GZ-03", None, None),
    ]
    assert rows[2].missing == "No tonnes processed recorded in this period."


def test_equal_figures_share_a_rank(site):
    tj, sh, gz = _sites(site)
    for s in (tj, sh):
        month_kpi(s, 2026, 3, tce="100", processed_t="2000")
    month_kpi(gz, 2026, 3, tce="300", processed_t="2000")
    rows = benchmark(sites=[tj, sh, gz], metric="kgce_per_t", periods=MARCH).rows
    assert [r.rank for r in rows] == [1, 1, 3]


def test_one_site_across_months_ranks_each_month(site):
    for month, tce in ((1, "80"), (2, "40"), (3, "60")):
        month_kpi(site, 2026, month, tce=tce, processed_t="1000")
    periods = benchmark_periods(granularity=Granularity.MONTH, last=dt.date(2026, 3, 15), count=3)
    rows = benchmark(sites=[site], metric="kgce_per_t", periods=periods).rows
    assert [(r.period.start.month, r.value) for r in rows] == [
        (2, Decimal("40.000000")),
        (3, Decimal("60.000000")),
        (1, Decimal("80.000000")),
    ]


def test_a_year_sums_its_months_before_dividing(site):
    month_kpi(site, 2025, 1, tce="100", processed_t="1000")
    month_kpi(site, 2025, 2, tce="300", processed_t="3000")
    month_kpi(site, 2025, 3, tce="10", processed_t="1000")
    years = benchmark_periods(granularity=Granularity.YEAR, last=dt.date(2025, 6, 1), count=1)
    [row] = benchmark(sites=[site], metric="kgce_per_t", periods=years).rows
    assert row.value == Decimal("82.000000")  # 410 tce / 5,000 t, not the mean of 100, 100 and 10


def test_the_enpi_is_the_baselines_own(site, django_capture_on_commit_callbacks):
    # DOMAIN.md section 6: E ~ P + HDD, P 4200, HDD 200, actual 1120 MWh -> EnPI 0.93199.
    with django_capture_on_commit_callbacks(execute=True):
        vector_plant(site)
    baseline_create(
        site=site,
        name="Site electricity",
        base_start=dt.date(2025, 1, 1),
        base_end=dt.date(2025, 12, 31),
        measure=EnergyMeasure.MWH,
        medium="electricity",
        use_hdd=True,
    )
    periods = benchmark_periods(granularity=Granularity.MONTH, last=REPORT, count=1)
    [row] = benchmark(sites=[site], metric="enpi", periods=periods).rows
    assert round(row.value, 5) == Decimal("0.93199")
    assert row.baseline == "Site electricity"


def test_a_site_without_a_baseline_has_no_enpi_and_says_why(site):
    month_kpi(site, 2026, 3, tce="100", processed_t="1000")
    [row] = benchmark(sites=[site], metric="enpi", periods=MARCH).rows
    assert row.value is None
    assert row.missing == "The site has no energy baseline."


def test_the_shipped_enpi_line_is_one_and_no_quota_is_drawn_for_energy_per_tonne(site):
    enpi = benchmark(sites=[site], metric="enpi", periods=MARCH)
    assert [(r.label, r.value) for r in enpi.references] == [("Baseline performance (EnPI 1.00)", Decimal(1))]
    per_tonne = benchmark(sites=[site], metric="kgce_per_t", periods=MARCH)
    assert per_tonne.references == []
    assert "No national energy-consumption quota" in per_tonne.quota_note
    assert [r.value for r in per_tonne.not_drawn] == [Decimal(2200)]  # per tonne of lithium carbonate


def test_a_plant_level_in_tce_per_tonne_is_drawn_in_kgce_per_tonne(site, staff_user):
    reference_level_create(
        site=site,
        metric="kgce_per_t",
        value=Decimal("0.045"),
        unit="tce/t",
        label="Plant target 2026",
        valid_from=dt.date(2026, 1, 1),
        by=staff_user,
    )
    [line] = benchmark(sites=[site], metric="kgce_per_t", periods=MARCH).references
    assert (line.label, line.value, line.site, line.origin) == (
        "Plant target 2026",
        Decimal("45.000000"),
        "TJ-01",
        "plant",
    )


def test_the_level_valid_latest_on_the_last_day_applies(site):
    for day, value in ((dt.date(2025, 1, 1), "50"), (dt.date(2026, 2, 1), "45"), (dt.date(2026, 6, 1), "40")):
        reference_level_create(
            organisation=site.organisation,
            metric="kgce_per_t",
            value=Decimal(value),
            unit="kgce/t",
            label="Group target",
            valid_from=day,
        )
    [line] = benchmark(sites=[site], metric="kgce_per_t", periods=MARCH).references
    assert line.value == Decimal(45)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": Decimal(0)}, "value"),
        ({"value": Decimal(-3)}, "value"),
        ({"value": Decimal("NaN")}, "value"),
        ({"unit": "kWh/t"}, "unit"),
        ({"metric": "enpi"}, "unit"),  # kgce/t is not a unit of the EnPI
        ({"label": "  "}, "label"),
        ({"valid_from": dt.date(1900, 1, 1)}, "valid_from"),
    ],
)
def test_a_bad_level_is_refused_naming_the_field_and_nothing_is_stored(site, changes, field):
    values = {
        "site": site,
        "metric": "kgce_per_t",
        "value": Decimal(50),
        "unit": "kgce/t",
        "label": "Target",
        "valid_from": dt.date(2026, 1, 1),
        **changes,
    }
    with pytest.raises(ReferenceLevelInvalid) as refused:
        reference_level_create(**values)
    assert refused.value.field == field
    assert not ReferenceLevel.objects.exists()


def test_a_level_is_for_a_site_or_an_organisation_not_both(site):
    with pytest.raises(ReferenceLevelInvalid):
        reference_level_create(
            site=site,
            organisation=site.organisation,
            metric="enpi",
            value=Decimal("0.95"),
            unit="ratio",
            label="Target",
            valid_from=dt.date(2026, 1, 1),
        )


def test_changing_a_level_keeps_its_rules(site):
    level = reference_level_create(
        site=site,
        metric="enpi",
        value=Decimal("0.95"),
        unit="ratio",
        label="Target",
        valid_from=dt.date(2026, 1, 1),
    )
    reference_level_update(level=level, value=Decimal("0.9"))
    level.refresh_from_db()
    assert level.value == Decimal("0.9")
    with pytest.raises(ReferenceLevelInvalid):
        reference_level_update(level=level, unit="kgce/t")


def test_the_query_count_does_not_grow_with_sites_or_periods(site):
    few = [site]
    many = _sites(site) + [SiteFactory(organisation=site.organisation) for _ in range(3)]
    for s in many:
        for month in (1, 2, 3):
            month_kpi(s, 2026, month, tce="100", processed_t="1000")
    counts = []
    for sites, count in ((few, 1), (many, 12)):
        periods = benchmark_periods(granularity=Granularity.MONTH, last=dt.date(2026, 3, 1), count=count)
        for metric in ("kgce_per_t", "enpi"):
            with CaptureQueriesContext(connection) as ctx:
                benchmark(sites=sites, metric=metric, periods=periods)
            counts.append((metric, len(ctx)))
    assert counts[:2] == counts[2:]


def test_a_query_with_a_bad_parameter_names_it_when_strict(site):
    from accounting.selectors.benchmarks import BenchmarkQueryInvalid

    for params, field in (
        ({"metric": "watts"}, "metric"),
        ({"granularity": "week"}, "period"),
        ({"on": "2026-13-01"}, "on"),
        ({"count": "0"}, "periods"),
        ({"count": "25"}, "periods"),
        ({"codes": ["NOPE"]}, "site"),
    ):
        asked = {"metric": None, "granularity": None, "on": None, "count": None, "codes": [], **params}
        with pytest.raises(BenchmarkQueryInvalid) as refused:
            benchmark_query(all_sites=[site], strict=True, **asked)
        assert refused.value.field == field
        lenient = benchmark_query(all_sites=[site], strict=False, **asked)
        assert lenient.sites == [site]
