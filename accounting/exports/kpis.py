"""The KPI export: a site's buckets as a table (CSV or Excel), the same figures as the KPI API.

The dashboard's download calls it; the dossier's KPI section will call ``kpi_table`` too, so the
figures a file shows are the API's to the last digit.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from accounting.selectors.kpis import KpiBucket
from greenfactory.core.exports import table_response, yes_no
from greenfactory.sites.models import Site


def kpi_table(series: list[KpiBucket]) -> tuple[list[str], list[list]]:
    """The buckets as a header and rows: energy, emissions by scope, tonnes, intensities, factors."""
    header = [
        _("Start"),
        _("End"),
        _("tce"),
        _("Scope 1 (tCO2e)"),
        _("Scope 2, location-based (tCO2e)"),
        _("Scope 2, market-based (tCO2e)"),
        _("Categories 3-6 (tCO2e)"),
        _("Tonnes processed"),
        _("kgce/t"),
        _("tCO2e/t"),
        _("Renewable share"),
        _("Grid factor"),
        _("Factor sets"),
        _("Days with data"),
        _("Days"),
        _("Complete"),
    ]
    return header, [_row(bucket.as_dict()) for bucket in series]


def _row(r: dict) -> list:
    return [
        r["start"],
        r["end"],
        Decimal(r["tce"]),
        Decimal(r["scope1_tco2e"]),
        Decimal(r["scope2_location_tco2e"]),
        Decimal(r["scope2_market_tco2e"]),
        sum(Decimal(r["categories_tco2e"][c]) for c in "3456"),
        Decimal(r["processed_t"]),
        Decimal(r["kgce_per_t"]) if r["kgce_per_t"] else "",
        Decimal(r["tco2e_per_t"]) if r["tco2e_per_t"] else "",
        Decimal(r["renewable_share"]) if r["renewable_share"] else "",
        "; ".join(
            f"{f['grid']['region']} {f['grid']['year']} {f['grid']['kg_per_kwh']}" for f in r["factors"]
        ),
        "; ".join(
            sorted({f"{code} v{version}" for f in r["factors"] for code, version in f["sets"].items()})
        ),
        r["days_with_data"],
        r["days"],
        yes_no(r["complete"]),
    ]


def kpi_export(
    *, fmt: str, site: Site, start, end, series: list[KpiBucket]
) -> HttpResponse | StreamingHttpResponse:
    """The table as a download: ``fmt`` is ``csv`` or ``xlsx``."""
    header, rows = kpi_table(series)
    name = f"kpis-{site.code}-{start}-{end}"
    return table_response(fmt=fmt, filename=name, sheet=_("KPIs"), header=header, rows=rows)
