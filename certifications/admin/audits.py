"""Audits, findings and corrective actions in the admin: visible there, written only on the Audits
pages and through the API, whose services hold the workflows (a record changed here would skip
them). Deleting is not offered: an audit with findings is part of the record."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ..models import Audit, AuditProgramme, CapaAction, CapaStep, ChecklistItem, CorrectiveAction, Finding
from .base import ReadOnlyAdminMixin, ReadOnlyInline


class _NoDelete:
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditProgramme)
class AuditProgrammeAdmin(_NoDelete, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["site", "year"]
    list_filter = ["site", "year"]


class ChecklistInline(ReadOnlyInline):
    model = ChecklistItem
    fields = ["number", "title", "result", "notes", "version"]


@admin.register(Audit)
class AuditAdmin(_NoDelete, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["reference", "title", "audit_type", "status", "starts_on", "ends_on"]
    list_filter = ["audit_type", "status", "standards"]
    search_fields = ["reference", "title"]
    inlines = [ChecklistInline]


@admin.register(Finding)
class FindingAdmin(_NoDelete, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["reference", "finding_class", "status", "owner", "due_on"]
    list_filter = ["finding_class", "status"]
    search_fields = ["reference", "statement"]


class CapaActionInline(ReadOnlyInline):
    model = CapaAction
    fields = ["description", "owner", "due_on", "done_on"]


class CapaStepInline(ReadOnlyInline):
    model = CapaStep
    fields = ["at", "by", "from_state", "to_state", "note"]


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(_NoDelete, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["finding", "state", "owner"]
    list_filter = ["state"]
    inlines = [CapaActionInline, CapaStepInline]
