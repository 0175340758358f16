from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    BaselineAdjustment,
    BaseYearRecalculation,
    DirtyRange,
    DriverValue,
    EnergyBaseline,
    EnergyTarget,
    Factor,
    FactorSet,
    FuelDelivery,
    Gateway,
    GreenCertificateRetirement,
    ImportJob,
    IngestBatch,
    InventoryCategory,
    InventorySettings,
    InventorySite,
    Meter,
    MeterEvent,
    MeterQualitySettings,
    QualityFinding,
    Reading,
    ReadingCorrection,
    RefrigerantRefill,
    Scope3Activity,
    SiteKpiSettings,
    SiteQualitySettings,
    SourceUncertainty,
)
from .services import activity, factors, gateways, meters, quality


class MeterAdminForm(forms.ModelForm):
    class Meta:
        model = Meter
        fields = ("site", *meters.EDITABLE)

    def clean(self):
        cleaned = super().clean()
        if self.instance.site_id or cleaned.get("site"):
            candidate = Meter(
                pk=self.instance.pk, **{k: v for k, v in cleaned.items() if k in meters.EDITABLE}
            )
            candidate.site = cleaned.get("site") or self.instance.site
            meters.formula_check(meter=candidate)
        return cleaned


@admin.register(Meter)
class MeterAdmin(SimpleHistoryAdmin):
    form = MeterAdminForm
    list_display = ("code", "name", "site", "medium", "unit", "kind", "is_virtual", "parent")
    list_filter = ("site", "medium", "kind", "is_virtual")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)

    def save_model(self, request, obj, form, change):
        # The form already ran meters.meter_check, so the service's checks pass here.
        fields = {name: form.cleaned_data[name] for name in meters.EDITABLE if name in form.cleaned_data}
        if change:
            saved = meters.meter_update(meter=Meter.objects.get(pk=obj.pk), by=request.user, **fields)
        else:
            saved = meters.meter_create(site=form.cleaned_data["site"], by=request.user, **fields)
        obj.pk = saved.pk


@admin.register(MeterEvent)
class MeterEventAdmin(SimpleHistoryAdmin):
    list_display = ("meter", "ts", "kind", "old_final_value", "new_start_value", "created_by")
    list_filter = ("kind",)
    readonly_fields = ("created_by", "created_at")


class GatewayAdminForm(forms.ModelForm):
    class Meta:
        model = Gateway
        fields = ("site", "name", "all_meters", "meters", "revoked_at")


