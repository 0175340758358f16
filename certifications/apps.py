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

        # An invitation in force that asks for a second factor makes its auditor sign in with one.
        from greenfactory.accounts.second_factor import register_requirement

        from .selectors.portal import requires_second_factor

        register_requirement(requires_second_factor)
