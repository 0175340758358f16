"""Readings -> consumption per meter and bucket (hour, day, month in the site's time zone).

For one meter's window the readings become a cumulative consumption curve (``curves``); a bucket's
consumption is the curve's rise across the bucket. That one step splits every delta across bucket
boundaries in proportion to time, gaps included, and is vectorised (numpy over the window). This
module computes and writes one meter's rollups; ``pipeline`` decides which meters and spans, and
tells the readers of rollups what changed.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from greenfactory.core.time import Granularity, bucket_floor, bucket_next
from metering.models import Meter, MeterRollup
from metering.selectors.archives import frozen_before
from metering.services.curves import Curve, Window, meter_curve, refresh_window

# Hours are kept inside their day's row (MeterRollup.hourly).
ROLLUP_GRANULARITIES = (Granularity.DAY, Granularity.MONTH)
_FREQ: dict[str, str] = {Granularity.HOUR: "h", Granularity.DAY: "D", Granularity.MONTH: "MS"}
_NS = 1_000_000_000


def bucket_edges(
    start: dt.datetime, end: dt.datetime, *, granularity: str, zone: zoneinfo.ZoneInfo
) -> np.ndarray:
    """UTC nanosecond edges of the buckets overlapping [start, end) (one more edge than buckets)."""
    first = bucket_floor(start, granularity=granularity, zone=zone)
    last = bucket_floor(end, granularity=granularity, zone=zone)
    if last < end or last == first:
        last = bucket_next(last, granularity=granularity, zone=zone)
    edges = pd.date_range(first, last, freq=_FREQ[granularity], tz=zone)
    return edges.tz_convert("UTC").as_unit("ns").asi8


def _hourly(curve: Curve, edges: np.ndarray) -> list[list[float]]:
    """Per day bucket (between consecutive ``edges``), the consumption of each local hour in order;
    NaN for an hour the readings do not reach (stored as null)."""
    # Integer steps: np.arange over a float length loses the last edge on long windows.
    hours = int((edges[-1] - edges[0]) // (3600 * _NS))
    hour_edges = edges[0] + 3600 * _NS * np.arange(hours + 1, dtype=np.int64)
    if hour_edges[-1] < edges[-1]:  # a zone whose day is not whole hours of UTC at a change
        hour_edges = np.append(hour_edges, edges[-1])
    quantity = np.diff(np.interp(hour_edges, *curve.in_time()))
    covered = (hour_edges[1:] > curve.x[0]) & (hour_edges[:-1] < curve.x[-1])
    values = np.where(covered, quantity, np.nan).tolist()
    bounds = np.searchsorted(hour_edges, edges).tolist()
    return [values[first:last] for first, last in zip(bounds[:-1], bounds[1:], strict=True)]


def _rollup_rows(curve: Curve, edges: np.ndarray, granularity: str) -> pd.DataFrame:
    """The buckets' rows as columns: start (ns), quantity, the data-quality counts and, for days,
    the hourly profile."""
    columns = ["granularity", "start", "quantity", "gaps", "spikes", "decreases", "hourly"]
    if len(curve.x) == 0 or len(edges) < 2:
        return pd.DataFrame(columns=columns)
    quantity = np.diff(np.interp(edges, *curve.in_time()))
    # Only buckets the readings reach: before the first or after the last reading nothing is known.
    covered = (edges[1:] > curve.x[0]) & (edges[:-1] < curve.x[-1])

    def counts(instants: np.ndarray) -> np.ndarray:
        # Flags sit at the start of their step, in the bucket the step begins in.
        index = np.searchsorted(edges, instants, side="right") - 1
        index = index[(index >= 0) & (index < len(edges) - 1)]
        return np.bincount(index, minlength=len(edges) - 1)

    gaps, spikes, decreases = counts(curve.gaps), counts(curve.spikes), counts(curve.decreases)
    keep = covered | (gaps > 0) | (spikes > 0) | (decreases > 0)
    if granularity == Granularity.DAY:
        hourly = _hourly(curve, edges)
        hourly = [hours for hours, kept in zip(hourly, keep.tolist(), strict=True) if kept]
    else:
        hourly = [[] for _ in range(int(keep.sum()))]
    return pd.DataFrame(
        {
            "granularity": granularity,
            "start": edges[:-1][keep],
            "quantity": quantity[keep],
            "gaps": gaps[keep],
            "spikes": spikes[keep],
            "decreases": decreases[keep],
            "hourly": hourly,
        },
        columns=columns,
    )


def _pg_array(values: list[float]) -> str:
    """A PostgreSQL array literal of floats, NaN as NULL (COPY text format)."""
    return "{" + ",".join(map(repr, values)).replace("nan", "NULL") + "}"


def _rollups_write(meter: Meter, frame: pd.DataFrame) -> None:
    """Insert the rows (PostgreSQL: COPY, the bulk path; elsewhere bulk_create)."""
    if frame.empty:
        return
    starts = pd.to_datetime(frame["start"].to_numpy(dtype=np.int64), utc=True)
    if connection.vendor == "postgresql":
        # Numbers, braces, commas and NULL only: nothing in these lines needs COPY escaping.
        # (A float's repr never contains "nan" unless it is NaN.)
        now = timezone.now().isoformat()
        lines = "".join(
            f"{meter.pk}\t{granularity}\t{start}\t{quantity!r}\t{gaps}\t{spikes}\t{decreases}\t"
            f"{_pg_array(hourly)}\t{now}\n"
            for granularity, start, quantity, gaps, spikes, decreases, hourly in zip(
                frame["granularity"].tolist(),
                starts.strftime("%Y-%m-%dT%H:%M:%S+00:00").tolist(),
                frame["quantity"].astype(float).tolist(),
                frame["gaps"].astype(int).tolist(),
                frame["spikes"].astype(int).tolist(),
                frame["decreases"].astype(int).tolist(),
                frame["hourly"].tolist(),
                strict=True,
            )
        )
        with (
            connection.cursor() as cursor,
            cursor.copy(
                f"COPY {MeterRollup._meta.db_table} (meter_id, granularity, start, quantity, gaps, spikes, "
                "decreases, hourly, computed_at) FROM STDIN"
            ) as copy,
        ):
            copy.write(lines)
        return
    MeterRollup.objects.bulk_create(
        [
            MeterRollup(
                meter=meter,
                granularity=row.granularity,
                start=start,
                quantity=float(row.quantity),
                gaps=int(row.gaps),
                spikes=int(row.spikes),
                decreases=int(row.decreases),
                hourly=row.hourly,
            )
            for row, start in zip(frame.itertuples(index=False), starts.to_pydatetime(), strict=True)
        ],
        batch_size=5000,
    )


@transaction.atomic
def meter_rollups_refresh(
    *,
    meter: Meter,
    start: dt.datetime,
    end: dt.datetime,
    prefetched: tuple[Window, pd.DataFrame] | None = None,
    curves: dict[int, tuple[Window, Curve]] | None = None,
) -> tuple[dt.datetime, dt.datetime]:
    """Recompute the meter's day (with their hours) and month rollups whose buckets [start, end] can
    change.

    Readings changed in [start, end] change the consumption from the reading before ``start`` to the
    one after ``end``; exactly the buckets overlapping that span are replaced. Idempotent: running it
    again writes the same rows. Returns the span recomputed.

    ``prefetched`` is ``(window, frame)`` read ahead by ``site_rollups_recompute``; the frame is
    used only if this transaction sees the same window. ``curves``, when given, receives
    ``{meter id: (window, curve)}`` so that the data-quality findings of the same window reuse the
    curve instead of reading the readings again.
    """
    # One refresh of a meter at a time: two workers replacing the same buckets would collide. FOR NO
    # KEY UPDATE, as every pipeline lock on meters and sites: it excludes other refreshes but not the
    # foreign-key checks of an upload inserting this meter's readings, so uploads running meanwhile
    # neither wait for the refresh nor deadlock with it.
    Meter.objects.select_for_update(no_key=True).filter(pk=meter.pk).values_list("pk", flat=True).first()
    zone = zoneinfo.ZoneInfo(meter.site.time_zone)
    window = refresh_window(meter, start, end)
    lo, hi, month_lo, month_hi = window
    frame = prefetched[1] if prefetched is not None and prefetched[0] == window else None
    curve = meter_curve(meter=meter, lo=month_lo, hi=month_hi, frame=frame)
    if curves is not None:
        curves[meter.pk] = (window, curve)
    frames = []
    # Buckets before the archive horizon are frozen: their readings are archived, so recomputing
    # them would rewrite them from what is left. Frozen is a local month start, so it is an edge of
    # every granularity.
    frozen = frozen_before(zone=zone)
    frozen_ns = pd.Timestamp(frozen).as_unit("ns").value if frozen is not None else None
    for granularity in ROLLUP_GRANULARITIES:
        edges = bucket_edges(lo, hi, granularity=granularity, zone=zone)
        if frozen_ns is not None:
            edges = edges[edges >= frozen_ns]
            if len(edges) < 2:
                continue
        first, last = (
            pd.Timestamp(edges[0], tz="UTC").to_pydatetime(),
            pd.Timestamp(edges[-1], tz="UTC").to_pydatetime(),
        )
        MeterRollup.objects.filter(
            meter=meter, granularity=granularity, start__gte=first, start__lt=last
        ).delete()
        frames.append(_rollup_rows(curve, edges, granularity))
    if frames:
        _rollups_write(meter, pd.concat(frames, ignore_index=True))
    return month_lo, month_hi
