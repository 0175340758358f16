import datetime as dt
import zoneinfo

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max, Min

from greenfactory.sites.models import Site
from metering.models import Meter
from metering.services.kpis import site_kpis_recompute
from metering.services.quality import meter_findings_refresh, site_balance_refresh
from metering.services.rollups import dirty_ranges_process, meter_rollups_refresh


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
        windows = []
        for meter in Meter.objects.select_related("site").filter(site=site_obj, is_virtual=False):
            bounds = meter.readings.aggregate(first_start=Min("start"), first_ts=Min("ts"), last=Max("ts"))
            if bounds["first_ts"] is None:
                continue
            first = min(filter(None, (bounds["first_start"], bounds["first_ts"])))
            last = bounds["last"]
            span_start, span_end = max(lo, first) if lo else first, min(hi, last) if hi else last
            if span_start <= span_end:
                meter_rollups_refresh(meter=meter, start=span_start, end=span_end)
                windows.append(meter_findings_refresh(meter=meter, start=span_start, end=span_end))
        buckets = site_kpis_recompute(site=site_obj, start=lo, end=hi)
        if windows:
            site_balance_refresh(
                site=site_obj, start=min(w[0] for w in windows), end=max(w[1] for w in windows)
            )
        self.stdout.write(
            f"{dirty} pending dirty range(s) consumed; {buckets} KPI bucket(s) written for {site}."
        )
