"""Reading ingestion: validate a whole batch at once, write it in one transaction, report every row.

The same rules serve gateways, staff API calls and file imports. Writing goes through
``metering.services.ingest_write``: COPY + INSERT ... ON CONFLICT on PostgreSQL, a bulk insert
that ignores conflicts on SQLite; both classify rows identically (accepted, duplicate, conflict,
corrected). Every accepted or corrected row marks its meter's time range dirty for recomputation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import orjson
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from greenfactory.core.exceptions import DomainError, PayloadTooLarge
from greenfactory.core.spans import spans_cover_by
from greenfactory.sites.models import Site
from metering.models import DirtyRange, Gateway, IngestBatch, Meter, MeterGatewaySeen
from metering.selectors.archives import frozen_before
from metering.services import ingest_write, partitions
from metering.services.ingest_rows import RowProblem, Validated, readings_validate, value_ceiling
from metering.services.ingest_write import Row
from metering.services.pipeline import dirty_ranges_process_after_commit

if TYPE_CHECKING:
    from greenfactory.accounts.models import User

__all__ = ["IngestResult", "RowProblem", "readings_ingest", "readings_validate", "value_ceiling"]


@dataclass
class IngestResult:
    batch_id: str
    rows: int
    accepted: int = 0
    duplicate: int = 0
    conflict: int = 0
    corrected: int = 0
    rejected: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    replayed: bool = False
    atomic: bool = False
    stored: bool = True  # False when atomic mode refused the whole batch

    def as_dict(self) -> dict:
        return {
            "batch_id": self.batch_id,
            "rows": self.rows,
            "accepted": self.accepted,
            "duplicate": self.duplicate,
            "conflict": self.conflict,
            "corrected": self.corrected,
            "rejected": self.rejected,
            "stored": self.committed,
            "replayed": self.replayed,
            "errors": [p.as_dict() for p in sorted(self.problems, key=lambda p: p.index)],
        }

    @classmethod
    def from_dict(cls, data: dict) -> IngestResult:
        return cls(
            batch_id=data["batch_id"],
            rows=data["rows"],
            accepted=data["accepted"],
            duplicate=data["duplicate"],
            conflict=data["conflict"],
            corrected=data["corrected"],
            rejected=data["rejected"],
            stored=data["stored"],
            problems=[RowProblem(**p) for p in data["errors"]],
        )

    @property
    def committed(self) -> bool:
        """Whether rows of this batch are in the database now (written, already there or corrected):
        False for an answer that stored nothing, whatever the mode."""
        return self.stored and bool(self.accepted or self.duplicate or self.corrected)

    @property
    def http_status(self) -> int:
        """200 when every row was stored or already there; 207 when some rows were refused and
        others stored; a 4xx (403 scope, 409 conflict, else 400) when nothing could be stored."""
        if not self.problems:
            return 200
        if self.committed:
            return 207
        statuses = {p.status for p in self.problems}
        if statuses == {403}:
            return 403
        if statuses == {409}:
            return 409
        return 400


class BatchIdReused(DomainError):
    status_code = 409
    code = "batch_id_reused"


def batch_fingerprint(*, raw_rows: list[dict], atomic: bool) -> str:
    """SHA-256 of a batch as parsed (key order, whitespace and JSON or CSV spelling aside)."""
    rows = [{key: str(value).strip() for key, value in row.items()} for row in raw_rows]
    document = orjson.dumps({"atomic": atomic, "rows": rows}, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(document).hexdigest()


def _previous_batch(*, gateway: Gateway, batch_id: str, fingerprint: str) -> IngestResult | None:
    """The stored answer when this gateway already sent this batch; a 409 when it sent a different
    batch under the same id (a restarted counter would otherwise lose the new readings silently)."""
    previous = IngestBatch.objects.filter(gateway=gateway, client_batch_id=batch_id).first()
    if previous is None:
        return None
    if previous.body_hash and previous.body_hash != fingerprint:
        raise BatchIdReused(
            _(
                "Batch id “%(id)s” was already used on %(when)s for different readings; nothing was "
                "stored. Send new readings under a new batch id."
            )
            % {"id": batch_id, "when": previous.received_at.isoformat(timespec="seconds")}
        )
    return _replayed(previous)


class _AtomicAbort(Exception):
    def __init__(self, result: IngestResult) -> None:
        super().__init__("atomic batch refused")
        self.result = result


def gateway_scope(*, gateway: Gateway) -> frozenset[int]:
    """The ids of the meters a gateway may send readings for."""
    if gateway.all_meters:
        return frozenset(Meter.objects.filter(site_id=gateway.site_id).values_list("pk", flat=True))
    return frozenset(gateway.meters.filter(site_id=gateway.site_id).values_list("pk", flat=True))


def readings_ingest(
    *,
    site: Site,
    raw_rows: list[dict],
    source: str,
    batch_id: str = "",
    gateway: Gateway | None = None,
    by: User | None = None,
    atomic: bool = False,
    naive_zone: zoneinfo.ZoneInfo | None = None,
    now: dt.datetime | None = None,
) -> IngestResult:
    """Validate and store a batch of readings for one site; answer counts and every refused row.

    A gateway's batch is limited to its scope; a ``batch_id`` already seen from the same gateway
    answers the stored result and changes nothing. With ``atomic`` any refused row stores nothing.
    """
    if len(raw_rows) > settings.INGEST_MAX_ROWS:
        raise PayloadTooLarge(
            _("A batch holds at most %(limit)s readings; this one has %(count)s.")
            % {"limit": settings.INGEST_MAX_ROWS, "count": len(raw_rows)}
        )
    fingerprint = batch_fingerprint(raw_rows=raw_rows, atomic=atomic) if batch_id else ""
    if gateway is not None and batch_id:
        previous = _previous_batch(gateway=gateway, batch_id=batch_id, fingerprint=fingerprint)
        if previous is not None:
            return previous
    now = now or timezone.now()
    meters = {m.code: m for m in Meter.objects.filter(site=site)}
    scope = gateway_scope(gateway=gateway) if gateway is not None else None
    checked = readings_validate(
        raw_rows=raw_rows,
        meters=meters,
        scope=scope,
        now=now,
        naive_zone=naive_zone,
        frozen_before=frozen_before(zone=site.time_zone),
    )
    result = IngestResult(
        batch_id=batch_id,
        rows=len(raw_rows),
        rejected=len(checked.problems),
        problems=list(checked.problems),
        atomic=atomic,
    )
    if atomic and checked.problems:
        result.stored = False
        return result
    # Months without their partition get it first, in a short transaction of its own (usually beat
    # made them ahead of time): the batch's own transaction then never waits on a partition.
    partitions.partitions_ensure_for(times=(row.ts for row in checked.rows))
    try:
        with transaction.atomic():
            code_of = {m.pk: code for code, m in meters.items()}
            _write(
                result=result,
                checked=checked,
                source=source,
                gateway=gateway,
                by=by,
                now=now,
                code_of=code_of,
                fingerprint=fingerprint,
            )
            if atomic and result.conflict:
                raise _AtomicAbort(result)
    except _AtomicAbort:
        result.accepted = result.duplicate = result.corrected = 0
        result.stored = False
    except IntegrityError:
        # Another request with the same gateway and batch_id committed first: answer its result.
        previous = None
        if gateway is not None and batch_id:
            previous = _previous_batch(gateway=gateway, batch_id=batch_id, fingerprint=fingerprint)
        if previous is None:
            raise
        return previous
    return result


def _replayed(batch: IngestBatch) -> IngestResult:
    result = IngestResult.from_dict(batch.result)
    result.replayed = True
    return result


def _write(
    *,
    result: IngestResult,
    checked: Validated,
    source: str,
    gateway: Gateway | None,
    by: User | None,
    now: dt.datetime,
    code_of: dict[int, str],
    fingerprint: str,
) -> None:
    batch = IngestBatch.objects.create(
        source=source,
        gateway=gateway,
        client_batch_id=result.batch_id,
        body_hash=fingerprint,
        created_by=by,
        rows=result.rows,
    )
    outcome = ingest_write.rows_write(rows=checked.rows, batch=batch, source=source, now=now)
    for row, _existing in outcome.conflicts:
        result.problems.append(
            RowProblem(
                row.index,
                code_of[row.meter_id],
                _(
                    "a different value is already stored for this meter and time; "
                    "send it with correction=true to replace it."
                ),
                409,
            )
        )
    result.accepted = len(outcome.accepted)
    result.duplicate = checked.duplicates_in_batch + len(outcome.duplicates)
    result.conflict = len(outcome.conflicts)
    result.corrected = len(outcome.corrected)
    if result.conflict and result.atomic:
        return
    if outcome.corrected:
        ingest_write.corrections_apply(corrected=outcome.corrected, batch=batch, by=by, gateway=gateway)
    changed = outcome.accepted + [row for row, _old in outcome.corrected]
    _dirty_ranges_record(rows=changed, batch=batch)
    if gateway is not None and checked.rows:
        _last_seen_record(rows=checked.rows, gateway=gateway, now=now)
    batch.accepted = result.accepted
    batch.duplicate = result.duplicate
    batch.conflict = result.conflict
    batch.corrected = result.corrected
    batch.rejected = result.rejected
    batch.result = result.as_dict()
    if result.problems:  # a refused row: the corrected batch may come again under the same id
        batch.client_batch_id = ""
    batch.save(
        update_fields=[
            "accepted",
            "duplicate",
            "conflict",
            "corrected",
            "rejected",
            "result",
            "client_batch_id",
        ]
    )


def _dirty_ranges_record(*, rows: list[Row], batch: IngestBatch) -> None:
    spans = spans_cover_by((row.meter_id, row.start or row.ts, row.ts) for row in rows)
    created = DirtyRange.objects.bulk_create(
        DirtyRange(meter_id=meter_id, start=span.start, end=span.end, batch=batch)
        for meter_id, span in spans.items()
    )
    dirty_ranges_process_after_commit(dirty=created)


def _last_seen_record(*, rows: list[Row], gateway: Gateway, now: dt.datetime) -> None:
    latest: dict[int, dt.datetime] = {}
    for row in rows:
        if row.ts > latest.get(row.meter_id, row.ts - dt.timedelta(seconds=1)):
            latest[row.meter_id] = row.ts
    MeterGatewaySeen.objects.bulk_create(
        [
            MeterGatewaySeen(meter_id=meter_id, gateway=gateway, last_seen_at=now, last_reading_ts=ts)
            for meter_id, ts in latest.items()
        ],
        update_conflicts=True,
        unique_fields=["meter", "gateway"],
        update_fields=["last_seen_at", "last_reading_ts"],
    )
