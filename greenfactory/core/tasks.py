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
