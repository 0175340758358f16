from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certifications.services import dossier_verify


class Command(BaseCommand):
    help = (
        "Check a dossier PDF: is it a dossier issued here, which one, is its seal intact and trusted, "
        "and has any evidence revision in its manifest changed or been superseded since. Exits 1 when "
        "the file is not a genuine dossier."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The PDF to check.")

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        result = dossier_verify.dossier_verify_file(data=data)
        out = self.stdout.write
        out(f"SHA-256: {result.sha256}")
        if result.dossier is not None:
            out(f"Dossier: {result.dossier.reference} ({result.dossier.subject_label})")
        else:
            out("Dossier: not issued here, or changed since it was issued")
            if result.named is not None:
                out(f"Its manifest names: {result.named.reference}")
        seal = result.seal
        if seal is not None and seal.signed:
            out(
                f"Seal: {'intact' if seal.intact else 'BROKEN'}, {'trusted' if seal.trusted else 'NOT trusted'}"
            )
            if seal.signer:
                out(f"Signer: {seal.signer}")
        else:
            out("Seal: none")
        for problem in result.problems:
            out(f"Problem: {problem}")
        for change in result.changes:
            out(f"Evidence changed: {change.title} (revision {change.revision_id}): {change.problem}")
        if not result.changes and (result.dossier or result.named):
            out("Evidence: every revision in the manifest is current and unchanged")
        if result.genuine:
            out(self.style.SUCCESS("GENUINE"))
        else:
            out(self.style.ERROR("NOT GENUINE"))
            raise SystemExit(1)
