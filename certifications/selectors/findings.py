"""Reads of findings and of corrective actions with their plan and step log."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from ..models import CapaAction, CorrectiveAction, Finding, FindingStatus


def finding_list() -> QuerySet[Finding]:
    return (
        Finding.objects.select_related("audit", "owner", "raised_by", "capa")
        .prefetch_related("clauses", "evidence")
        .order_by("audit", "reference")
    )


def findings_overdue_q(today: dt.date) -> Q:
    """Open findings past their due date or the certification body's deadline (``Finding.is_overdue``)."""
    return Q(status=FindingStatus.OPEN) & (Q(due_on__lt=today) | Q(body_deadline__lt=today))


def capa_list() -> QuerySet[CorrectiveAction]:
    return (
        CorrectiveAction.objects.select_related("finding", "owner", "plan_accepted_by", "verified_by")
        .prefetch_related("actions__owner", "steps__by")
        .order_by("finding__reference")
    )


def capa_overdue_q(today: dt.date) -> Q:
    """Corrective actions whose next step is past due (``CorrectiveAction.is_overdue``)."""
    waiting = Q(pk__in=[])
    for state, field in CorrectiveAction.NEXT_STEP_DUE.items():
        waiting |= Q(state=state, **{f"{field}__lt": today})
    return waiting


def capa_action_list() -> QuerySet[CapaAction]:
    return CapaAction.objects.select_related("owner").order_by("capa", "due_on", "pk")
