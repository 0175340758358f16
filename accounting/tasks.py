import datetime as dt

from celery import shared_task
from django.db import OperationalError

from greenfactory.core.dispatch import task_after_commit


@shared_task(
    name="accounting.kpis_recompute_all",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def kpis_recompute_all(site_id: int | None = None) -> int:
    """Recompute every site's KPIs (a factor set changed), or one site's (its KPI settings changed);
    rollups do not depend on factors."""
    from accounting.services import kpis
    from greenfactory.sites.models import Site

    sites = Site.objects.all() if site_id is None else Site.objects.filter(pk=site_id)
    return sum(kpis.site_kpis_recompute(site=site) for site in sites)


@shared_task(
    name="accounting.kpi_site_refresh",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def kpi_site_refresh(site_id: int, start: str, end: str) -> int:
    """Recompute a site's KPIs over [start, end) (ISO instants): activity data changed."""
    from accounting.services import kpis

    return kpis.site_kpis_refresh(
        site_id=site_id, start=dt.datetime.fromisoformat(start), end=dt.datetime.fromisoformat(end)
    )


@shared_task(
    name="accounting.target_alerts_refresh",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def target_alerts_refresh(site_id: int) -> int:
    """A site's KPIs changed: raise (or drop) the alerts of its energy targets."""
    from accounting.services import baselines
    from greenfactory.sites.models import Site

    site = Site.objects.filter(pk=site_id).first()
    return baselines.target_alerts_refresh(site=site) if site is not None else 0


@shared_task(
    name="accounting.rollup_changes_consume",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def rollup_changes_consume(change_ids: list[int] | None = None) -> int:
    """Turn these rollup changes of metering's outbox (None: the oldest pending) into site KPIs (runs on
    the ``kpi`` queue)."""
    from accounting.services import kpis

    return kpis.rollup_changes_consume(ids=change_ids)


@shared_task(
    name="accounting.rollup_changes_sweep", acks_late=True, autoretry_for=(OperationalError,), max_retries=3
)
def rollup_changes_sweep() -> int:
    """Periodic: consume rollup changes left pending (a lost message, a broker that was down)."""
    from accounting.services import kpis

    total = 0
    while consumed := kpis.rollup_changes_consume(limit=500):
        total += consumed
    return total


def rollups_changed_receiver(
    sender: object, *, change_ids: list[int] | None = None, **kwargs: object
) -> None:
    """Connected to metering's ``rollups_changed`` (after the rollups committed): queue the
    consumption of those outbox rows. Nothing else: the rows are the record, the task the work (a
    message that cannot be sent is logged; the sweeper consumes the rows)."""
    task_after_commit("accounting.rollup_changes_consume", change_ids)
