from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationsConfig(AppConfig):
    name = "certifications"
    verbose_name = _("Certifications")
    demo = "certifications.demo"

    def ready(self) -> None:
        # Accounting announces refreshed KPIs without knowing who reads them (accounting.signals):
        # the green-factory evaluations of the site and year follow.
        from accounting.signals import kpis_changed

        from .tasks import kpis_changed_receiver

        kpis_changed.connect(kpis_changed_receiver, dispatch_uid="certifications.green_factory_refresh")
