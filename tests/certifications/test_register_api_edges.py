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
