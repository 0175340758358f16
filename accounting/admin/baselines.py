from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounting.models import BaselineAdjustment, DriverValue, EnergyBaseline, EnergyTarget
from greenfactory.core.admin import ReadOnlyAdmin


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
