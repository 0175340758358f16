"""Reads of the evidence register, its file revisions and the people who may own evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import formats
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.accounts.roles import Role
from greenfactory.sites.models import Organisation

from ..models import Clause, ClauseExclusion, Evidence, EvidencePolicy, EvidenceRevision
from ._common import HistoryEntry, field_labels, history_trail


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


def evidence_authors(*, evidence: Evidence) -> set[int]:
    """The people whose work an approval vouches for: the item's creator and the uploader of its
    latest file (ids)."""
    created = evidence.history.filter(history_type="+").values_list("history_user_id", flat=True).first()
    uploaded = evidence.revisions.order_by("-number").values_list("uploaded_by_id", flat=True).first()
    return {pk for pk in (created, uploaded) if pk is not None}


def self_approval_allowed(*, evidence: Evidence) -> bool:
    """Whether every organisation the item belongs to (its sites', or all for an item without sites)
    allows the people who wrote it to approve it."""
    organisations = Organisation.objects.all()
    site_ids = list(evidence.sites.values_list("pk", flat=True))
    if site_ids:
        organisations = organisations.filter(sites__in=site_ids)
    wanted = set(organisations.values_list("pk", flat=True))
    allowed = set(
        EvidencePolicy.objects.filter(organisation__in=wanted, self_approval_allowed=True).values_list(
            "organisation_id", flat=True
        )
    )
    return bool(wanted) and wanted == allowed


# The fields shown in an item's history, in the order people read them.
HISTORY_FIELDS = (
    "title",
    "title_zh",
    "description",
    "owner",
    "status",
    "approver",
    "review_date",
    "expiry_date",
    "sites",
    "clauses",
)


def _history_value(record: Any, name: str) -> str:
    if name == "sites":
        return ", ".join(sorted(row.site.code for row in record.historicalevidence_sites_set.all())) or _(
            "All sites"
        )
    if name == "clauses":
        return ", ".join(
            sorted(
                f"{row.clause.standard.label} {row.clause.number}"
                for row in record.historicalevidence_clauses_set.all()
            )
        )
    if name == "status":
        return str(record.get_status_display())
    value = getattr(record, name)
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    return "" if value is None else str(value)


def evidence_history(*, evidence: Evidence, limit: int = 50) -> list[HistoryEntry]:
    """The item's audit trail, newest first: each save that changed what people see, with the
    fields it changed. A fixed number of queries however long the history."""
    records = list(
        evidence.history.select_related("history_user", "owner", "approver")
        .prefetch_related(
            "historicalevidence_sites_set__site", "historicalevidence_clauses_set__clause__standard"
        )
        .order_by("history_date", "history_id")
    )
    trail = history_trail(
        records, fields=HISTORY_FIELDS, labels=field_labels(Evidence, HISTORY_FIELDS), value=_history_value
    )
    return trail[::-1][:limit]
