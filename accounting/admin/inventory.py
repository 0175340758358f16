from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounting.models import (
    BaseYearRecalculation,
    InventoryCategory,
    InventorySettings,
    InventorySite,
    SourceUncertainty,
)
from accounting.services import inventory
from greenfactory.core.admin import ServiceAdmin

# Every inventory row is saved through the service the inventory settings page and the API use, with
# its rules (base year and total together, categories 1 and 2 always included, one row per site or
# category). A row's owner (organisation, site, category, source) is fixed once it exists.


@admin.register(InventorySettings)
class InventorySettingsAdmin(ServiceAdmin, SimpleHistoryAdmin):
    list_display = (
        "organisation",
        "consolidation",
        "base_year",
        "base_year_tco2e",
        "recalculation_threshold_pct",
    )

    def get_readonly_fields(self, request, obj=None):
        return ("organisation",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        obj.pk = inventory.inventory_settings_save(
            organisation=obj.organisation,
            consolidation=data["consolidation"],
            boundary_note=data["boundary_note"],
            base_year=data["base_year"],
            base_year_tco2e=data["base_year_tco2e"],
            recalculation_threshold_pct=data["recalculation_threshold_pct"],
            by=request.user,
        ).pk


@admin.register(InventorySite)
class InventorySiteAdmin(ServiceAdmin, SimpleHistoryAdmin):
    list_display = ("site", "included", "equity_share_pct", "note")

    def get_readonly_fields(self, request, obj=None):
        return ("site",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        obj.pk = inventory.inventory_site_save(
            site=obj.site,
            included=obj.included,
            equity_share_pct=obj.equity_share_pct,
            note=obj.note,
            by=request.user,
        ).pk

    def delete_model(self, request, obj):
        inventory.inventory_site_delete(entry=obj, by=request.user)


@admin.register(InventoryCategory)
class InventoryCategoryAdmin(ServiceAdmin, SimpleHistoryAdmin):
    list_display = ("organisation", "category", "included", "justification")
    list_filter = ("organisation",)

    def get_readonly_fields(self, request, obj=None):
        return ("organisation", "category") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        obj.pk = inventory.inventory_category_save(
            organisation=obj.organisation,
            category=obj.category,
            included=obj.included,
            justification=obj.justification,
            by=request.user,
        ).pk


@admin.register(BaseYearRecalculation)
class BaseYearRecalculationAdmin(ServiceAdmin, SimpleHistoryAdmin):
    """Recorded and removed through the service; as in the API, an event is not edited."""

    list_display = ("organisation", "date", "kind", "effect_tco2e", "reason")
    list_filter = ("organisation", "kind")
    readonly_fields = ("created_by", "created_at")

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = inventory.base_year_recalculation_create(
            organisation=obj.organisation,
            date=obj.date,
            kind=obj.kind,
            effect_tco2e=obj.effect_tco2e,
            reason=obj.reason,
            by=request.user,
        ).pk

    def delete_model(self, request, obj):
        inventory.base_year_recalculation_delete(event=obj, by=request.user)


@admin.register(SourceUncertainty)
class SourceUncertaintyAdmin(ServiceAdmin, SimpleHistoryAdmin):
    """One row per emission source type, loaded from the shipped defaults: corrected, never added or
    deleted."""

    list_display = ("source", "percent", "basis")
    readonly_fields = ("source",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        inventory.source_uncertainty_save(row=obj, percent=obj.percent, basis=obj.basis, by=request.user)
