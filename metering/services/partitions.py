"""Readings in monthly partitions on PostgreSQL (the reading time, UTC), and their upkeep.

The readings table is range-partitioned on ``ts``: one partition per UTC month
(``metering_reading_pYYYYMM``) and a default partition that catches a month not made yet, so no
write ever fails for want of a partition. Beat makes the coming months ahead of time; a write into a
month without its partition makes it first (moving any rows the default partition holds for that
month), so the default partition stays empty in practice. SQLite keeps one plain table and every
function here does nothing there.

Partitions are made as plain tables and then attached: attaching takes a lock that lets readings
be read and written meanwhile, where ``CREATE TABLE ... PARTITION OF`` would block them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

TABLE = "metering_reading"
DEFAULT_PARTITION = f"{TABLE}_default"
# Months made ahead of the current one by beat (and by the migration that partitions the table).
MONTHS_AHEAD = 3
# A lock of its own so that two writers making the same month do it one after the other.
_LOCK_KEY = 0x6766_7061  # "gfpa"


@dataclass(frozen=True)
class Partition:
    name: str
    month: dt.date | None  # None for the default partition
    rows: int  # the planner's estimate (pg_class.reltuples), not a count


def month_floor(when: dt.datetime | dt.date) -> dt.date:
    if isinstance(when, dt.datetime):
        when = when.astimezone(dt.UTC).date()
    return when.replace(day=1)


def month_next(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_p{month:%Y%m}"


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace)",
            [TABLE],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def partitions_list() -> list[Partition]:
    """The attached partitions, oldest month first, the default partition last."""
    if not is_partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reltuples FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s "
            "AND p.relnamespace = current_schema()::regnamespace ORDER BY c.relname",
            [TABLE],
        )
        rows = cursor.fetchall()
    listed = []
    for name, tuples in rows:
        month = None
        if name != DEFAULT_PARTITION:
            digits = name.removeprefix(f"{TABLE}_p")
            month = dt.date(int(digits[:4]), int(digits[4:]), 1)
        listed.append(Partition(name=name, month=month, rows=max(int(tuples), 0)))
    return sorted(listed, key=lambda p: (p.month is None, p.month or dt.date.min))


def partition_count(name: str) -> int:
    """The exact number of rows in one partition (a full read of it)."""
    if name not in {p.name for p in partitions_list()}:
        raise ValueError(name)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {name}")  # noqa: S608 (a name from the catalogue)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _attached_months() -> set[dt.date]:
    return {p.month for p in partitions_list() if p.month is not None}


def _attach(cursor: CursorWrapper, month: dt.date) -> None:
    """Make ``month``'s partition, with the rows the default partition holds for it."""
    name, lower, upper = partition_name(month), month.isoformat(), month_next(month).isoformat()
    bounds = f"FROM ('{lower} 00:00:00+00') TO ('{upper} 00:00:00+00')"
    cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    # Rows already in the default partition for this month move into the new one: attaching
    # checks that the default partition holds none.
    cursor.execute(
        f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE ts >= %s AND ts < %s RETURNING *) "  # noqa: S608
        f"INSERT INTO {name} SELECT * FROM moved",
        [f"{lower} 00:00:00+00", f"{upper} 00:00:00+00"],
    )
    # The new table's own constraint lets attaching skip the scan of its rows.
    cursor.execute(
        f"ALTER TABLE {name} ADD CONSTRAINT {name}_bounds CHECK (ts >= '{lower} 00:00:00+00' "
        f"AND ts < '{upper} 00:00:00+00')"
    )
    cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES {bounds}")
    cursor.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_bounds")


def partitions_ensure(*, months: Iterable[dt.date]) -> list[dt.date]:
    """Make the partitions of ``months`` that do not exist yet; returns the months made."""
    wanted = {month_floor(m) for m in months}
    if not wanted or not is_partitioned():
        return []
    attached = _attached_months()
    missing = wanted - attached
    if not missing:
        return []
    made = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        missing -= _attached_months()  # another writer may have made them while this one waited
        for month in sorted(missing):
            _attach(cursor, month)
            made.append(month)
    return made


def partitions_ensure_ahead(*, today: dt.date | None = None, ahead: int = MONTHS_AHEAD) -> list[dt.date]:
    """This month's and the next ``ahead`` months' partitions (beat runs it daily)."""
    month = month_floor(today or dt.datetime.now(dt.UTC).date())
    months = [month]
    for _step in range(ahead):
        month = month_next(month)
        months.append(month)
    return partitions_ensure(months=months)


def partitions_ensure_for(*, times: Iterable[dt.datetime]) -> list[dt.date]:
    """The partitions a write of readings at ``times`` needs."""
    return partitions_ensure(months={month_floor(t) for t in times})
