from django.core.management.base import BaseCommand, CommandError

from metering.services import partitions


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

    def handle(self, *args, action: str, **options):
        if not partitions.is_partitioned():
            raise CommandError("Readings are not partitioned here (only PostgreSQL partitions them).")
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
