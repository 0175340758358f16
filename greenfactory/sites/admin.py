from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Organisation, ProductionRecord, Site


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Site)
class SiteAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "organisation", "time_zone", "land_area_m2", "floor_area_m2")
    list_filter = ("organisation", "time_zone")
    search_fields = ("code", "name", "address")
    list_select_related = ("organisation",)


@admin.register(ProductionRecord)
class ProductionRecordAdmin(SimpleHistoryAdmin):
    list_display = ("site", "period_start", "period_end", "kind", "material", "tonnes")
    list_filter = ("site", "kind")
    search_fields = ("material", "note")
    date_hierarchy = "period_start"
    list_select_related = ("site",)
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
