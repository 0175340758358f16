"""A small audit with evidence and a finding, and a rendered dossier of it (kept small: rendering
costs about a CPU-second per dense page)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from certifications.models import AuditStatus, AuditType, FindingClass
from certifications.services import audits as audit_services
from certifications.services import checklists as checklist_services
from certifications.services import findings as finding_services

from .factories import ClauseFactory, StandardFactory, make_evidence


def small_audit(*, site, by):
    standard = StandardFactory(code="ISO 9999", edition="2020", title="Test management systems")
    four = ClauseFactory(standard=standard, number="4", position=0, title="Context")
    ClauseFactory(standard=standard, number="4.1", parent=four, depth=1, position=1, title="Issues")
    five = ClauseFactory(standard=standard, number="5", position=2, title="Leadership")
    evidence = make_evidence(owner=by, clauses=[five], sites=[site], title="Management review minutes")
    today = timezone.localdate()
    audit = audit_services.audit_create(
        site=site,
        title="Integrated internal audit",
        audit_type=AuditType.INTERNAL,
        standards=[standard],
        starts_on=today,
        ends_on=today + dt.timedelta(days=2),
        by=by,
        lead_auditor=by,
    )
    checklist_services.checklist_generate(audit=audit, by=by)
    audit = audit_services.audit_transition(audit=audit, to=AuditStatus.IN_PROGRESS, by=by)
    finding_services.finding_raise(
        audit=audit,
        finding_class=FindingClass.MINOR,
        statement="Context review missing",
        owner=by,
        by=by,
        checklist_item=audit.checklist.order_by("position").first(),
    )
    return audit, evidence
