"""Archiving old months of readings (PostgreSQL): write the month's partition to a file, check it,
detach and drop it; and load an archived month back.

Rollups and KPIs are never archived: pages, the API and dossiers keep answering for archived
months. What changes for an archived month is that its readings are in a file, not the table:
readings before the site's frozen instant (``metering.selectors.archives.frozen_before``) are
refused by ingestion, and rollups before it are never recomputed (a recompute would otherwise find
no readings and rewrite them as zero).

Months are archived oldest first and restored newest first, so the archived months are always one
run from the oldest reading: "everything before the horizon".
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from greenfactory.core.exceptions import DomainError
from metering.models import DirtyRange, ReadingArchive
from metering.selectors.archives import archive_horizon
from metering.services import partitions

CORRECTIONS_TABLE = "metering_readingcorrection"
# The running month and the one before it are never archived: late readings still arrive for them.
MIN_AGE_MONTHS = 2


class ArchiveRefused(DomainError):
    pass


@dataclass(frozen=True)
class Archived:
    month: dt.date
    rows: int
    corrections: int
    file: Path


def _months_between(earlier: dt.date, later: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def archivable_months(*, before: dt.date, today: dt.date | None = None) -> list[dt.date]:
    """The attached months older than ``before`` that ``partitions_archive`` would archive."""
    today = today or timezone.now().astimezone(dt.UTC).date()
    before = partitions.month_floor(before)
    if _months_between(before, partitions.month_floor(today)) < MIN_AGE_MONTHS - 1:
        raise ArchiveRefused(
            _("Only months at least %(n)s months old can be archived; %(month)s is too recent.")
            % {"n": MIN_AGE_MONTHS, "month": f"{before:%Y-%m}"}
        )
    return [p.month for p in partitions.partitions_list() if p.month is not None and p.month < before]


def _copy_out(cursor: Any, query: str, path: Path) -> tuple[int, str]:
    """COPY a query's rows to a gzip CSV file with a header; (rows read back from the file, its SHA-256)."""
    with (
        gzip.open(path, "wb") as out,
        cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy,
    ):
        for chunk in copy:
            out.write(chunk)
    return _csv_rows(path), _sha256(path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _csv_rows(path: Path) -> int:
    with gzip.open(path, "rt", newline="") as handle:
        return sum(1 for _row in csv.reader(handle)) - 1


def partitions_archive(*, before: dt.date, directory: Path, today: dt.date | None = None) -> list[Archived]:
    """Archive every attached month older than ``before``, oldest first, each in its own transaction.

    Each month: refuse while its readings still wait for their rollups; COPY the partition and its
    corrections to gzip CSV files in ``directory``; count the file's rows against the table's; then
    detach and drop the partition and delete the corrections, and record the archive. A month whose
    file does not match is left attached and the run stops with the reason.
    """
    if not partitions.is_partitioned():
        raise ArchiveRefused(_("Readings are not partitioned here (only PostgreSQL partitions them)."))
    directory.mkdir(parents=True, exist_ok=True)
    done = []
    for month in archivable_months(before=before, today=today):
        done.append(_archive_month(month=month, directory=directory))
    return done


def _archive_month(*, month: dt.date, directory: Path) -> Archived:
    name = partitions.partition_name(month)
    lower = dt.datetime(month.year, month.month, 1, tzinfo=dt.UTC)
    upper_month = partitions.month_next(month)
    upper = dt.datetime(upper_month.year, upper_month.month, 1, tzinfo=dt.UTC)
    readings_file = directory / f"{name}.csv.gz"
    corrections_file = directory / f"{name}_corrections.csv.gz"
    with transaction.atomic(), connection.cursor() as cursor:
        # Deferred foreign-key checks still pending in this transaction would forbid dropping the table.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Writers of readings take this lock before making a partition: none can make this month again.
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [partitions._LOCK_KEY])
        # The partition's rows cannot change while it is copied (writers wait, readers go on).
        cursor.execute(f"LOCK TABLE {name} IN SHARE MODE")
        waiting = DirtyRange.objects.filter(consumed_at__isnull=True, start__lt=upper, end__gte=lower).count()
        if waiting:
            raise ArchiveRefused(
                _(
                    "%(month)s has %(count)s reading ranges waiting for their rollups; archive it when the pipeline has caught up."
                )
                % {"month": f"{month:%Y-%m}", "count": waiting}
            )
        cursor.execute(f"SELECT count(*) FROM {name}")  # noqa: S608 (a name from the catalogue)
        expected = int(cursor.fetchone()[0])
        rows, digest = _copy_out(cursor, f"SELECT * FROM {name} ORDER BY id", readings_file)  # noqa: S608
        corrections_query = f"SELECT c.* FROM {CORRECTIONS_TABLE} c WHERE c.reading_id IN (SELECT id FROM {name}) ORDER BY c.id"  # noqa: S608
        cursor.execute(f"SELECT count(*) FROM ({corrections_query}) q")  # noqa: S608
        expected_corrections = int(cursor.fetchone()[0])
        corrections, corrections_digest = _copy_out(cursor, corrections_query, corrections_file)
        if (rows, corrections) != (expected, expected_corrections):
            raise ArchiveRefused(
                _(
                    "The file for %(month)s holds %(rows)s readings where the table holds %(expected)s; nothing was archived."
                )
                % {"month": f"{month:%Y-%m}", "rows": rows, "expected": expected}
            )
        cursor.execute(
            f"DELETE FROM {CORRECTIONS_TABLE} WHERE reading_id IN (SELECT id FROM {name})"  # noqa: S608
        )
        cursor.execute(f"ALTER TABLE {partitions.TABLE} DETACH PARTITION {name}")
        cursor.execute(f"DROP TABLE {name}")
        ReadingArchive.objects.create(
            month=month,
            partition=name,
            rows=rows,
            corrections=corrections,
            file=str(readings_file),
            sha256=digest,
            corrections_file=str(corrections_file),
            corrections_sha256=corrections_digest,
        )
    return Archived(month=month, rows=rows, corrections=corrections, file=readings_file)


