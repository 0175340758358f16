from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounting.models import Factor, FactorSet, SiteKpiSettings
from accounting.services import factors


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
    list_display = ("code", "name", "kind", "version", "updated_at")
    list_filter = ("kind",)
    readonly_fields = ("version", "updated_at")
    inlines = [FactorInline]


@admin.register(Factor)
class FactorAdmin(SimpleHistoryAdmin):
    """Factors are saved through the service: the set's version goes up and KPIs are recomputed."""

    list_display = ("factor_set", "key", "year", "value", "unit", "source")
    list_filter = ("factor_set",)
    search_fields = ("key", "source")

    def get_readonly_fields(self, request, obj=None):
        return ("factor_set", "key", "year", "unit") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        factors.factor_save(
            factor=obj, value=form.cleaned_data["value"], source=form.cleaned_data["source"], by=request.user
        )


@admin.register(SiteKpiSettings)
class SiteKpiSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("site", "grid_region", "residual_region", "gwp_set", "combustion_method")
    fields = ("site", "grid_region", "residual_region", "gwp_set", "combustion_method")

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in self.fields if name != "site"}
        factors.site_kpi_settings_update(settings=obj, by=request.user, **fields)
