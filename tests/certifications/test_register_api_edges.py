"""Edges the API fuzz found: a year out of a calendar's range in a list filter, and a PATCH of a
hazard's controls without ``in_place``."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/incidents/", "/api/v1/objectives/", "/api/v1/material-balances/"])
@pytest.mark.parametrize("year", ["0", "0.0", "2025.5", "99999"])
def test_a_year_no_calendar_has_is_a_clear_400(staff_client, path, year):
    answer = staff_client.get(path, {"year": year})
    assert answer.status_code == 400
    assert "year" in answer.json()


def test_a_year_in_range_filters(staff_client):
    answer = staff_client.get("/api/v1/incidents/", {"year": "2025"})
    assert answer.status_code == 200
    assert answer.json()["results"] == []


@pytest.fixture
def methods(db):
    from certifications.services import aspects, hazards, incidents

    aspects.significance_methods_load()
    hazards.risk_methods_load()
    incidents.incident_grades_load()


@pytest.mark.parametrize("register", ["aspects", "hazards", "incidents"])
def test_a_change_without_the_version_read_is_a_400_and_changes_nothing(
    methods, staff_client, site, register
):
    from tests.certifications.test_risk_registers_api import _aspect, _hazard, _incident

    body = {"aspects": _aspect(), "hazards": _hazard(), "incidents": _incident(site)}[register]
    created = staff_client.post(f"/api/v1/{register}/", body, content_type="application/json").json()
    answer = staff_client.patch(
        f"/api/v1/{register}/{created['id']}/", {"title": "Changed"}, content_type="application/json"
    )
    assert answer.status_code == 400
    assert answer.json()["version"] == ["This field is required."]
    again = staff_client.get(f"/api/v1/{register}/{created['id']}/").json()
    assert (again["title"], again["version"]) == (body["title"], created["version"])
