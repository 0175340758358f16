from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certifications.exceptions import ImportRejected
from certifications.services.green_factory import scheme_load_file, schemes_load_shipped


class Command(BaseCommand):
    help = (
        "Load the green-factory evaluation schemes that ship with Green Factory "
        "(certifications/data/green_factory/*.yaml), upgrading loaded schemes in place (safe to run again); "
        "with --file, load that scheme file (YAML or Excel .xlsx) instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            action="append",
            default=[],
            metavar="PATH",
            help="A scheme file to load, YAML or Excel (.xlsx); may be given several times.",
        )

    def handle(self, *args, **options):
        try:
            if options["file"]:
                schemes = [self._load(Path(name)) for name in options["file"]]
            else:
                schemes = schemes_load_shipped()
        except ImportRejected as exc:
            raise CommandError("\n".join([str(exc), *(str(p) for p in exc.problems)])) from exc
        for scheme in schemes:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{scheme.code}: {scheme.indicators.count()} indicators, {scheme.gate_items.count()} gate items."
                )
            )

    def _load(self, path: Path):
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        try:
            return scheme_load_file(content=content)
        except ImportRejected as exc:
            raise CommandError("\n".join([f"{path}: {exc}", *(str(p) for p in exc.problems)])) from exc
