from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounting.models import Factor, FactorSet, SiteKpiSettings
from accounting.services import factors
from greenfactory.core.admin import ServiceAdmin


class FactorInline(admin.TabularInline):
    model = Factor
    fields = ("key", "year", "value", "unit", "source")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FactorSet)
class FactorSetAdmin(SimpleHistoryAdmin):
    """KPIs name the sets (code and version) they were computed with, and look sets up by code: a
    set's code and kind are fixed once created, and a set is never deleted."""

    list_display = ("code", "name", "kind", "version", "updated_at")
    list_filter = ("kind",)
    readonly_fields = ("version", "updated_at")
    inlines = [FactorInline]

    def get_readonly_fields(self, request, obj=None):
        return ("code", "kind", *self.readonly_fields) if obj is not None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Factor)
class FactorAdmin(ServiceAdmin, SimpleHistoryAdmin):
    """Factors are saved and deleted through the service: the set's version goes up and KPIs are
    recomputed."""

    list_display = ("factor_set", "key", "year", "value", "unit", "source")
    list_filter = ("factor_set",)
    search_fields = ("key", "source")

    def get_readonly_fields(self, request, obj=None):
        return ("factor_set", "key", "year", "unit") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        factors.factor_save(
            factor=obj, value=form.cleaned_data["value"], source=form.cleaned_data["source"], by=request.user
        )

    def delete_model(self, request, obj):
        factors.factor_delete(factor=obj, by=request.user)


@admin.register(SiteKpiSettings)
class SiteKpiSettingsAdmin(ServiceAdmin, SimpleHistoryAdmin):
    """Saved through the service, which recomputes the site's KPIs; every site has its settings, so
    they are changed, never deleted."""

    list_display = ("site", "grid_region", "residual_region", "gwp_set", "combustion_method")
    fields = ("site", "grid_region", "residual_region", "gwp_set", "combustion_method")

    def get_readonly_fields(self, request, obj=None):
        return ("site",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        factors.site_kpi_settings_update(
            settings=obj,
            grid_region=data["grid_region"],
            residual_region=data["residual_region"],
            gwp_set=data["gwp_set"],
            combustion_method=data["combustion_method"],
            by=request.user,
        )
