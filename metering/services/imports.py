"""Staff file imports of readings or production records: check first, then commit with progress.

A file is checked completely when it is uploaded (every row's error is listed before anything is
written). Committing queues a Celery task on the ``ingest`` queue that writes in chunks and
reports progress after each; re-running it is harmless (rows already written count as duplicates).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import uuid
import zoneinfo
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from greenfactory.core.dispatch import task_after_commit, task_send
from greenfactory.core.exceptions import AlreadyExists, DomainError, PayloadTooLarge, TransitionNotAllowed
from greenfactory.core.messages import Text
from greenfactory.core.tabular import ImportInvalid, read_table
from greenfactory.sites.models import ProductionKind, Site
from greenfactory.sites.services import production_record_create
from metering.choices import ImportKind, ImportStatus, Source
from metering.models import ImportJob, Meter
from metering.selectors.archives import frozen_before
from metering.services.ingest import readings_ingest, readings_validate

if TYPE_CHECKING:
    from greenfactory.accounts.models import User

PREVIEW_ROWS = 20
MAX_LISTED_ERRORS = 500
PRODUCTION_COLUMNS = ("period_start", "period_end", "material", "kind", "tonnes")


def _plain(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


_KINDS = {k.value: k.value for k in ProductionKind} | {str(k.label).lower(): k.value for k in ProductionKind}


def _production_check(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """Clean production rows (with their index) and the errors of the others."""
    good, errors = [], []
    for index, raw in enumerate(rows):
        missing = [c for c in PRODUCTION_COLUMNS if raw.get(c) in (None, "")]
        if missing:
            errors.append(
                {
                    "index": index,
                    "meter": None,
                    "reason": Text(
                        gettext_noop("missing: %(columns)s."), {"columns": ", ".join(missing)}
                    ).as_json(),
                }
            )
            continue
        start, end = _parse_date(raw["period_start"]), _parse_date(raw["period_end"])
        if start is None or end is None:
            errors.append(
                {
                    "index": index,
                    "meter": None,
                    "reason": Text(gettext_noop("dates must be written YYYY-MM-DD.")).as_json(),
                }
            )
            continue
        if end < start:
            errors.append(
                {
                    "index": index,
                    "meter": None,
                    "reason": Text(gettext_noop("the period cannot end before it starts.")).as_json(),
                }
            )
            continue
        kind = _KINDS.get(str(raw["kind"]).strip().lower())
        if kind is None:
            errors.append(
                {
                    "index": index,
                    "meter": None,
                    "reason": Text(
                        gettext_noop("kind must be one of: %(kinds)s."),
                        {"kinds": ", ".join(ProductionKind.values)},
                    ).as_json(),
                }
            )
            continue
        try:
            tonnes = Decimal(str(raw["tonnes"]).strip()).quantize(Decimal("0.001"))
        except InvalidOperation:
            errors.append(
                {
                    "index": index,
                    "meter": None,
                    "reason": Text(gettext_noop("tonnes must be a number.")).as_json(),
                }
            )
            continue
        if not tonnes.is_finite() or tonnes < 0:
            errors.append(
                {
                    "index": index,
                    "meter": None,
                    "reason": Text(gettext_noop("tonnes must be a finite number, not negative.")).as_json(),
                }
            )
            continue
        good.append(
            {
                "index": index,
                "period_start": start,
                "period_end": end,
                "material": str(raw["material"]).strip()[:120],
                "kind": kind,
                "tonnes": tonnes,
                "note": _plain(raw.get("note"))[:2000],
            }
        )
    return good, errors


def _readings_check(*, site: Site, rows: list[dict], now: dt.datetime) -> tuple[int, list[dict]]:
    meters = {m.code: m for m in Meter.objects.filter(site=site)}
    checked = readings_validate(
        raw_rows=rows,
        meters=meters,
        scope=None,
        now=now,
        naive_zone=zoneinfo.ZoneInfo(site.time_zone),
        frozen_before=frozen_before(zone=site.time_zone),
    )
    # Reasons are stored as their source and parameters, so each reader sees them in their language.
    problems = [{**p.as_dict(), "reason": _stored(p.reason)} for p in checked.problems]
    return len(checked.rows) + checked.duplicates_in_batch, problems


def _stored(reason: Text | str) -> dict | str:
    return reason.as_json() if isinstance(reason, Text) else reason


LINE_KEY = "_line"  # in a stored preview row: its line in the file


@transaction.atomic
def import_job_create(*, site: Site, kind: str, name: str, data: bytes, by: User | None) -> ImportJob:
    """Store an uploaded file and check every row; the job waits for confirmation with a preview."""
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise PayloadTooLarge(
            _("The file is larger than the limit of %(limit)s bytes.") % {"limit": settings.IMPORT_MAX_BYTES}
        )
    if kind not in ImportKind.values:
        raise ImportInvalid(_("Choose what the file holds."), field="kind")
    table = read_table(data)
    rows: list[dict] = list(table.rows)
    if not rows:
        raise ImportInvalid(_("The file has a header but no rows."))
    if kind == ImportKind.READINGS:
        columns = set().union(*(row.keys() for row in rows))
        if (
            "meter" not in columns
            or "value" not in columns
            or not ({"ts"} <= columns or {"start", "end"} <= columns)
        ):
            raise ImportInvalid(
                _(
                    "A readings file needs the columns meter, ts, value (or meter, start, end, value), and may have quality."
                )
            )
        valid, errors = _readings_check(site=site, rows=rows, now=timezone.now())
    else:
        if not set(PRODUCTION_COLUMNS) <= set().union(*(row.keys() for row in rows)):
            raise ImportInvalid(
                _("A production file needs the columns %(columns)s, and may have note.")
                % {"columns": ", ".join(PRODUCTION_COLUMNS)}
            )
        good, errors = _production_check(rows)
        valid = len(good)
    for error in errors:
        error["line"] = table.rows[error["index"]].line
    job = ImportJob(
        kind=kind,
        site=site,
        original_name=name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        total_rows=len(rows),
        valid_rows=valid,
        errors=sorted(errors, key=lambda e: e["index"])[:MAX_LISTED_ERRORS],
        rejected=len(errors),
        # Each preview row keeps the line the user sees in the file, as the errors name it.
        preview=[
            {LINE_KEY: getattr(row, "line", None), **{k: _plain(v) for k, v in row.items()}}
            for row in rows[:PREVIEW_ROWS]
        ],
        created_by=by,
    )
    # A generated name: the uploaded name is shown, never used as a path.
    job.file.save(f"{uuid.uuid4().hex}.{table.file_type}", ContentFile(data), save=False)
    job.save()
    return job


@transaction.atomic
def import_job_commit(*, job: ImportJob, by: User | None) -> ImportJob:
    """Confirm a checked import: it is queued and written by a background task."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.PREVIEW:
        raise TransitionNotAllowed(_("This import was already confirmed."))
    if not job.valid_rows:
        raise TransitionNotAllowed(
            _("No row of this file can be imported; fix the file and upload it again.")
        )
    job.status = ImportStatus.QUEUED
    job.queued_at = timezone.now()
    job.save(update_fields=["status", "queued_at"])
    task_after_commit("metering.import_run", job.pk)
    return job


