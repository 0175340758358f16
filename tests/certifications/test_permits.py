"""Permits and licences: derived status, the green-factory gate check, the home page warning,
renewal reminders, conditions as obligations, and the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certifications.models import ObligationSource, PermitKind, PermitStatus, Reminder, ReminderKind
from certifications.selectors.permits import GateCheck, permit_gate
from certifications.services import obligations as obligation_services
from certifications.services import permits as services
from certifications.services.reminders import reminders_send_daily
from greenfactory.core.exceptions import DomainError
from tests.factories import SiteFactory


@pytest.fixture
def today():
    return timezone.localdate()


def make_permit(by, *, reference="PMT-001", **extra):
    values = {
        "title": "Pollutant discharge permit",
        "title_zh": "排污许可证",
        "kind": PermitKind.DISCHARGE,
        "number": "91120116MA05XXXX001P",
        "issuer": "天津市滨海新区生态环境局",
        "issued_on": dt.date(2024, 3, 1),
        "expires_on": dt.date(2029, 2, 28),
        "owner": by,
        **extra,
    }
    return services.permit_create(by=by, reference=reference, **values)


# --- status ----------------------------------------------------------------------------------------


def test_status_follows_expiry_its_own_reminder_window_and_revocation(staff_user):
    permit = make_permit(staff_user, expires_on=dt.date(2027, 6, 30), reminder_days=60)
    assert permit.status_on(dt.date(2027, 4, 30)) == PermitStatus.VALID
    assert permit.status_on(dt.date(2027, 5, 1)) == PermitStatus.EXPIRING
    assert permit.status_on(dt.date(2027, 6, 30)) == PermitStatus.EXPIRING
    assert permit.status_on(dt.date(2027, 7, 1)) == PermitStatus.EXPIRED
    permit = services.permit_update(permit=permit, by=staff_user, revoked_on=dt.date(2027, 1, 1))
    assert permit.status_on(dt.date(2027, 1, 1)) == PermitStatus.REVOKED


def test_an_expiry_before_the_issue_date_is_refused(staff_user):
    with pytest.raises(DomainError) as exc:
        make_permit(staff_user, expires_on=dt.date(2023, 1, 1))
    assert exc.value.field == "expires_on"


# --- the gate --------------------------------------------------------------------------------------


def test_the_gate_passes_with_a_discharge_permit_valid_that_day(staff_user, site):
    make_permit(staff_user, sites=[site])
    assert permit_gate(site=site, on=dt.date(2026, 6, 1)) == GateCheck(passed=True, reasons=[], failing=[])


def test_the_gate_fails_without_a_discharge_permit_and_says_so(staff_user, site):
    make_permit(staff_user, kind=PermitKind.FIRE_ACCEPTANCE, sites=[site])
    check = permit_gate(site=site, on=dt.date(2026, 6, 1))
    assert not check.passed
    assert check.failing == []
    assert check.reasons == [f"No Discharge permit is recorded for {site}."]


def test_the_gate_fails_on_an_expired_permit_naming_it(staff_user, site):
    permit = make_permit(staff_user, expires_on=dt.date(2026, 5, 31))
    check = permit_gate(site=site, on=dt.date(2026, 6, 1))
    assert (check.passed, check.failing) == (False, [permit])
    assert check.reasons == ["PMT-001 91120116MA05XXXX001P expired on 2026-05-31, before 2026-06-01."]
    assert permit_gate(site=site, on=dt.date(2026, 5, 31)).passed


def test_the_gate_ignores_a_permit_of_another_site_and_passes_on_a_renewal(staff_user, site):
    other = SiteFactory()
    make_permit(staff_user, reference="OTHER", sites=[other])
    assert not permit_gate(site=site, on=dt.date(2026, 6, 1)).passed
    make_permit(staff_user, reference="OLD", sites=[site], expires_on=dt.date(2025, 1, 1))
    make_permit(staff_user, reference="NEW", sites=[site], issued_on=dt.date(2025, 1, 2))
    assert permit_gate(site=site, on=dt.date(2026, 6, 1)).passed


def test_the_gate_fails_on_a_revoked_permit(staff_user, site):
    make_permit(staff_user, revoked_on=dt.date(2026, 1, 1))
    check = permit_gate(site=site, on=dt.date(2026, 6, 1))
    assert not check.passed
    assert "revoked on 2026-01-01" in check.reasons[0]


# --- warnings and reminders ------------------------------------------------------------------------


def test_an_expiring_and_an_expired_permit_show_on_the_home_page(staff_client, staff_user, today):
    make_permit(
        staff_user,
        reference="SOON",
        title="Hazardous-waste licence",
        expires_on=today + dt.timedelta(days=20),
    )
    make_permit(
        staff_user,
        reference="GONE",
        title="Old discharge permit",
        expires_on=today - dt.timedelta(days=3),
        issued_on=dt.date(2020, 1, 1),
    )
    make_permit(staff_user, reference="FINE", title="Fire acceptance", expires_on=None)
    body = staff_client.get(reverse("home")).content.decode()
    assert "Permits needing attention" in body
    assert "Hazardous-waste licence" in body
    assert "Old discharge permit" in body
    assert "Fire acceptance" not in body


def test_a_permit_in_its_reminder_window_reminds_its_owner(staff_user, today):
    make_permit(staff_user, reference="SOON", expires_on=today + dt.timedelta(days=80), reminder_days=90)
    make_permit(staff_user, reference="LATER", expires_on=today + dt.timedelta(days=200), reminder_days=90)
    reminders_send_daily(today=today)
    assert list(
        Reminder.objects.filter(kind=ReminderKind.PERMIT_EXPIRY).values_list("subject", flat=True)
    ) == ["SOON 排污许可证 91120116MA05XXXX001P"]


# --- conditions and pages --------------------------------------------------------------------------


def test_a_permit_shows_its_conditions_and_its_status(staff_client, staff_user, today):
    permit = make_permit(staff_user, expires_on=today + dt.timedelta(days=10))
    obligation_services.obligation_create(
        by=staff_user,
        reference="PMT-001-C1",
        title="COD at the outfall ≤ 500 mg/L",
        source_type=ObligationSource.PERMIT_CONDITION,
        permit=permit,
        owner=staff_user,
    )
    body = staff_client.get(reverse("permit-detail", args=[permit.pk])).content.decode()
    assert "COD at the outfall" in body
    assert "Expiring" in body
    body = staff_client.get(reverse("obligation-list"), {"source_type": "permit_condition"}).content.decode()
    assert "PMT-001-C1" in body


def test_the_list_filters_by_status_in_constant_queries(staff_client, staff_user, today):
    make_permit(
        staff_user, reference="P-0", expires_on=today - dt.timedelta(days=1), issued_on=dt.date(2020, 1, 1)
    )
    with CaptureQueriesContext(connection) as small:
        staff_client.get(reverse("permit-list"), {"status": "expired"})
    for n in range(1, 10):
        make_permit(staff_user, reference=f"P-{n}")
    with CaptureQueriesContext(connection) as big:
        body = staff_client.get(reverse("permit-list"), {"status": "expired"}).content.decode()
    assert "P-0" in body
    assert "P-9" not in body
    assert len(big) == len(small)


def test_creating_a_permit_from_the_form_stores_it(staff_client, staff_user):
    response = staff_client.post(
        reverse("permit-create"),
        {
            "reference": "PMT-HW",
            "title": "Hazardous-waste operation licence",
            "kind": "hazardous_waste",
            "number": "津危废经第2024-018号",
            "issuer": "天津市生态环境局",
            "issued_on": "2024-05-01",
            "expires_on": "2029-04-30",
            "reminder_days": 120,
            "owner": staff_user.pk,
        },
        follow=True,
    )
    assert "津危废经第2024-018号" in response.content.decode()
    assert response.context["permit"].reminder_days == 120


def test_the_export_lists_permits(staff_client, staff_user):
    make_permit(staff_user)
    response = staff_client.get(reverse("permit-list"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "91120116MA05XXXX001P" in body
    assert "2029-02-28" in body
