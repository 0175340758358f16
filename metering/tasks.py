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
