"""Certificates: surveillance schedule, status life cycle, expiry, pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from certifications import services
from certifications.models import Certificate, CertificateStatus
from greenfactory.core.exceptions import AlreadyExists, DomainError, TransitionNotAllowed

pytestmark = pytest.mark.django_db


def _create(standard, site, owner, **overrides):
    fields = {
        "standard": standard,
        "certification_body": "CQC",
        "number": "Q-1",
        "scope": "Recycling of spent batteries",
        "sites": [site],
        "owner": owner,
        "by": owner,
        "issued_on": dt.date(2025, 3, 1),
        "expires_on": dt.date(2028, 3, 1),
        "status": CertificateStatus.CERTIFIED,
    }
    fields.update(overrides)
    return services.certificate_create(**fields)


def test_a_three_year_certificate_gets_two_yearly_surveillance_audits(standard, site, staff_user):
    certificate = _create(standard, site, staff_user)
    assert list(certificate.surveillance_audits.values_list("due_on", flat=True)) == [
        dt.date(2026, 3, 1),
        dt.date(2027, 3, 1),
    ]


def test_given_surveillance_dates_replace_the_yearly_plan(standard, site, staff_user):
    certificate = _create(standard, site, staff_user, surveillance_dates=[dt.date(2026, 1, 15)])
    assert list(certificate.surveillance_audits.values_list("due_on", flat=True)) == [dt.date(2026, 1, 15)]


def test_a_certificate_must_expire_after_it_was_issued(standard, site, staff_user):
    with pytest.raises(DomainError):
        _create(standard, site, staff_user, expires_on=dt.date(2024, 1, 1))


def test_the_same_number_from_the_same_body_is_refused(standard, site, staff_user):
    _create(standard, site, staff_user)
    with pytest.raises(AlreadyExists):
        _create(standard, site, staff_user)


def test_a_withdrawn_certificate_cannot_be_certified_again(standard, site, staff_user):
    certificate = _create(standard, site, staff_user)
    services.certificate_set_status(
        certificate=certificate, status=CertificateStatus.WITHDRAWN, by=staff_user
    )
    with pytest.raises(TransitionNotAllowed):
        services.certificate_set_status(
            certificate=certificate, status=CertificateStatus.CERTIFIED, by=staff_user
        )


def test_a_suspension_can_be_lifted(standard, site, staff_user):
    certificate = _create(standard, site, staff_user)
    services.certificate_set_status(
        certificate=certificate, status=CertificateStatus.SUSPENDED, by=staff_user
    )
    lifted = services.certificate_set_status(
        certificate=certificate, status=CertificateStatus.CERTIFIED, by=staff_user
    )
    assert lifted.status == CertificateStatus.CERTIFIED


def test_certificates_past_their_expiry_become_expired(standard, site, staff_user):
    certificate = _create(standard, site, staff_user)
    assert services.certificates_expire_due(today=dt.date(2028, 3, 2)) == 1
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.EXPIRED


def test_the_certificate_pages_list_create_and_change_status(staff_client, standard, site, staff_user):
    response = staff_client.post(
        "/standards/certificates/new/",
        {
            "standard": standard.pk,
            "certification_body": "TÜV",
            "number": "E-7",
            "scope": "Recycling",
            "sites": [site.pk],
            "issued_on": "2025-01-10",
            "expires_on": "2028-01-09",
            "status": "certified",
            "owner": staff_user.pk,
        },
    )
    assert response.status_code == 302
    detail = response["Location"]
    assert "E-7" in staff_client.get("/standards/certificates/").content.decode()
    staff_client.post(detail + "status/", {"status": "suspended"})
    assert "Suspended" in staff_client.get(detail).content.decode()


def test_a_certificate_form_with_bad_dates_keeps_the_input_and_says_why(
    staff_client, standard, site, staff_user
):
    response = staff_client.post(
        "/standards/certificates/new/",
        {
            "standard": standard.pk,
            "certification_body": "TÜV",
            "number": "E-8",
            "scope": "Recycling",
            "sites": [site.pk],
            "issued_on": "2025-01-10",
            "expires_on": "2024-01-09",
            "status": "certified",
            "owner": staff_user.pk,
            "surveillance_dates": "next year",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "YYYY-MM-DD" in page
    assert 'value="E-8"' in page


def test_recording_a_surveillance_audit_on_the_page(staff_client, standard, site, staff_user):
    certificate = _create(standard, site, staff_user)
    audit = certificate.surveillance_audits.first()
    staff_client.post(f"/standards/certificates/surveillance/{audit.pk}/done/", {"done_on": "2026-02-20"})
    audit.refresh_from_db()
    assert audit.done_on == dt.date(2026, 2, 20)


def test_editing_a_certificate_changes_its_scope_but_not_its_status(staff_client, standard, site, staff_user):
    certificate = _create(standard, site, staff_user)
    response = staff_client.post(
        f"/standards/certificates/{certificate.pk}/edit/",
        {
            "certification_body": "CQC",
            "number": "Q-1",
            "scope": "Recycling and dismantling",
            "sites": [site.pk],
            "issued_on": "2025-03-01",
            "expires_on": "2028-03-01",
            "owner": staff_user.pk,
            "status": "withdrawn",
        },
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.scope == "Recycling and dismantling"
    assert certificate.status == CertificateStatus.CERTIFIED


def test_the_list_shows_the_next_surveillance_audit_not_yet_done(staff_client, standard, site, staff_user):
    certificate = _create(standard, site, staff_user)
    first, second = certificate.surveillance_audits.order_by("due_on")
    services.surveillance_audit_record(audit=first, done_on=dt.date(2026, 3, 3), by=staff_user)
    listed = staff_client.get("/standards/certificates/").context["certificates"]
    assert listed[0].next_surveillance == second


def _page_form(standard, site, owner, **changes):
    data = {
        "standard": standard.pk,
        "certification_body": "TÜV",
        "number": "E-9",
        "scope": "Recycling",
        "sites": [site.pk],
        "issued_on": "2025-01-10",
        "expires_on": "2028-01-09",
        "status": "certified",
        "owner": owner.pk,
    }
    data.update(changes)
    return data


def test_a_certificate_recorded_on_the_page_without_dates_gets_yearly_surveillance_audits(
    staff_client, standard, site, staff_user
):
    response = staff_client.post("/standards/certificates/new/", _page_form(standard, site, staff_user))
    assert response.status_code == 302
    certificate = Certificate.objects.get(number="E-9")
    assert list(certificate.surveillance_audits.values_list("due_on", flat=True)) == [
        dt.date(2026, 1, 10),
        dt.date(2027, 1, 10),
    ]


def test_surveillance_dates_given_on_the_page_replace_the_yearly_plan(
    staff_client, standard, site, staff_user
):
    response = staff_client.post(
        "/standards/certificates/new/",
        _page_form(standard, site, staff_user, surveillance_dates="2026-06-01, 2027-06-01"),
    )
    assert response.status_code == 302
    certificate = Certificate.objects.get(number="E-9")
    assert list(certificate.surveillance_audits.values_list("due_on", flat=True)) == [
        dt.date(2026, 6, 1),
        dt.date(2027, 6, 1),
    ]


def test_unreadable_surveillance_dates_on_the_page_are_a_form_error(staff_client, standard, site, staff_user):
    response = staff_client.post(
        "/standards/certificates/new/", _page_form(standard, site, staff_user, surveillance_dates="next year")
    )
    assert response.status_code == 200
    assert "Write dates as YYYY-MM-DD, separated by commas." in response.content.decode()
    assert not Certificate.objects.exists()


def test_surveillance_dates_typed_on_the_page_in_an_implausible_year_are_a_form_error(
    staff_client, standard, site, staff_user
):
    response = staff_client.post(
        "/standards/certificates/new/",
        _page_form(standard, site, staff_user, surveillance_dates="2027-01-15, 0232-01-15"),
    )
    assert response.status_code == 200
    assert "Give a date between 1990 and 2100." in response.content.decode()
    assert not Certificate.objects.exists()


def test_an_expiry_date_in_an_implausible_year_is_a_form_error(staff_client, standard, site, staff_user):
    response = staff_client.post(
        "/standards/certificates/new/", _page_form(standard, site, staff_user, expires_on="2280-01-09")
    )
    assert response.status_code == 200
    assert "Give a date between 1990 and 2100." in response.content.decode()
    assert not Certificate.objects.exists()


def test_the_service_refuses_a_surveillance_audit_in_year_0232(standard, site, staff_user):
    with pytest.raises(DomainError) as refused:
        _create(standard, site, staff_user, surveillance_dates=[dt.date(232, 1, 15)])
    assert refused.value.field == "surveillance_dates"
    assert not Certificate.objects.exists()


def test_an_empty_list_of_surveillance_dates_plans_one_a_year(standard, site, staff_user):
    certificate = _create(standard, site, staff_user, surveillance_dates=[])
    assert list(certificate.surveillance_audits.values_list("due_on", flat=True)) == [
        dt.date(2026, 3, 1),
        dt.date(2027, 3, 1),
    ]


def test_a_surveillance_audit_done_in_an_implausible_year_is_refused_with_a_message(
    staff_client, standard, site, staff_user
):
    certificate = _create(standard, site, staff_user)
    audit = certificate.surveillance_audits.first()
    response = staff_client.post(
        f"/standards/certificates/surveillance/{audit.pk}/done/", {"done_on": "0226-02-20"}, follow=True
    )
    assert "Give a date between 1990 and 2100." in response.content.decode()
    audit.refresh_from_db()
    assert audit.done_on is None


def _held_until(standard, site, owner, expires_on, number="Q-1"):
    return _create(
        standard,
        site,
        owner,
        number=number,
        issued_on=expires_on - dt.timedelta(days=3 * 365),
        expires_on=expires_on,
    )


def test_a_certificate_shows_expired_the_day_after_its_expiry_before_any_job_ran(
    staff_client, standard, site, staff_user
):
    today = timezone.localdate()
    certificate = _held_until(standard, site, staff_user, today - dt.timedelta(days=1))
    listing = staff_client.get("/standards/certificates/").content.decode()
    assert '<span class="badge badge-expired">Expired</span>' in listing
    assert "Certified" not in listing
    assert 'class="overdue"' not in listing  # no surveillance is due on a certificate that lapsed
    detail = staff_client.get(f"/standards/certificates/{certificate.pk}/").content.decode()
    assert "This certificate expired on" in detail
    assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.CERTIFIED


def test_a_certificate_is_still_certified_on_its_expiry_day(staff_client, standard, site, staff_user):
    _held_until(standard, site, staff_user, timezone.localdate())
    listing = staff_client.get("/standards/certificates/").content.decode()
    assert '<span class="badge badge-certified">Certified</span>' in listing
    assert "expires today" in listing


def test_a_certificate_expiring_within_ninety_days_is_highlighted_in_the_list(
    staff_client, standard, site, staff_user
):
    today = timezone.localdate()
    _held_until(standard, site, staff_user, today + dt.timedelta(days=40), number="SOON")
    _held_until(standard, site, staff_user, today + dt.timedelta(days=400), number="LATER")
    listing = staff_client.get("/standards/certificates/").content.decode()
    assert listing.count('class="row-warn"') == 1
    assert "expires in 40 days" in listing


def test_the_home_page_warns_of_expiring_and_expired_certificates(staff_client, standard, site, staff_user):
    today = timezone.localdate()
    _held_until(standard, site, staff_user, today + dt.timedelta(days=40), number="SOON")
    _held_until(standard, site, staff_user, today - dt.timedelta(days=2), number="GONE")
    _held_until(standard, site, staff_user, today + dt.timedelta(days=400), number="LATER")
    page = staff_client.get("/").content.decode()
    assert "Certificates needing attention" in page
    assert "CQC SOON" in page
    assert "expires on" in page
    assert "CQC GONE" in page
    assert "expired on" in page
    assert "CQC LATER" not in page


def test_the_home_page_has_no_certificate_alert_when_none_is_due(staff_client, standard, site, staff_user):
    _held_until(standard, site, staff_user, timezone.localdate() + dt.timedelta(days=400))
    assert "Certificates needing attention" not in staff_client.get("/").content.decode()
