"""The certificates API: records, status changes and the number rule."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_certificates_through_the_api(staff_client, staff_user, standard, site):
    created = staff_client.post(
        "/api/v1/certificates/",
        {
            "standard": standard.pk,
            "certification_body": "CQC",
            "number": "Q-9",
            "scope": "Recycling",
            "sites": [site.code],
            "owner": staff_user.username,
            "issued_on": "2025-01-01",
            "expires_on": "2028-01-01",
            "status": "certified",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert len(created.json()["surveillance_audits"]) == 2
    assert (
        staff_client.post(f"/api/v1/certificates/{pk}/status/", {"status": "suspended"}).json()["status"]
        == "suspended"
    )
    assert staff_client.post(f"/api/v1/certificates/{pk}/status/", {"status": "planned"}).status_code == 409
    duplicate = staff_client.post(
        "/api/v1/certificates/",
        {
            "standard": standard.pk,
            "certification_body": "CQC",
            "number": "Q-9",
            "scope": "Again",
            "sites": [site.code],
            "owner": staff_user.username,
        },
        content_type="application/json",
    )
    assert duplicate.status_code == 409
