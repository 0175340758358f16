"""Reads of meters, readings, gateways and imports. Other apps use these (and services) only."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from metering.models import DirtyRange, ImportJob, Meter, MeterEvent, MeterGatewaySeen, Reading


def meter_list() -> QuerySet[Meter]:
    return Meter.objects.select_related("site", "parent").order_by("site__code", "code")


def meter_list_with_latest() -> QuerySet[Meter]:
    """Meters with their latest reading's time and value, in one query whatever the number of meters."""
    latest = Reading.objects.filter(meter=OuterRef("pk")).order_by("-ts")
    return meter_list().annotate(
        latest_ts=Subquery(latest.values("ts")[:1]), latest_value=Subquery(latest.values("value")[:1])
    )


def meter_event_list() -> QuerySet[MeterEvent]:
    return MeterEvent.objects.select_related("meter", "meter__site", "created_by")


def reading_list(*, meter: Meter | None = None) -> QuerySet[Reading]:
    readings = Reading.objects.select_related("meter", "meter__site", "batch", "batch__gateway")
    if meter is not None:
        readings = readings.filter(meter=meter)
    return readings.order_by("-ts", "meter_id")


def meter_latest_reading(*, meter: Meter) -> Reading | None:
    return Reading.objects.filter(meter=meter).order_by("-ts").first()


def meter_last_seen(*, meter: Meter) -> QuerySet[MeterGatewaySeen]:
    return MeterGatewaySeen.objects.filter(meter=meter).select_related("gateway").order_by("-last_seen_at")


def dirty_ranges_pending(*, limit: int = 1000) -> QuerySet[DirtyRange]:
    """Dirty ranges not consumed yet, oldest first: the KPI recomputation's work queue."""
    return (
        DirtyRange.objects.filter(consumed_at__isnull=True)
        .select_related("meter")
        .order_by("created_at")[:limit]
    )


def import_job_list() -> QuerySet[ImportJob]:
    return ImportJob.objects.select_related("site", "created_by")
