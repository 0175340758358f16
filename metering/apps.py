from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeteringConfig(AppConfig):
    name = "metering"
    verbose_name = _("Metering")
    demo = "metering.demo"

    def ready(self) -> None:
        from greenfactory.core.metrics import collector_register
        from metering.metrics import PipelineCollector

        collector_register(PipelineCollector())
