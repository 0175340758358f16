"""Django admin writes certification records only through the services that hold their rules;
records that only services write are read-only there."""

from __future__ import annotations

import datetime as dt

import pytest

from certifications import services
from certifications.models import (
    Certificate,
    CertificateStatus,
    ClauseExclusion,
    Evidence,
    EvidenceStatus,
    Standard,
)

from .factories import make_evidence

pytestmark = pytest.mark.django_db


def _evidence_form(evidence, **changes):
    data = {
        "title": evidence.title,
        "title_zh": evidence.title_zh,
        "description": evidence.description,
        "owner": evidence.owner_id,
        "review_date": "",
        "expiry_date": "",
    }
    data.update(changes)
    return data


def test_an_admin_edit_of_evidence_goes_through_the_service_and_leaves_the_status(
    admin_client, admin_user, staff_user, site
):
    evidence = make_evidence(owner=staff_user, status=EvidenceStatus.APPROVED)
    response = admin_client.post(
        f"/admin/certifications/evidence/{evidence.pk}/change/",
        _evidence_form(evidence, title="  Energy review 2026  ", sites=[site.pk], status="draft"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    evidence.refresh_from_db()
    assert evidence.title == "Energy review 2026"  # the service strips the title
    # Not the posted "draft": the service's rule, a changed approved title goes back to review.
    assert evidence.status == EvidenceStatus.IN_REVIEW
    assert list(evidence.sites.all()) == [site]
    assert evidence.history.first().history_user == admin_user


def test_the_admin_refuses_a_review_date_after_the_expiry_as_the_service_does(admin_client, staff_user):
    evidence = make_evidence(owner=staff_user, status=EvidenceStatus.DRAFT)
    response = admin_client.post(
        f"/admin/certifications/evidence/{evidence.pk}/change/",
        _evidence_form(evidence, title="Changed", review_date="2027-01-01", expiry_date="2026-01-01"),
    )
    assert response.status_code == 200
    assert "The review date cannot be after the expiry date." in response.content.decode()
    evidence.refresh_from_db()
    assert evidence.title != "Changed"
    assert evidence.review_date is None


def _certificate_form(standard, site, owner, **changes):
    data = {
        "standard": standard.pk,
        "certification_body": "CQC",
        "number": "Q-77",
        "scope": "Recycling",
        "sites": [site.pk],
        "owner": owner.pk,
        "issued_on": "2025-03-01",
        "expires_on": "2028-03-01",
    }
    data.update(changes)
    return data


def test_a_certificate_added_in_the_admin_gets_the_services_yearly_surveillance_plan(
    admin_client, admin_user, standard, site, staff_user
):
    response = admin_client.post(
        "/admin/certifications/certificate/add/", _certificate_form(standard, site, staff_user)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    certificate = Certificate.objects.get(number="Q-77")
    assert certificate.status == CertificateStatus.PLANNED
    assert list(certificate.surveillance_audits.values_list("due_on", flat=True)) == [
        dt.date(2026, 3, 1),
        dt.date(2027, 3, 1),
    ]
    assert certificate.history.first().history_user == admin_user


def test_the_admin_refuses_a_certificate_that_expires_before_it_was_issued(
    admin_client, standard, site, staff_user
):
    response = admin_client.post(
        "/admin/certifications/certificate/add/",
        _certificate_form(standard, site, staff_user, expires_on="2024-03-01"),
    )
    assert response.status_code == 200
    assert "The certificate must expire after it was issued." in response.content.decode()
    assert not Certificate.objects.exists()


def test_an_admin_edit_of_a_certificate_cannot_change_its_status(admin_client, standard, site, staff_user):
    certificate = services.certificate_create(
        standard=standard,
        certification_body="CQC",
        number="Q-78",
        scope="Recycling",
        sites=[site],
        owner=staff_user,
        by=staff_user,
    )
    response = admin_client.post(
        f"/admin/certifications/certificate/{certificate.pk}/change/",
        _certificate_form(standard, site, staff_user, number="Q-78", scope="Changed", status="certified"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    certificate.refresh_from_db()
    assert certificate.scope == "Changed"
    assert certificate.status == CertificateStatus.PLANNED


def test_standards_are_read_only_in_the_admin(admin_client, standard):
    added = admin_client.post("/admin/certifications/standard/add/", {"code": "NEW", "edition": "1"})
    assert added.status_code != 200
    assert not Standard.objects.filter(code="NEW").exists()
    response = admin_client.post(
        f"/admin/certifications/standard/{standard.pk}/change/",
        {"code": "HACKED", "edition": standard.edition, "title": standard.title},
    )
    assert response.status_code == 403
    assert Standard.objects.get(pk=standard.pk).code == "ISO 9999"


def test_removing_a_not_applicable_mark_in_the_admin_goes_through_the_service(
    admin_client, admin_user, clauses, site, staff_user
):
    exclusion = services.clause_exclude(
        clause=clauses["5"], site=site, justification="Not designed here.", by=staff_user
    )
    response = admin_client.post(
        f"/admin/certifications/clauseexclusion/{exclusion.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not ClauseExclusion.objects.exists()
    deleted = ClauseExclusion.history.filter(id=exclusion.pk, history_type="-").get()
    assert deleted.history_user == admin_user


def test_evidence_and_certificates_are_not_deleted_in_the_admin(admin_client, standard, site, staff_user):
    evidence = make_evidence(owner=staff_user, status=EvidenceStatus.APPROVED)
    certificate = services.certificate_create(
        standard=standard,
        sites=[site],
        status=CertificateStatus.PLANNED,
        certification_body="CQC",
        number="Q-78",
        scope="Recycling",
        owner=staff_user,
        issued_on=dt.date(2025, 3, 1),
        expires_on=dt.date(2028, 3, 1),
        by=staff_user,
    )
    audits = certificate.surveillance_audits.count()
    assert audits > 0  # the yearly surveillance plan
    responses = [
        admin_client.post(f"/admin/certifications/evidence/{evidence.pk}/delete/", {"post": "yes"}),
        admin_client.post(f"/admin/certifications/certificate/{certificate.pk}/delete/", {"post": "yes"}),
    ]
    assert [r.status_code for r in responses] == [403, 403]
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert Certificate.objects.get(pk=certificate.pk).surveillance_audits.count() == audits


def test_the_evidence_policy_is_set_in_the_admin_through_the_service(admin_client, admin_user, site):
    response = admin_client.post(
        "/admin/certifications/evidencepolicy/add/",
        {"organisation": site.organisation_id, "self_approval_allowed": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = site.organisation.evidence_policy
    assert policy.self_approval_allowed is True
    assert policy.history.first().history_user == admin_user
