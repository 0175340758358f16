import socket

from celery import shared_task
from django.db import connection
from django.utils import timezone


@shared_task(name="greenfactory.health_check", acks_late=True)
def health_check() -> dict:
    """Prove a worker can take a task and reach the database; answers who ran it and when."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return {
        "database": "ok" if one == 1 else "error",
        "worker": socket.gethostname(),
        "at": timezone.now().isoformat(),
    }


@shared_task(name="greenfactory.task_failures_prune", acks_late=True)
def task_failures_prune() -> int:
    """Forget resolved and recovered task failures older than ``TASK_FAILURES_KEEP_DAYS``."""
    from django.conf import settings

    from greenfactory.core.task_failures import prune

    return prune(keep_days=settings.TASK_FAILURES_KEEP_DAYS)
