"""The certifications API for each role, and writes through it."""

from __future__ import annotations

import pytest

from certifications.models import Clause, Evidence, EvidenceStatus, Standard

from .factories import make_evidence, pdf_upload

pytestmark = pytest.mark.django_db

READ_URLS = [
    "/api/v1/standards/",
    "/api/v1/clauses/",
    "/api/v1/clause-mappings/",
    "/api/v1/evidence/",
    "/api/v1/evidence-revisions/",
    "/api/v1/clause-exclusions/",
    "/api/v1/certificates/",
    "/api/v1/reminders/",
]


@pytest.mark.parametrize("url", READ_URLS)
@pytest.mark.parametrize(
    ("role", "allowed"),
    [("admin", True), ("staff", True), ("auditor", False), ("gateway", False), ("anonymous", False)],
)
def test_who_may_read_the_certifications_api(role_clients, url, role, allowed):
    response = role_clients[role].get(url)
    assert (response.status_code == 200) is allowed
    if not allowed:
        assert response.status_code in (401, 403)


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


def test_clause_equivalents_come_from_the_crosswalk(staff_client, shipped):
    clause = Clause.objects.get(standard__code="ISO 45001", number="9.3")
    labels = {m["target_label"] for m in staff_client.get(f"/api/v1/clauses/{clause.pk}/equivalents/").json()}
    assert {"ISO 9001:2015 9.3", "ISO 14001:2015 9.3", "ISO 50001:2018 9.3"} <= labels


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


def test_the_openapi_schema_documents_the_certifications_endpoints(staff_client):
    schema = staff_client.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/evidence/",
        "/api/v1/coverage/",
        "/api/v1/standards/import/",
        "/api/v1/certificates/",
    ):
        assert path in schema["paths"]


def test_a_standard_lists_with_its_clause_count(staff_client, shipped):
    body = staff_client.get("/api/v1/standards/?code=PAS 2060").json()
    assert body["results"][0]["status"] == "withdrawn"
    assert body["results"][0]["clause_count"] == Standard.objects.get(code="PAS 2060").clauses.count()


def test_patching_clauses_makes_the_links_exactly_those(staff_client, staff_user, clauses):
    evidence = make_evidence(owner=staff_user, clauses=[clauses["4.1"]], status=EvidenceStatus.DRAFT)
    response = staff_client.patch(
        f"/api/v1/evidence/{evidence.pk}/", {"clauses": [clauses["4.2"].pk]}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["clauses"] == [clauses["4.2"].pk]
