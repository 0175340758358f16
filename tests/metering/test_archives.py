"""Old months of readings archived to files (PostgreSQL): checked, dropped from the table, frozen
for writes, loaded back; rollups and KPIs never change on the way."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import zoneinfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from greenfactory.core.exceptions import DomainError
from metering.models import DirtyRange, MeterRollup, Reading, ReadingArchive
from metering.selectors.archives import archive_horizon, frozen_before
from metering.services import archives, partitions
from metering.services.ingest import readings_ingest
from metering.services.meters import meter_event_create
from metering.services.pipeline import dirty_ranges_process, site_rollups_recompute
from tests.services import need

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 4)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _postgres():
    need(connection.vendor == "postgresql", "readings are partitioned and archived on PostgreSQL only")


def _hourly(meter: str, start: dt.datetime, end: dt.datetime, per_hour: float = 2.0) -> list[dict]:
    rows, ts, value = [], start, 1000.0
    while ts < end:
        rows.append({"meter": meter, "ts": ts.isoformat(), "value": value})
        ts += dt.timedelta(hours=1)
        value += per_hour
    return rows


def _rollups() -> dict:
    return {
        (r.meter_id, r.granularity, r.start): round(r.quantity, 6)
        for r in MeterRollup.objects.all()
        if r.quantity is not None
    }


@pytest.fixture
def winter(site, meters):
    """E-101 read every hour from 2024-01-10 to 2024-05-20 (local time), 2 kWh an hour; rollups made."""
    _postgres()
    rows = _hourly(
        "E-101", dt.datetime(2024, 1, 10, tzinfo=SHANGHAI), dt.datetime(2024, 5, 20, tzinfo=SHANGHAI)
    )
    result = readings_ingest(site=site, raw_rows=rows, source="manual")
    assert result.accepted == len(rows), result.as_dict()
    while dirty_ranges_process():
        pass
    return len(rows)


def _utc_rows(year: int, month: int) -> int:
    lower = dt.datetime(year, month, 1, tzinfo=dt.UTC)
    upper = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=dt.UTC)
    return Reading.objects.filter(ts__gte=lower, ts__lt=upper).count()


def test_archiving_writes_each_month_to_a_checked_file_and_drops_its_partition(winter, tmp_path):
    before = _rollups()
    january, february = _utc_rows(2024, 1), _utc_rows(2024, 2)
    total = Reading.objects.count()
    done = archives.partitions_archive(before=dt.date(2024, 3, 1), directory=tmp_path, today=TODAY)
    assert [(d.month, d.rows) for d in done] == [
        (dt.date(2024, 1, 1), january),
        (dt.date(2024, 2, 1), february),
    ]
    assert Reading.objects.count() == total - january - february
    attached = {p.month for p in partitions.partitions_list()}
    assert dt.date(2024, 1, 1) not in attached
    assert dt.date(2024, 2, 1) not in attached
    assert dt.date(2024, 3, 1) in attached
    # The file holds exactly the month's readings, with the table's columns.
    with gzip.open(tmp_path / "metering_reading_p202402.csv.gz", "rt", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == february
    assert {"id", "meter_id", "ts", "value"} <= set(table[0])
    assert float(table[1]["value"]) - float(table[0]["value"]) == 2.0
    record = ReadingArchive.objects.get(month=dt.date(2024, 2, 1))
    assert record.rows == february
    assert len(record.sha256) == 64
    # Rollups and everything read from them stay as they were.
    assert _rollups() == before


def test_an_archived_month_is_frozen_for_uploads_events_and_recomputes(winter, tmp_path, site, meters):
    before = _rollups()
    archives.partitions_archive(before=dt.date(2024, 3, 1), directory=tmp_path, today=TODAY)
    assert archive_horizon() == dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    # The local month around the horizon (March in Shanghai) holds archived readings: frozen too.
    frozen = frozen_before(zone=SHANGHAI)
    assert frozen == dt.datetime(2024, 4, 1, tzinfo=SHANGHAI)
    late = readings_ingest(
        site=site,
        raw_rows=[
            {"meter": "E-101", "ts": "2024-02-10T10:30:00+08:00", "value": 1500.5},
            {"meter": "E-101", "ts": "2024-03-20T10:30:00+08:00", "value": 5000.5},
            {"meter": "E-102", "ts": "2024-04-10T10:30:00+08:00", "value": 10.0},
        ],
        source="manual",
    )
    assert (late.accepted, late.rejected) == (1, 2)
    assert [p.index for p in late.problems] == [0, 1]
    assert "are archived" in str(late.problems[0].reason)
    assert not Reading.objects.filter(ts=dt.datetime(2024, 3, 20, 10, 30, tzinfo=SHANGHAI)).exists()
    with pytest.raises(DomainError, match="archived"):
        meter_event_create(
            meter=meters["E-101"],
            ts=dt.datetime(2024, 3, 25, tzinfo=SHANGHAI),
            kind="reset",
            old_final_value=9000,
            new_start_value=0,
        )
    # A full recompute rewrites nothing before the frozen instant, and what it rewrites after it
    # comes out the same.
    DirtyRange.objects.all().delete()
    site_rollups_recompute(site=site)
    after = {k: v for k, v in _rollups().items() if k[0] == meters["E-101"].pk}
    assert after == {k: v for k, v in before.items() if k[0] == meters["E-101"].pk}
    march = MeterRollup.objects.get(
        meter=meters["E-101"], granularity="month", start=dt.datetime(2024, 3, 1, tzinfo=SHANGHAI)
    )
    assert march.quantity == pytest.approx(31 * 24 * 2.0)


def test_months_are_restored_newest_first_and_come_back_whole(winter, tmp_path):
    total = Reading.objects.count()
    archives.partitions_archive(before=dt.date(2024, 3, 1), directory=tmp_path, today=TODAY)
    with pytest.raises(DomainError, match="newest archived month first"):
        archives.partition_restore(month=dt.date(2024, 1, 1))
    restored = archives.partition_restore(month=dt.date(2024, 2, 1))
    assert restored.restored_at is not None
    assert archive_horizon() == dt.datetime(2024, 2, 1, tzinfo=dt.UTC)
    archives.partition_restore(month=dt.date(2024, 1, 1))
    assert Reading.objects.count() == total
    assert archive_horizon() is None
    assert frozen_before(zone=SHANGHAI) is None
    # ... and can be archived again
    again = archives.partitions_archive(before=dt.date(2024, 2, 1), directory=tmp_path / "again", today=TODAY)
    assert [d.month for d in again] == [dt.date(2024, 1, 1)]


def test_a_file_changed_since_archiving_is_not_restored(winter, tmp_path):
    archives.partitions_archive(before=dt.date(2024, 2, 1), directory=tmp_path, today=TODAY)
    path = tmp_path / "metering_reading_p202401.csv.gz"
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(DomainError, match="does not match its recorded SHA-256"):
        archives.partition_restore(month=dt.date(2024, 1, 1))
    assert dt.date(2024, 1, 1) not in {p.month for p in partitions.partitions_list()}


def test_a_month_whose_readings_wait_for_rollups_is_not_archived(winter, tmp_path, meters):
    total = Reading.objects.count()
    DirtyRange.objects.create(
        meter=meters["E-101"],
        start=dt.datetime(2024, 1, 20, tzinfo=dt.UTC),
        end=dt.datetime(2024, 1, 21, tzinfo=dt.UTC),
    )
    with pytest.raises(DomainError, match="waiting for their rollups"):
        archives.partitions_archive(before=dt.date(2024, 2, 1), directory=tmp_path, today=TODAY)
    assert Reading.objects.count() == total
    assert not ReadingArchive.objects.exists()


def test_recent_months_are_never_archived(winter, tmp_path):
    with pytest.raises(DomainError, match="too recent"):
        archives.archivable_months(before=dt.date(2026, 12, 1), today=TODAY)
    assert archives.archivable_months(before=dt.date(2026, 11, 1), today=TODAY)[:2] == [
        dt.date(2024, 1, 1),
        dt.date(2024, 2, 1),
    ]


def test_the_command_archives_lists_and_restores(winter, tmp_path):
    out = io.StringIO()
    call_command("reading_partitions", "archive", "--before", "2024-02", "--dry-run", stdout=out)
    assert "Would archive: 2024-01." in out.getvalue()
    assert not ReadingArchive.objects.exists()
    call_command("reading_partitions", "archive", "--before", "2024-02", "--to", str(tmp_path), stdout=out)
    assert "Archived 2024-01:" in out.getvalue()
    listing = io.StringIO()
    call_command("reading_partitions", "archived", stdout=listing)
    assert "2024-01" in listing.getvalue()
    assert str(tmp_path) in listing.getvalue()
    with pytest.raises(CommandError, match="not a month"):
        call_command("reading_partitions", "restore", "--month", "January")
    call_command("reading_partitions", "restore", "--month", "2024-01", stdout=out)
    assert "Restored 2024-01" in out.getvalue()
