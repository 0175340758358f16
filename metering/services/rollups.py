"""Readings -> consumption per meter and bucket (hour, day, month in the site's time zone).

For one meter's window the readings become a cumulative consumption curve, linear between
readings; a bucket's consumption is the curve's rise across the bucket. That one step splits every
delta across bucket boundaries in proportion to time, gaps included, and is vectorised (numpy over
the window). Register rules (DOMAIN.md section 4): a decrease is a rollover only when the register
maximum is set and the wrap is plausible; a reset or exchange event explains it otherwise; an
unexplained decrease is flagged and contributes nothing; a step above the rated flow is flagged.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db import connection, connections, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from greenfactory.core.time import Granularity, bucket_floor, bucket_next
from metering.choices import MeterKind
from metering.models import DirtyRange, Meter, MeterEvent, MeterRollup, Reading
from metering.services import pgbinary
from metering.units import canonical_unit, conversion_factor

# Hours are kept inside their day's row (MeterRollup.hourly).
ROLLUP_GRANULARITIES = (Granularity.DAY, Granularity.MONTH)
_FREQ = {Granularity.HOUR: "h", Granularity.DAY: "D", Granularity.MONTH: "MS"}
# A spacing this many times the usual spacing around it (the median of the GAP_NEIGHBOURS spacings
# on either side and itself) is a gap (reported, and split by time). Local, so a meter moving from
# daily to hourly readings is not full of gaps, and the same readings give the same gaps whichever
# window is recomputed.
GAP_FACTOR = 1.5
GAP_NEIGHBOURS = 4
_NS = 1_000_000_000
_READING_COLUMNS = [("begin", "timestamptz"), ("ts", "timestamptz"), ("value", "float8")]


@dataclass
class Touched:
    """Per site: the earliest and latest instants whose buckets were recomputed."""

    spans: dict[int, list[dt.datetime]] = field(default_factory=dict)

    def add(self, site_id: int, start: dt.datetime, end: dt.datetime) -> None:
        span = self.spans.get(site_id)
        if span is None:
            self.spans[site_id] = [start, end]
        else:
            span[0], span[1] = min(span[0], start), max(span[1], end)


def bucket_edges(start: dt.datetime, end: dt.datetime, *, granularity: str, zone) -> np.ndarray:
    """UTC nanosecond edges of the buckets overlapping [start, end) (one more edge than buckets)."""
    first = bucket_floor(start, granularity=granularity, zone=zone)
    last = bucket_floor(end, granularity=granularity, zone=zone)
    if last < end or last == first:
        last = bucket_next(last, granularity=granularity, zone=zone)
    edges = pd.date_range(first, last, freq=_FREQ[granularity], tz=zone)
    return edges.tz_convert("UTC").as_unit("ns").asi8


@dataclass
class Curve:
    """Cumulative consumption (canonical unit) at instants, and the instants of flagged events."""

    x: np.ndarray  # int64 ns, non-decreasing
    y: np.ndarray  # float, non-decreasing
    gaps: np.ndarray
    spikes: np.ndarray
    decreases: np.ndarray
    gap_usual: np.ndarray | None = None  # registers: the usual spacing (ns) around each gap


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
    for event in events:  # few: one per reset or exchange
        # Exact integer nanoseconds: a float timestamp can land beside a reading at the same instant.
        event_ns = pd.Timestamp(event.ts).tz_convert("UTC").as_unit("ns").value
        i = int(np.searchsorted(t, event_ns, side="left"))
        if 1 <= i < len(t):
            step[i - 1] = (event.old_final_value - v[i - 1]) + (v[i] - event.new_start_value)
            explained[i - 1] = True
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
    quantity = step * float(meter.multiplier) * scale
    spacing = np.diff(t)
    usual = usual_spacing(spacing)
    gaps = spacing > GAP_FACTOR * usual if len(spacing) > 2 else np.zeros(len(step), dtype=bool)
    return Curve(
        x=t,
        y=np.concatenate([[0.0], np.cumsum(quantity)]),
        gaps=t[:-1][gaps],
        gap_usual=usual[gaps],
        spikes=t[:-1][spikes],
        decreases=t[:-1][decreases],
    )


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


def _frame(meter: Meter, lo: dt.datetime, hi: dt.datetime) -> pd.DataFrame:
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
    rows = list(readings.order_by("ts").values_list("start", "ts", "value"))
    frame = pd.DataFrame.from_records(rows, columns=["start", "ts", "value"])
    for column in ("start", "ts"):
        frame[column] = pd.to_datetime(frame[column], utc=True).dt.as_unit("ns")
    return frame


def meter_curve(
    *, meter: Meter, lo: dt.datetime, hi: dt.datetime, frame: pd.DataFrame | None = None
) -> Curve:
    """The cumulative consumption curve of a meter over [lo, hi] in its medium's canonical unit
    (from ``frame``, the readings ``_frame`` returns for that window, when already read)."""
    scale = conversion_factor(unit=meter.unit, to=canonical_unit(medium=meter.medium, unit=meter.unit))
    if frame is None:
        frame = _frame(meter, lo, hi)
    if meter.kind == MeterKind.REGISTER:
        events = list(MeterEvent.objects.filter(meter=meter, ts__gte=lo - dt.timedelta(days=400), ts__lte=hi))
        return _register_curve(meter, frame, events, scale)
    return _interval_curve(meter, frame, scale)


def _hourly(curve: Curve, edges: np.ndarray) -> list[list[float]]:
    """Per day bucket (between consecutive ``edges``), the consumption of each local hour in order;
    NaN for an hour the readings do not reach (stored as null)."""
    # Integer steps: np.arange over a float length loses the last edge on long windows.
    hours = int((edges[-1] - edges[0]) // (3600 * _NS))
    hour_edges = edges[0] + 3600 * _NS * np.arange(hours + 1, dtype=np.int64)
    if hour_edges[-1] < edges[-1]:  # a zone whose day is not whole hours of UTC at a change
        hour_edges = np.append(hour_edges, edges[-1])
    quantity = np.diff(np.interp(hour_edges, curve.x, curve.y))
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
    quantity = np.diff(np.interp(edges, curve.x, curve.y))
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


def refresh_window(meter: Meter, start: dt.datetime, end: dt.datetime):
    """(lo, hi, month_lo, month_hi): the span whose buckets readings changed in [start, end] can
    change (from the reading before to the reading after), and the whole months around it."""
    zone = zoneinfo.ZoneInfo(meter.site.time_zone)
    readings = Reading.objects.filter(meter=meter)
    lo = readings.filter(ts__lt=start).order_by("-ts").values_list("ts", flat=True).first() or start
    hi = readings.filter(ts__gt=end).order_by("ts").values_list("ts", flat=True).first() or end
    if meter.kind == MeterKind.INTERVAL:
        lo, hi = min(lo, start), max(hi, end)
    month_lo = bucket_floor(lo, granularity=Granularity.MONTH, zone=zone)
    month_hi = bucket_next(
        bucket_floor(hi, granularity=Granularity.MONTH, zone=zone), granularity=Granularity.MONTH, zone=zone
    )
    return lo, hi, month_lo, month_hi


@transaction.atomic
def meter_rollups_refresh(
    *, meter: Meter, start: dt.datetime, end: dt.datetime, prefetched=None, curves: dict | None = None
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
    # One refresh of a meter at a time: two workers replacing the same buckets would collide.
    Meter.objects.select_for_update().filter(pk=meter.pk).values_list("pk", flat=True).first()
    zone = zoneinfo.ZoneInfo(meter.site.time_zone)
    window = refresh_window(meter, start, end)
    lo, hi, month_lo, month_hi = window
    frame = prefetched[1] if prefetched is not None and prefetched[0] == window else None
    curve = meter_curve(meter=meter, lo=month_lo, hi=month_hi, frame=frame)
    if curves is not None:
        curves[meter.pk] = (window, curve)
    frames = []
    for granularity in ROLLUP_GRANULARITIES:
        edges = bucket_edges(lo, hi, granularity=granularity, zone=zone)
        first, last = (
            pd.Timestamp(edges[0], tz="UTC").to_pydatetime(),
            pd.Timestamp(edges[-1], tz="UTC").to_pydatetime(),
        )
        MeterRollup.objects.filter(
            meter=meter, granularity=granularity, start__gte=first, start__lt=last
        ).delete()
        frames.append(_rollup_rows(curve, edges, granularity))
    _rollups_write(meter, pd.concat(frames, ignore_index=True))
    return month_lo, month_hi


def _reading_bounds(meter: Meter) -> tuple[dt.datetime, dt.datetime] | None:
    """The instants the meter's readings span (interval starts included), read from the index ends."""
    readings = Reading.objects.filter(meter=meter)
    first = readings.order_by("ts").values_list("start", "ts").first()
    last = readings.order_by("-ts").values_list("ts", flat=True).first()
    if first is None:
        return None
    if meter.kind == MeterKind.INTERVAL:
        earliest = readings.filter(ts__lte=first[1] + dt.timedelta(days=400)).order_by("start")
        first = (earliest.values_list("start", flat=True).first() or first[1], first[1])
    return (first[0] or first[1]), last


