"""Reads of audit programmes, audits, their plan and their checklists."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from ..models import (
    Audit,
    AuditProgramme,
    AuditSession,
    AuditStatus,
    ChecklistItem,
    ChecklistResult,
    FindingClass,
)


def programme_list() -> QuerySet[AuditProgramme]:
    return AuditProgramme.objects.select_related("site").annotate(audit_count=Count("audits"))


def _counts() -> dict[str, Count]:
    """One count per checklist result and per finding class, named ``items_<result>`` and
    ``findings_<class>`` (``items_open`` for items not yet assessed)."""
    counts = {
        f"items_{value or 'open'}": Count("checklist", filter=Q(checklist__result=value), distinct=True)
        for value in ChecklistResult.values
    }
    counts |= {
        f"findings_{value}": Count("findings", filter=Q(findings__finding_class=value), distinct=True)
        for value in FindingClass.values
    }
    return counts


def audit_list() -> QuerySet[Audit]:
    """Audits with what their page shows: programme, people, scope, and the counts of checklist
    results and finding classes."""
    return (
        Audit.objects.select_related(
            "programme__site", "lead_auditor", "certificate", "report_signed_by", "created_by"
        )
        .prefetch_related("standards", "sites", "clauses", "team")
        .annotate(**_counts())
        .order_by("starts_on", "reference")
    )


def audits_overdue(queryset: QuerySet[Audit], *, today: dt.date) -> QuerySet[Audit]:
    """Planned audits whose start passed and running ones past their end (``Audit.is_overdue``)."""
    return queryset.filter(
        Q(status=AuditStatus.PLANNED, starts_on__lt=today)
        | Q(status__in=[AuditStatus.IN_PROGRESS, AuditStatus.REPORTING], ends_on__lt=today)
    )


def session_list() -> QuerySet[AuditSession]:
    return AuditSession.objects.select_related("auditor").order_by("audit", "starts_at", "pk")


def checklist_item_list() -> QuerySet[ChecklistItem]:
    return (
        ChecklistItem.objects.select_related("updated_by")
        .prefetch_related("clauses", "sampled_evidence")
        .order_by("audit", "position")
    )
