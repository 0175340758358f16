from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from metering.models import (
    Gateway,
    Meter,
    MeterEvent,
)
from metering.services import gateways, meters


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
