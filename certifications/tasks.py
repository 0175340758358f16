"""Celery tasks of certifications: thin, idempotent, each calling services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from greenfactory.core.dispatch import task_after_commit

from .services import reminders as reminder_services


@shared_task(
    name="certifications.reminders_daily",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def reminders_daily(day: str | None = None) -> dict[str, int]:
    """The daily job: expire what has lapsed, then send each owner one digest. Safe to run twice."""
    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    return reminder_services.certifications_daily(today=today)


@shared_task(
    name="certifications.green_factory_refresh",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def green_factory_refresh(site_id: int, year: int) -> int:
    """The site's KPIs of the year changed: refill its green-factory evaluation of that year (if any)."""
    from .services import green_factory_fill

    return green_factory_fill.evaluations_refresh(site_id=site_id, year=year)


@shared_task(
    name="certifications.green_factory_sweep",
    acks_late=True,
    autoretry_for=(OperationalError,),
    max_retries=3,
)
def green_factory_sweep() -> int:
    """Periodic: refill evaluations whose KPIs were computed since their last fill (a lost message)."""
    from .services import green_factory_fill

    return green_factory_fill.evaluations_stale_refresh()


def kpis_changed_receiver(sender: object, *, site_id: int, years: list[int], **kwargs: object) -> None:
    """Connected to accounting's ``kpis_changed`` (after the KPIs committed): queue the refill of the
    site's evaluations of those years. Nothing else: a message that cannot be sent is logged and the
    sweep refills the evaluation."""
    for year in years:
        task_after_commit("certifications.green_factory_refresh", site_id, year)


# A dense page takes about a CPU-second; the largest dossiers (a few hundred pages) fit well inside
# this. The broker's visibility timeout (CELERY_VISIBILITY_TIMEOUT) must stay above it, or Redis
# would hand a render still running to a second worker.
DOSSIER_TIME_LIMIT = 1800


@shared_task(
    name="certifications.render_dossier",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=DOSSIER_TIME_LIMIT,
    soft_time_limit=DOSSIER_TIME_LIMIT - 60,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def render_dossier(dossier_id: int) -> str | None:
    """Render the dossier; a complete or failed one is left alone, and one still marked rendering
    (its worker was lost) starts over."""
    from .services import dossiers as dossier_services

    dossier = dossier_services.dossier_render(dossier_id=dossier_id)
    return dossier.status if dossier is not None else None
