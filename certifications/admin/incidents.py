"""Incidents and their national grades in the admin: visible only; written on the Registers pages
(and the grades from their data file), whose services check the grades and the workflow."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ..models import Incident, IncidentGrade
from .base import ReadOnlyAdminMixin


class _NoDelete:
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IncidentGrade)
class IncidentGradeAdmin(_NoDelete, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "scheme", "rank", "counts_as_major"]
    list_filter = ["scheme", "counts_as_major"]


@admin.register(Incident)
class IncidentAdmin(_NoDelete, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["reference", "title", "kind", "site", "occurred_at", "grade", "status"]
    list_filter = ["kind", "status", "site", "grade"]
    search_fields = ["reference", "title", "title_zh"]
