"""Compliance obligations and their evaluations in the admin: visible there, written only on the
register pages and through the API (their services check the rules and raise the findings)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ..models import ComplianceEvaluation, Obligation
from .base import ReadOnlyAdminMixin, ReadOnlyInline


class _NoDelete:
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EvaluationInline(ReadOnlyInline):
    model = ComplianceEvaluation
    fields = ["evaluated_on", "result", "evaluated_by", "notes", "finding"]


@admin.register(Obligation)
class ObligationAdmin(_NoDelete, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["reference", "title", "title_zh", "source_type", "issuer", "effective_on", "owner"]
    list_filter = ["source_type"]
    search_fields = ["reference", "title", "title_zh", "issuer"]
    inlines = [EvaluationInline]


@admin.register(ComplianceEvaluation)
class ComplianceEvaluationAdmin(_NoDelete, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["obligation", "evaluated_on", "result", "evaluated_by", "finding"]
    list_filter = ["result"]
