"""Readings, the batches that brought them, corrections of them, and the dirty ranges they leave.

Values are stored as double precision (FloatField): they are raw measurements with far fewer
significant digits than a double holds, and floats keep the ingest path free of Decimal
construction. Figures that are summed and reported (KPIs, tce, emissions) are Decimals downstream.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from metering.choices import Quality, Source


class IngestBatch(models.Model):
    """One upload: a gateway's POST, a staff member's API call, or one chunk of a file import.

    A gateway's ``client_batch_id`` makes a retried upload of the same body a no-op that answers the
    stored result. Only a batch stored without a refused row keeps its id: a refused or partly refused
    batch can be sent again, corrected, under the same id.
    """

    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    gateway = models.ForeignKey(
        "metering.Gateway",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="batches",
        verbose_name=_("gateway"),
    )
    client_batch_id = models.CharField(_("batch id"), max_length=100, blank=True)
    body_hash = models.CharField(
        _("body hash"),
        max_length=64,
        blank=True,
        help_text=_(
            "SHA-256 of the normalised batch: a resend under the same batch id replays only if equal."
        ),
    )
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    duplicate = models.PositiveIntegerField(_("duplicates"), default=0)
    conflict = models.PositiveIntegerField(_("conflicts"), default=0)
    corrected = models.PositiveIntegerField(_("corrected"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("ingest batch")
        verbose_name_plural = _("ingest batches")
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "client_batch_id"],
                condition=~Q(client_batch_id=""),
                name="ingest_batch_unique_per_gateway",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.client_batch_id or self.pk}"


class Reading(models.Model):
    """A register value at ``ts`` (``start`` empty), or an interval quantity over [start, ts).

    Times are stored in UTC. The natural key is (meter, ts) for registers and (meter, start, ts)
    for intervals; both are unique in the database.
    """

    # No index of its own: the (meter, ts) index below serves every per-meter query.
    meter = models.ForeignKey(
        "metering.Meter",
        on_delete=models.PROTECT,
        related_name="readings",
        verbose_name=_("meter"),
        db_index=False,
    )
    start = models.DateTimeField(_("interval start"), null=True, blank=True)
    ts = models.DateTimeField(_("time (interval end)"))
    value = models.FloatField(_("value"))
    quality = models.CharField(_("quality"), max_length=12, choices=Quality.choices, default=Quality.ACTUAL)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    batch = models.ForeignKey(
        IngestBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="readings",
        verbose_name=_("batch"),
    )
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    class Meta:
        ordering = ["meter", "-ts"]
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        constraints = [
            models.UniqueConstraint(
                fields=["meter", "ts"], condition=Q(start__isnull=True), name="reading_register_unique"
            ),
            models.UniqueConstraint(
                fields=["meter", "start", "ts"],
                condition=Q(start__isnull=False),
                name="reading_interval_unique",
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(start__lt=F("ts")), name="reading_interval_ordered"
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(value__gte=0), name="reading_interval_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["meter", "ts"], name="reading_meter_ts")]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.ts.isoformat()} {self.value}"


class ReadingCorrection(models.Model):
    """The value a reading had before an explicit correction replaced it, with who and when."""

    # No database constraint: a key into a partitioned table must hold the partition key (the
    # reading's time); Django deletes a reading's corrections with it.
    reading = models.ForeignKey(
        Reading,
        on_delete=models.CASCADE,
        related_name="corrections",
        verbose_name=_("reading"),
        db_constraint=False,
    )
    old_value = models.FloatField(_("old value"))
    old_quality = models.CharField(_("old quality"), max_length=12, choices=Quality.choices)
    new_value = models.FloatField(_("new value"))
    new_quality = models.CharField(_("new quality"), max_length=12, choices=Quality.choices)
    batch = models.ForeignKey(
        IngestBatch, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("batch")
    )
    corrected_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    gateway = models.ForeignKey(
        "metering.Gateway",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gateway"),
    )
    corrected_at = models.DateTimeField(_("corrected at"), auto_now_add=True)

    class Meta:
        ordering = ["-corrected_at"]
        verbose_name = _("reading correction")
        verbose_name_plural = _("reading corrections")

    def __str__(self) -> str:
        return f"{self.reading_id}: {self.old_value} → {self.new_value}"


class DirtyRange(models.Model):
    """A meter's time range whose readings changed: metering's pipeline (rollups, findings) consumes these.

    Rows are written in the same transaction as the readings, so nothing depends on a broker.
    [start, end] spans the changed readings' own times (interval starts included); a consumer turning
    registers into consumption widens it to the neighbouring readings on either side.
    """

    meter = models.ForeignKey(
        "metering.Meter", on_delete=models.CASCADE, related_name="dirty_ranges", verbose_name=_("meter")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    batch = models.ForeignKey(
        IngestBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dirty_ranges",
        verbose_name=_("batch"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    consumed_at = models.DateTimeField(_("consumed at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("dirty range")
        verbose_name_plural = _("dirty ranges")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="dirty_range_ordered"),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(consumed_at__isnull=True), name="dirty_range_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.start.isoformat()}–{self.end.isoformat()}"


class ReadingArchive(models.Model):
    """A month of readings detached from the readings table and written to a file (PostgreSQL).

    Rollups and KPIs stay; the month's readings are in ``file`` (gzip CSV with a header row, the
    table's columns) with their corrections beside it, checked by count and SHA-256. Readings
    before ``frozen_before`` of a site can no longer be added or changed, and rollups before it
    are never recomputed. ``restored_at`` is set when the month was loaded back.
    """

    month = models.DateField(_("month (UTC)"), help_text=_("The first day of the archived UTC month."))
    partition = models.CharField(_("partition"), max_length=63)
    rows = models.BigIntegerField(_("readings"))
    corrections = models.BigIntegerField(_("corrections"), default=0)
    file = models.CharField(_("readings file"), max_length=500)
    sha256 = models.CharField(_("readings file SHA-256"), max_length=64)
    corrections_file = models.CharField(_("corrections file"), max_length=500, blank=True)
    corrections_sha256 = models.CharField(_("corrections file SHA-256"), max_length=64, blank=True)
    archived_at = models.DateTimeField(_("archived at"), auto_now_add=True)
    restored_at = models.DateTimeField(_("restored at"), null=True, blank=True)

    class Meta:
        verbose_name = _("archived readings month")
        verbose_name_plural = _("archived readings months")
        ordering = ["month"]
        constraints = [
            # One archive in force per month; a restored month may be archived again later.
            models.UniqueConstraint(
                fields=["month"],
                condition=Q(restored_at__isnull=True),
                name="metering_readingarchive_month_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} ({self.rows} readings)"
