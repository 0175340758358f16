"""The benchmark API and the reference levels API: stored values, 400 naming a bad parameter, and
each role's access."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accounting.models import ReferenceLevel
from accounting.services.benchmarks import reference_level_create
from tests.factories import SiteFactory

from .budget_helpers import month_kpi

pytestmark = pytest.mark.django_db

URL = "/api/v1/energy-benchmarks/"
LEVELS = "/api/v1/reference-levels/"


@pytest.fixture
def two_sites(site):
    other = SiteFactory(code="SH-02", organisation=site.organisation)
    month_kpi(site, 2026, 3, tce="212.757", processed_t="4000")
    month_kpi(other, 2026, 3, tce="200", processed_t="4000")
    return site, other


def test_the_benchmark_ranks_sites_with_the_hand_computed_figure(staff_client, two_sites):
    body = staff_client.get(URL, {"on": "2026-03-10", "periods": "1"}).json()
    assert [(r["rank"], r["site"], r["value"]) for r in body["rows"]] == [
        (1, "SH-02", "50.000000"),
        (2, "TJ-01", "53.189250"),
    ]
    assert (body["metric"], body["unit"], body["start"], body["end"]) == (
        "kgce_per_t",
        "kgce/t",
        "2026-03-01",
        "2026-03-31",
    )
    assert body["references"] == []
    assert body["not_drawn"][0]["value"] == "2200.000000"


def test_the_figure_equals_the_kpi_apis(staff_client, two_sites):
    bench = staff_client.get(URL, {"on": "2026-03-01", "site": "TJ-01"}).json()["rows"][0]
    kpis = staff_client.get(
        "/api/v1/kpis/", {"site": "TJ-01", "start": "2026-03-01", "end": "2026-03-31", "granularity": "month"}
    ).json()
    assert bench["value"] == kpis["results"][0]["kgce_per_t"]


def test_the_enpi_answer_carries_the_shipped_line(staff_client, two_sites):
    body = staff_client.get(URL, {"metric": "enpi", "on": "2026-03-01"}).json()
    assert [(x["label"], x["value"], x["origin"]) for x in body["references"]] == [
        ("Baseline performance (EnPI 1.00)", "1.000000", "shipped")
    ]
    assert all(r["value"] is None for r in body["rows"])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"metric": "watts"}, "metric"),
        ({"period": "week"}, "period"),
        ({"on": "1800-01-01"}, "on"),
        ({"periods": "30"}, "periods"),
        ({"site": "NOPE"}, "site"),
    ],
)
def test_a_bad_parameter_is_answered_400_naming_it(staff_client, two_sites, params, field):
    response = staff_client.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_a_writer_creates_changes_and_deletes_a_level(staff_client, site):
    created = staff_client.post(
        LEVELS,
        {
            "site": "TJ-01",
            "metric": "enpi",
            "value": "0.95",
            "unit": "ratio",
            "label": "Target",
            "valid_from": "2026-01-01",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    changed = staff_client.patch(f"{LEVELS}{pk}/", {"value": "0.9"}, content_type="application/json")
    assert changed.json()["value"] == "0.900000"
    assert ReferenceLevel.objects.get().value == Decimal("0.9")
    assert staff_client.delete(f"{LEVELS}{pk}/").status_code == 204
    assert not ReferenceLevel.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": "0"}, "value"),
        ({"unit": "kgce/t"}, "unit"),
        ({"organisation": "org-x"}, "organisation"),
    ],
)
def test_a_bad_level_is_answered_400_and_nothing_is_stored(staff_client, site, changes, field):
    data = {
        "site": "TJ-01",
        "metric": "enpi",
        "value": "0.95",
        "unit": "ratio",
        "label": "T",
        "valid_from": "2026-01-01",
    }
    response = staff_client.post(LEVELS, {**data, **changes}, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not ReferenceLevel.objects.exists()


def test_a_level_for_both_a_site_and_its_organisation_is_refused(staff_client, site):
    data = {
        "site": "TJ-01",
        "organisation": site.organisation.code,
        "metric": "enpi",
        "value": "0.95",
        "unit": "ratio",
        "label": "T",
        "valid_from": "2026-01-01",
    }
    response = staff_client.post(LEVELS, data, content_type="application/json")
    assert response.status_code == 400
    assert not ReferenceLevel.objects.exists()


def test_each_role_reaches_the_benchmark_and_levels_exactly(role_clients, site):
    level = reference_level_create(
        site=site,
        metric="enpi",
        value=Decimal("0.95"),
        unit="ratio",
        label="T",
        valid_from=dt.date(2026, 1, 1),
    )
    body = {
        "site": "TJ-01",
        "metric": "enpi",
        "value": "0.9",
        "unit": "ratio",
        "label": "U",
        "valid_from": "2026-01-01",
    }
    expected = {
        "admin": (200, 201),
        "staff": (200, 201),
        "auditor": (403, 403),
        "gateway": (403, 403),
        "anonymous": (401, 401),
    }
    for role, (read, write) in expected.items():
        client = role_clients[role]
        assert client.get(URL).status_code == read, role
        assert client.get(f"{LEVELS}{level.pk}/").status_code == read, role
        assert client.post(LEVELS, body, content_type="application/json").status_code == write, role
    assert ReferenceLevel.objects.filter(label="U").count() == 2
