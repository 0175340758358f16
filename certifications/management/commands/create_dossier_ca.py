from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certifications import sealing


class Command(BaseCommand):
    help = (
        "Create the internal dossier authority: a root certificate, the dossier seal it issues and a "
        "time-stamping certificate, with their keys, in DOSSIER_SEAL_DIR (or --directory)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory", type=Path, default=None, help="Where to write (default DOSSIER_SEAL_DIR)."
        )
        parser.add_argument(
            "--organisation", default="Green Factory", help="Organisation named in the certificates."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace an existing authority (dossiers sealed by the old one no longer verify as trusted).",
        )

    def handle(self, *args, directory=None, organisation="Green Factory", replace=False, **options):
        target = directory or Path(settings.DOSSIER_SEAL_DIR)
        if not organisation.strip():
            raise CommandError("--organisation must not be empty.")
        try:
            paths = sealing.create_authority(target, organisation=organisation.strip(), replace=replace)
        except FileExistsError as exc:
            raise CommandError(
                f"An authority already exists in {target}; use --replace to replace it."
            ) from exc
        seal = sealing.fingerprint(sealing.load_certificate(paths.cert(sealing.SEAL)))
        self.stdout.write(self.style.SUCCESS(f"Dossier authority written to {target}."))
        self.stdout.write(f"Seal certificate SHA-256: {seal}")
        self.stdout.write(
            f"Give auditors the root certificate {paths.cert(sealing.ROOT)} to check seals offline."
        )
