"""Objectives in the admin: visible there, written only on the register's pages and through the
API, whose services check the target and the KPI followed and keep the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ..models import Objective, ObjectiveProgress
from .base import ReadOnlyAdminMixin, ReadOnlyInline


class ProgressInline(ReadOnlyInline):
    model = ObjectiveProgress
    fields = ["recorded_on", "value", "note", "recorded_by"]


@admin.register(Objective)
class ObjectiveAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["reference", "title", "target", "unit", "due_on", "status", "follows", "owner"]
    list_filter = ["status", "follows", "standards"]
    search_fields = ["reference", "title", "title_zh"]
    inlines = [ProgressInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
