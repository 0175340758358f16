"""Demo data of the auditor portal: the demo auditor is invited to the ISO 14001 surveillance audit
under way, through the same service staff use (the invitation e-mail goes to the console)."""

from __future__ import annotations

import datetime as dt

from greenfactory.accounts.models import User
from greenfactory.accounts.roles import Role, roles_of

from .models import Audit, AuditInvitation, AuditStatus, AuditType
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
    portal_services.invitation_create(
        audit=audit,
        email=auditor.email,
        name=auditor.display_name,
        organisation="China Quality Certification Centre",
        require_second_factor=True,
        by=staff,
        base_url=DEMO_BASE_URL,
    )
    return 1
