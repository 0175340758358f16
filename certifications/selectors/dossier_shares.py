"""Dossier shares: the shares of a dossier (staff) and the shares usable by an invitation (portal)."""

from __future__ import annotations

from django.utils import timezone

from ..models import AuditInvitation, Dossier, DossierCopy, DossierShare, DossierStatus


def dossier_shares(*, dossier: Dossier) -> list[DossierShare]:
    """A dossier's shares, newest first, each with ``usable`` now."""
    now = timezone.now()
    shares = list(
        DossierShare.objects.filter(dossier=dossier)
        .select_related("invitation", "shared_by")
        .prefetch_related("copies")
        .order_by("-shared_at")
    )
    for share in shares:
        share.usable = share.usable_at(now)  # type: ignore[attr-defined]
    return shares


def shareable_invitations(*, dossier: Dossier) -> list[AuditInvitation]:
    """The dossier's audit's invitations neither revoked nor expired (none unless it is a complete
    audit dossier)."""
    if dossier.audit_id is None or dossier.status != DossierStatus.COMPLETE:
        return []
    return list(
        AuditInvitation.objects.filter(
            audit_id=dossier.audit_id, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).order_by("name", "pk")
    )


def dossier_share_of(*, dossier: Dossier, pk: int) -> DossierShare:
    return DossierShare.objects.select_related("invitation").get(pk=pk, dossier=dossier)


def invitation_shares(*, invitation: AuditInvitation) -> list[DossierShare]:
    """The dossiers shared with an invitation (in force: the caller checked it), not revoked."""
    return list(
        DossierShare.objects.filter(invitation=invitation, revoked_at__isnull=True)
        .select_related("dossier__audit", "invitation")
        .order_by("-shared_at", "-pk")
    )


def invitation_share(*, invitation: AuditInvitation, pk: int) -> DossierShare:
    """One usable share of the invitation; DoesNotExist for any other id."""
    return (
        DossierShare.objects.filter(
            invitation=invitation, revoked_at__isnull=True, dossier__status=DossierStatus.COMPLETE
        )
        .select_related("dossier", "invitation__audit")
        .get(pk=pk)
    )


def copy_by_sha256(*, sha256: str) -> DossierCopy | None:
    return (
        DossierCopy.objects.filter(sha256=sha256.lower())
        .select_related("share__dossier__audit", "share__dossier__site", "auditor")
        .first()
    )
