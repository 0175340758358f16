"""Reads of meters and their events. Other apps use these (and services) only."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from metering.models import Meter, MeterEvent, MeterGatewaySeen, Reading


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


def meter_last_seen(*, meter: Meter) -> QuerySet[MeterGatewaySeen]:
    """The gateways that sent the meter's readings, with when each last did, latest first."""
    return MeterGatewaySeen.objects.filter(meter=meter).select_related("gateway").order_by("-last_seen_at")
