from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from greenfactory.accounts.roles import Capability, can


class GreenFactoryAdminSite(admin.AdminSite):
    """Django admin, open to the administrator role only."""

    site_header = _("Green Factory administration")
    site_title = _("Green Factory")
    index_title = _("Users, roles, sites and the audit trail")

    def has_permission(self, request) -> bool:
        return request.user.is_active and can(request.user, Capability.ADMINISTER)
