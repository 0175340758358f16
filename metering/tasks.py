import datetime as dt

from celery import shared_task
from django.db import OperationalError

from .services import imports


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
def kpi_dirty_process(dirty_range_ids: list[int]) -> int:
    """Turn these dirty ranges into rollups and KPIs (runs on the ``kpi`` queue)."""
    from .services import rollups

    return rollups.dirty_ranges_process(ids=dirty_range_ids)


@shared_task(name="metering.kpi_sweep", acks_late=True, autoretry_for=(OperationalError,), max_retries=3)
def kpi_sweep() -> int:
    """Periodic: consume dirty ranges left pending (a lost message, a broker that was down)."""
    from .services import rollups

    total = 0
    while consumed := rollups.dirty_ranges_process(limit=500):
        total += consumed
    return total


@shared_task(
    name="metering.kpis_recompute_all",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def kpis_recompute_all(site_id: int | None = None) -> int:
    """Recompute every site's KPIs (a factor set changed), or one site's (its KPI settings changed);
    rollups do not depend on factors."""
    from greenfactory.sites.models import Site

    from .services import kpis

    sites = Site.objects.all() if site_id is None else Site.objects.filter(pk=site_id)
    return sum(kpis.site_kpis_recompute(site=site) for site in sites)


@shared_task(
    name="metering.kpi_site_refresh",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def kpi_site_refresh(site_id: int, start: str, end: str) -> int:
    """Recompute a site's KPIs over [start, end) (ISO instants): activity data changed."""
    from .services import kpis

    return kpis.site_kpis_refresh(
        site_id=site_id, start=dt.datetime.fromisoformat(start), end=dt.datetime.fromisoformat(end)
    )


@shared_task(
    name="metering.target_alerts_refresh",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def target_alerts_refresh(site_id: int) -> int:
    """A site's KPIs changed: raise (or drop) the alerts of its energy targets."""
    from greenfactory.sites.models import Site

    from .services import baselines

    site = Site.objects.filter(pk=site_id).first()
    return baselines.target_alerts_refresh(site=site) if site is not None else 0


@shared_task(
    name="metering.quality_stale_gateways", acks_late=True, autoretry_for=(OperationalError,), max_retries=3
)
def quality_stale_gateways() -> int:
    """Periodic: flag gateways that stopped uploading (and clear those that came back)."""
    from .services import quality

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

    from .services import quality

    site = Site.objects.filter(pk=site_id).first()
    return quality.site_findings_rederive(site=site) if site is not None else 0
