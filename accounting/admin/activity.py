from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounting.models import FuelDelivery, GreenCertificateRetirement, RefrigerantRefill, Scope3Activity
from accounting.services import activity
from greenfactory.core.admin import ServiceAdmin


class ActivityAdmin(ServiceAdmin, SimpleHistoryAdmin):
    """Activity rows are recorded, corrected and removed through the services, which check them as the
    pages do and refresh the KPIs of their months. A row stays at its site."""

    list_filter = ("site",)
    date_hierarchy = "date"
    readonly_fields = ("created_by", "created_at")

    def get_readonly_fields(self, request, obj=None):
        return ("site", *self.readonly_fields) if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = {name: value for name, value in form.cleaned_data.items() if name != "site"}
        values = activity.activity_values(model=type(obj), data=data)
        if change:
            activity.activity_update(activity=obj, values=values, by=request.user)
            return
        obj.pk = activity.activity_create(site=form.cleaned_data["site"], values=values, by=request.user).pk

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
