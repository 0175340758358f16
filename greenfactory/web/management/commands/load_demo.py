from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from greenfactory.web.demo import DEMO_LOGINS, demo_load, demo_modules


class Command(BaseCommand):
    help = "Load the demo plant (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load even with DEBUG off (never on a real plant)."
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("The demo has well-known passwords; run it with DEBUG on, or --force.")
        created = demo_load()
        self.stdout.write(
            f"Demo plant ready ({created['users']} users and "
            f"{created['production_records']} production records, {created['meters']} meters and "
            f"{created['readings']} readings added)."
        )
        self.stdout.write("Demo logins (user / password / role):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<12} {login.password:<22} {login.role.label}")
        for module in demo_modules():
            for line in getattr(module, "demo_notes", list)():
                self.stdout.write(line)
