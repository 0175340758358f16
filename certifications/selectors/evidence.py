"""Reads of the evidence register, its file revisions and the people who may own evidence."""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from greenfactory.accounts.models import User
from greenfactory.accounts.roles import Role

from ..models import Clause, ClauseExclusion, Evidence, EvidenceRevision


def evidence_list() -> QuerySet[Evidence]:
    """The register: owners, approvers, sites, clauses with their standards and the latest file."""
    latest = EvidenceRevision.objects.filter(evidence=OuterRef("pk")).order_by("-number")
    return (
        Evidence.objects.select_related("owner", "approver")
        .prefetch_related("sites", Prefetch("clauses", queryset=Clause.objects.select_related("standard")))
        .annotate(
            latest_revision=Subquery(latest.values("number")[:1]),
            latest_media_type=Subquery(latest.values("media_type")[:1]),
        )
        .order_by("title", "id")
    )


def evidence_detail(*, pk: int) -> Evidence:
    return (
        Evidence.objects.select_related("owner", "approver")
        .prefetch_related(
            "sites",
            Prefetch(
                "clauses",
                queryset=Clause.objects.select_related("standard").order_by("standard__sort_key", "position"),
            ),
            Prefetch(
                "revisions",
                queryset=EvidenceRevision.objects.select_related("uploaded_by").order_by("-number"),
            ),
        )
        .get(pk=pk)
    )


def evidence_choices() -> QuerySet[Evidence]:
    return Evidence.objects.order_by("title")


def revision_list() -> QuerySet[EvidenceRevision]:
    return EvidenceRevision.objects.select_related("uploaded_by").order_by("evidence_id", "-number")


def revisions_of(*, evidence: Evidence) -> QuerySet[EvidenceRevision]:
    """An item's file revisions, newest first."""
    return evidence.revisions.select_related("uploaded_by").order_by("-number")


def revision_for_download(*, pk: int) -> EvidenceRevision:
    return EvidenceRevision.objects.select_related("evidence").get(pk=pk)


def clause_exclusion_list() -> QuerySet[ClauseExclusion]:
    return ClauseExclusion.objects.select_related("site", "created_by").order_by("id")


def owner_candidates() -> QuerySet[User]:
    """People who may own evidence and certificates: active administrators and compliance staff."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=[Role.ADMIN.value, Role.STAFF.value]))
        .distinct()
        .order_by("username")
    )
