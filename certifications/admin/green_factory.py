"""Green-factory schemes and evaluations in the admin: visible there, never written there. Schemes
come from their YAML files (``load_green_factory_schemes``); values are filled from the KPIs or
entered by hand with a reason and evidence through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ..models import Evaluation, GateItem, GateResult, Indicator, IndicatorValue, Scheme
from .base import ReadOnlyAdminMixin, ReadOnlyInline


class _NoDelete:
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class IndicatorInline(ReadOnlyInline):
    model = Indicator
    fields = ["code", "name_zh", "name_en", "type", "unit", "weight", "baseline", "leading", "source"]


class GateItemInline(ReadOnlyInline):
    model = GateItem
    fields = ["code", "kind", "standard_code", "name_zh", "name_en"]


@admin.register(Scheme)
class SchemeAdmin(_NoDelete, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "edition", "title", "title_zh", "standard_label"]
    search_fields = ["code", "title", "title_zh"]
    inlines = [GateItemInline, IndicatorInline]


class IndicatorValueInline(ReadOnlyInline):
    model = IndicatorValue
    fields = ["indicator", "value", "case", "origin", "reason", "provenance", "version", "updated_by"]


class GateResultInline(ReadOnlyInline):
    model = GateResult
    fields = ["item", "outcome", "note"]


@admin.register(Evaluation)
class EvaluationAdmin(_NoDelete, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["site", "year", "scheme", "annual_energy_tce", "refreshed_at"]
    list_filter = ["scheme", "year"]
    search_fields = ["site__code", "site__name"]
    inlines = [IndicatorValueInline, GateResultInline]
