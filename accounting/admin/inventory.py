from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounting.models import (
    BaseYearRecalculation,
    InventoryCategory,
    InventorySettings,
    InventorySite,
    SourceUncertainty,
)


@admin.register(InventorySettings)
class InventorySettingsAdmin(SimpleHistoryAdmin):
    list_display = (
        "organisation",
        "consolidation",
        "base_year",
        "base_year_tco2e",
        "recalculation_threshold_pct",
    )


@admin.register(InventorySite)
class InventorySiteAdmin(SimpleHistoryAdmin):
    list_display = ("site", "included", "equity_share_pct", "note")


@admin.register(InventoryCategory)
class InventoryCategoryAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "category", "included", "justification")
    list_filter = ("organisation",)


@admin.register(BaseYearRecalculation)
class BaseYearRecalculationAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "date", "kind", "effect_tco2e", "reason")
    list_filter = ("organisation", "kind")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(SourceUncertainty)
class SourceUncertaintyAdmin(SimpleHistoryAdmin):
    list_display = ("source", "percent", "basis")