def import_jobs_requeue_stale(*, older_than: dt.timedelta) -> int:
    """Send again the imports confirmed long ago that no worker picked up (a lost broker message), or
    that a worker started and died in (killed, out of memory): their run no longer holds its claim.

    Runs periodically, so an import never depends on one message reaching the broker or one worker
    living to the end. Re-running is harmless: rows already written count as duplicates.
    """
    stale = ImportJob.objects.filter(
        status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING), queued_at__lt=timezone.now() - older_than
    ).values_list("pk", "status")
    resent = 0
    for job_id, job_status in list(stale):
        if job_status == ImportStatus.RUNNING and not _run_abandoned(job_id):
            continue
        task_send("metering.import_run", job_id)
        resent += 1
    return resent


# A run holds a PostgreSQL session lock on (this class, job id) until it ends; the database drops it
# when the worker's connection dies, so "running but unclaimed" means the worker is gone.
_RUN_LOCK_CLASS = 0x696D7074


def _run_lock(job_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_RUN_LOCK_CLASS, job_id])
        return bool(cursor.fetchone()[0])


def _run_unlock(job_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_RUN_LOCK_CLASS, job_id])


def _run_abandoned(job_id: int) -> bool:
    """A running import whose run holds no claim (PostgreSQL only; elsewhere one process runs
    everything and nothing can be told)."""
    if connection.vendor != "postgresql" or not _run_lock(job_id):
        return False
    _run_unlock(job_id)
    return True