def partition_restore(*, month: dt.date) -> ReadingArchive:
    """Load the newest archived month back from its files (checked against their SHA-256 first)."""
    month = partitions.month_floor(month)
    archive = ReadingArchive.objects.filter(restored_at__isnull=True, month=month).first()
    if archive is None:
        raise ArchiveRefused(_("%(month)s is not archived.") % {"month": f"{month:%Y-%m}"})
    newest = archive_horizon()
    if newest is not None and partitions.month_next(month) != newest.date():
        raise ArchiveRefused(
            _("Restore the newest archived month first (archived months are restored newest first).")
        )
    readings_file, corrections_file = Path(archive.file), Path(archive.corrections_file)
    for path, digest in ((readings_file, archive.sha256), (corrections_file, archive.corrections_sha256)):
        if not path.is_file():
            raise ArchiveRefused(_("The archive file %(path)s is missing.") % {"path": path})
        if _sha256(path) != digest:
            raise ArchiveRefused(
                _("The archive file %(path)s does not match its recorded SHA-256.") % {"path": path}
            )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [partitions._LOCK_KEY])
        partitions._attach(cursor, month)
        name = partitions.partition_name(month)
        _copy_in(cursor, name, readings_file)
        _copy_in(cursor, CORRECTIONS_TABLE, corrections_file)
        cursor.execute(f"SELECT count(*) FROM {name}")  # noqa: S608
        if int(cursor.fetchone()[0]) != archive.rows:
            raise ArchiveRefused(
                _("The restored month does not hold the archived number of readings; nothing was restored.")
            )
        archive.restored_at = timezone.now()
        archive.save(update_fields=["restored_at"])
    return archive


def _copy_in(cursor: Any, table: str, path: Path) -> None:
    with gzip.open(path, "rb") as handle:
        header = handle.readline().decode().strip()
        columns = ", ".join(next(csv.reader(io.StringIO(header))))
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
            for block in iter(lambda: handle.read(1 << 20), b""):
                copy.write(block)
