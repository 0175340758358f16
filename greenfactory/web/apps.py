from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The web shell above every app: home page, areas and navigation by role, Django admin's site and
    the demo loader. Like the URLconf, it may import any app; no app imports it."""

    default = True
    name = "greenfactory.web"
    label = "web"
    verbose_name = _("Web shell")


class GreenFactoryAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "greenfactory.web.admin_site.GreenFactoryAdminSite"
