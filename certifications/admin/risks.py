"""Risks and opportunities in the admin: visible there, written only on the register's pages and
through the API, whose services rate entries on the matrix and keep the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ..models import RiskAction, RiskOpportunity
from .base import ReadOnlyAdminMixin, ReadOnlyInline


class RiskActionInline(ReadOnlyInline):
    model = RiskAction
    fields = ["action", "owner", "due_on", "done_on", "effectiveness", "evaluated_on"]


@admin.register(RiskOpportunity)
class RiskOpportunityAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["reference", "title", "kind", "band", "score", "status", "owner"]
    list_filter = ["kind", "band", "status", "standards"]
    search_fields = ["reference", "title", "title_zh"]
    inlines = [RiskActionInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
