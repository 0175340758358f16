from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from greenfactory.core.admin import ServiceAdmin
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
class MeterAdmin(ServiceAdmin, SimpleHistoryAdmin):
    """Meters are registered and changed through the service; a meter is never deleted (its readings,
    events and the formulas of virtual meters refer to it): set its end of service instead."""

    form = MeterAdminForm
    list_display = ("code", "name", "site", "medium", "unit", "kind", "is_virtual", "parent")
    list_filter = ("site", "medium", "kind", "is_virtual")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)

    def get_readonly_fields(self, request, obj=None):
        return ("site",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The form already ran meters.formula_check; the service checks the rest.
        data = form.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "code",
                "name",
                "medium",
                "unit",
                "kind",
                "multiplier",
                "register_max",
                "rated_max_flow",
                "parent",
                "active_from",
                "active_to",
                "is_virtual",
                "formula",
            )
        }
        fields["name_zh"] = data.get("name_zh", "")
        if change:
            meters.meter_update(meter=Meter.objects.get(pk=obj.pk), by=request.user, **fields)
            return
        obj.pk = meters.meter_create(site=data["site"], by=request.user, **fields).pk


@admin.register(MeterEvent)
class MeterEventAdmin(ServiceAdmin, SimpleHistoryAdmin):
    """Resets and exchanges are recorded through the service, which recomputes consumption across
    them; a recorded event is not changed or deleted here."""

    list_display = ("meter", "ts", "kind", "old_final_value", "new_start_value", "created_by")
    list_filter = ("kind",)
    readonly_fields = ("created_by", "created_at")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        obj.pk = meters.meter_event_create(
            meter=data["meter"],
            ts=data["ts"],
            kind=data["kind"],
            old_final_value=data["old_final_value"],
            new_start_value=data["new_start_value"],
            note=data.get("note", ""),
            by=request.user,
        ).pk


class GatewayAdminForm(forms.ModelForm):
    # The meters' site is checked by the services (gateway_create, gateway_update).
    class Meta:
        model = Gateway
        fields = ("site", "name", "all_meters", "meters")


@admin.register(Gateway)
class GatewayAdmin(ServiceAdmin, SimpleHistoryAdmin):
    """Gateways are created, renamed, re-scoped, revoked and given new keys through the services; the
    revocation time is never typed in (clearing it would let a revoked key in again)."""

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
    readonly_fields = ("key_prefix", "revoked_at", "last_used_at", "last_used_from", "created_at")
    filter_horizontal = ("meters",)
    actions = ("revoke", "rotate_key")

    def get_readonly_fields(self, request, obj=None):
        return ("site", *self.readonly_fields) if obj is not None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # its batches and readings name it: revoke it instead

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        chosen = None if data["all_meters"] else list(data["meters"])
        if change:
            gateways.gateway_update(gateway=obj, name=data["name"], meters=chosen, by=request.user)
            return
        issued = gateways.gateway_create(site=data["site"], name=data["name"], meters=chosen, by=request.user)
        obj.pk = issued.gateway.pk
        obj.__dict__.update(issued.gateway.__dict__)
        self._show_key(request, issued.key)

    def save_related(self, request, form, formsets, change):
        # The services set the meters; the gateway has no inlines.
        return None

    @staticmethod
    def _show_key(request, key: str) -> None:
        messages.warning(request, gettext("The gateway's key, shown only this once: %(key)s") % {"key": key})

    @admin.action(description=_("Revoke the selected gateways' keys"))
    def revoke(self, request, queryset):
        for gateway in queryset:
            gateways.gateway_revoke(gateway=gateway, by=request.user)

    @admin.action(description=_("Issue new keys for the selected gateways"))
    def rotate_key(self, request, queryset):
        for gateway in queryset:
            self._show_key(request, gateways.gateway_rotate_key(gateway=gateway, by=request.user).key)
