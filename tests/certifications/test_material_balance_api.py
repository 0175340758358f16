"""Material balances through the API: computed rates and checks in every answer, 400 on bad input
with nothing written, 409 on a stale version."""

from __future__ import annotations

import pytest

from certifications.models import MaterialBalance

from .material_balance_data import month_balance

URL = "/api/v1/material-balances/"
pytestmark = pytest.mark.django_db

PAYLOAD = {
    "site": "TJ-01",
    "period_start": "2026-07-01",
    "input_ncm_t": "500",
    "input_li_t": "10",
    "outputs": [{"product": "Li2CO3", "tonnes": "45", "li_t": "8.5"}],
}


def test_list_and_retrieve_carry_rates_and_checks(staff_client, site, staff_user):
    balance = month_balance(site=site, by=staff_user)
    listed = staff_client.get(URL, {"site": "TJ-01", "year": 2026}).json()
    assert listed["count"] == 1
    body = staff_client.get(f"{URL}{balance.pk}/").json()
    assert body["rates"]["li_recovery"] == {"value": "92.000000", "reason": ""}
    assert body["rates"]["al_recovery"]["value"] is None
    checks = {c["code"]: c for c in body["checks"]}
    assert checks["miit-2024"]["passed"] is False
    mn = next(r for r in checks["miit-2024"]["rules"] if r["metric"] == "mn_recovery")
    assert (mn["value"], mn["passed"]) == ("97.500000", False)


def test_create_answers_the_stored_balance(staff_client, site):
    response = staff_client.post(URL, PAYLOAD, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["period_end"] == "2026-07-31"
    assert body["rates"]["li_recovery"]["value"] == "85.000000"  # 8.5 / 10
    assert MaterialBalance.objects.get().outputs.get().product == "Li2CO3"


@pytest.mark.parametrize(
    "changes",
    [
        {"input_li_t": "-3"},
        {"input_li_t": "NaN"},
        {"period_start": "2026-07-15"},
        {"powder_al_pct": "120"},
        {"site": "XX-99"},
        {"outputs": [{"product": "Slag", "tonnes": "1", "li_t": "5"}]},
    ],
)
def test_bad_input_is_400_and_writes_nothing(staff_client, site, changes):
    response = staff_client.post(URL, {**PAYLOAD, **changes}, content_type="application/json")
    assert response.status_code == 400
    assert not MaterialBalance.objects.exists()


def test_update_from_a_stale_version_is_409(staff_client, site, staff_user):
    balance = month_balance(site=site, by=staff_user)
    ok = staff_client.patch(
        f"{URL}{balance.pk}/", {"version": 1, "input_li_t": "23"}, content_type="application/json"
    )
    assert ok.status_code == 200
    assert ok.json()["rates"]["li_recovery"]["value"] == "80.000000"  # 18.4 / 23
    stale = staff_client.patch(
        f"{URL}{balance.pk}/", {"version": 1, "input_li_t": "30"}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    balance.refresh_from_db()
    assert str(balance.input_li_t) == "23.0000"


def test_update_without_a_version_is_400(staff_client, site, staff_user):
    balance = month_balance(site=site, by=staff_user)
    response = staff_client.patch(f"{URL}{balance.pk}/", {"notes": "x"}, content_type="application/json")
    assert response.status_code == 400
