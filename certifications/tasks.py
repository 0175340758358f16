"""Celery tasks of certifications: thin, idempotent, each calling services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import services


@shared_task(
    name="certifications.reminders_daily",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def reminders_daily(day: str | None = None) -> dict:
    """The daily job: expire what has lapsed, then send each owner one digest. Safe to run twice."""
    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    expired_evidence = services.evidence_expire_due(today=today)
    expired_certificates = services.certificates_expire_due(today=today)
    sent = services.reminders_send_daily(today=today)
    return {"expired_evidence": expired_evidence, "expired_certificates": expired_certificates, **sent}
