"""Data-quality findings (gaps, spikes, flatlines, ...) and the thresholds that decide them.

A finding is derived from readings or rollups and keyed by (meter or gateway, kind, start), so a
recomputation updates it in place; a person's explanation is kept across recomputations.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

DEFAULT_BALANCE_TOLERANCE_PCT = 5
DEFAULT_STALE_GATEWAY_HOURS = 24
DEFAULT_FLATLINE_HOURS = 24


class FindingKind(models.TextChoices):
    GAP = "gap", _("Gap")
    SPIKE = "spike", _("Spike")
    FLATLINE = "flatline", _("Flatline")
    NEGATIVE_INTERVAL = "negative_interval", _("Negative interval")
    DECREASE = "decrease", _("Unexplained register decrease")
    STALE_GATEWAY = "stale_gateway", _("Stale gateway")
    ENERGY_BALANCE = "energy_balance", _("Energy-balance gap")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    EXPLAINED = "explained", _("Explained")


class QualityFinding(models.Model):
    """One data-quality problem over [start, end) of a meter (or a parent and its sub-meters) or a gateway."""

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    meter = models.ForeignKey(
        "metering.Meter",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quality_findings",
        verbose_name=_("meter"),
    )
    gateway = models.ForeignKey(
        "metering.Gateway",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quality_findings",
        verbose_name=_("gateway"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FindingKind.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    magnitude = models.FloatField(
        _("magnitude"),
        help_text=_(
            "Hours for gaps, flatlines and stale gateways; the step per hour for spikes; the drop for "
            "decreases; the value for negative intervals; percent of the parent for energy balance."
        ),
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    detected = models.BooleanField(
        _("still detected"),
        default=True,
        help_text=_("False when an explained finding no longer follows from the data."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    note = models.TextField(_("explanation"), blank=True)
    explained_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("explained by"),
    )
    explained_at = models.DateTimeField(_("explained at"), null=True, blank=True)
    created_at = models.DateTimeField(_("first detected"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last recomputed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start", "kind", "id"]
        verbose_name = _("data-quality finding")
        verbose_name_plural = _("data-quality findings")
        constraints = [
            models.UniqueConstraint(
                fields=["meter", "kind", "start"],
                condition=Q(meter__isnull=False),
                name="quality_finding_meter_key",
            ),
            models.UniqueConstraint(
                fields=["gateway", "kind", "start"],
                condition=Q(gateway__isnull=False),
                name="quality_finding_gateway_key",
            ),
            models.CheckConstraint(
                condition=Q(meter__isnull=False, gateway__isnull=True)
                | Q(meter__isnull=True, gateway__isnull=False),
                name="quality_finding_meter_or_gateway",
            ),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="quality_finding_ordered"),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(note=""), name="quality_finding_explained_has_note"
            ),
        ]
        indexes = [models.Index(fields=["site", "status", "kind"], name="quality_finding_site_status")]

    def __str__(self) -> str:
        subject = self.meter_id or self.gateway_id
        return f"{self.get_kind_display()} {subject} {self.start.isoformat()}"


class SiteQualitySettings(models.Model):
    """A site's data-quality thresholds; a site without a row uses the defaults."""

    site = models.OneToOneField(
        "sites.Site", on_delete=models.CASCADE, related_name="quality_settings", verbose_name=_("site")
    )
    balance_tolerance_pct = models.DecimalField(
        _("energy-balance tolerance (%)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_BALANCE_TOLERANCE_PCT,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "Losses between a parent meter and its sub-meters above this share of the parent are flagged."
        ),
    )
    stale_gateway_hours = models.PositiveIntegerField(
        _("stale gateway after (hours)"),
        default=DEFAULT_STALE_GATEWAY_HOURS,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 366)],
    )
    flatline_hours = models.PositiveIntegerField(
        _("flatline after (hours)"),
        default=DEFAULT_FLATLINE_HOURS,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 366)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site data-quality settings")
        verbose_name_plural = _("site data-quality settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_tolerance_pct__gte=0, balance_tolerance_pct__lte=100),
                name="site_quality_tolerance_range",
            ),
            models.CheckConstraint(condition=Q(stale_gateway_hours__gte=1), name="site_quality_stale_min"),
            models.CheckConstraint(condition=Q(flatline_hours__gte=1), name="site_quality_flatline_min"),
        ]

    def __str__(self) -> str:
        return str(self.site)


class MeterQualitySettings(models.Model):
    """Per-meter overrides of the site's thresholds (empty: the site's value)."""

    meter = models.OneToOneField(
        "metering.Meter", on_delete=models.CASCADE, related_name="quality_settings", verbose_name=_("meter")
    )
    flatline_hours = models.PositiveIntegerField(
        _("flatline after (hours)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 366)],
    )
    balance_tolerance_pct = models.DecimalField(
        _("energy-balance tolerance (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("For a parent meter: the losses allowed against its sub-meters."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meter data-quality settings")
        verbose_name_plural = _("meter data-quality settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_tolerance_pct__isnull=True)
                | Q(balance_tolerance_pct__gte=0, balance_tolerance_pct__lte=100),
                name="meter_quality_tolerance_range",
            ),
            models.CheckConstraint(
                condition=Q(flatline_hours__isnull=True) | Q(flatline_hours__gte=1),
                name="meter_quality_flatline_min",
            ),
        ]

    def __str__(self) -> str:
        return str(self.meter)
