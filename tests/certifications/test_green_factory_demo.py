"""The demo plant's green-factory self-evaluation: this year filled from the demo KPIs, one value and
the province list entered by hand with evidence, last year as filed to compare with."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from accounting.selectors.kpis import kpi_total
from accounting.selectors.periods import Period
from certifications.models import Evaluation, GateOutcome, GateResult, IndicatorValue, ValueOrigin
from certifications.selectors.green_factory import evaluation_score
from greenfactory.web.demo import demo_load

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 28)


def test_the_demo_evaluation_is_filled_from_its_kpis_with_one_value_and_the_list_entered_by_hand(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        demo_load(today=TODAY)
    current = Evaluation.objects.get(site__code="TJ-01", year=2026)
    assert current.scheme.code == "GB/T 36132-2025"
    values = {
        v.indicator.code: v
        for v in IndicatorValue.objects.filter(evaluation=current).select_related("indicator")
    }
    automatic = {code for code, v in values.items() if v.origin == ValueOrigin.AUTOMATIC}
    assert automatic == {"1.1.1", "1.2.1", "1.3.1", "1.4.1", "2.1", "5.3"}
    year = kpi_total(site=current.site, period=Period("custom", dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    assert values["1.1.1"].value == D(year["kgce_per_t"])  # the dashboard's figure, to the digit
    assert values["2.1"].value == D(year["water_m3_per_t"])
    assert values["5.3"].value == D("0.482558")  # 41,500 m2 of floor on 86,000 m2 of land
    assert values["1.3.1"].value == D(year["renewable_share"]) * 100
    assert current.annual_energy_tce == D(year["tce"]).quantize(D("0.001"))
    assert values["1.1.1"].provenance["period"]["start"] == "2026-01-01"
    reuse = values["2.2"]
    assert (reuse.origin, reuse.value) == (ValueOrigin.MANUAL, D("86.5"))
    assert reuse.reason.startswith("The reuse loop's flow meters")
    assert reuse.evidence.get().title.startswith("Water reuse loop flow records")
    listed = GateResult.objects.get(evaluation=current, item__code="G7")
    assert listed.outcome == GateOutcome.PASSED
    assert listed.evidence.exists()

    previous = Evaluation.objects.get(site__code="TJ-01", year=2025)
    filed = IndicatorValue.objects.filter(evaluation=previous)
    # Filed by hand, but for the floor-area ratio, which the site's master data gives every year.
    assert set(filed.exclude(indicator__code="5.3").values_list("origin", flat=True)) == {ValueOrigin.MANUAL}
    assert filed.get(indicator__code="5.3").origin == ValueOrigin.AUTOMATIC
    assert filed.get(indicator__code="1.1.1").value == D("121.4")
    measured = filed.get(indicator__code="1.1.1").provenance["measured"]
    period = measured["provenance"]["period"]
    assert (
        period["days_with_data"] < 90 < period["days"]
    )  # the year's last months only: the filed figure stays
    score = evaluation_score(evaluation=current)
    assert score.last_year is not None
    assert score.total > 0
    assert score.total > score.last_year.total  # more renewable power, more platform functions, more reuse

    counts = (IndicatorValue.objects.count(), IndicatorValue.history.count(), GateResult.objects.count())
    again = demo_load(today=TODAY)
    assert again["green_factory"] == 0
    assert (
        IndicatorValue.objects.count(),
        IndicatorValue.history.count(),
        GateResult.objects.count(),
    ) == counts
