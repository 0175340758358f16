from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounting.models import FuelDelivery, GreenCertificateRetirement, RefrigerantRefill, Scope3Activity
from accounting.services import activity
from greenfactory.core.admin import ServiceAdmin


class ActivityAdmin(ServiceAdmin, SimpleHistoryAdmin):
    """Activity rows are recorded and removed through the service, which checks them as the pages do
    and refreshes the month's KPIs. As on the pages and in the API, a row is not edited: delete it
    and record it again."""

    list_filter = ("site",)
    date_hierarchy = "date"
    readonly_fields = ("created_by", "created_at")

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fields = {k: v for k, v in form.cleaned_data.items() if k != "site"}
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
