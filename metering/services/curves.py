"""A meter's readings over a window -> its cumulative consumption curve, with flagged events.

The readings become a cumulative consumption curve in the medium's canonical unit, linear between
readings: rollups take a bucket's consumption as the curve's rise across it, and the data-quality
findings read their gaps, spikes and decreases from the same curve. Register rules (DOMAIN.md
section 4): a decrease is a rollover only when the register maximum is set and the wrap is plausible;
a reset or exchange event explains it otherwise; an unexplained decrease is flagged and contributes
nothing; a step above the rated flow is flagged. Vectorised: numpy over one meter's window.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models.functions import Coalesce

from greenfactory.core.time import months_around
from metering.choices import MeterKind
from metering.models import Meter, MeterEvent, Reading
from metering.services import pgbinary
from metering.units import canonical_unit, conversion_factor

# A spacing this many times the usual spacing around it (the median of the GAP_NEIGHBOURS spacings
# on either side and itself) is a gap (reported, and split by time). Local, so a meter moving from
# daily to hourly readings is not full of gaps, and the same readings give the same gaps whichever
# window is recomputed.
GAP_FACTOR = 1.5
GAP_NEIGHBOURS = 4
_NS = 1_000_000_000
# (lo, hi, month_lo, month_hi), as ``refresh_window`` answers it.
Window = tuple[dt.datetime, dt.datetime, dt.datetime, dt.datetime]

_READING_COLUMNS = [("begin", "timestamptz"), ("ts", "timestamptz"), ("value", "float8")]


@dataclass
class Curve:
    """Cumulative consumption (canonical unit) at instants, and the instants of flagged events."""

    x: np.ndarray  # int64 ns, non-decreasing
    y: np.ndarray  # float, non-decreasing
    gaps: np.ndarray
    spikes: np.ndarray
    decreases: np.ndarray
    gap_usual: np.ndarray | None = None  # registers: the usual spacing (ns) around each gap
    # The curve in time, for rollups: x and y plus a point at each reset or exchange between two
    # readings (the old meter's rise before it, the new meter's after). Findings judge readings: x, y.
    timeline: tuple[np.ndarray, np.ndarray] | None = None

    def in_time(self) -> tuple[np.ndarray, np.ndarray]:
        """(instants, cumulative consumption) to split into buckets."""
        return self.timeline if self.timeline is not None else (self.x, self.y)


def usual_spacing(spacing: np.ndarray) -> np.ndarray:
    """For each spacing between readings, the usual spacing around it: the median of itself and the
    GAP_NEIGHBOURS spacings on either side."""
    if len(spacing) == 0:
        return spacing.astype(float)
    window = 2 * GAP_NEIGHBOURS + 1
    return pd.Series(spacing, dtype=float).rolling(window, center=True, min_periods=1).median().to_numpy()


def _empty_curve() -> Curve:
    empty = np.array([], dtype=np.int64)
    return Curve(x=empty, y=np.array([], dtype=float), gaps=empty, spikes=empty, decreases=empty)


def _register_curve(meter: Meter, frame: pd.DataFrame, events: list[MeterEvent], scale: float) -> Curve:
    t = frame["ts"].to_numpy(dtype=np.int64)
    v = frame["value"].to_numpy(dtype=float)
    if len(t) < 2:
        return _empty_curve()
    step = np.diff(v)
    hours = np.diff(t) / (3600 * _NS)
    explained = np.zeros(len(step), dtype=bool)
    # An event between two readings splits their step in time: the old meter's rise up to the event,
    # the new meter's after it. (step index, event instant, the old meter's part of the step)
    splits: list[tuple[int, int, float]] = []
    for event in events:  # few: one per reset or exchange
        # Exact integer nanoseconds: a float timestamp can land beside a reading at the same instant.
        event_ns = pd.Timestamp(event.ts).tz_convert("UTC").as_unit("ns").value
        i = int(np.searchsorted(t, event_ns, side="left"))
        if 1 <= i < len(t):
            old_part = event.old_final_value - v[i - 1]
            step[i - 1] = old_part + (v[i] - event.new_start_value)
            explained[i - 1] = True
            if t[i - 1] < event_ns < t[i]:
                splits.append((i - 1, event_ns, old_part))
    down = (step < 0) & ~explained
    decreases = np.zeros(len(step), dtype=bool)
    if down.any():
        if meter.register_max is not None:
            wrap = float(meter.register_max) + 1 - v[:-1] + v[1:]
            plausible = (wrap >= 0) & (wrap <= (float(meter.register_max) + 1) / 2)
            if meter.rated_max_flow is not None:
                plausible &= wrap <= float(meter.rated_max_flow) * np.maximum(hours, 1 / 3600)
            rolled = down & plausible
            step[rolled] = wrap[rolled]
            decreases = down & ~plausible
        else:
            decreases = down
        step[decreases] = 0.0
    spikes = np.zeros(len(step), dtype=bool)
    if meter.rated_max_flow is not None:
        spikes = step > float(meter.rated_max_flow) * hours
    factor = float(meter.multiplier) * scale
    quantity = step * factor
    spacing = np.diff(t)
    usual = usual_spacing(spacing)
    gaps = spacing > GAP_FACTOR * usual if len(spacing) > 2 else np.zeros(len(step), dtype=bool)
    y = np.concatenate([[0.0], np.cumsum(quantity)])
    return Curve(
        x=t,
        y=y,
        timeline=_split_at_events(t, y, splits, factor) if splits else None,
        gaps=t[:-1][gaps],
        gap_usual=usual[gaps],
        spikes=t[:-1][spikes],
        decreases=t[:-1][decreases],
    )


def _split_at_events(
    x: np.ndarray, y: np.ndarray, splits: list[tuple[int, int, float]], factor: float
) -> tuple[np.ndarray, np.ndarray]:
    """The curve with a point at each event instant, holding the old meter's part of the step (kept
    within the step, so the curve stays non-decreasing whatever the event's values)."""
    splits.sort()
    positions = np.array([index + 1 for index, _ns, _old in splits])
    at = np.array([ns for _index, ns, _old in splits], dtype=np.int64)
    rise = np.array([min(max(old * factor, 0.0), y[index + 1] - y[index]) for index, _ns, old in splits])
    before = y[positions - 1]
    return np.insert(x, positions, at), np.insert(y, positions, before + rise)


