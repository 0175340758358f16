"""Time buckets (hour, day, month, year) in a site's time zone, and month arithmetic on dates: the
one home of bucket and month arithmetic."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Granularity(models.TextChoices):
    HOUR = "hour", _("Hour")
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


# --- months on calendar dates ------------------------------------------------------------------------


def month_floor(day: dt.date) -> dt.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def months_add(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` months after ``day``'s month (before it when negative)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, 1)


def month_next(day: dt.date) -> dt.date:
    """The first day of the month after ``day``'s month."""
    return months_add(day, 1)


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month."""
    return month_next(day) - dt.timedelta(days=1)


def months_before(day: dt.date, count: int) -> list[dt.date]:
    """First days of the ``count`` months before ``day``'s month, oldest first (``day``'s own excluded)."""
    return [months_add(day, -n) for n in range(count, 0, -1)]


def local_today(*, time_zone: str) -> dt.date:
    """Today's date in the time zone ``time_zone`` (a site's), not the server's."""
    return timezone.now().astimezone(zoneinfo.ZoneInfo(time_zone)).date()


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months from the month of ``start`` to the month of ``end``, both inclusive."""
    result, current = [], month_floor(start)
    while current <= end:
        result.append(current)
        current = month_next(current)
    return result


# --- buckets on aware instants ---------------------------------------------------------------------------


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
        return dt.datetime.combine(month_next(local.date()), dt.time(), tzinfo=zone)
    return dt.datetime(local.year + 1, 1, 1, tzinfo=zone)


def bucket_starts(
    start: dt.datetime, end: dt.datetime, *, granularity: str, zone: zoneinfo.ZoneInfo
) -> list[dt.datetime]:
    """The starts of the buckets overlapping [start, end), in order."""
    current = bucket_floor(start, granularity=granularity, zone=zone)
    starts = []
    while current < end:
        starts.append(current)
        current = bucket_next(current, granularity=granularity, zone=zone)
    return starts


def months_around(
    start: dt.datetime, end: dt.datetime, *, zone: zoneinfo.ZoneInfo
) -> tuple[dt.datetime, dt.datetime]:
    """The whole local months around [start, end]: the start of ``start``'s month and the start of
    the month after ``end``'s."""
    month = Granularity.MONTH
    last = bucket_floor(end, granularity=month, zone=zone)
    return bucket_floor(start, granularity=month, zone=zone), bucket_next(last, granularity=month, zone=zone)