def _read_ahead(meter: Meter, start: dt.datetime, end: dt.datetime):
    """In the reading thread: a meter's window and its readings (see ``site_rollups_recompute``)."""
    window = refresh_window(meter, start, end)
    return window, _frame(meter, window[2], window[3])


def site_rollups_recompute(
    *, site, start: dt.datetime | None = None, end: dt.datetime | None = None, progress=None
) -> tuple[list[tuple[Meter, dt.datetime, dt.datetime]], int]:
    """Recompute every real meter's rollups of a site over [start, end) (default: all its readings),
    then the site's KPIs, in one transaction. Returns ((meter, start, end) of every meter
    recomputed, KPI buckets written). ``progress(done, total, meter)`` is called after each meter.

    This is the bulk path (``recompute_kpis``, a new factor set, a repaired import): one transaction
    for all meters, so the work is committed once and a failure leaves the previous figures intact.
    On PostgreSQL, outside any caller's transaction, a second connection reads the next meter's
    readings while this one computes and writes the current meter's rollups: the database and
    Python then work at the same time. (Inside a caller's transaction the second connection could
    not see what that transaction wrote, so everything is read here.)
    """
    read_ahead = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        # Every meter locked first (in id order, as dirty-range processing does): a refresh running
        # meanwhile waits, so what the reading connection reads is not overtaken before we commit.
        list(
            Meter.objects.select_for_update()
            .filter(site=site, is_virtual=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        spans = []
        for meter in Meter.objects.select_related("site").filter(site=site, is_virtual=False).order_by("pk"):
            bounds = _reading_bounds(meter)
            if bounds is None:
                continue
            span_start = max(start, bounds[0]) if start else bounds[0]
            span_end = min(end, bounds[1]) if end else bounds[1]
            if span_start <= span_end:
                spans.append((meter, span_start, span_end))
        if read_ahead:
            _refresh_reading_ahead(spans, progress=progress)
        else:
            for done, (meter, span_start, span_end) in enumerate(spans, start=1):
                meter_rollups_refresh(meter=meter, start=span_start, end=span_end)
                if progress is not None:
                    progress(done, len(spans), meter)
        from accounting.services.kpis import site_kpis_recompute

        return spans, site_kpis_recompute(site=site, start=start, end=end)


def _refresh_reading_ahead(spans, depth: int = 2, progress=None) -> None:
    """Refresh each (meter, start, end) while one thread, with its own connection, reads the
    readings of the next ``depth`` meters."""

    def close() -> None:
        connections.close_all()  # the reading thread's own connection

    pending: deque = deque()
    done = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rollup-read") as reader:
        try:
            upcoming = iter(spans)
            for _ in range(depth):
                item = next(upcoming, None)
                if item is not None:
                    pending.append((item, reader.submit(_read_ahead, *item)))
            while pending:
                (meter, span_start, span_end), future = pending.popleft()
                item = next(upcoming, None)
                if item is not None:
                    pending.append((item, reader.submit(_read_ahead, *item)))
                meter_rollups_refresh(meter=meter, start=span_start, end=span_end, prefetched=future.result())
                done += 1
                if progress is not None:
                    progress(done, len(spans), meter)
        finally:
            for _, future in pending:
                future.cancel()
            reader.submit(close).result()


@transaction.atomic
def dirty_ranges_process(*, ids: list[int] | None = None, limit: int = 500) -> int:
    """Consume pending dirty ranges (these ids, or the oldest ``limit``): refresh the rollups of their
    meters and the KPIs of their sites, and mark them consumed, all in one transaction.

    A worker killed midway rolls everything back, so the retry starts from the same state.
    Returns the number of ranges consumed.
    """
    from accounting.services.kpis import site_kpis_refresh
    from metering.services import quality

    pending = DirtyRange.objects.select_for_update(skip_locked=True).filter(consumed_at__isnull=True)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    ranges = list(pending.order_by("created_at")[:limit])
    if not ranges:
        return 0
    spans: dict[int, list[dt.datetime]] = {}
    for dirty in ranges:
        span = spans.setdefault(dirty.meter_id, [dirty.start, dirty.end])
        span[0], span[1] = min(span[0], dirty.start), max(span[1], dirty.end)
    touched = Touched()
    curves: dict = {}  # the findings below reuse the curves the rollups were built from
    # Meters in id order, then sites: locks are always taken in the same order, so no deadlock.
    for meter in Meter.objects.select_related("site").filter(pk__in=spans, is_virtual=False).order_by("pk"):
        lo, hi = meter_rollups_refresh(
            meter=meter, start=spans[meter.pk][0], end=spans[meter.pk][1], curves=curves
        )
        touched.add(meter.site_id, lo, hi)
    for site_id, (lo, hi) in sorted(touched.spans.items()):
        site_kpis_refresh(site_id=site_id, start=lo, end=hi)
    quality.findings_after_rollups(ranges=ranges, curves=curves)
    DirtyRange.objects.filter(pk__in=[d.pk for d in ranges]).update(consumed_at=timezone.now())
    return len(ranges)
