import datetime as dt

from celery import shared_task
from django.db import OperationalError

from metering.services import imports


@shared_task(
    name="metering.import_run",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def import_run(job_id: int) -> None:
    """Write a confirmed file import (runs on the ``ingest`` queue)."""
    imports.import_job_run(job_id=job_id)


@shared_task(name="metering.imports_sweep", acks_late=True)
def imports_sweep() -> int:
    """Periodic: re-send imports still queued after ten minutes."""
    return imports.import_jobs_requeue_stale(older_than=dt.timedelta(minutes=10))


@shared_task(
    name="metering.kpi_dirty_process",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def kpi_dirty_process(dirty_range_ids: list[int] | None) -> int:
    """Run metering's pipeline on these dirty ranges (None: the oldest pending): rollups, findings and
    the outbox rows that readers of rollups consume (runs on the ``kpi`` queue, hence the name)."""
    from metering.services import pipeline

    return pipeline.dirty_ranges_process(ids=dirty_range_ids)


@shared_task(name="metering.kpi_sweep", acks_late=True, autoretry_for=(OperationalError,), max_retries=3)
def kpi_sweep() -> int:
    """Periodic: consume dirty ranges left pending (a lost message, a broker that was down)."""
    from metering.services import pipeline

    total = 0
    while consumed := pipeline.dirty_ranges_process(limit=500):
        total += consumed
    return total


@shared_task(
    name="metering.quality_stale_gateways", acks_late=True, autoretry_for=(OperationalError,), max_retries=3
)
def quality_stale_gateways() -> int:
    """Periodic: flag gateways that stopped uploading (and clear those that came back)."""
    from metering.services import quality

    return quality.gateways_stale_refresh()


@shared_task(
    name="metering.quality_site_rederive",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def quality_site_rederive(site_id: int) -> int:
    """Re-derive a site's data-quality findings over its whole history (its thresholds changed)."""
    from greenfactory.sites.models import Site
    from metering.services import quality

    site = Site.objects.filter(pk=site_id).first()
    return quality.site_findings_rederive(site=site) if site is not None else 0


@shared_task(
    name="metering.partitions_ahead", acks_late=True, autoretry_for=(OperationalError,), max_retries=3
)
def partitions_ahead() -> int:
    """Periodic: the readings partitions of this month and the next ones (PostgreSQL; idempotent)."""
    from metering.services import partitions

    return len(partitions.partitions_ensure_ahead())
