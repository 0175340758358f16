"""The auditor portal: invitations that open one audit to an external auditor, and the log of what
they looked at and downloaded."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .audits import Audit


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class AuditInvitation(models.Model):
    """Read access for one auditor to one audit: its standards, sites, period and the evidence linked
    to its clauses, from ``starts_at`` to ``expires_at`` unless revoked. Changes go through the
    portal services."""

    audit = models.ForeignKey(
        Audit, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("audit")
    )
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="audit_invitations",
        verbose_name=_("auditor"),
    )
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("access from"))
    expires_at = models.DateTimeField(_("access until"))
    require_second_factor = models.BooleanField(_("require a second factor"), default=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["audit", "-created_at"]
        verbose_name = _("audit invitation")
        verbose_name_plural = _("audit invitations")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("starts_at")), name="audit_invitation_expires_after_start"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
                name="audit_invitation_revoked_has_author",
            ),
        ]
        indexes = [models.Index(fields=["auditor", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.audit_id} {self.email}"

    def status_at(self, at: dt.datetime) -> str:
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if at < self.starts_at:
            return InvitationStatus.PENDING
        if at > self.expires_at:
            return InvitationStatus.EXPIRED
        return InvitationStatus.IN_FORCE


class PortalAction(models.TextChoices):
    VIEW = "view", _("Page view")
    PREVIEW = "preview", _("Preview")
    DOWNLOAD = "download", _("Download")
    # The portal's one write: an auditor asks for evidence (certifications.models.evidence_requests).
    REQUEST = "request", _("Evidence request")


class PortalAccessLog(models.Model):
    """One page view, preview, download or evidence request by an auditor in the portal. Written,
    never changed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("auditor")
    )
    invitation = models.ForeignKey(
        AuditInvitation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_log",
        verbose_name=_("invitation"),
    )
    audit = models.ForeignKey(
        Audit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_access_log",
        verbose_name=_("audit"),
    )
    path = models.CharField(_("path"), max_length=500)
    action = models.CharField(_("action"), max_length=10, choices=PortalAction.choices)
    object_type = models.CharField(_("object type"), max_length=50, blank=True)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    remote_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("portal access")
        verbose_name_plural = _("portal access log")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=[a.value for a in PortalAction]), name="portal_access_action_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.path}"
