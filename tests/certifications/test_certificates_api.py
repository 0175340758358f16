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


def _payload(standard, site, owner, **changes):
    data = {
        "standard": standard.pk,
        "certification_body": "CQC",
        "number": "Q-10",
        "scope": "Recycling",
        "sites": [site.code],
        "owner": owner.username,
        "issued_on": "2026-01-15",
        "expires_on": "2029-01-14",
        "status": "certified",
    }
    data.update(changes)
    return data


def _due_dates(response):
    return [a["due_on"] for a in response.json()["surveillance_audits"]]


def test_surveillance_dates_typed_as_on_the_page_are_planned(staff_client, staff_user, standard, site):
    created = staff_client.post(
        "/api/v1/certificates/",
        _payload(standard, site, staff_user, surveillance_dates="2027-01-15, 2028-01-15"),
        content_type="application/json",
    )
    assert created.status_code == 201
    assert _due_dates(created) == ["2027-01-15", "2028-01-15"]


def test_surveillance_dates_typed_in_a_form_encoded_request_are_planned(
    staff_client, staff_user, standard, site
):
    created = staff_client.post(
        "/api/v1/certificates/",
        _payload(standard, site, staff_user, surveillance_dates="2027-01-15, 2028-01-15"),
    )
    assert created.status_code == 201
    assert _due_dates(created) == ["2027-01-15", "2028-01-15"]


def test_an_empty_list_of_surveillance_dates_plans_one_a_year_as_documented(
    staff_client, staff_user, standard, site
):
    created = staff_client.post(
        "/api/v1/certificates/",
        _payload(standard, site, staff_user, surveillance_dates=[]),
        content_type="application/json",
    )
    assert created.status_code == 201
    assert _due_dates(created) == ["2027-01-15", "2028-01-15"]


def test_a_surveillance_date_in_year_0232_is_refused(staff_client, staff_user, standard, site):
    created = staff_client.post(
        "/api/v1/certificates/",
        _payload(standard, site, staff_user, surveillance_dates=["2027-01-15", "0232-01-15"]),
        content_type="application/json",
    )
    assert created.status_code == 400
    assert "Give a date between 1990 and 2100." in str(created.json())
    assert staff_client.get("/api/v1/certificates/").json()["count"] == 0
