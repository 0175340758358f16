"""The data-quality export: a site's findings as a table (CSV or Excel), one row per finding, with
the sentence the page and the API show.

The data-quality page's download calls it; the dossier's data-quality section will call
``finding_rows`` too.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from greenfactory.core.exports import table_response, yes_no
from greenfactory.sites.models import Site
from metering.models import QualityFinding
from metering.selectors.quality import finding_description


def finding_header() -> list[str]:
    return [
        _("Kind"),
        _("Meter or gateway"),
        _("Start"),
        _("End"),
        _("Magnitude"),
        _("What was found"),
        _("Status"),
        _("Explanation"),
        _("Explained by"),
        _("Explained at"),
        _("Still detected"),
    ]


def finding_rows(*, site: Site, findings: QuerySet[QualityFinding]) -> Iterator[list]:
    """The findings' rows, times in the site's zone; read in chunks as the file is written."""
    zone = zoneinfo.ZoneInfo(site.time_zone)
    for f in findings.iterator(chunk_size=2000):
        yield [
            f.get_kind_display(),
            f.meter.code if f.meter_id else f.gateway.name,
            f.start.astimezone(zone).isoformat(),
            f.end.astimezone(zone).isoformat(),
            f.magnitude,
            finding_description(f),
            f.get_status_display(),
            f.note,
            str(f.explained_by or ""),
            f.explained_at.astimezone(zone).isoformat() if f.explained_at else "",
            yes_no(f.detected),
        ]


def quality_export(
    *, fmt: str, site: Site, findings: QuerySet[QualityFinding]
) -> HttpResponse | StreamingHttpResponse:
    """The findings as a download: ``fmt`` is ``csv`` or ``xlsx``."""
    name = f"data-quality-{site.code}"
    rows = finding_rows(site=site, findings=findings)
    return table_response(fmt=fmt, filename=name, sheet=_("Data quality"), header=finding_header(), rows=rows)
