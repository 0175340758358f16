"""Environmental aspects and significance methods in the admin: visible only; written on the
Registers pages (and the methods from their data file), whose services score them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ..models import Aspect, SignificanceCriterion, SignificanceMethod
from .base import ReadOnlyAdminMixin, ReadOnlyInline


class _NoDelete:
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CriterionInline(ReadOnlyInline):
    model = SignificanceCriterion
    fields = ["code", "name", "name_zh", "legal", "min_score", "max_score"]


@admin.register(SignificanceMethod)
class SignificanceMethodAdmin(_NoDelete, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "aggregation", "significant_from", "legal_from"]
    inlines = [CriterionInline]


@admin.register(Aspect)
class AspectAdmin(_NoDelete, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["reference", "title", "activity", "condition", "score", "significant"]
    list_filter = ["condition", "significant", "method"]
    search_fields = ["reference", "title", "title_zh", "activity", "aspect"]
