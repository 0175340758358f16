"""Reads of the risks and opportunities register: the list, an entry's page and the matrix."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from ..models import Effectiveness, RiskAction, RiskOpportunity
from ..models.risks import RiskMatrix, risk_matrix


def risk_list() -> QuerySet[RiskOpportunity]:
    """Entries with their standards and sites, and counts of their actions (open, not effective)."""
    return (
        RiskOpportunity.objects.select_related("owner")
        .prefetch_related("standards", "sites")
        .annotate(
            actions_open=Count("actions", filter=Q(actions__done_on__isnull=True), distinct=True),
            actions_not_effective=Count(
                "actions", filter=Q(actions__effectiveness=Effectiveness.NOT_EFFECTIVE), distinct=True
            ),
        )
        .order_by("reference")
    )


def risk_detail(pk: int) -> RiskOpportunity:
    return (
        RiskOpportunity.objects.select_related("owner")
        .prefetch_related(
            "standards",
            "sites",
            "clauses__standard",
            "evidence",
            "findings",
            Prefetch("actions", queryset=RiskAction.objects.select_related("owner")),
        )
        .get(pk=pk)
    )


def matrix() -> RiskMatrix:
    return risk_matrix()


# The fields shown in an entry's history, in the order people read them.
RISK_HISTORY_FIELDS = (
    "title",
    "title_zh",
    "kind",
    "source",
    "context",
    "description",
    "likelihood",
    "consequence",
    "band",
    "status",
    "owner",
    "review_on",
    "notes",
)
