"""Writing validated rows: one algorithm, two database paths with identical results.

1. Insert every row, skipping keys already stored (PostgreSQL: COPY into a temporary staging
   table, then ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``; SQLite: a bulk insert that ignores
   conflicts). Rows inserted carry this batch.
2. Look up the stored rows at the batch's keys that belong to another batch: the same value is a
   duplicate, a different value is a conflict, or a correction when the row asks for one.

Concurrent uploads are safe: the unique indexes decide who inserts a key, and the look-up runs
after the insert, so it sees whatever a concurrent batch committed first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from django.db import connection

from metering.models import Gateway, IngestBatch, Reading, ReadingCorrection

if TYPE_CHECKING:
    from greenfactory.accounts.models import User


class Row(NamedTuple):
    # Shadows tuple.index(); mypy refuses the field name although NamedTuple allows it.
    index: int  # type: ignore[assignment]
    meter_id: int
    start: dt.datetime | None
    ts: dt.datetime
    value: float
    quality: str
    correction: bool


class Stored(NamedTuple):
    reading_id: int
    value: float
    quality: str


@dataclass
class WriteOutcome:
    accepted: list[Row] = field(default_factory=list)
    duplicates: list[Row] = field(default_factory=list)
    conflicts: list[tuple[Row, Stored]] = field(default_factory=list)
    corrected: list[tuple[Row, Stored]] = field(default_factory=list)


def rows_write(*, rows: list[Row], batch: IngestBatch, source: str, now: dt.datetime) -> WriteOutcome:
    """Insert new rows and classify the rest against what is stored. Call inside a transaction."""
    if not rows:
        return WriteOutcome()
    if connection.vendor == "postgresql":
        others = _write_postgresql(rows=rows, batch=batch, source=source, now=now)
    else:
        others = _write_generic(rows=rows, batch=batch, source=source, now=now)
    outcome = WriteOutcome()
    for row in rows:
        stored = others.get(row.index)
        if stored is None:
            outcome.accepted.append(row)
        elif stored.value == row.value:
            outcome.duplicates.append(row)
        elif row.correction:
            outcome.corrected.append((row, stored))
        else:
            outcome.conflicts.append((row, stored))
    return outcome


def _write_generic(
    *, rows: list[Row], batch: IngestBatch, source: str, now: dt.datetime
) -> dict[int, Stored]:
    Reading.objects.bulk_create(
        (
            Reading(
                meter_id=r.meter_id,
                start=r.start,
                ts=r.ts,
                value=r.value,
                quality=r.quality,
                source=source,
                batch=batch,
                created_at=now,
            )
            for r in rows
        ),
        ignore_conflicts=True,
        batch_size=500,
    )
    wanted = {(r.meter_id, r.start, r.ts): r.index for r in rows}
    others: dict[int, Stored] = {}
    by_meter: dict[int, list[dt.datetime]] = {}
    for r in rows:
        by_meter.setdefault(r.meter_id, []).append(r.ts)
    for meter_id, times in by_meter.items():
        stored = (
            Reading.objects.filter(meter_id=meter_id, ts__gte=min(times), ts__lte=max(times))
            .exclude(batch=batch)
            .values_list("start", "ts", "id", "value", "quality")
        )
        for start, ts, reading_id, value, quality in stored.iterator(chunk_size=5000):
            index = wanted.get((meter_id, start, ts))
            if index is not None:
                others[index] = Stored(reading_id, value, quality)
    return others


_STAGE = "gf_ingest_stage"


def _write_postgresql(
    *, rows: list[Row], batch: IngestBatch, source: str, now: dt.datetime
) -> dict[int, Stored]:
    table = Reading._meta.db_table
    with connection.cursor() as cursor:
        # Kept for the connection's life, emptied at every commit: no catalogue churn per batch.
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} (idx integer, meter_id bigint, "
            "start timestamptz, ts timestamptz, value double precision, quality varchar(12)) "
            "ON COMMIT DELETE ROWS"
        )
        cursor.execute(f"TRUNCATE {_STAGE}")
        # Binary COPY: psycopg packs ints, timestamps and floats in C, with no text formatting.
        with cursor.copy(
            f"COPY {_STAGE} (idx, meter_id, start, ts, value, quality) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(["int4", "int8", "timestamptz", "timestamptz", "float8", "varchar"])
            write = copy.write_row
            for r in rows:
                write(r[:6])
        cursor.execute(
            f"WITH inserted AS (INSERT INTO {table} "  # noqa: S608
            "(meter_id, start, ts, value, quality, source, batch_id, created_at) "
            f"SELECT meter_id, start, ts, value, quality, %s, %s, %s FROM {_STAGE} "
            "ON CONFLICT DO NOTHING RETURNING 1) SELECT count(*) FROM inserted",
            [source, batch.pk, now],
        )
        if cursor.fetchone()[0] == len(rows):
            return {}  # the usual case: every key was new, nothing to compare
        cursor.execute(f"ANALYZE {_STAGE}")  # a fresh temp table has no statistics: plan the join well
        cursor.execute(
            f"SELECT s.idx, r.id, r.value, r.quality FROM {_STAGE} s JOIN {table} r "  # noqa: S608
            "ON r.meter_id = s.meter_id AND r.ts = s.ts "
            "AND ((r.start IS NULL AND s.start IS NULL) OR r.start = s.start) "
            "WHERE r.batch_id IS DISTINCT FROM %s",
            [batch.pk],
        )
        return {
            idx: Stored(reading_id, value, quality) for idx, reading_id, value, quality in cursor.fetchall()
        }


def corrections_apply(
    *, corrected: list[tuple[Row, Stored]], batch: IngestBatch, by: User | None, gateway: Gateway | None
) -> None:
    """Replace corrected values, keeping each old value with who and when."""
    readings = []
    history = []
    for row, stored in corrected:
        readings.append(Reading(pk=stored.reading_id, value=row.value, quality=row.quality, batch=batch))
        history.append(
            ReadingCorrection(
                reading_id=stored.reading_id,
                old_value=stored.value,
                old_quality=stored.quality,
                new_value=row.value,
                new_quality=row.quality,
                batch=batch,
                corrected_by=by,
                gateway=gateway,
            )
        )
    Reading.objects.bulk_update(readings, ["value", "quality", "batch"], batch_size=500)
    ReadingCorrection.objects.bulk_create(history, batch_size=500)