def _interval_curve(meter: Meter, frame: pd.DataFrame, scale: float) -> Curve:
    if frame.empty:
        return _empty_curve()
    frame = frame.sort_values(["start", "ts"])
    s = frame["start"].to_numpy(dtype=np.int64)
    e = frame["ts"].to_numpy(dtype=np.int64)
    # Overlapping intervals would count twice: keep each one's part after the previous end.
    previous_end = np.maximum.accumulate(np.concatenate([[s[0]], e[:-1]]))
    clipped = np.maximum(s, previous_end)
    share = np.where(e > clipped, (e - clipped) / np.maximum(e - s, 1), 0.0)
    quantity = frame["value"].to_numpy(dtype=float) * share * float(meter.multiplier) * scale
    cumulative = np.cumsum(quantity)
    before = np.concatenate([[0.0], cumulative[:-1]])
    x = np.empty(2 * len(s), dtype=np.int64)
    y = np.empty(2 * len(s))
    x[0::2], x[1::2] = np.minimum(clipped, e), e
    y[0::2], y[1::2] = before, cumulative
    gaps = s[1:][s[1:] > previous_end[1:]] if len(s) > 1 else np.array([], dtype=np.int64)
    empty = np.array([], dtype=np.int64)
    return Curve(x=x, y=y, gaps=gaps, spikes=empty, decreases=empty)


def readings_frame(meter: Meter, lo: dt.datetime, hi: dt.datetime) -> pd.DataFrame:
    """The meter's readings in [lo, hi] plus the neighbouring reading on either side (registers)."""
    readings = Reading.objects.filter(meter=meter)
    if meter.kind == MeterKind.REGISTER:
        before = readings.filter(ts__lt=lo).order_by("-ts").values_list("ts", flat=True).first()
        after = readings.filter(ts__gt=hi).order_by("ts").values_list("ts", flat=True).first()
        readings = readings.filter(ts__gte=before or lo, ts__lte=after or hi, start__isnull=True)
    else:
        readings = readings.filter(ts__gt=lo, start__lt=hi, start__isnull=False)
    if connection.vendor == "postgresql":
        # Packed binary straight into numpy: no Python object per reading for a year of data.
        sql, params = (
            readings.annotate(begin=Coalesce("start", "ts"))
            .order_by()
            .values_list("begin", "ts", "value")
            .query.sql_with_params()
        )
        with connection.cursor() as cursor:
            rows = pgbinary.read(cursor.cursor, sql, params, _READING_COLUMNS, order_by="ts")
        frame = pd.DataFrame({"start": rows["begin"], "ts": rows["ts"], "value": rows["value"]})
        for column in ("start", "ts"):
            frame[column] = pd.to_datetime(frame[column], unit="us", utc=True).dt.as_unit("ns")
        return frame
    records = list(readings.order_by("ts").values_list("start", "ts", "value"))
    frame = pd.DataFrame.from_records(records, columns=["start", "ts", "value"])
    for column in ("start", "ts"):
        frame[column] = pd.to_datetime(frame[column], utc=True).dt.as_unit("ns")
    return frame


def meter_curve(
    *, meter: Meter, lo: dt.datetime, hi: dt.datetime, frame: pd.DataFrame | None = None
) -> Curve:
    """The cumulative consumption curve of a meter over [lo, hi] in its medium's canonical unit
    (from ``frame``, the readings ``readings_frame`` returns for that window, when already read)."""
    scale = conversion_factor(unit=meter.unit, to=canonical_unit(medium=meter.medium, unit=meter.unit))
    if frame is None:
        frame = readings_frame(meter, lo, hi)
    if meter.kind == MeterKind.REGISTER:
        events = list(MeterEvent.objects.filter(meter=meter, ts__gte=lo - dt.timedelta(days=400), ts__lte=hi))
        return _register_curve(meter, frame, events, scale)
    return _interval_curve(meter, frame, scale)


def refresh_window(meter: Meter, start: dt.datetime, end: dt.datetime) -> Window:
    """(lo, hi, month_lo, month_hi): the span whose buckets readings changed in [start, end] can
    change (from the reading before to the reading after), and the whole months around it."""
    zone = zoneinfo.ZoneInfo(meter.site.time_zone)
    readings = Reading.objects.filter(meter=meter)
    lo = readings.filter(ts__lt=start).order_by("-ts").values_list("ts", flat=True).first() or start
    hi = readings.filter(ts__gt=end).order_by("ts").values_list("ts", flat=True).first() or end
    if meter.kind == MeterKind.INTERVAL:
        lo, hi = min(lo, start), max(hi, end)
    month_lo, month_hi = months_around(lo, hi, zone=zone)
    return lo, hi, month_lo, month_hi
