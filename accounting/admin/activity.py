from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounting.models import FuelDelivery, GreenCertificateRetirement, RefrigerantRefill, Scope3Activity
from accounting.services import activity


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
