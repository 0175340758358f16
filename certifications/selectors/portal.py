"""What an invited auditor may see: the one place that decides the portal's scope.

An invitation is in force from ``starts_at`` to ``expires_at`` unless revoked, and it is read again
on every request, so a revocation takes effect on the auditor's next page. Its scope is its audit:
the audit's standards (narrowed to the audit's clause groups when it has some), its sites, its
period, the evidence linked to in-scope clauses, the certificates of those standards at those sites,
and the audit's findings. Every selector here takes the requesting user and returns only in-scope
rows; anything else is answered exactly like an id that does not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from greenfactory.accounts.models import User
from greenfactory.sites.models import Site

from ..models import (
    Audit,
    AuditInvitation,
    AuditSession,
    Certificate,
    Clause,
    Evidence,
    EvidenceRevision,
    EvidenceStatus,
    Finding,
    PortalAccessLog,
    Standard,
)


def invitations_in_force(user: User, at: dt.datetime | None = None) -> QuerySet[AuditInvitation]:
    """The user's invitations that are not revoked and whose window contains ``at`` (now)."""
    at = at or timezone.now()
    if not user.is_authenticated:
        return AuditInvitation.objects.none()
    return (
        AuditInvitation.objects.filter(
            auditor=user, revoked_at__isnull=True, starts_at__lte=at, expires_at__gte=at
        )
        .select_related("audit", "audit__programme__site")
        .prefetch_related("audit__standards", "audit__sites")
        .order_by("expires_at", "pk")
    )


def requires_second_factor(user: User, at: dt.datetime | None = None) -> bool:
    """Whether any invitation in force asks the user for a second factor at sign-in."""
    return invitations_in_force(user, at).filter(require_second_factor=True).exists()


def invitation_for(user: User, pk: int, at: dt.datetime | None = None) -> AuditInvitation:
    """One of the user's invitations in force; DoesNotExist for any other id, whoever it belongs to."""
    return invitations_in_force(user, at).get(pk=pk)


@dataclass
class Scope:
    """What one invitation opens."""

    invitation: AuditInvitation
    audit: Audit
    standards: list[Standard]
    sites: list[Site]
    clause_ids: frozenset[int]

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return self.audit.starts_on, self.audit.ends_on


def scope_of(invitation: AuditInvitation) -> Scope:
    """The standards, sites and clauses an invitation opens. The audit's clause groups narrow the
    clauses (a group covers its sub-clauses); without groups, every clause of its standards."""
    audit = invitation.audit
    standards = list(audit.standards.order_by("sort_key", "code"))
    sites = list(audit.sites.order_by("code"))
    clauses = list(Clause.objects.filter(standard__in=standards).values_list("pk", "parent_id"))
    groups = set(audit.clauses.values_list("pk", flat=True))
    if groups:
        parents = dict(clauses)
        clause_ids = frozenset(pk for pk, _ in clauses if _within(pk, groups, parents))
    else:
        clause_ids = frozenset(pk for pk, _ in clauses)
    return Scope(invitation=invitation, audit=audit, standards=standards, sites=sites, clause_ids=clause_ids)


def _within(pk: int, groups: set[int], parents: Mapping[int, int | None]) -> bool:
    seen: set[int] = set()
    current: int | None = pk
    while current is not None and current not in seen:
        if current in groups:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def scope_evidence(scope: Scope) -> QuerySet[Evidence]:
    """Evidence linked to an in-scope clause, at an in-scope site or organisation-wide; superseded
    items are left out (their successors are shown)."""
    sites = [s.pk for s in scope.sites]
    ids = (
        Evidence.objects.filter(clauses__in=scope.clause_ids)
        .filter(Q(sites__in=sites) | Q(sites__isnull=True))
        .exclude(status=EvidenceStatus.SUPERSEDED)
        .values("pk")
    )
    return (
        Evidence.objects.filter(pk__in=ids)
        .select_related("owner")
        .prefetch_related("revisions", "clauses__standard", "sites")
        .order_by("title", "pk")
    )


def scope_revision(scope: Scope, pk: int) -> EvidenceRevision:
    """A file of in-scope evidence; DoesNotExist for any other id."""
    return EvidenceRevision.objects.select_related("evidence").get(
        pk=pk, evidence__in=scope_evidence(scope).values("pk")
    )


def scope_certificates(scope: Scope) -> QuerySet[Certificate]:
    """Certificates of the audit's standards held at one of its sites."""
    return (
        Certificate.objects.filter(standard__in=scope.standards, sites__in=scope.sites)
        .select_related("standard")
        .distinct()
        .order_by("standard__sort_key", "-expires_on")
    )


def scope_findings(scope: Scope) -> QuerySet[Finding]:
    """The audit's findings with their corrective actions, steps and actions."""
    return (
        Finding.objects.filter(audit=scope.audit)
        .select_related("capa", "owner")
        .prefetch_related("clauses__standard", "capa__steps__by", "capa__actions")
        .order_by("pk")
    )


def scope_finding(scope: Scope, pk: int) -> Finding:
    return scope_findings(scope).get(pk=pk)


def scope_sessions(scope: Scope) -> QuerySet[AuditSession]:
    return scope.audit.sessions.select_related("auditor").order_by("starts_at")


# --- staff: invitations and the access log ------------------------------------------------------


def audit_invitations(*, audit: Audit) -> list[AuditInvitation]:
    """An audit's invitations, newest first, each with its ``status`` now."""
    now = timezone.now()
    invitations = list(
        audit.invitations.select_related("auditor", "invited_by", "revoked_by").order_by("-created_at")
    )
    for invitation in invitations:
        invitation.status = invitation.status_at(now)  # type: ignore[attr-defined]
    return invitations


def access_log(
    *,
    audit: Audit | None = None,
    auditor: User | None = None,
    action: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[PortalAccessLog]:
    """Portal access rows, newest first, narrowed by audit, auditor, action and local dates."""
    rows = PortalAccessLog.objects.select_related("user", "invitation", "audit")
    if audit is not None:
        rows = rows.filter(audit=audit)
    if auditor is not None:
        rows = rows.filter(user=auditor)
    if action:
        rows = rows.filter(action=action)
    if since is not None:
        rows = rows.filter(at__gte=_local_midnight(since))
    if until is not None:
        rows = rows.filter(at__lt=_local_midnight(until + dt.timedelta(days=1)))
    return rows.order_by("-at", "-pk")


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def access_log_auditors(*, audit: Audit | None = None) -> QuerySet[User]:
    """The auditors who appear in an audit's log (or anyone's), for the filter's choices."""
    rows = PortalAccessLog.objects.all()
    if audit is not None:
        rows = rows.filter(audit=audit)
    return User.objects.filter(pk__in=rows.values("user_id")).order_by("username")
