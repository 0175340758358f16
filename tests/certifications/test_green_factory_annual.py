"""The annual dynamic-management form: the year's KPIs as the dashboard has them (DOMAIN.md section 6's
March plant), the evaluation's values with their origin, the gate, the workbook and the query count."""

from __future__ import annotations

from decimal import Decimal as D
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from certifications.models import Evaluation
from certifications.services.green_factory import schemes_load_shipped
from certifications.services.green_factory_fill import evaluation_fill
from certifications.services.green_factory_values import evaluation_open, indicator_value_override
from metering.choices import Medium, MeterKind
from tests.accounting.kpi_helpers import march_plant
from tests.metering.helpers import ingest, meter

from .factories import make_evidence

pytestmark = pytest.mark.django_db
MARCH = {"start": "2025-03-01T00:00:00+08:00", "end": "2025-04-01T00:00:00+08:00"}


@pytest.fixture
def evaluation(site, staff_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        march_plant(site)
        meter(site, "W-01", Medium.WATER, "m3", MeterKind.INTERVAL)
        ingest(site, [{"meter": "W-01", **MARCH, "value": 6000}])
    scheme = next(s for s in schemes_load_shipped() if s.edition == "2025")
    evaluation = evaluation_open(site=site, year=2025, scheme=scheme)
    evaluation_fill(evaluation=evaluation)
    evidence = make_evidence(owner=staff_user, title="Reuse loop flow records", sites=[site])
    indicator_value_override(
        evaluation=evaluation,
        indicator=scheme.indicators.get(code="2.2"),
        value=D("86.5"),
        case="",
        reason="Reuse loop meters are not connected",
        evidence=[evidence],
        version=None,
        by=staff_user,
    )
    return Evaluation.objects.get(pk=evaluation.pk)


def _url(evaluation) -> str:
    return reverse("green-factory-annual-form", kwargs={"pk": evaluation.pk})


def _row(html: str, code: str) -> str:
    start = html.index(f'data-code="{code}"')
    return html[start : html.index("</tr>", start)]


def test_the_form_shows_the_years_figures_with_their_source(staff_client, evaluation):
    html = staff_client.get(_url(evaluation)).content.decode()
    assert "212.757" in _row(html, "tce")  # DOMAIN.md: 122.9 + 60.715 + 29.142 tce
    assert "53.189" in _row(html, "kgce_per_t")  # 212.757 tce over 4,000 t
    assert "4,000" in _row(html, "processed_t")
    assert "6,000" in _row(html, "water_m3")
    assert "1.5" in _row(html, "water_m3_per_t")
    assert "Site KPIs 2025-01-01 to 2025-12-31, 31 of 365 days with data" in html
    assert "KPIs cover 31 of 365 days of the year" in html  # a partial year is said to be one
    reuse = _row(html, "indicator.2.2")
    assert "86.5" in reuse
    assert "Entered by hand: Reuse loop meters are not connected" in reuse
    assert "From measured data: 2025-01-01 to 2025-12-31" in _row(html, "indicator.1.1.1")
    assert "Gate failed" in _row(html, "gate")  # no certificate recorded
    ratio = _row(html, "indicator.5.3")
    assert "0.4" in ratio
    assert "Site master data: floor area 20,000 m² on 50,000 m² of land" in ratio


def test_the_workbook_holds_the_same_figures(staff_client, evaluation):
    answer = staff_client.get(_url(evaluation), {"export": "xlsx"})
    assert (
        answer["Content-Disposition"]
        == f'attachment; filename="annual-form-{evaluation.site.code}-2025.xlsx"'
    )
    sheet = load_workbook(BytesIO(answer.content)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert D(str(rows["tce"][3])) == D("212.757")
    assert rows["tce"][4] == "tce"
    assert "31 of 365 days with data" in rows["tce"][5]
    assert D(str(rows["indicator.2.2"][3])) == D("86.5")
    assert rows["indicator.2.2"][5].startswith("Entered by hand")


def test_a_year_without_kpis_says_so(staff_client, site):
    scheme = next(s for s in schemes_load_shipped() if s.edition == "2025")
    evaluation = evaluation_open(site=site, year=2025, scheme=scheme)
    html = staff_client.get(_url(evaluation)).content.decode()
    assert "No KPIs are stored for this site and year." in html
    assert "—" in _row(html, "tce")


def test_the_query_count_does_not_grow_with_the_indicators(
    staff_client, evaluation, django_assert_max_num_queries
):
    with django_assert_max_num_queries(40) as counted:
        staff_client.get(_url(evaluation))
    scheme = evaluation.scheme
    group = scheme.groups.first()
    for n in range(15):
        scheme.indicators.create(
            group=group,
            code=f"9.{n}",
            name_zh=f"指标{n}",
            type="higher_better",
            weight=1,
            baseline=0,
            leading=1,
        )
    with django_assert_max_num_queries(len(counted.captured_queries)):
        staff_client.get(_url(evaluation))


def test_an_unknown_evaluation_is_a_404(staff_client):
    assert staff_client.get("/green-factory/evaluations/999999/annual-form/").status_code == 404


def test_the_api_answers_the_same_form(staff_client, evaluation):
    answer = staff_client.get(f"/api/v1/green-factory-evaluations/{evaluation.pk}/annual-form/")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["site"], body["year"], body["complete"], body["days_with_data"]) == (
        evaluation.site.code,
        2025,
        False,
        31,
    )
    rows = {row["code"]: row for section in body["sections"] for row in section["rows"]}
    assert D(rows["tce"]["value"]) == D("212.757")
    assert (rows["tce"]["unit"], rows["tce"]["is_number"]) == ("tce", True)
    assert D(rows["indicator.2.2"]["value"]) == D("86.5")
    assert rows["gate"]["is_number"] is False
