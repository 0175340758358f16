"""Metering's gauges for the metrics endpoint: what waits in the KPI pipeline, read at each scrape."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Min
from prometheus_client.core import GaugeMetricFamily, Metric

from greenfactory.core.metrics import age_seconds


class PipelineCollector:
    """Pending dirty ranges and rollup changes (the outbox) with the age of the oldest, and the
    dirty ranges whose last attempt failed."""

    def collect(self) -> Iterator[Metric]:
        from metering.models import DirtyRange, RollupChange

        for model, name, what in (
            (DirtyRange, "dirty_ranges", "reading ranges whose rollups wait to be recomputed"),
            (RollupChange, "rollup_changes", "rollup changes (the outbox) waiting to become KPIs"),
        ):
            pending = model.objects.filter(consumed_at__isnull=True)
            oldest = pending.aggregate(oldest=Min("created_at"))["oldest"]
            yield GaugeMetricFamily(f"greenfactory_pending_{name}", f"Pending {what}.", value=pending.count())
            yield GaugeMetricFamily(
                f"greenfactory_pending_{name}_oldest_seconds",
                f"Age in seconds of the oldest of the pending {what} (0 when none waits).",
                value=age_seconds(oldest),
            )
        failed = DirtyRange.objects.filter(consumed_at__isnull=True, failed_at__isnull=False).count()
        yield GaugeMetricFamily(
            "greenfactory_failed_dirty_ranges",
            "Pending dirty ranges whose last attempt failed.",
            value=failed,
        )