@contextlib.contextmanager
def _run_claim(job_id: int) -> Iterator[bool]:
    """Claim a job's run for this process (False: another live run holds it)."""
    if connection.vendor != "postgresql":
        yield True
        return
    if not _run_lock(job_id):
        yield False
        return
    try:
        yield True
    finally:
        _run_unlock(job_id)


@transaction.atomic
def import_job_cancel(*, job: ImportJob, by: User | None) -> ImportJob:
    """Drop an import that was checked but not confirmed."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.PREVIEW:
        raise TransitionNotAllowed(_("Only an import waiting for confirmation can be cancelled."))
    job.status = ImportStatus.CANCELLED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Write a confirmed import in chunks, saving progress after each. Safe to run again; a run while
    another live run of the same job holds its claim does nothing."""
    with _run_claim(job_id) as claimed:
        if not claimed:
            return ImportJob.objects.get(pk=job_id)
        return _job_run(job_id)


def _job_run(job_id: int) -> ImportJob:
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(of=("self",))
            .select_related("site", "created_by")
            .get(pk=job_id)
        )
        if job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
            return job
        job.status = ImportStatus.RUNNING
        job.processed_rows = job.accepted = job.duplicate = job.conflict = 0
        job.save(update_fields=["status", "processed_rows", "accepted", "duplicate", "conflict"])
    try:
        with job.file.open("rb") as handle:
            rows: list[dict] = list(read_table(handle.read()).rows)
        step = max(1, settings.IMPORT_CHUNK_ROWS)
        for first in range(0, len(rows), step):
            chunk = rows[first : first + step]
            if job.kind == ImportKind.READINGS:
                _readings_chunk(job=job, rows=chunk)
            else:
                _production_chunk(job=job, rows=chunk)
            job.processed_rows = min(job.total_rows, first + len(chunk))
            job.save(update_fields=["processed_rows", "accepted", "duplicate", "conflict"])
    except DomainError as exc:
        job.status = ImportStatus.FAILED
        job.error_message = exc.message
    else:
        job.status = ImportStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error_message", "finished_at"])
    return job


def _readings_chunk(*, job: ImportJob, rows: list[dict]) -> None:
    result = readings_ingest(
        site=job.site,
        raw_rows=rows,
        source=Source.IMPORT,
        by=job.created_by,
        naive_zone=zoneinfo.ZoneInfo(job.site.time_zone),
    )
    job.accepted += result.accepted + result.corrected
    job.duplicate += result.duplicate
    job.conflict += result.conflict


def _production_chunk(*, job: ImportJob, rows: list[dict]) -> None:
    good, _errors = _production_check(rows)
    for row in good:
        fields = {k: v for k, v in row.items() if k != "index"}
        try:
            production_record_create(site=job.site, by=job.created_by, **fields)
        except AlreadyExists:
            job.duplicate += 1
        else:
            job.accepted += 1
