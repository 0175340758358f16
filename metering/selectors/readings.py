"""Reads of readings and of the time ranges they made dirty. Other apps use these (and services) only."""

from __future__ import annotations

from django.db.models import QuerySet

from metering.models import DirtyRange, Meter, Reading


def reading_list(*, meter: Meter | None = None) -> QuerySet[Reading]:
    readings = Reading.objects.select_related("meter", "meter__site", "batch", "batch__gateway")
    if meter is not None:
        readings = readings.filter(meter=meter)
    return readings.order_by("-ts", "meter_id")


def meter_latest_reading(*, meter: Meter) -> Reading | None:
    return Reading.objects.filter(meter=meter).order_by("-ts").first()


def dirty_ranges_pending(*, limit: int = 1000) -> QuerySet[DirtyRange]:
    """Dirty ranges not consumed yet, oldest first: the KPI recomputation's work queue."""
    return (
        DirtyRange.objects.filter(consumed_at__isnull=True)
        .select_related("meter")
        .order_by("created_at")[:limit]
    )
