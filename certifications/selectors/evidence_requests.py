"""Reads of evidence requests: an audit's PBC list (staff), one request, the open requests a person
owns (dashboard), an auditor's own requests (portal), and who a new request lands with."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from greenfactory.accounts.models import User

from ..models import Audit, Clause, Evidence, EvidenceRequest, EvidenceRequestStatus, EvidenceStatus
from .portal import Scope, scope_evidence


def evidence_request_list(*, audit: Audit | None = None) -> QuerySet[EvidenceRequest]:
    """Requests with what the list and its export show, by audit and number."""
    rows = EvidenceRequest.objects.select_related(
        "audit", "clause__standard", "owner", "requested_by", "answered_by", "invitation"
    ).prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("title", "pk")))
    if audit is not None:
        rows = rows.filter(audit=audit)
    return rows.order_by("audit__reference", "number")


def evidence_request_detail(*, pk: int) -> EvidenceRequest:
    return evidence_request_list().get(pk=pk)


def open_requests_owned(*, user: User, today: dt.date) -> list[EvidenceRequest]:
    """The open requests that landed with ``user``, those wanted soonest first (undated last), each
    with ``overdue`` (wanted before ``today``)."""
    rows = list(evidence_request_list().filter(owner=user, status=EvidenceRequestStatus.OPEN))
    for row in rows:
        row.overdue = row.due_on is not None and row.due_on < today  # type: ignore[attr-defined]
    return sorted(rows, key=lambda r: (r.due_on is None, r.due_on or today, r.requested_at, r.pk))


def request_owner(*, scope: Scope, clause: Clause) -> User:
    """Who a request on ``clause`` lands with: the owner of the newest in-scope evidence linked to
    the clause (an active account), else whoever created the audit."""
    newest = (
        scope_evidence(scope)
        .filter(clauses=clause, owner__is_active=True)
        .order_by("-created_at", "-pk")
        .first()
    )
    return newest.owner if newest is not None else scope.audit.created_by


def scope_requests(scope: Scope) -> QuerySet[EvidenceRequest]:
    """The requests the invited auditor made for the invitation's audit (through any of their
    invitations to it); nobody else's."""
    return evidence_request_list(audit=scope.audit).filter(requested_by=scope.invitation.auditor)


def scope_request(scope: Scope, pk: int) -> EvidenceRequest:
    """One of ``scope_requests``; DoesNotExist for any other id."""
    return scope_requests(scope).get(pk=pk)


def scope_clauses(scope: Scope) -> QuerySet[Clause]:
    """The audit's in-scope clauses, in the standards' order, for the request form."""
    return (
        Clause.objects.filter(pk__in=scope.clause_ids)
        .select_related("standard")
        .order_by("standard__sort_key", "standard__code", "position", "pk")
    )


def answer_candidates(*, audit: Audit) -> QuerySet[Evidence]:
    """Evidence that an auditor of ``audit`` could open once linked to one of its clauses: not
    superseded, at one of the audit's sites or organisation-wide (what ``scope_evidence`` lets in)."""
    at_sites = Evidence.objects.filter(sites__in=audit.sites.values("pk")).values("pk")
    everywhere = Evidence.objects.filter(sites__isnull=True).values("pk")
    return (
        Evidence.objects.exclude(status=EvidenceStatus.SUPERSEDED)
        .filter(Q(pk__in=at_sites) | Q(pk__in=everywhere))
        .order_by("title", "pk")
    )
