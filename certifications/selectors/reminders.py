"""Reads of a person's reminders (the in-app notifications)."""

from __future__ import annotations

from django.db.models import QuerySet

from greenfactory.accounts.models import User

from ..models import Reminder


def reminders_for(*, user: User) -> QuerySet[Reminder]:
    return (
        Reminder.objects.filter(recipient=user)
        .select_related("evidence", "certificate")
        .order_by("-day", "due_on")
    )


def reminders_unread_count(*, user: User) -> int:
    return Reminder.objects.filter(recipient=user, read_at__isnull=True).count()
