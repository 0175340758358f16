"""Rollups: consumption per meter and bucket. Pages and accounting's KPIs read only these.

Buckets start at the site's local midnight (or hour, or first of the month), stored in UTC.
``RollupChange`` is the outbox that tells readers of rollups (accounting) which spans changed.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from greenfactory.core.fields import FloatListField
from greenfactory.core.time import Granularity

_DEC = {"max_digits": 22, "decimal_places": 6}


class MeterRollup(models.Model):
    """A meter's consumption in its medium's canonical unit over one day or month, with data-quality
    counts; a day also keeps its consumption per local hour.

    Hours live inside their day (``hourly``, one value per local hour in order: 24, or 23/25 on a
    daylight-saving change; null for an hour the readings do not reach) rather than as rows of
    their own: a year of a hundred meters is 36,500 rows instead of 912,500, which is what keeps a
    full recompute close to the cost of one SQL pass over the readings.
    """

    meter = models.ForeignKey(
        "metering.Meter", on_delete=models.CASCADE, related_name="rollups", verbose_name=_("meter")
    )
    granularity = models.CharField(_("granularity"), max_length=5, choices=Granularity.choices)
    start = models.DateTimeField(_("bucket start"))
    quantity = models.FloatField(_("quantity"))
    gaps = models.PositiveIntegerField(_("gaps"), default=0)
    spikes = models.PositiveIntegerField(_("spikes"), default=0)
    decreases = models.PositiveIntegerField(_("unexplained decreases"), default=0)
    hourly = FloatListField(_("consumption per local hour"), default=list, blank=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        ordering = ["meter", "granularity", "start"]
        verbose_name = _("meter rollup")
        verbose_name_plural = _("meter rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["meter", "granularity", "start"], name="meter_rollup_unique_bucket"
            ),
            models.CheckConstraint(
                condition=Q(granularity__in=["day", "month"]), name="meter_rollup_day_or_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.granularity} {self.start.isoformat()} {self.quantity}"


class RollupChange(models.Model):
    """An outbox row: a site's rollups changed over [start, end) (whole local months).

    Metering's pipeline writes one per touched site and span in the same transaction as the rollups,
    so a reader that consumes these rows (accounting's KPIs) misses nothing when a message is lost or
    the broker is down; ``consumed_at`` is set by that reader, in the transaction of its own work.
    """

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="rollup_changes", verbose_name=_("site")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    consumed_at = models.DateTimeField(_("consumed at"), null=True, blank=True)
    # Set by the reader when its work for this row failed; it retries later and shows the error.
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("rollup change")
        verbose_name_plural = _("rollup changes")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="rollup_change_ordered"),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(consumed_at__isnull=True), name="rollup_change_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.start.isoformat()}–{self.end.isoformat()}"
