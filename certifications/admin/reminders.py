"""Reminders are written by the daily digest only: read-only here."""

from __future__ import annotations

from django.contrib import admin

from ..models import Reminder
from .base import ReadOnlyAdminMixin


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["day", "recipient", "kind", "subject", "due_on", "emailed_at", "read_at"]
    list_filter = ["kind", "day"]
