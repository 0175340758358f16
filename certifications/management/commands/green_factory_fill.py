from django.core.management.base import BaseCommand, CommandError

from certifications.models import Evaluation, Scheme
from certifications.services.green_factory_fill import evaluation_fill
from certifications.services.green_factory_values import evaluation_open
from greenfactory.sites.models import Site


class Command(BaseCommand):
    help = (
        "Fill a site's green-factory evaluation of a year from its measured KPIs now (the KPI pipeline "
        "and the periodic sweep do it on their own); values entered by hand are kept. With --scheme, an "
        "evaluation the site does not have yet is opened under that scheme first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="The site's code, e.g. TJ-01.")
        parser.add_argument("--year", required=True, type=int, help="The evaluation's year.")
        parser.add_argument(
            "--scheme", help="Scheme code to open a missing evaluation with, e.g. 'GB/T 36132-2025'."
        )

    def handle(self, *args, **options):
        site = Site.objects.filter(code=options["site"]).first()
        if site is None:
            raise CommandError(f"There is no site with the code {options['site']}.")
        year = options["year"]
        evaluation = Evaluation.objects.filter(site=site, year=year).first()
        if evaluation is None and options["scheme"]:
            scheme = Scheme.objects.filter(code=options["scheme"]).first()
            if scheme is None:
                raise CommandError(
                    f"There is no scheme {options['scheme']}; load them with load_green_factory_schemes."
                )
            evaluation = evaluation_open(site=site, year=year, scheme=scheme)
        if evaluation is None:
            raise CommandError(
                f"Site {site.code} has no green-factory evaluation of {year}; open one with --scheme CODE."
            )
        result = evaluation_fill(evaluation=evaluation)
        self.stdout.write(
            f"{site.code} {year} ({evaluation.scheme.code}), annual energy use: "
            f"{result.annual_energy_tce if result.annual_energy_tce is not None else '-'} tce"
        )
        for code, value in result.filled.items():
            self.stdout.write(self.style.SUCCESS(f"  {code}: {value} (measured)"))
        for code, value in result.kept_manual.items():
            measured = "not measurable" if value is None else f"measured {value}"
            self.stdout.write(f"  {code}: entered by hand, kept ({measured})")
        for code, reason in result.missing.items():
            if code not in result.kept_manual:
                self.stdout.write(self.style.WARNING(f"  {code}: no value. {reason}"))
