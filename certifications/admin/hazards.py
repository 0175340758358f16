"""OH&S hazards and risk methods in the admin: visible only; written on the Registers pages (and the
methods from their data file), whose services score them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ..models import Hazard, HazardControl, RiskBand, RiskMethod
from .base import ReadOnlyAdminMixin, ReadOnlyInline


class _NoDelete:
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BandInline(ReadOnlyInline):
    model = RiskBand
    fields = ["code", "name", "name_zh", "bound", "inclusive", "rank"]


class ControlInline(ReadOnlyInline):
    model = HazardControl
    fields = ["level", "description", "in_place"]


@admin.register(RiskMethod)
class RiskMethodAdmin(_NoDelete, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name"]
    inlines = [BandInline]


@admin.register(Hazard)
class HazardAdmin(_NoDelete, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["reference", "title", "activity", "initial_score", "initial_band", "residual_band"]
    list_filter = ["method"]
    search_fields = ["reference", "title", "title_zh", "hazard"]
    inlines = [ControlInline]
