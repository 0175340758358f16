"""Dossiers shared with an invited auditor, and the personal copies an auditor downloads (stamped
with their name and the date, sealed after stamping; the dossier's own file is never changed)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .dossiers import Dossier
from .portal import AuditInvitation, InvitationStatus


class DossierShare(models.Model):
    """A complete dossier of an audit opened to one of the audit's invitations, usable while the
    invitation is in force and the share is not revoked. Changes go through the share services."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="shares", verbose_name=_("dossier")
    )
    invitation = models.ForeignKey(
        AuditInvitation,
        on_delete=models.PROTECT,
        related_name="dossier_shares",
        verbose_name=_("invitation"),
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("shared by")
    )
    shared_at = models.DateTimeField(_("shared at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-shared_at", "-id"]
        verbose_name = _("dossier share")
        verbose_name_plural = _("dossier shares")

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.invitation_id}"

    def usable_at(self, at: dt.datetime) -> bool:
        return self.revoked_at is None and self.invitation.status_at(at) == InvitationStatus.IN_FORCE


class DossierCopy(models.Model):
    """One personal copy downloaded by an auditor: the hashes of the copy and of the original."""

    share = models.ForeignKey(
        DossierShare, on_delete=models.PROTECT, related_name="copies", verbose_name=_("share")
    )
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("auditor")
    )
    issued_to = models.CharField(_("issued to"), max_length=200)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    sha256 = models.CharField(_("SHA-256 of the copy"), max_length=64, db_index=True)
    original_sha256 = models.CharField(_("SHA-256 of the dossier"), max_length=64)
    sealed = models.BooleanField(_("sealed"), default=False)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("personal dossier copy")
        verbose_name_plural = _("personal dossier copies")

    def __str__(self) -> str:
        return f"{self.share_id} {self.issued_to} {self.sha256[:12]}"
