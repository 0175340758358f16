"""The evidence API for each role, and writes through it."""

from __future__ import annotations

import pytest

from certifications.models import Evidence, EvidenceStatus

from .factories import make_evidence, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["auditor", "gateway", "anonymous"])
def test_other_roles_cannot_create_evidence(role_clients, role, staff_user):
    response = role_clients[role].post(
        "/api/v1/evidence/",
        {"title": "Sneaky", "owner": staff_user.username},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert not Evidence.objects.exists()


def test_staff_record_evidence_upload_a_file_and_get_it_approved_through_the_api(
    staff_client, admin_client, staff_user, clauses, site
):
    created = staff_client.post(
        "/api/v1/evidence/",
        {
            "title": "Energy review",
            "owner": staff_user.username,
            "sites": [site.code],
            "clauses": [clauses["4.1"].pk],
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    upload = staff_client.post(
        f"/api/v1/evidence/{pk}/revisions/", {"file": pdf_upload()}, format="multipart"
    )
    assert upload.status_code == 201
    assert len(upload.json()["sha256"]) == 64
    assert staff_client.post(f"/api/v1/evidence/{pk}/transition/", {"to": "in_review"}).status_code == 200
    approved = admin_client.post(f"/api/v1/evidence/{pk}/transition/", {"to": "approved"}).json()
    assert approved["status"] == "approved"
    assert approved["approver"] == "admin1"


def test_the_api_refuses_a_review_date_after_the_expiry(staff_client, staff_user):
    response = staff_client.post(
        "/api/v1/evidence/",
        {
            "title": "X",
            "owner": staff_user.username,
            "review_date": "2027-01-01",
            "expiry_date": "2026-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "review_date" in response.json()


def test_status_cannot_be_changed_by_editing_the_item(staff_client, staff_user):
    evidence = make_evidence(owner=staff_user, status=EvidenceStatus.DRAFT)
    staff_client.patch(
        f"/api/v1/evidence/{evidence.pk}/", {"status": "approved"}, content_type="application/json"
    )
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.DRAFT


def test_patching_clauses_makes_the_links_exactly_those(staff_client, staff_user, clauses):
    evidence = make_evidence(owner=staff_user, clauses=[clauses["4.1"]], status=EvidenceStatus.DRAFT)
    response = staff_client.patch(
        f"/api/v1/evidence/{evidence.pk}/", {"clauses": [clauses["4.2"].pk]}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["clauses"] == [clauses["4.2"].pk]
