"""Time buckets (hour, day, month, year) in a site's time zone: the one home of bucket arithmetic."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import models
from django.utils.translation import gettext_lazy as _


class Granularity(models.TextChoices):
    HOUR = "hour", _("Hour")
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


def bucket_floor(when: dt.datetime, *, granularity: str, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The start (aware, in ``zone``) of the bucket holding ``when``."""
    local = when.astimezone(zone)
    if granularity == Granularity.HOUR:
        local = local.replace(minute=0, second=0, microsecond=0)
        return local.astimezone(dt.UTC).astimezone(zone)
    local = dt.datetime.combine(local.date(), dt.time(), tzinfo=zone)
    if granularity in (Granularity.MONTH, Granularity.YEAR):
        local = local.replace(day=1)
    if granularity == Granularity.YEAR:
        local = local.replace(month=1)
    return local


def bucket_next(start: dt.datetime, *, granularity: str, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The start of the bucket after the one starting at ``start``."""
    local = start.astimezone(zone)
    if granularity == Granularity.HOUR:
        return (start.astimezone(dt.UTC) + dt.timedelta(hours=1)).astimezone(zone)
    if granularity == Granularity.DAY:
        return dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    if granularity == Granularity.MONTH:
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        return dt.datetime(year, month, 1, tzinfo=zone)
    return dt.datetime(local.year + 1, 1, 1, tzinfo=zone)
