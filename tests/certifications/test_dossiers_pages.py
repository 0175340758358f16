"""Dossier pages and API: the list and its exports, requests from an audit and from the list, the
progress fragment, downloads by role, bad input answered 4xx, and verification of files and hashes."""

from __future__ import annotations

import hashlib
from io import BytesIO

import pytest
from django.urls import reverse

from certifications.models import Dossier, DossierKind, DossierStatus, EvidenceStatus
from certifications.services import dossiers as dossier_services
from certifications.services import evidence as evidence_services
from certifications.storage import private_storage

from .dossier_fixtures import small_audit
from .factories import PDF_BYTES


@pytest.fixture
def audit_and_evidence(site, staff_user):
    return small_audit(site=site, by=staff_user)


@pytest.fixture
def issued(audit_and_evidence, staff_user, django_capture_on_commit_callbacks):
    audit, _evidence = audit_and_evidence
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_services.dossier_request(
            kind=DossierKind.AUDIT, audit=audit, language="en", by=staff_user
        )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.COMPLETE, dossier.error
    return dossier


def file_of(dossier: Dossier) -> bytes:
    with private_storage().open(dossier.file.name, "rb") as handle:
        return handle.read()


@pytest.mark.django_db
def test_issue_from_the_audit_page_makes_a_complete_dossier(
    audit_and_evidence, staff_client, django_capture_on_commit_callbacks
):
    audit, _evidence = audit_and_evidence
    page = staff_client.get(reverse("audit-detail", args=[audit.pk]))
    assert reverse("dossier-request-audit", args=[audit.pk]) in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("dossier-request-audit", args=[audit.pk]), {"language": "zh-hans"}
        )
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dossier-detail", args=[dossier.pk])
    assert (dossier.kind, dossier.audit, dossier.language, dossier.version) == (
        DossierKind.AUDIT,
        audit,
        "zh-hans",
        1,
    )
    assert dossier.status == DossierStatus.COMPLETE
    detail = staff_client.get(response["Location"]).content.decode()
    assert dossier.sha256 in detail
    assert reverse("dossier-download", args=[dossier.pk]) in detail
    assert "Not sealed" in detail


