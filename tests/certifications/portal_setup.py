"""Shared state for the portal tests: an audit of one standard at one site, evidence in and out of
its scope, and an invitation set up through the services, as staff would."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO

from django.utils import timezone

from certifications import services
from certifications.models import (
    Audit,
    AuditInvitation,
    AuditStatus,
    AuditType,
    Evidence,
    EvidenceRevision,
    EvidenceStatus,
)
from certifications.services import audits as audit_services
from certifications.services import checklists as checklist_services
from certifications.services import portal as portal_services
from tests.factories import SiteFactory, UserFactory

from .factories import ClauseFactory, StandardFactory, make_evidence

BASE_URL = "http://testserver/"


@dataclass
class World:
    audit: Audit
    other_audit: Audit
    in_scope: Evidence
    other_site: Evidence
    other_standard: Evidence
    staff: object


def build_world(*, site, staff) -> World:
    today = timezone.localdate()
    standard = StandardFactory(code="ISO 9999", edition="2020")
    four = ClauseFactory(standard=standard, number="4", position=0, title="Context")
    c41 = ClauseFactory(standard=standard, number="4.1", parent=four, depth=1, position=1, title="Issues")
    other_standard = StandardFactory(code="ISO 8888", edition="2020")
    o1 = ClauseFactory(standard=other_standard, number="1", position=0, title="Other")
    other = SiteFactory(code="SH-02", name="Shanghai plant")
    audit = audit_services.audit_create(
        site=site,
        title="Surveillance",
        audit_type=AuditType.SURVEILLANCE,
        standards=[standard],
        starts_on=today,
        ends_on=today + dt.timedelta(days=2),
        by=staff,
        certification_body="CQC",
    )
    other_audit = audit_services.audit_create(
        site=other,
        title="Other plant",
        audit_type=AuditType.INTERNAL,
        standards=[other_standard],
        starts_on=today,
        ends_on=today + dt.timedelta(days=2),
        by=staff,
    )
    for started in (audit, other_audit):
        checklist_services.checklist_generate(audit=started, by=staff)
        audit_services.audit_transition(audit=started, to=AuditStatus.IN_PROGRESS, by=staff)
    audit.refresh_from_db()
    in_scope = make_evidence(
        owner=staff, clauses=[c41], sites=[site], title="Calibration records", today=today
    )
    other_site = make_evidence(
        owner=staff, clauses=[c41], sites=[other], title="Shanghai records", today=today
    )
    other_std = make_evidence(owner=staff, clauses=[o1], sites=[site], title="Other standard", today=today)
    return World(audit, other_audit, in_scope, other_site, other_std, staff)


def invite(
    world: World, *, email: str = "lead@cqc.example", name: str = "Li Wei", **extra
) -> AuditInvitation:
    return portal_services.invitation_create(
        audit=world.audit,
        email=email,
        name=name,
        organisation="CQC",
        by=world.staff,
        base_url=BASE_URL,
        **extra,
    )


def in_scope_file(world: World, *, content: bytes, name: str) -> EvidenceRevision:
    """A new draft evidence item on the in-scope clause and site, with one file."""
    evidence = make_evidence(
        owner=world.staff,
        clauses=list(world.in_scope.clauses.all()),
        sites=list(world.in_scope.sites.all()),
        status=EvidenceStatus.DRAFT,
        title=f"File {name}",
    )
    return services.evidence_revision_add(evidence=evidence, file=BytesIO(content), name=name, by=world.staff)


__all__ = ["BASE_URL", "UserFactory", "World", "in_scope_file", "build_world", "invite"]
