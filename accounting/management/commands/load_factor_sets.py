from django.core.management.base import BaseCommand

from accounting.services.factors import factor_sets_load


class Command(BaseCommand):
    help = "Load the factor sets shipped with the product (sets already present are left as they are)."

    def handle(self, *args, **options):
        created = factor_sets_load()
        self.stdout.write(f"{created} factor set(s) created.")
