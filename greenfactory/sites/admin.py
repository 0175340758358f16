from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from greenfactory.core.admin import ServiceAdmin

from . import services
from .models import Organisation, ProductionRecord, Site, SiteShift


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdmin, SimpleHistoryAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.pk = services.organisation_create(name=obj.name, code=obj.code, by=request.user).pk


class SiteShiftInline(admin.TabularInline):
    """The site's production shifts, edited with the site: the load profile's off-shift hours."""

    model = SiteShift
    extra = 0
    fields = ("name", "weekdays", "start", "end")


@admin.register(Site)
class SiteAdmin(ServiceAdmin, SimpleHistoryAdmin):
    """Sites are created and changed through the service, as in the API."""

    inlines = [SiteShiftInline]

    list_display = ("code", "name", "organisation", "time_zone", "land_area_m2", "floor_area_m2")
    list_filter = ("organisation", "time_zone")
    search_fields = ("code", "name", "address")
    list_select_related = ("organisation",)

    def save_model(self, request, obj, form, change):
        fields = dict(form.cleaned_data)
        if change:
            services.site_update(site=Site.objects.get(pk=obj.pk), by=request.user, **fields)
            return
        obj.pk = services.site_create(organisation=fields.pop("organisation"), by=request.user, **fields).pk


@admin.register(ProductionRecord)
class ProductionRecordAdmin(ServiceAdmin, SimpleHistoryAdmin):
    """Production records are recorded, changed and deleted through the service, which refuses a second
    record for the same site, period, material and kind."""

    list_display = ("site", "period_start", "period_end", "kind", "material", "tonnes")
    list_filter = ("site", "kind")
    search_fields = ("material", "note")
    date_hierarchy = "period_start"
    list_select_related = ("site",)
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if change:
            record = ProductionRecord.objects.get(pk=obj.pk)
            services.production_record_update(record=record, by=request.user, **form.cleaned_data)
            return
        obj.pk = services.production_record_create(by=request.user, **form.cleaned_data).pk

    def delete_model(self, request, obj):
        services.production_record_delete(record=obj, by=request.user)
