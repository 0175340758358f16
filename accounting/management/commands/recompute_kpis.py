import datetime as dt
import zoneinfo

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounting.services.kpis import site_kpis_recompute
from greenfactory.core.exceptions import DomainError
from greenfactory.core.spans import Span, span_cover
from greenfactory.sites.models import Site
from metering.models import Meter
from metering.services.pipeline import dirty_ranges_process, site_rollups_recompute
from metering.services.quality import meter_findings_refresh, site_balance_refresh


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = "Recompute a site's rollups, KPIs and data-quality findings synchronously (both dates inclusive, in the site's zone)."

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="Site code")
        parser.add_argument("--start", type=_date, help="First day (default: the first reading)")
        parser.add_argument("--end", type=_date, help="Last day (default: the last reading)")

    def handle(self, *args, site, start, end, **options):
        site_obj = Site.objects.filter(code=site).first()
        if site_obj is None:
            raise CommandError(f"no site with code {site!r}")
        zone = zoneinfo.ZoneInfo(site_obj.time_zone)
        dirty = dirty_ranges_process(limit=100_000)
        lo = dt.datetime.combine(start, dt.time(), tzinfo=zone) if start else None
        hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone) if end else None

        def progress(done: int, total: int, meter) -> None:
            if options["verbosity"] >= 1:
                self.stdout.write(f"  rollups {done}/{total}: {meter.code}")

        # Metering's rollups (their outbox row is consumed like any other), then accounting's KPIs over
        # the same days, activity data included.
        spans = site_rollups_recompute(site=site_obj, start=lo, end=hi, progress=progress)
        try:
            buckets = site_kpis_recompute(site=site_obj, start=lo, end=hi)
        except DomainError as exc:
            raise CommandError(f"rollups of {site} were recomputed, its KPIs could not be: {exc}") from exc
        with transaction.atomic():
            # Meters (in id order), then the site, locked as dirty-range processing locks them: a
            # sweep running meanwhile waits instead of writing the same findings at the same time.
            list(
                Meter.objects.select_for_update(no_key=True)
                .filter(pk__in=[m.pk for m, _, _ in spans])
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            Site.objects.select_for_update(no_key=True).filter(pk=site_obj.pk).values_list(
                "pk", flat=True
            ).first()
            windows = span_cover(Span(*meter_findings_refresh(meter=m, start=s, end=e)) for m, s, e in spans)
            if windows is not None:
                site_balance_refresh(site=site_obj, start=windows.start, end=windows.end)
        self.stdout.write(
            f"{dirty} pending dirty range(s) consumed; {buckets} KPI bucket(s) written for {site}."
        )
