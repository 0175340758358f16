"""Celery tasks of certifications: thin, idempotent, each calling services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

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