@admin.register(Gateway)
class GatewayAdmin(SimpleHistoryAdmin):
    form = GatewayAdminForm
    list_display = (
        "name",
        "site",
        "key_prefix",
        "all_meters",
        "revoked_at",
        "last_used_at",
        "last_used_from",
    )
    list_filter = ("site",)
    readonly_fields = ("key_prefix", "last_used_at", "last_used_from", "created_at")
    filter_horizontal = ("meters",)
    actions = ("revoke",)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        chosen = None if form.cleaned_data["all_meters"] else list(form.cleaned_data["meters"])
        issued = gateways.gateway_create(
            site=form.cleaned_data["site"], name=form.cleaned_data["name"], meters=chosen, by=request.user
        )
        obj.pk = issued.gateway.pk
        obj.__dict__.update(issued.gateway.__dict__)
        messages.warning(
            request,
            gettext("The gateway's key, shown only this once: %(key)s") % {"key": issued.key},
        )

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    @admin.action(description=_("Revoke the selected gateways' keys"))
    def revoke(self, request, queryset):
        for gateway in queryset:
            gateways.gateway_revoke(gateway=gateway, by=request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by services (ingestion, imports): visible in the admin, never edited."""

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        # No "add" page at all rather than one that always answers 403.
        return [u for u in super().get_urls() if not (u.name or "").endswith("_add")]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Reading)
class ReadingAdmin(ReadOnlyAdmin):
    list_display = ("meter", "start", "ts", "value", "quality", "source", "batch")
    list_filter = ("source", "quality")
    list_select_related = ("meter", "batch")
    show_full_result_count = False


@admin.register(ReadingCorrection)
class ReadingCorrectionAdmin(ReadOnlyAdmin):
    list_display = ("reading", "old_value", "new_value", "corrected_by", "gateway", "corrected_at")


@admin.register(IngestBatch)
class IngestBatchAdmin(ReadOnlyAdmin):
    list_display = (
        "received_at",
        "source",
        "gateway",
        "client_batch_id",
        "rows",
        "accepted",
        "duplicate",
        "conflict",
        "rejected",
    )
    list_filter = ("source",)


@admin.register(DirtyRange)
class DirtyRangeAdmin(ReadOnlyAdmin):
    list_display = ("meter", "start", "end", "created_at", "consumed_at")


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = (
        "original_name",
        "kind",
        "site",
        "status",
        "total_rows",
        "accepted",
        "rejected",
        "created_by",
        "created_at",
    )
    list_filter = ("status", "kind")


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


class ActivityAdmin(SimpleHistoryAdmin):
    """Activity rows are recorded through the service, which refreshes the month's KPIs."""

    list_filter = ("site",)
    date_hierarchy = "date"
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            activity.refresh_after_commit(site=obj.site, day=obj.date)
            return
        fields = {k: v for k, v in form.cleaned_data.items() if k not in ("site",)}
        obj.pk = activity.activity_create(
            model=type(obj), site=form.cleaned_data["site"], by=request.user, **fields
        ).pk

    def delete_model(self, request, obj):
        activity.activity_delete(instance=obj, by=request.user)


@admin.register(RefrigerantRefill)
class RefrigerantRefillAdmin(ActivityAdmin):
    list_display = ("date", "site", "equipment", "gas", "kg")


@admin.register(FuelDelivery)
class FuelDeliveryAdmin(ActivityAdmin):
    list_display = ("date", "site", "fuel", "quantity", "unit")


@admin.register(GreenCertificateRetirement)
class GreenCertificateRetirementAdmin(ActivityAdmin):
    list_display = ("date", "site", "certificate_ref", "kwh", "vintage")


@admin.register(Scope3Activity)
class Scope3ActivityAdmin(ActivityAdmin):
    list_display = ("date", "site", "category", "description", "quantity", "unit", "factor_kg_per_unit")


@admin.register(QualityFinding)
class QualityFindingAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Findings are derived from the data; people only explain them (on the data-quality page)."""

    list_display = ("kind", "site", "meter", "gateway", "start", "end", "magnitude", "status", "detected")
    list_filter = ("site", "kind", "status", "detected")


class _ThresholdAdmin(SimpleHistoryAdmin):
    """Thresholds edited here apply to the site's whole history, as when set on the data-quality page."""

    @staticmethod
    def _site_id(obj) -> int:
        return obj.site_id if hasattr(obj, "site_id") else obj.meter.site_id

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        quality.rederive_after_commit(site_id=self._site_id(obj))

    def delete_model(self, request, obj):
        site_id = self._site_id(obj)
        super().delete_model(request, obj)
        quality.rederive_after_commit(site_id=site_id)


@admin.register(SiteQualitySettings)
class SiteQualitySettingsAdmin(_ThresholdAdmin):
    list_display = ("site", "balance_tolerance_pct", "stale_gateway_hours", "flatline_hours")


@admin.register(MeterQualitySettings)
class MeterQualitySettingsAdmin(_ThresholdAdmin):
    list_display = ("meter", "flatline_hours", "balance_tolerance_pct")


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


class _BaselineHistoryAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Baselines and what hangs off them change only through the baseline pages and API (which fit and
    raise alerts); here administrators read them and their history."""


@admin.register(EnergyBaseline)
class EnergyBaselineAdmin(_BaselineHistoryAdmin):
    list_display = ("name", "site", "scope", "measure", "base_start", "base_end", "r2", "fitted_at")
    list_filter = ("site", "scope", "measure")


@admin.register(BaselineAdjustment)
class BaselineAdjustmentAdmin(_BaselineHistoryAdmin):
    list_display = ("baseline", "effective_from", "per_period", "recorded_by", "recorded_at")


@admin.register(EnergyTarget)
class EnergyTargetAdmin(_BaselineHistoryAdmin):
    list_display = ("site", "baseline", "kind", "value", "active_from")


@admin.register(DriverValue)
class DriverValueAdmin(_BaselineHistoryAdmin):
    list_display = ("site", "period", "hdd", "cdd", "updated_by")
    list_filter = ("site",)
