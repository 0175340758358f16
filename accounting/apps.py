from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountingConfig(AppConfig):
    name = "accounting"
    verbose_name = _("Energy and carbon accounting")
    demo = "accounting.demo"

    def ready(self) -> None:
        # Metering announces changed rollups without knowing who reads them (metering.signals).
        from accounting.tasks import rollups_changed_receiver
        from metering.signals import rollups_changed

        rollups_changed.connect(rollups_changed_receiver, dispatch_uid="accounting.rollup_changes_consume")
