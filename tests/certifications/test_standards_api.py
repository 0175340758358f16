"""The standards and clauses API."""

from __future__ import annotations

import pytest

from certifications.models import Clause, Standard

pytestmark = pytest.mark.django_db


def test_clause_equivalents_come_from_the_crosswalk(staff_client, shipped):
    clause = Clause.objects.get(standard__code="ISO 45001", number="9.3")
    labels = {m["target_label"] for m in staff_client.get(f"/api/v1/clauses/{clause.pk}/equivalents/").json()}
    assert {"ISO 9001:2015 9.3", "ISO 14001:2015 9.3", "ISO 50001:2018 9.3"} <= labels


def test_a_standard_lists_with_its_clause_count(staff_client, shipped):
    body = staff_client.get("/api/v1/standards/?code=PAS 2060").json()
    assert body["results"][0]["status"] == "withdrawn"
    assert body["results"][0]["clause_count"] == Standard.objects.get(code="PAS 2060").clauses.count()
