"""Readings become a table range-partitioned by month on the reading time (PostgreSQL only).

Partitioned tables need the partition key in every unique key: the primary key becomes (id, ts)
and the unique keys already hold ts. A foreign key to a partitioned table must reference a unique
key, so reading corrections keep their reading's id without a database constraint (Django still
deletes a reading's corrections with it). Every row is copied; the old table is dropped only when
the counts agree. SQLite keeps one plain table.
"""

import datetime as dt

import django.db.models.deletion
from django.db import migrations, models

TABLE = "metering_reading"
NEW = "metering_reading_partitioned"
OLD = "metering_reading_plain"
MONTHS_AHEAD = 3


def _month_next(month):
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _foreign_keys(cursor, table):
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [table],
    )
    return cursor.fetchall()


def _check_constraints(cursor, table):
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'c' ORDER BY conname",
        [table],
    )
    return cursor.fetchall()


BRIN = f'CREATE INDEX "reading_ts_brin" ON {TABLE} USING brin (ts)'


def _indexes(cursor, *, partitioned):
    """The table's indexes but its primary key, as they are defined now (same names), to create
    again after the copy; a partitioned table also gets a block-range index on the time, which
    time-ordered inserts keep tiny and which serves scans by time alone."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = %s AND indexname <> %s ORDER BY indexname",
        [TABLE, f"{TABLE}_pkey"],
    )
    statements = [definition for name, definition in cursor.fetchall() if name != "reading_ts_brin"]
    return statements + ([BRIN] if partitioned else [])


def _copy_and_swap(cursor, *, partitioned):
    foreign_keys = _foreign_keys(cursor, TABLE)
    checks = _check_constraints(cursor, TABLE)
    indexes = _indexes(cursor, partitioned=partitioned)
    cursor.execute(f"SELECT count(*), min(ts), max(ts), coalesce(max(id), 0) FROM {TABLE}")
    count, first, last, max_id = cursor.fetchone()
    cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
    suffix = " PARTITION BY RANGE (ts)" if partitioned else ""
    # Not-null columns and defaults come along; the id gets a sequence of its own below.
    cursor.execute(f"CREATE TABLE {NEW} (LIKE {TABLE} INCLUDING DEFAULTS){suffix}")
    cursor.execute(f"CREATE SEQUENCE {NEW}_id_seq AS bigint START WITH {max_id + 1}")
    cursor.execute(f"ALTER TABLE {NEW} ALTER COLUMN id SET DEFAULT nextval('{NEW}_id_seq')")
    if partitioned:
        cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {NEW} DEFAULT")
        today = dt.datetime.now(dt.UTC).date().replace(day=1)
        month = (first.astimezone(dt.UTC).date() if first else today).replace(day=1)
        end = max(today, last.astimezone(dt.UTC).date().replace(day=1) if last else today)
        for _step in range(MONTHS_AHEAD):
            end = _month_next(end)
        while month <= end:
            upper = _month_next(month)
            cursor.execute(
                f"CREATE TABLE {TABLE}_p{month:%Y%m} PARTITION OF {NEW} "
                f"FOR VALUES FROM ('{month.isoformat()} 00:00:00+00') TO ('{upper.isoformat()} 00:00:00+00')"
            )
            month = upper
    columns = "id, meter_id, start, ts, value, quality, source, batch_id, created_at"
    cursor.execute(f"INSERT INTO {NEW} ({columns}) SELECT {columns} FROM {TABLE}")  # noqa: S608
    cursor.execute(f"SELECT count(*) FROM {NEW}")
    copied = cursor.fetchone()[0]
    if copied != count:
        raise RuntimeError(f"readings copied {copied} of {count}; nothing was changed")
    cursor.execute(f"DROP TABLE {TABLE}")
    cursor.execute(f"ALTER TABLE {NEW} RENAME TO {TABLE}")
    cursor.execute(f"ALTER SEQUENCE {NEW}_id_seq RENAME TO {TABLE}_id_seq")
    cursor.execute(f"ALTER SEQUENCE {TABLE}_id_seq OWNED BY {TABLE}.id")
    cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{TABLE}_id_seq')")
    key = "(id, ts)" if partitioned else "(id)"
    cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY {key}")
    for statement in indexes:
        cursor.execute(statement)
    for name, definition in checks:
        cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
    for name, definition in foreign_keys:
        cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        _copy_and_swap(cursor, partitioned=True)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        _copy_and_swap(cursor, partitioned=False)


class Migration(migrations.Migration):
    atomic = True

    dependencies = [
        ("metering", "0012_meter_name_zh"),
    ]

    operations = [
        migrations.AlterField(
            model_name="readingcorrection",
            name="reading",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="corrections",
                to="metering.reading",
                verbose_name="reading",
            ),
        ),
        migrations.RunPython(partition, unpartition, elidable=False),
    ]
