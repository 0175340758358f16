from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from greenfactory.core.admin import ReadOnlyAdmin, ServiceAdmin
from metering.models import MeterQualitySettings, QualityFinding, SiteQualitySettings
from metering.services import quality


@admin.register(QualityFinding)
class QualityFindingAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Findings are derived from the data; people only explain them (on the data-quality page)."""

    list_display = ("kind", "site", "meter", "gateway", "start", "end", "magnitude", "status", "detected")
    list_filter = ("site", "kind", "status", "detected")


class _ThresholdAdmin(ServiceAdmin, SimpleHistoryAdmin):
    """Thresholds edited here apply to the site's whole history, as when set on the data-quality page;
    deleting one puts the default back, and the findings are re-derived too."""

    owner = "site"

    @staticmethod
    def _site_id(obj) -> int:
        return obj.site_id if hasattr(obj, "site_id") else obj.meter.site_id

    def get_readonly_fields(self, request, obj=None):
        return (self.owner,) if obj is not None else ()

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

    def save_model(self, request, obj, form, change):
        obj.pk = quality.site_quality_settings_save(
            site=obj.site,
            by=request.user,
            balance_tolerance_pct=obj.balance_tolerance_pct,
            stale_gateway_hours=obj.stale_gateway_hours,
            flatline_hours=obj.flatline_hours,
        ).pk


@admin.register(MeterQualitySettings)
class MeterQualitySettingsAdmin(_ThresholdAdmin):
    list_display = ("meter", "flatline_hours", "balance_tolerance_pct")
    owner = "meter"
