"""Metering's pipeline: dirty ranges -> rollups -> data-quality findings -> outbox, in one transaction.

Ingestion (and a meter event) records dirty ranges in the transaction of the readings and queues
``metering.kpi_dirty_process`` after commit; that task, and the periodic ``metering.kpi_sweep`` for
messages that were lost, run ``dirty_ranges_process``: the rollups of the touched meters, their
findings and their sites' energy balance, and one ``RollupChange`` outbox row per touched site and
span, all committed together or not at all. Readers of rollups (accounting's KPIs) consume those
rows; metering tells them only through the ``rollups_changed`` signal (``metering.signals``), sent
after commit, and imports nothing of theirs.

``site_rollups_recompute`` is the bulk path (``recompute_kpis``): every meter of a site from scratch,
also announced through the outbox.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
from django.db import connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from greenfactory.core.dispatch import task_after_commit
from greenfactory.core.spans import Span, spans_cover_by, spans_merge
from greenfactory.sites.models import Site
from metering.choices import MeterKind
from metering.models import DirtyRange, Meter, Reading, RollupChange
from metering.services import curves, quality
from metering.services.rollups import meter_rollups_refresh
from metering.signals import rollups_changed

Progress = Callable[[int, int, Meter], None]
logger = logging.getLogger(__name__)


def dirty_ranges_process_after_commit(*, dirty: Iterable[DirtyRange]) -> None:
    """Queue the processing of these dirty ranges after commit. Their ids are known on both
    backends only when bulk_create returns them; otherwise the sweeper consumes the ranges."""
    ids = [d.pk for d in dirty if d.pk is not None]
    task_after_commit("metering.kpi_dirty_process", ids or None)


# --- the outbox -------------------------------------------------------------------------------------


def rollup_changes_record(*, touched: Iterable[tuple[int, dt.datetime, dt.datetime]]) -> list[int]:
    """Write the outbox rows for rollups recomputed over these (site id, start, end) spans: per site,
    one row per disjoint span. After commit, ``rollups_changed`` is sent with their ids. Call it in
    the transaction that wrote the rollups. Returns the ids (empty when they are not known)."""
    per_site: dict[int, list[Span[dt.datetime]]] = {}
    for site_id, start, end in touched:
        per_site.setdefault(site_id, []).append(Span(start, end))
    rows = [
        RollupChange(site_id=site_id, start=span.start, end=span.end)
        for site_id, spans in sorted(per_site.items())
        for span in spans_merge(spans)
    ]
    if not rows:
        return []
    created = RollupChange.objects.bulk_create(rows)
    ids = [row.pk for row in created if row.pk is not None]
    change_ids = ids if len(ids) == len(created) else None
    transaction.on_commit(lambda: rollups_changed.send(sender=RollupChange, change_ids=change_ids))
    return ids


# --- dirty ranges -------------------------------------------------------------------------------------


# A meter whose refresh failed is retried by the sweeper after this long (a fault that heals, such as
# a lock timeout, heals by itself; a value the database cannot store keeps failing, visibly).
FAILED_RETRY_AFTER = dt.timedelta(hours=1)


@transaction.atomic
def dirty_ranges_process(*, ids: list[int] | None = None, limit: int = 500) -> int:
    """Consume pending dirty ranges (these ids, or the oldest ``limit``): refresh the rollups of their
    meters, the meters' findings and their sites' energy balance, write the outbox rows for the
    touched spans, and mark the ranges consumed, all in one transaction.

    Each meter is refreshed in a savepoint of its own: a meter whose refresh fails (say a value that
    overflows a column) has its ranges marked failed with the error, and every other meter and site
    moves on. A worker killed midway rolls everything back, so the retry starts from the same state.
    Returns the number of ranges consumed or marked failed.
    """
    now = timezone.now()
    pending = DirtyRange.objects.select_for_update(skip_locked=True).filter(consumed_at__isnull=True)
    pending = pending.filter(Q(failed_at__isnull=True) | Q(failed_at__lt=now - FAILED_RETRY_AFTER))
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    ranges = list(pending.order_by("created_at")[:limit])
    if not ranges:
        return 0
    spans = spans_cover_by((d.meter_id, d.start, d.end) for d in ranges)
    touched: list[tuple[int, dt.datetime, dt.datetime]] = []
    failed: dict[int, str] = {}
    windows: list[tuple[int, dt.datetime, dt.datetime]] = []
    # Meters in id order, then sites: locks are always taken in the same order, so no deadlock.
    meters = list(Meter.objects.select_related("site").filter(pk__in=spans, is_virtual=False).order_by("pk"))
    for meter in meters:
        span = spans[meter.pk]
        try:
            with transaction.atomic():
                # The findings reuse the curve the rollups were built from.
                known: dict[int, tuple[curves.Window, curves.Curve]] = {}
                lo, hi = meter_rollups_refresh(meter=meter, start=span.start, end=span.end, curves=known)
                found = quality.meter_findings_refresh(
                    meter=meter, start=span.start, end=span.end, known=known.get(meter.pk)
                )
        except Exception as exc:  # noqa: BLE001 - any failure of one meter must not stop the others
            logger.exception("Refreshing meter %s (id %s) failed", meter.code, meter.pk)
            failed[meter.pk] = f"{type(exc).__name__}: {exc}"[:2000]
            continue
        touched.append((meter.site_id, lo, hi))
        windows.append((meter.site_id, *found))
    for site_id, error in _site_balances_refresh(meters, windows).items():
        for meter in meters:  # retried with the site's balance; their rollups are idempotent
            if meter.site_id == site_id and meter.pk not in failed:
                failed[meter.pk] = error
    rollup_changes_record(touched=touched)
    done = [d.pk for d in ranges if d.meter_id not in failed]
    DirtyRange.objects.filter(pk__in=done).update(consumed_at=now, failed_at=None, error="")
    for meter_id, error in failed.items():
        DirtyRange.objects.filter(pk__in=[d.pk for d in ranges if d.meter_id == meter_id]).update(
            failed_at=now, error=error, attempts=F("attempts") + 1
        )
    return len(ranges)


def _site_balances_refresh(
    meters: list[Meter], windows: list[tuple[int, dt.datetime, dt.datetime]]
) -> dict[int, str]:
    """The energy balance of the sites whose meters were refreshed, over the windows their findings
    covered, one site at a time (two workers reconciling a site's balance would collide) and each in
    a savepoint. Returns the error of each site whose balance failed."""
    sites = {meter.site_id: meter.site for meter in meters}
    covered = spans_cover_by(windows)
    list(
        Site.objects.select_for_update(no_key=True)
        .filter(pk__in=covered)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    failed: dict[int, str] = {}
    for site_id, span in sorted(covered.items()):
        try:
            with transaction.atomic():
                quality.site_balance_refresh(site=sites[site_id], start=span.start, end=span.end)
        except Exception as exc:  # noqa: BLE001 - one site's failure must not stop the others
            logger.exception("Refreshing the energy balance of site %s failed", site_id)
            failed[site_id] = f"{type(exc).__name__}: {exc}"[:2000]
    return failed


# --- the bulk path --------------------------------------------------------------------------------------


def _reading_bounds(meter: Meter) -> tuple[dt.datetime, dt.datetime] | None:
    """The instants the meter's readings span (interval starts included), read from the index ends."""
    readings = Reading.objects.filter(meter=meter)
    first = readings.order_by("ts").values_list("start", "ts").first()
    last = readings.order_by("-ts").values_list("ts", flat=True).first()
    if first is None or last is None:
        return None
    if meter.kind == MeterKind.INTERVAL:
        earliest = readings.filter(ts__lte=first[1] + dt.timedelta(days=400)).order_by("start")
        first = (earliest.values_list("start", flat=True).first() or first[1], first[1])
    return (first[0] or first[1]), last


def _read_ahead(meter: Meter, start: dt.datetime, end: dt.datetime) -> tuple[curves.Window, pd.DataFrame]:
    """In the reading thread: a meter's window and its readings (see ``site_rollups_recompute``)."""
    window = curves.refresh_window(meter, start, end)
    return window, curves.readings_frame(meter, window[2], window[3])


def site_rollups_recompute(
    *,
    site: Site,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    progress: Progress | None = None,
) -> list[tuple[Meter, dt.datetime, dt.datetime]]:
    """Recompute every real meter's rollups of a site over [start, end) (default: all its readings)
    and write the outbox row of the recomputed span, in one transaction. Returns (meter, start, end)
    of every meter recomputed. ``progress(done, total, meter)`` is called after each meter.

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
            Meter.objects.select_for_update(no_key=True)
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
            windows = _refresh_reading_ahead(spans, progress=progress)
        else:
            windows = []
            for done, (meter, span_start, span_end) in enumerate(spans, start=1):
                windows.append(meter_rollups_refresh(meter=meter, start=span_start, end=span_end))
                if progress is not None:
                    progress(done, len(spans), meter)
        rollup_changes_record(touched=[(site.pk, lo, hi) for lo, hi in windows])
        return spans


def _refresh_reading_ahead(
    spans: list[tuple[Meter, dt.datetime, dt.datetime]], depth: int = 2, progress: Progress | None = None
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Refresh each (meter, start, end) while one thread, with its own connection, reads the
    readings of the next ``depth`` meters. Returns the spans recomputed, in order."""

    def close() -> None:
        connections.close_all()  # the reading thread's own connection

    pending: deque = deque()
    windows = []
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
                windows.append(
                    meter_rollups_refresh(
                        meter=meter, start=span_start, end=span_end, prefetched=future.result()
                    )
                )
                if progress is not None:
                    progress(len(windows), len(spans), meter)
        finally:
            for _, future in pending:
                future.cancel()
            reader.submit(close).result()
    return windows
