"""The budget API: create, read, change on a version, actual against budget."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounting.models import BudgetLine, EnergyBudget

from .budget_helpers import flat_budget, month_kpi

pytestmark = pytest.mark.django_db
API = "/api/v1/energy-budgets/"


def _body(site, **extra):
    body = {
        "site": site.code,
        "year": 2026,
        "tolerance_percent": "10",
        "lines": [{"quantity": "tce", "months": ["10"] * 12}],
        "tariffs": [],
    }
    body.update(extra)
    return body


def test_a_budget_is_created_and_read_back(staff_client, site):
    response = staff_client.post(API, _body(site), content_type="application/json")
    assert response.status_code == 201
    budget = EnergyBudget.objects.get()
    body = staff_client.get(f"{API}{budget.pk}/").json()
    assert body["lines"] == [{"quantity": "tce", "medium": "", "months": ["10.000000"] * 12}]
    assert body["version"] == 1


def test_a_second_budget_for_the_year_is_a_conflict(staff_client, site):
    flat_budget(site, 2026)
    response = staff_client.post(API, _body(site), content_type="application/json")
    assert response.status_code == 409
    assert EnergyBudget.objects.count() == 1


def test_eleven_months_are_refused(staff_client, site):
    body = _body(site, lines=[{"quantity": "tce", "months": ["10"] * 11}])
    response = staff_client.post(API, body, content_type="application/json")
    assert response.status_code == 400
    assert not EnergyBudget.objects.exists()


def test_a_change_on_an_old_version_is_refused_with_the_current_one(staff_client, site):
    budget = flat_budget(site, 2026)
    url = f"{API}{budget.pk}/"
    ok = staff_client.patch(url, {"version": 1, "tolerance_percent": "3"}, content_type="application/json")
    assert ok.json()["version"] == 2
    stale = staff_client.patch(
        url,
        {"version": 1, "lines": [{"quantity": "tce", "months": ["1"] * 12}]},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert set(BudgetLine.objects.values_list("amount", flat=True)) == {10}


def test_actual_against_budget_gives_the_run_rate(staff_client, site):
    month_kpi(site, 2026, 1, tce=12)
    budget = flat_budget(site, 2026)
    body = staff_client.get(f"{API}{budget.pk}/actual/").json()
    [tce] = body["results"]
    assert Decimal(tce["run_rate_forecast"]) == 144
    assert tce["months"][0]["over"] is True
    assert Decimal(tce["months"][0]["variance_percent"]) == 20


def test_an_auditor_cannot_read_budgets(auditor_client, site):
    flat_budget(site, 2026)
    assert auditor_client.get(API).status_code == 403
