import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from greenfactory.core.exceptions import DomainError
from metering.models import ReadingArchive
from metering.services import archives, partitions


def _month(value: str) -> dt.date:
    try:
        year, month = value.split("-")
        return dt.date(int(year), int(month), 1)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a month (YYYY-MM).") from exc


class Command(BaseCommand):
    help = (
        "Readings partitions on PostgreSQL: list them, or make this month's and the coming months' "
        "ahead of time (beat does it every six hours)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="The partitions, oldest first, with their rows.")
        listing.add_argument(
            "--exact",
            action="store_true",
            help="Count the rows (reads every partition) instead of estimating.",
        )
        ahead = sub.add_parser("ahead", help="Make this month's and the next months' partitions.")
        ahead.add_argument("--months", type=int, default=partitions.MONTHS_AHEAD)
        archive = sub.add_parser(
            "archive",
            help="Write every month before --before to a gzip CSV file, check it, and drop its partition. "
            "Rollups and KPIs stay; readings before the archive can no longer be added or changed.",
        )
        archive.add_argument("--before", required=True, help="The first month kept (YYYY-MM).")
        archive.add_argument(
            "--to",
            default=None,
            help="Folder for the files (default READINGS_ARCHIVE_DIR). Back it up: it is the only copy.",
        )
        archive.add_argument(
            "--dry-run", action="store_true", help="Only list the months that would be archived."
        )
        restore = sub.add_parser("restore", help="Load the newest archived month back from its files.")
        restore.add_argument("--month", required=True, help="The month to restore (YYYY-MM).")
        sub.add_parser("archived", help="The archived months with their files and checksums.")

    def handle(self, *args, action: str, **options):
        if not partitions.is_partitioned():
            raise CommandError("Readings are not partitioned here (only PostgreSQL partitions them).")
        try:
            if action == "archive":
                return self._archive(options)
            if action == "restore":
                restored = archives.partition_restore(month=_month(options["month"]))
                self.stdout.write(
                    f"Restored {restored.month:%Y-%m}: {restored.rows} readings, {restored.corrections} corrections."
                )
                return None
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if action == "archived":
            self.stdout.write(f"{'month':<8} {'readings':>12} {'corrections':>12}  file  sha256")
            for row in ReadingArchive.objects.filter(restored_at__isnull=True):
                self.stdout.write(
                    f"{row.month:%Y-%m}  {row.rows:>12} {row.corrections:>12}  {row.file}  {row.sha256}"
                )
            return None
        if action == "ahead":
            if not 0 <= options["months"] <= 36:
                raise CommandError("--months must be between 0 and 36.")
            made = partitions.partitions_ensure_ahead(ahead=options["months"])
            self.stdout.write(f"Partitions made: {', '.join(f'{m:%Y-%m}' for m in made) or 'none needed'}.")
            return
        exact = options["exact"]
        self.stdout.write(
            f"{'month':<8} {'partition':<32} {'rows' if exact else 'rows (estimate after ANALYZE)'}"
        )
        for partition in partitions.partitions_list():
            month = f"{partition.month:%Y-%m}" if partition.month else "default"
            rows = partitions.partition_count(partition.name) if exact else partition.rows
            self.stdout.write(f"{month:<8} {partition.name:<32} {rows}")

    def _archive(self, options) -> None:
        before = _month(options["before"])
        if options["dry_run"]:
            months = archives.archivable_months(before=before)
            self.stdout.write(f"Would archive: {', '.join(f'{m:%Y-%m}' for m in months) or 'nothing'}.")
            return
        directory = Path(options["to"] or settings.READINGS_ARCHIVE_DIR)
        for done in archives.partitions_archive(before=before, directory=directory):
            self.stdout.write(
                f"Archived {done.month:%Y-%m}: {done.rows} readings, {done.corrections} corrections -> {done.file}"
            )
        self.stdout.write("Done. Keep the files with the backups; restore a month with `restore --month`.")