@pytest.mark.django_db
def test_request_form_refuses_a_coverage_dossier_without_its_standard(staff_client, site):
    response = staff_client.post(
        reverse("dossier-request"), {"kind": "coverage", "site": site.pk, "language": "en"}
    )
    assert response.status_code == 200
    assert "Choose the standard." in response.content.decode()
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_a_queued_dossier_page_polls_its_progress(audit_and_evidence, staff_user, staff_client):
    audit, _evidence = audit_and_evidence
    dossier = dossier_services.dossier_request(
        kind=DossierKind.AUDIT, audit=audit, language="en", by=staff_user
    )
    fragment = staff_client.get(reverse("dossier-progress", args=[dossier.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in fragment
    assert "Queued" in fragment
    assert reverse("dossier-download", args=[dossier.pk]) not in fragment


@pytest.mark.django_db
def test_list_shows_and_exports_the_dossiers(issued, staff_client):
    page = staff_client.get(
        reverse("area-dossiers"), {"status": "complete", "language": "en"}
    ).content.decode()
    assert issued.reference in page
    assert not Dossier.objects.filter(status="failed").exists()
    assert (
        issued.reference
        not in staff_client.get(reverse("area-dossiers"), {"status": "failed"}).content.decode()
    )
    csv = b"".join(staff_client.get(reverse("area-dossiers"), {"export": "csv"}).streaming_content).decode()
    assert issued.reference in csv
    assert issued.sha256 in csv


@pytest.mark.django_db
def test_download_is_the_recorded_file_for_staff_and_refused_to_an_auditor(
    issued, staff_client, auditor_client
):
    response = staff_client.get(reverse("dossier-download", args=[issued.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == issued.sha256
    assert auditor_client.get(reverse("dossier-download", args=[issued.pk])).status_code == 403


@pytest.mark.django_db
def test_api_requests_a_dossier_and_lists_it(
    audit_and_evidence, staff_client, django_capture_on_commit_callbacks
):
    audit, _evidence = audit_and_evidence
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/api/v1/dossiers/",
            {"kind": "audit", "audit": audit.pk, "language": "en"},
            content_type="application/json",
        )
    assert response.status_code == 201
    assert response.json()["version"] == 1
    listed = staff_client.get("/api/v1/dossiers/", {"kind": "audit"}).json()
    assert [d["status"] for d in listed["results"]] == ["complete"]
    download = staff_client.get(f"/api/v1/dossiers/{response.json()['id']}/download/")
    assert download.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"kind": "audit", "language": "en"},
        {"kind": "audit", "audit": 999999, "language": "en"},
        {"kind": "ghg_year", "site": "TJ-01", "year": 0, "language": "en"},
        {"kind": "ghg_year", "site": "TJ-01", "language": "en"},
        {"kind": "coverage", "site": "TJ-01", "language": "fr"},
        {"kind": "everything", "language": "en"},
    ],
)
@pytest.mark.django_db
def test_api_refuses_bad_requests_with_400(site, staff_client, body):
    response = staff_client.post("/api/v1/dossiers/", body, content_type="application/json")
    assert response.status_code == 400
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_api_download_of_a_queued_dossier_is_409(audit_and_evidence, staff_user, staff_client):
    audit, _evidence = audit_and_evidence
    dossier = dossier_services.dossier_request(
        kind=DossierKind.AUDIT, audit=audit, language="en", by=staff_user
    )
    assert staff_client.get(f"/api/v1/dossiers/{dossier.pk}/download/").status_code == 409


@pytest.mark.django_db
def test_verify_page_recognises_the_issued_file_and_fails_a_flipped_byte(issued, staff_client):
    data = file_of(issued)
    ok = staff_client.post(reverse("dossier-verify"), {"file": BytesIO(data)}).content.decode()
    assert f"This is dossier {issued.reference} as it was issued here." in ok
    flipped = bytearray(data)
    flipped[len(flipped) // 2] ^= 0x01
    bad = staff_client.post(reverse("dossier-verify"), {"file": BytesIO(bytes(flipped))}).content.decode()
    assert "Not a dossier issued here, or changed since it was issued." in bad


@pytest.mark.django_db
def test_verify_by_hash_lists_evidence_superseded_since_issue(
    issued, audit_and_evidence, staff_user, staff_client
):
    _audit, evidence = audit_and_evidence
    evidence = evidence_services.evidence_transition(
        evidence=evidence, to=EvidenceStatus.DRAFT, by=staff_user
    )
    evidence_services.evidence_revision_add(
        evidence=evidence, file=BytesIO(PDF_BYTES + b"% newer\n"), name="new.pdf", by=staff_user
    )
    answer = staff_client.post(
        "/api/v1/dossiers/verify/", {"sha256": issued.sha256}, content_type="application/json"
    ).json()
    assert answer["issued_here"] is True
    assert answer["dossier"]["reference"] == issued.reference
    assert [c["title"] for c in answer["evidence_changes"]] == ["Management review minutes"]
    assert answer["evidence_changes"][0]["problem"] == "A newer revision has superseded it."


@pytest.mark.django_db
def test_verify_api_refuses_an_empty_request(staff_client):
    assert (
        staff_client.post("/api/v1/dossiers/verify/", {}, content_type="application/json").status_code == 400
    )
    unknown = staff_client.post(
        "/api/v1/dossiers/verify/", {"sha256": "0" * 64}, content_type="application/json"
    )
    assert unknown.json()["issued_here"] is False


@pytest.mark.django_db
def test_verify_answers_for_a_file_that_is_not_a_pdf(staff_client):
    answer = staff_client.post("/api/v1/dossiers/verify/", {"file": BytesIO(b"not a pdf at all")})
    assert answer.status_code == 200
    assert (answer.json()["issued_here"], answer.json()["genuine"]) == (False, False)
    assert answer.json()["seal"]["signed"] is False
