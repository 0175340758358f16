"""Permits and licences the plant operates under (discharge permit, hazardous-waste operation
licence, the battery-recycling industry-conditions listing, fire and safety acceptances).

A permit's status is derived from its dates: revoked once a revocation date is recorded, expired
after its expiry date, expiring within its reminder window before it, valid otherwise. Each of its
conditions is an ``Obligation`` of source "permit condition" pointing to it.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from greenfactory.core.validators import validate_plausible_date

from .registers import RegisterEntry


class PermitKind(models.TextChoices):
    DISCHARGE = "discharge", _("Discharge permit")
    HAZARDOUS_WASTE = "hazardous_waste", _("Hazardous-waste operation licence")
    INDUSTRY_CONDITIONS = "industry_conditions", _("Battery-recycling industry-conditions listing")
    FIRE_ACCEPTANCE = "fire_acceptance", _("Fire acceptance")
    SAFETY_ACCEPTANCE = "safety_acceptance", _("Safety acceptance")
    OTHER = "other", _("Other")


class PermitStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Expiring")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class Permit(RegisterEntry):
    """One permit or licence, with its number, issuer, scope and validity."""

    kind = models.CharField(_("kind"), max_length=24, choices=PermitKind.choices)
    number = models.CharField(_("permit number"), max_length=100)
    issuer = models.CharField(_("issuer"), max_length=200)
    scope = models.TextField(_("scope"), blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True, validators=[validate_plausible_date])
    expires_on = models.DateField(
        _("expires on"),
        null=True,
        blank=True,
        validators=[validate_plausible_date],
        help_text=_("Leave empty for a permit without expiry (e.g. a fire acceptance)."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("renewal reminder (days before expiry)"),
        default=90,
        help_text=_("The owner is reminded this many days before the expiry date."),
    )
    revoked_on = models.DateField(
        _("revoked on"), null=True, blank=True, validators=[validate_plausible_date]
    )

    list_url_name = "permit-list"

    class Meta(RegisterEntry.Meta):
        verbose_name = _("permit or licence")
        verbose_name_plural = _("permits and licences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(issued_on__isnull=True)
                | models.Q(expires_on__gte=models.F("issued_on")),
                name="permit_expiry_after_issue",
            ),
        ]

    def status_on(self, today: dt.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.revoked_on is not None and self.revoked_on <= today:
            return PermitStatus.REVOKED
        if self.expires_on is not None:
            if self.expires_on < today:
                return PermitStatus.EXPIRED
            if self.expires_on <= today + dt.timedelta(days=self.reminder_days):
                return PermitStatus.EXPIRING
        return PermitStatus.VALID

    @property
    def status(self) -> str:
        return self.status_on()

    def get_status_display(self) -> str:
        return str(PermitStatus(self.status).label)

    def is_valid_on(self, day: dt.date) -> bool:
        """Held on ``day``: issued by then, not expired and not revoked."""
        if self.issued_on is not None and self.issued_on > day:
            return False
        return self.status_on(day) in (PermitStatus.VALID, PermitStatus.EXPIRING)
