from django.core.management.base import BaseCommand

from certifications.services.standards import standards_load_shipped


class Command(BaseCommand):
    help = (
        "Load the standards and crosswalk that ship with Green Factory, upgrading the clause trees of "
        "standards already loaded (safe to run again)."
    )

    def handle(self, *args, **options):
        counts = standards_load_shipped()
        self.stdout.write(
            self.style.SUCCESS(
                f"Standards loaded: {counts['standards']}; clauses added: {counts['clauses_added']}, "
                f"updated: {counts['clauses_updated']}; new crosswalk mappings: {counts['mappings']}."
            )
        )
