"""Reads of the pipeline's own state: meters and sites whose refresh failed and waits for a retry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min

from metering.models import DirtyRange, RollupChange


@dataclass(frozen=True)
class PipelineFailure:
    """A meter's rollups (``meter`` set) or a site's KPIs (``meter`` empty) not refreshed since
    ``since``, after ``attempts`` tries, with the last error."""

    site: str
    meter: str
    since: dt.datetime
    attempts: int
    error: str


def pipeline_failures(*, site_id: int | None = None) -> list[PipelineFailure]:
    """Every failed, not yet consumed step of the pipeline (of one site when given), meters first."""
    found: list[PipelineFailure] = []
    ranges = DirtyRange.objects.filter(consumed_at__isnull=True, failed_at__isnull=False)
    changes = RollupChange.objects.filter(consumed_at__isnull=True, failed_at__isnull=False)
    if site_id is not None:
        ranges = ranges.filter(meter__site_id=site_id)
        changes = changes.filter(site_id=site_id)
    for row in (
        ranges.values("meter_id", "meter__code", "meter__site__code")
        .annotate(since=Min("failed_at"), last=Max("failed_at"), attempts=Max("attempts"), n=Count("pk"))
        .order_by("meter__site__code", "meter__code")
    ):
        error = ranges.filter(meter_id=row["meter_id"], failed_at=row["last"]).values_list("error", flat=True)
        found.append(
            PipelineFailure(
                site=row["meter__site__code"],
                meter=row["meter__code"],
                since=row["since"],
                attempts=row["attempts"],
                error=error.first() or "",
            )
        )
    for site_row in (
        changes.values("site_id", "site__code")
        .annotate(since=Min("failed_at"), last=Max("failed_at"), attempts=Max("attempts"))
        .order_by("site__code")
    ):
        site_error = changes.filter(site_id=site_row["site_id"], failed_at=site_row["last"]).values_list(
            "error", flat=True
        )
        found.append(
            PipelineFailure(
                site=site_row["site__code"],
                meter="",
                since=site_row["since"],
                attempts=site_row["attempts"],
                error=site_error.first() or "",
            )
        )
    return found
