"""Budget pages as energy managers use them: the list, a budget's months, the form, the exports."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounting.models import BudgetLine, EnergyBudget
from accounting.services.budgets import budget_create

from .budget_helpers import flat_budget, month_kpi

pytestmark = pytest.mark.django_db


def _form(site, year="2026", **extra):
    data = {"site": site.code, "year": year, "tolerance_percent": "10", "notes": "", "medium": "electricity"}
    data.update({f"tce_{m}": "10" for m in range(1, 13)})
    data.update(extra)
    return data


def test_the_list_shows_each_sites_budget_with_a_link(staff_client, site):
    budget = flat_budget(site, 2026)
    page = staff_client.get("/energy/budgets/").content.decode()
    assert f'href="/energy/budgets/{budget.pk}/">2026</a>' in page
    assert site.code in page


def test_the_detail_shows_months_over_budget_and_the_forecast(staff_client, site):
    for month, tce in ((1, 10), (2, 12), (3, 14)):
        month_kpi(site, 2026, month, tce=tce)
    budget = flat_budget(site, 2026)
    page = staff_client.get(f"/energy/budgets/{budget.pk}/").content.decode()
    assert page.count("over budget</span>") == 2  # February (+20 %) and March (+40 %)
    assert '<dd class="run-rate">144</dd>' in page
    assert "no energy baseline for this quantity" in page
    assert "budget-chart-data" in page


def test_the_detail_query_count_does_not_grow_with_its_lines(staff_client, site):
    small = flat_budget(site, 2026)
    big = budget_create(
        site=site,
        year=2027,
        lines={
            ("tce", ""): [Decimal(1)] * 12,
            ("tco2e", ""): [Decimal(1)] * 12,
            ("medium", "electricity"): [Decimal(1)] * 12,
            ("medium", "natural_gas"): [Decimal(1)] * 12,
        },
    )
    counts = []
    for budget in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            assert staff_client.get(f"/energy/budgets/{budget.pk}/").status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_twelve_months_entered_in_one_form_are_stored(staff_client, site):
    response = staff_client.post("/energy/budgets/new/", _form(site, tariff_price="", tariff_from=""))
    budget = EnergyBudget.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/energy/budgets/{budget.pk}/"
    assert list(budget.lines.values_list("month", "amount")) == [(m, Decimal(10)) for m in range(1, 13)]


def test_a_row_half_filled_is_refused_and_nothing_is_stored(staff_client, site):
    data = _form(site)
    data["tce_12"] = ""
    response = staff_client.post("/energy/budgets/new/", data)
    assert response.status_code == 400
    assert "Fill all twelve months of a row" in response.content.decode()
    assert not EnergyBudget.objects.exists()


def test_copy_from_last_years_actuals_fills_the_form(staff_client, site):
    month_kpi(site, 2025, 3, tce=200)
    page = staff_client.get(
        f"/energy/budgets/new/?site={site.code}&copy_year=2025&percent=-10"
    ).content.decode()
    assert 'name="tce_3" value="180"' in page
    assert 'name="year" value="2026"' in page


def test_an_edit_on_an_old_version_is_refused_and_changes_nothing(staff_client, site):
    budget = flat_budget(site, 2026)
    url = f"/energy/budgets/{budget.pk}/edit/"
    assert staff_client.post(url, _form(site, version="1", **{"tce_1": "8"})).status_code == 302
    response = staff_client.post(url, _form(site, version="1", **{"tce_1": "99"}))
    assert response.status_code == 400
    assert "changed since you opened it" in response.content.decode()
    assert BudgetLine.objects.get(budget=budget, month=1).amount == 8


def test_the_months_export_as_csv(staff_client, site):
    month_kpi(site, 2026, 2, tce=12)
    budget = flat_budget(site, 2026)
    response = staff_client.get(f"/energy/budgets/{budget.pk}/?export=csv")
    body = b"".join(response.streaming_content).decode()
    lines = body.splitlines()
    assert len(lines) == 13
    assert lines[2] == (
        "Comprehensive energy (tce),tce,2,10.000000,12.000000,2.000000,20.0,20.000000,12.000000,yes,no,,,"
    )


def test_the_list_exports_as_excel(staff_client, site):
    flat_budget(site, 2026)
    response = staff_client.get("/energy/budgets/?export=xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="budgets.xlsx"'


def test_an_auditor_cannot_open_the_budgets(auditor_client, site):
    flat_budget(site, 2026)
    assert auditor_client.get("/energy/budgets/").status_code == 403


def test_the_demo_budget_has_exactly_one_month_over(django_capture_on_commit_callbacks, staff_client):
    import datetime as dt

    from accounting.selectors.budgets import budget_overruns, budget_vs_actual
    from greenfactory.web.demo import demo_load

    with django_capture_on_commit_callbacks(execute=True):
        demo_load(today=dt.date(2026, 11, 28))
    budget = EnergyBudget.objects.get(year=2026)
    series = {s.key: s for s in budget_vs_actual(budget=budget, today=dt.date(2026, 11, 28))}
    assert set(series) == {"tce", "tco2e", "medium-electricity"}
    over = [m.month for m in series["tce"].months if m.over]
    assert over == [10]  # the latest complete month; November is still running
    assert [m.month for m in series["tce"].months if m.running] == [11]
    assert {o.month.month for o in budget_overruns(on=dt.date(2026, 11, 28))} == set(over)
    page = staff_client.get(f"/energy/budgets/{budget.pk}/").content.decode()
    assert "over budget</span>" in page
