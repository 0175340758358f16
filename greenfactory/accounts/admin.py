from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp import admin as otp_totp_admin
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from .models import User
from .roles import Role
from .services import user_set_roles


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    """Roles are the user's groups, set through the service: "staff status" follows the administrator
    role rather than being ticked apart from it."""

    list_display = ("username", "email", "first_name", "last_name", "is_active", "role_names")
    list_filter = ("is_active", "groups")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (None, {"fields": ("organisation_role",)}),
    )
    readonly_fields = ("is_staff",)

    @admin.display(description=_("roles"))
    def role_names(self, obj: User) -> str:
        return ", ".join(sorted(g.name for g in obj.groups.all()))

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "groups" in form.cleaned_data:
            chosen = {group.name for group in form.cleaned_data["groups"]}
            user_set_roles(user=form.instance, roles=[role for role in Role if role.value in chosen])


class TOTPDeviceAdmin(otp_totp_admin.TOTPDeviceAdmin):
    """django-otp's device admin, with a 404 (not a server error) for a device that does not exist."""

    def config_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().qrcode_view(request, pk)


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, TOTPDeviceAdmin)
