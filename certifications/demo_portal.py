"""Demo data of the auditor portal: the demo auditor is invited to the ISO 14001 surveillance audit
under way, through the same service staff use (the invitation e-mail goes to the console), and has
asked for one piece of evidence, still open."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from greenfactory.accounts.models import User
from greenfactory.accounts.roles import Role, roles_of

from .models import Audit, AuditInvitation, AuditStatus, AuditType, InvitationStatus
from .selectors import portal as portal_selectors
from .services import evidence_requests as request_services
from .services import portal as portal_services

DEMO_BASE_URL = "http://localhost:8000/"


def demo_portal_load(*, staff: User, today: dt.date) -> int:
    """Invite the demo ``auditor`` to the surveillance audit once; 0 when already invited."""
    auditor = User.objects.filter(username="auditor").first()
    audit = (
        Audit.objects.filter(
            audit_type=AuditType.SURVEILLANCE,
            standards__code="ISO 14001",
            status__in=[AuditStatus.IN_PROGRESS, AuditStatus.REPORTING],
        )
        .order_by("-starts_on")
        .first()
    )
    if auditor is None or audit is None or roles_of(auditor) != {Role.AUDITOR}:
        return 0
    if AuditInvitation.objects.filter(audit=audit, auditor=auditor).exists():
        return 0
    invitation = portal_services.invitation_create(
        audit=audit,
        email=auditor.email,
        name=auditor.display_name,
        organisation="China Quality Certification Centre",
        require_second_factor=True,
        by=staff,
        base_url=DEMO_BASE_URL,
    )
    _demo_request(invitation=invitation, today=today)
    return 1


def _demo_request(*, invitation: AuditInvitation, today: dt.date) -> None:
    """The auditor asks for more evidence on the clause of the first in-scope item, so the request
    lands with that item's owner (while the invitation is in force; else nothing)."""
    scope = portal_selectors.scope_of(invitation)
    if invitation.status_at(timezone.now()) != InvitationStatus.IN_FORCE:
        return
    evidence = portal_selectors.scope_evidence(scope).first()
    clause = next((c for c in evidence.clauses.all() if c.pk in scope.clause_ids), None) if evidence else None
    if clause is None:
        return
    request_services.evidence_request_create(
        invitation=invitation,
        clause=clause,
        text="The calibration records of the main electricity meter (E-MAIN) for this year.",
        due_on=today + dt.timedelta(days=7),
        by=invitation.auditor,
        path=reverse("portal-requests", args=[invitation.pk]),
    )
