"""Sending dirty ranges to the KPI queue once the readings that made them are committed."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from metering.models import DirtyRange


def kpi_refresh_after_commit(*, dirty: Iterable[DirtyRange]) -> None:
    """Queue the recomputation of these dirty ranges after commit. Their ids are known on both
    backends only when bulk_create returns them; otherwise the sweeper consumes the ranges."""
    from metering.tasks import kpi_dirty_process

    ids = [d.pk for d in dirty if d.pk is not None]
    if ids:
        transaction.on_commit(lambda: kpi_dirty_process.delay(ids))
    else:
        transaction.on_commit(lambda: kpi_dirty_process.delay(None))
