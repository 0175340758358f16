from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "greenfactory.core"
    label = "core"
    verbose_name = _("Core")


class GreenFactoryAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "greenfactory.core.admin_site.GreenFactoryAdminSite"
