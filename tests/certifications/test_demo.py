"""The demo plant's evidence tells a story, and loading it twice changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from certifications.models import Certificate, Evidence, Reminder, Standard
from certifications.selectors import coverage as coverage_selectors
from greenfactory.sites.models import Site
from greenfactory.web.demo import demo_load
from tests.conftest import second_factor_enrol, sign_in_client

pytestmark = pytest.mark.django_db


def test_the_demo_has_evidence_for_all_ten_standards_with_gaps_and_a_lapsed_certificate():
    demo_load()
    site = Site.objects.get(code="TJ-01")
    reports = {
        s.code: coverage_selectors.coverage_report(standard=s, site=site) for s in Standard.objects.all()
    }
    assert len(reports) == 10
    for code, report in reports.items():
        if code != "PAS 2060":  # withdrawn: its only evidence is superseded
            assert report.totals["covered"] > 0, code
    assert sum(r.totals["expired"] for r in reports.values()) >= 5
    assert sum(r.totals["missing"] for r in reports.values()) >= 5
    assert reports["ISO 45001"].lapsed_certificates
    assert set(Certificate.objects.values_list("standard__code", flat=True)) == {
        "ISO 9001",
        "ISO 14001",
        "ISO 45001",
    }
    assert Reminder.objects.exists()


def test_loading_the_demo_twice_changes_nothing():
    demo_load()
    counts = (Evidence.objects.count(), Certificate.objects.count(), Reminder.objects.count())
    second = demo_load()
    assert second["evidence"] == 0
    assert second["certificates"] == 0
    assert (Evidence.objects.count(), Certificate.objects.count(), Reminder.objects.count()) == counts


def test_the_demo_audits_tell_the_programmes_story():
    from certifications.models import Audit, AuditStatus, CapaState, FindingClass, FindingStatus

    demo_load()
    closed = Audit.objects.get(status=AuditStatus.CLOSED)
    assert closed.standards.count() == 4
    assert closed.starts_on.year == timezone.localdate().year - 1
    assert set(closed.findings.values_list("status", flat=True)) == {FindingStatus.CLOSED}
    surveillance = Audit.objects.get(audit_type="surveillance", status=AuditStatus.REPORTING)
    assert list(surveillance.standards.values_list("code", flat=True)) == ["ISO 14001"]
    assert surveillance.certificate.standard.code == "ISO 14001"
    major = surveillance.findings.get(finding_class=FindingClass.MAJOR)
    assert major.capa.state == CapaState.ACCEPTED
    minor = surveillance.findings.get(finding_class=FindingClass.MINOR)
    assert minor.is_overdue()
    coming = Audit.objects.filter(status=AuditStatus.PLANNED, starts_on__year=timezone.localdate().year + 1)
    assert coming.count() >= 5
    assert Reminder.objects.filter(kind="capa_step").exists()
    counts = Audit.objects.count()
    assert demo_load()["audits"] == 0
    assert Audit.objects.count() == counts


def test_the_demo_obligations_and_permits_tell_their_story():
    """Registers: obligations and permits."""
    from certifications.models import EvaluationResult, Obligation, Permit, PermitStatus, ReminderKind
    from certifications.selectors.permits import permit_gate

    demo_load()
    site = Site.objects.get(code="TJ-01")
    failed = Obligation.objects.get(evaluations__result=EvaluationResult.NOT_COMPLIANT)
    assert failed.title_zh.startswith("危险废物贮存污染控制标准")
    assert failed.evaluations.get().finding.capa is not None
    assert Obligation.objects.get(reference="IND-NEV-2019").status == "superseded"
    assert Permit.objects.get(reference="PMT-HW").status == PermitStatus.EXPIRING
    assert Permit.objects.get(reference="PMT-PDP").conditions.count() == 3
    assert permit_gate(site=site, on=timezone.localdate()).passed
    kinds = set(Reminder.objects.values_list("kind", flat=True))
    assert {ReminderKind.EVALUATION_OVERDUE, ReminderKind.PERMIT_EXPIRY} <= kinds


def test_the_demo_invites_the_auditor_to_the_surveillance_audit_once(client):
    from django.urls import reverse

    from certifications.models import AuditInvitation
    from certifications.selectors import portal as portal_selectors
    from greenfactory.accounts.models import User

    demo_load()
    auditor = User.objects.get(username="auditor")
    invitation = portal_selectors.invitations_in_force(auditor).get()
    assert invitation.audit.audit_type == "surveillance"
    assert list(invitation.audit.standards.values_list("code", flat=True)) == ["ISO 14001"]
    assert invitation.require_second_factor is True
    second_factor_enrol(auditor)  # the invitation asks for one: the auditor enrols and gives a code
    sign_in_client(client, auditor)
    page = client.get(reverse("portal-evidence", args=[invitation.pk]))
    assert page.status_code == 200
    assert page.context["evidence"]
    overview = client.get(reverse("portal-audit", args=[invitation.pk]))
    assert overview.status_code == 200
    assert overview.context["findings"]
    requests = client.get(reverse("portal-requests", args=[invitation.pk]))
    [asked] = requests.context["requests"]
    assert asked.status == "open"
    assert asked.clause.pk in portal_selectors.scope_of(invitation).clause_ids
    assert demo_load()["portal_invitations"] == 0
    assert AuditInvitation.objects.count() == 1
    assert invitation.audit.evidence_requests.count() == 1
