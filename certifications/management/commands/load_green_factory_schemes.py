from django.core.management.base import BaseCommand, CommandError

from certifications.exceptions import ImportRejected
from certifications.services.green_factory import schemes_load_shipped


class Command(BaseCommand):
    help = (
        "Load the green-factory evaluation schemes that ship with Green Factory "
        "(certifications/data/green_factory/*.yaml), upgrading loaded schemes in place (safe to run again)."
    )

    def handle(self, *args, **options):
        try:
            schemes = schemes_load_shipped()
        except ImportRejected as exc:
            raise CommandError("\n".join([str(exc), *(str(p) for p in exc.problems)])) from exc
        for scheme in schemes:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{scheme.code}: {scheme.indicators.count()} indicators, {scheme.gate_items.count()} gate items."
                )
            )
