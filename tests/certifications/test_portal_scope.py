"""What an invited auditor sees in the portal: only their audit's scope, only while the invitation is
in force; anything else is the same 404 as an id that does not exist. Every page view is logged."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certifications.models import Finding, FindingClass, PortalAccessLog
from certifications.selectors import portal as portal_selectors
from certifications.services import findings as finding_services
from certifications.services import portal as portal_services
from greenfactory.accounts.roles import Role
from tests.conftest import second_factor_enrol, sign_in_client
from tests.factories import UserFactory

from .portal_setup import build_world, invite

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(site, staff_user):
    return build_world(site=site, staff=staff_user)


@pytest.fixture
def invitation(world):
    return invite(world, require_second_factor=True)


@pytest.fixture
def auditor(invitation):
    # The invitation asks for a second factor: the auditor has enrolled and given a code.
    second_factor_enrol(invitation.auditor)
    return sign_in_client(Client(REMOTE_ADDR="203.0.113.7"), invitation.auditor)


def test_the_portal_home_lists_the_invitations_in_force(auditor, invitation, world):
    page = auditor.get(reverse("portal"))
    assert page.status_code == 200
    body = page.content.decode()
    assert world.audit.reference in body
    assert reverse("portal-audit", args=[invitation.pk]) in body
    assert world.other_audit.reference not in body


def test_the_audit_page_has_a_header_with_scope_period_and_access_end(auditor, invitation, world, site):
    page = auditor.get(reverse("portal-audit", args=[invitation.pk]))
    assert page.status_code == 200
    header = page.content.decode()
    assert world.audit.reference in header
    assert "ISO 9999" in header
    assert site.name in header
    assert "Access until" in header
    assert "Shanghai plant" not in header


def test_the_evidence_page_shows_in_scope_evidence_only(auditor, invitation):
    page = auditor.get(reverse("portal-evidence", args=[invitation.pk]))
    body = page.content.decode()
    assert "Calibration records" in body
    assert "Shanghai records" not in body  # another site's
    assert "Other standard" not in body  # a standard outside the audit


def test_the_coverage_page_shows_the_audit_clauses_with_their_state(auditor, invitation):
    page = auditor.get(reverse("portal-coverage", args=[invitation.pk]))
    body = page.content.decode()
    assert "4.1 Issues" in body
    assert "Calibration records" in body
    assert "Shanghai records" not in body
    assert "Other" not in [r.clause.title for report in page.context["reports"] for r in report.rows]


def test_a_finding_of_the_audit_is_shown_with_its_history(auditor, invitation, world, staff_user):
    finding = finding_services.finding_raise(
        audit=world.audit,
        finding_class=FindingClass.MINOR,
        statement="Calibration of E-MAIN overdue",
        clauses=list(world.in_scope.clauses.all()),
        owner=staff_user,
        by=staff_user,
    )
    page = auditor.get(reverse("portal-finding", args=[invitation.pk, finding.pk]))
    assert page.status_code == 200
    assert "Calibration of E-MAIN overdue" in page.content.decode()
    assert page.context["history"]
    overview = auditor.get(reverse("portal-audit", args=[invitation.pk]))
    assert finding.reference in overview.content.decode()


def _other_finding(world, staff_user) -> Finding:
    return finding_services.finding_raise(
        audit=world.other_audit,
        finding_class=FindingClass.MINOR,
        statement="Elsewhere",
        clauses=list(world.other_standard.clauses.all()),
        owner=staff_user,
        by=staff_user,
    )


def _page(response, path: str) -> str:
    """The page apart from the path it names and the per-request CSRF token."""
    return re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode().replace(path, ""))


def test_out_of_scope_and_nonexistent_ids_get_the_same_404(auditor, invitation, world, staff_user):
    other_revision = world.other_site.revisions.get()
    other_finding = _other_finding(world, staff_user)
    missing = 999_999
    pairs = [
        (
            reverse("portal-file", args=[invitation.pk, other_revision.pk]),
            reverse("portal-file", args=[invitation.pk, missing]),
        ),
        (
            reverse("portal-file-preview", args=[invitation.pk, other_revision.pk]),
            reverse("portal-file-preview", args=[invitation.pk, missing]),
        ),
        (
            reverse("portal-finding", args=[invitation.pk, other_finding.pk]),
            reverse("portal-finding", args=[invitation.pk, missing]),
        ),
    ]
    for out_of_scope, nonexistent in pairs:
        refused, absent = auditor.get(out_of_scope), auditor.get(nonexistent)
        assert refused.status_code == absent.status_code == 404
        assert _page(refused, out_of_scope) == _page(absent, nonexistent)
    assert not PortalAccessLog.objects.filter(action__in=["download", "preview"]).exists()


def test_another_auditors_invitation_is_a_404(world, invitation):
    other = UserFactory(username="someone", role=Role.AUDITOR)
    client = Client()
    client.force_login(other)
    for name in ("portal-audit", "portal-coverage", "portal-evidence"):
        assert client.get(reverse(name, args=[invitation.pk])).status_code == 404
        assert client.get(reverse(name, args=[999_999])).status_code == 404


def test_a_revoked_invitation_is_refused_on_the_next_request(auditor, invitation, staff_user):
    url = reverse("portal-audit", args=[invitation.pk])
    assert auditor.get(url).status_code == 200
    portal_services.invitation_revoke(invitation=invitation, by=staff_user)
    assert auditor.get(url).status_code == 404
    assert invitation.audit.reference not in auditor.get(reverse("portal")).content.decode()


def test_an_expired_invitation_is_refused(world, staff_user):
    now = timezone.now()
    invitation = invite(
        world, starts_at=now - dt.timedelta(days=10), expires_at=now - dt.timedelta(seconds=1)
    )
    client = Client()
    client.force_login(invitation.auditor)
    assert client.get(reverse("portal-audit", args=[invitation.pk])).status_code == 404
    assert not portal_selectors.invitations_in_force(invitation.auditor).exists()


def test_a_pending_invitation_is_not_yet_open(world):
    now = timezone.now()
    invitation = invite(world, starts_at=now + dt.timedelta(days=1), expires_at=now + dt.timedelta(days=5))
    client = Client()
    client.force_login(invitation.auditor)
    assert client.get(reverse("portal-audit", args=[invitation.pk])).status_code == 404


def test_requires_second_factor_follows_the_invitations_in_force(world, invitation, staff_user):
    assert portal_selectors.requires_second_factor(invitation.auditor) is True
    portal_services.invitation_revoke(invitation=invitation, by=staff_user)
    assert portal_selectors.requires_second_factor(invitation.auditor) is False
    relaxed = invite(world, require_second_factor=False)
    assert portal_selectors.requires_second_factor(relaxed.auditor) is False


def test_every_page_view_is_logged_with_its_invitation_and_address(auditor, invitation):
    auditor.get(reverse("portal"))
    auditor.get(reverse("portal-audit", args=[invitation.pk]))
    auditor.get(reverse("portal-evidence", args=[invitation.pk]))
    rows = list(PortalAccessLog.objects.order_by("pk"))
    assert [(r.action, r.path) for r in rows] == [
        ("view", "/portal/"),
        ("view", f"/portal/{invitation.pk}/"),
        ("view", f"/portal/{invitation.pk}/evidence/"),
    ]
    assert rows[0].invitation is None
    assert {r.invitation_id for r in rows[1:]} == {invitation.pk}
    assert {r.audit_id for r in rows[1:]} == {invitation.audit_id}
    assert {r.remote_address for r in rows} == {"203.0.113.7"}
    assert {r.user_id for r in rows} == {invitation.auditor_id}


def test_the_auditor_still_cannot_reach_staff_pages(auditor, world):
    assert auditor.get(reverse("audit-detail", args=[world.audit.pk])).status_code == 403
    assert auditor.get(reverse("evidence-detail", args=[world.in_scope.pk])).status_code == 403
    revision = world.in_scope.revisions.get()
    assert auditor.get(reverse("evidence-download", args=[revision.pk])).status_code == 403


def test_the_portal_pages_queries_do_not_grow_with_the_evidence(auditor, invitation, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import make_evidence

    def counted(name: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert auditor.get(reverse(name, args=[invitation.pk])).status_code == 200
        return len(queries)

    before = {name: counted(name) for name in ("portal-audit", "portal-coverage", "portal-evidence")}
    clause = world.in_scope.clauses.get()
    for n in range(3):
        make_evidence(
            owner=world.staff, clauses=[clause], sites=list(world.in_scope.sites.all()), title=f"More {n}"
        )
    after = {name: counted(name) for name in before}
    assert after == before


def test_an_invitation_asking_for_a_second_factor_sends_its_auditor_to_enrol(invitation):
    client = Client()
    client.force_login(invitation.auditor)  # password only, no second factor yet
    page = client.get(reverse("portal-audit", args=[invitation.pk]))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("second_factor_enrol"))
    assert not PortalAccessLog.objects.filter(user=invitation.auditor).exists()


def test_once_the_invitation_is_revoked_a_second_factor_is_no_longer_required(invitation, world, staff_user):
    portal_services.invitation_revoke(invitation=invitation, by=staff_user)
    assert not portal_selectors.requires_second_factor(invitation.auditor)
    plain = invite(world, email="second@cqc.example", name="Wang Fang", require_second_factor=False)
    assert not portal_selectors.requires_second_factor(plain.auditor)


def test_the_period_figures_use_the_mediums_names_and_round_for_reading(auditor, invitation, world, site):
    from accounting.models import SiteKpi

    zone = zoneinfo.ZoneInfo(site.time_zone)
    day = world.audit.starts_on
    SiteKpi.objects.create(
        site=site,
        granularity="day",
        start=dt.datetime(day.year, day.month, day.day, tzinfo=zone),
        consumption={"electricity": "12345.678901"},
        tce=Decimal("1.5172349"),
        scope1_tco2e=Decimal("7.0401234"),
    )
    body = auditor.get(reverse("portal-audit", args=[invitation.pk])).content.decode()
    kpis = body[body.index('id="kpis"') :]
    assert "<dt>Electricity</dt><dd>12,345.7 kWh</dd>" in kpis
    assert "<dd>1.517</dd>" in kpis
    assert "<dd>7.040</dd>" in kpis
    assert "electricity</dt>" not in kpis
