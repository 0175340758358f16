"""Readings in monthly partitions (PostgreSQL): made ahead, made on demand, nothing lost on the way."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from metering.models import IngestBatch, Reading, ReadingCorrection
from metering.services import partitions
from metering.services.ingest import readings_ingest
from tests.services import need

from .conftest import interval, reading

pytestmark = pytest.mark.django_db


def _postgres():
    need(connection.vendor == "postgresql", "readings are partitioned on PostgreSQL only (set DATABASE_URL)")


def _partition_of(reading_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM metering_reading WHERE id = %s", [reading_id])
        return cursor.fetchone()[0]


def _default_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {partitions.DEFAULT_PARTITION}")  # noqa: S608
        return cursor.fetchone()[0]


def test_the_table_is_partitioned_by_month_with_time_in_every_key():
    _postgres()
    assert partitions.is_partitioned()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'metering_reading'::regclass AND contype = 'p'"
        )
        assert cursor.fetchone()[0] == "PRIMARY KEY (id, ts)"
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'metering_reading' ORDER BY indexname"
        )
        definitions = [row[0] for row in cursor.fetchall()]
    assert any("USING brin (ts)" in d for d in definitions)
    assert any("UNIQUE" in d and "(meter_id, ts) WHERE (start IS NULL)" in d for d in definitions)
    listed = partitions.partitions_list()
    assert listed[-1].name == partitions.DEFAULT_PARTITION
    this_month = partitions.month_floor(dt.datetime.now(dt.UTC))
    assert this_month in {p.month for p in listed}


def test_an_upload_into_an_old_month_makes_its_partition(site, meters):
    _postgres()
    rows = [
        reading(ts="2024-03-05T10:00:00+08:00", value=10),
        reading(ts="2024-03-05T11:00:00+08:00", value=12),
    ]
    result = readings_ingest(site=site, raw_rows=rows, source="manual").as_dict()
    assert result["accepted"] == 2, result
    stored = Reading.objects.filter(ts__year=2024).order_by("ts")
    assert [r.value for r in stored] == [10, 12]
    assert {_partition_of(r.pk) for r in stored} == {"metering_reading_p202403"}
    assert _default_rows() == 0
    again = readings_ingest(site=site, raw_rows=rows, source="manual").as_dict()
    assert (again["accepted"], again["duplicate"]) == (0, 2)


def test_rows_in_the_default_partition_move_when_their_month_is_made(site, meters):
    _postgres()
    # Written without the ingest path (which would make the month first): lands in the default.
    batch = IngestBatch.objects.create(source="manual")
    kept = Reading.objects.create(
        meter=meters["E-101"],
        ts=dt.datetime(2018, 7, 1, 3, tzinfo=dt.UTC),
        value=5,
        source="manual",
        batch=batch,
    )
    correction = ReadingCorrection.objects.create(
        reading=kept, old_value=4, old_quality="actual", new_value=5, new_quality="actual", batch=batch
    )
    assert _partition_of(kept.pk) == partitions.DEFAULT_PARTITION
    assert partitions.partitions_ensure(months=[dt.date(2018, 7, 1)]) == [dt.date(2018, 7, 1)]
    assert _partition_of(kept.pk) == "metering_reading_p201807"
    assert _default_rows() == 0
    assert Reading.objects.get(pk=kept.pk).value == 5
    assert partitions.partitions_ensure(months=[dt.date(2018, 7, 1)]) == []
    kept.delete()  # its corrections go with it, as before partitioning
    assert not ReadingCorrection.objects.filter(pk=correction.pk).exists()


def test_months_ahead_are_made_once(site, meters):
    _postgres()
    made = partitions.partitions_ensure_ahead(today=dt.date(2031, 5, 20), ahead=2)
    assert made == [dt.date(2031, 5, 1), dt.date(2031, 6, 1), dt.date(2031, 7, 1)]
    assert partitions.partitions_ensure_ahead(today=dt.date(2031, 5, 20), ahead=2) == []
    out = io.StringIO()
    call_command("reading_partitions", "list", stdout=out)
    assert "2031-07  metering_reading_p203107" in out.getvalue()
    stored = readings_ingest(site=site, raw_rows=[reading(ts="2025-02-02T10:00:00+08:00")], source="manual")
    assert stored.as_dict()["accepted"] == 1
    out = io.StringIO()
    call_command("reading_partitions", "list", "--exact", stdout=out)
    assert "2025-02  metering_reading_p202502         1\n" in out.getvalue()
    out = io.StringIO()
    call_command("reading_partitions", "ahead", "--months", "0", stdout=out)
    assert "Partitions made: none needed." in out.getvalue()


def test_without_partitions_the_functions_do_nothing_and_the_command_says_why():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite keeps one plain table; this is its behaviour")
    assert partitions.partitions_list() == []
    assert partitions.partitions_ensure_ahead() == []
    with pytest.raises(CommandError, match="not partitioned"):
        call_command("reading_partitions", "list", stdout=io.StringIO())


def _fingerprint() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), md5(string_agg(concat_ws(':', id, meter_id, start, ts, value, quality, batch_id), "
            "',' ORDER BY id)) FROM metering_reading"
        )
        return cursor.fetchone()


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def _relkind() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = 'metering_reading'")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_reading_both_ways(site, meters):
    _postgres()
    rows = [reading(ts=f"2026-{month:02d}-03T10:00:00+08:00", value=month * 10) for month in (8, 9, 10)]
    rows.append(interval(value=7))
    assert readings_ingest(site=site, raw_rows=rows, source="manual").as_dict()["accepted"] == 4
    before = _fingerprint()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate([("metering", "0012_meter_name_zh")])
        assert _relkind() == "r"
        assert _fingerprint() == before
        _migrate(latest)
        assert _relkind() == "p"
        assert _fingerprint() == before
        fresh = Reading.objects.create(
            meter=meters["E-102"], ts=dt.datetime(2026, 10, 9, tzinfo=dt.UTC), value=1, source="manual"
        )
        assert fresh.pk > max(Reading.objects.exclude(pk=fresh.pk).values_list("pk", flat=True))
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
