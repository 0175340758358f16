"""Clauses marked not applicable: created on the coverage page (a justification is required),
removed here through the service, so the audit trail records who made the clause apply again."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ..models import ClauseExclusion
from ..services import evidence as evidence_services
from .base import ReadOnlyAdminMixin


@admin.register(ClauseExclusion)
class ClauseExclusionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["clause", "site", "created_by", "created_at"]

    def delete_model(self, request: HttpRequest, obj: ClauseExclusion) -> None:
        evidence_services.clause_exclusion_remove(exclusion=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ClauseExclusion]) -> None:
        for exclusion in queryset:
            evidence_services.clause_exclusion_remove(exclusion=exclusion, by=request.user)
