"""Gateways: machines on the shop floor that upload readings with their own key.

Gateways live with the meters they are scoped to (metering depends on accounts, never the
reverse). Each gateway acts through a dedicated user holding the gateway role, so the one roles
module decides what it may do. Only a SHA-256 hash of the key is stored; the short prefix finds it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Gateway(models.Model):
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="gateways", verbose_name=_("site")
    )
    name = models.CharField(_("name"), max_length=120)
    user = models.OneToOneField(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="gateway",
        verbose_name=_("acts as user"),
    )
    all_meters = models.BooleanField(
        _("all meters of the site"), default=False, help_text=_("Otherwise only the meters chosen below.")
    )
    meters = models.ManyToManyField(
        "metering.Meter", blank=True, related_name="gateways", verbose_name=_("meters")
    )
    key_prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    last_used_from = models.GenericIPAddressField(_("last used from"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at", "last_used_from"])

    class Meta:
        ordering = ["site__code", "name"]
        verbose_name = _("gateway")
        verbose_name_plural = _("gateways")
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="gateway_name_unique_per_site"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class MeterGatewaySeen(models.Model):
    """When a gateway last delivered readings for a meter, and the latest reading time it sent."""

    meter = models.ForeignKey(
        "metering.Meter", on_delete=models.CASCADE, related_name="seen_by", verbose_name=_("meter")
    )
    gateway = models.ForeignKey(
        Gateway, on_delete=models.CASCADE, related_name="seen_meters", verbose_name=_("gateway")
    )
    last_seen_at = models.DateTimeField(_("last seen"))
    last_reading_ts = models.DateTimeField(_("latest reading time"))

    class Meta:
        verbose_name = _("gateway last seen")
        verbose_name_plural = _("gateways last seen")
        constraints = [
            models.UniqueConstraint(fields=["meter", "gateway"], name="meter_gateway_seen_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.gateway_id} → {self.meter_id} {self.last_seen_at.isoformat()}"
