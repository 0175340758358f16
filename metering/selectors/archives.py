"""Where archived readings end: the instant before which readings and rollups are frozen."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import connection

from metering.models import ReadingArchive


def _month_next(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def archive_horizon() -> dt.datetime | None:
    """The end (UTC) of the newest archived month in force, or None when nothing is archived.

    Only PostgreSQL partitions and archives readings: elsewhere this answers None without a query.
    """
    if connection.vendor != "postgresql":
        return None
    newest = (
        ReadingArchive.objects.filter(restored_at__isnull=True)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    if newest is None:
        return None
    end = _month_next(newest)
    return dt.datetime(end.year, end.month, 1, tzinfo=dt.UTC)


def frozen_before(*, zone: zoneinfo.ZoneInfo | str, horizon: dt.datetime | None = None) -> dt.datetime | None:
    """The first instant whose readings and rollups may still change, for a site in ``zone``.

    That is the start of the first local month that begins a day or more after the archive horizon:
    the local month around the horizon holds archived readings, so its rollups can no longer be
    recomputed whole, and the day's margin keeps the reading before the first recomputed bucket.
    None when nothing is archived. ``horizon`` saves the query when the caller has it already.
    """
    horizon = horizon if horizon is not None else archive_horizon()
    if horizon is None:
        return None
    tz = zoneinfo.ZoneInfo(zone) if isinstance(zone, str) else zone
    earliest = (horizon + dt.timedelta(days=1)).astimezone(tz)
    month = earliest.date().replace(day=1)
    start = dt.datetime(month.year, month.month, 1, tzinfo=tz)
    if start < earliest:
        month = _month_next(month)
        start = dt.datetime(month.year, month.month, 1, tzinfo=tz)
    return start.astimezone(dt.UTC)
