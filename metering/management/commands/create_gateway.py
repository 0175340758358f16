from django.core.management.base import BaseCommand, CommandError

from greenfactory.core.exceptions import DomainError
from greenfactory.sites.models import Site
from metering.models import Meter
from metering.services.gateways import gateway_create


class Command(BaseCommand):
    help = "Create a gateway for a site (optionally scoped to some meters) and print its key once."

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="Site code")
        parser.add_argument("--meters", default="", help="Comma-separated meter codes (default: all)")
        parser.add_argument("--name", default="", help="Gateway name (default: gateway-N)")

    def handle(self, *args, site: str, meters: str, name: str, **options):
        try:
            site_obj = Site.objects.get(code=site)
        except Site.DoesNotExist as exc:
            raise CommandError(f"No site with code {site}.") from exc
        chosen = None
        if meters.strip():
            codes = [c.strip() for c in meters.split(",") if c.strip()]
            found = {m.code: m for m in Meter.objects.filter(site=site_obj, code__in=codes)}
            missing = [c for c in codes if c not in found]
            if missing:
                raise CommandError(f"No meters {', '.join(missing)} at site {site}.")
            chosen = [found[c] for c in codes]
        name = name or f"gateway-{site_obj.gateways.count() + 1}"
        try:
            issued = gateway_create(site=site_obj, name=name, meters=chosen)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stderr.write(f"Gateway {issued.gateway.name} created; store its key now, it is not shown again:")
        # The key alone on stdout, so provisioning scripts can capture it.
        self.stdout.write(issued.key)
