"""The readings export: one meter's readings as a table (CSV or Excel), times in the site's zone.

A meter page's download calls it.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from greenfactory.core.exports import table_response
from metering.models import Meter, Reading


def reading_header() -> list[str]:
    return [_("Meter"), _("Start"), _("Time"), _("Value"), _("Unit"), _("Quality"), _("Source")]


def reading_rows(*, meter: Meter, readings: QuerySet[Reading]) -> Iterator[list]:
    """The readings' rows, read in chunks as the file is written."""
    zone = zoneinfo.ZoneInfo(meter.site.time_zone)
    for r in readings.iterator(chunk_size=5000):
        yield [
            meter.code,
            r.start.astimezone(zone).isoformat() if r.start else "",
            r.ts.astimezone(zone).isoformat(),
            r.value,
            meter.unit,
            r.get_quality_display(),
            r.get_source_display(),
        ]


def readings_export(
    *, fmt: str, meter: Meter, readings: QuerySet[Reading]
) -> HttpResponse | StreamingHttpResponse:
    """The readings as a download: ``fmt`` is ``csv`` or ``xlsx``."""
    # Evaluated while the response streams: pin the query's SQL (and its time zone) now.
    str(readings.query)
    name = f"readings-{meter.site.code}-{meter.code}"
    rows = reading_rows(meter=meter, readings=readings)
    return table_response(fmt=fmt, filename=name, sheet=_("Readings"), header=reading_header(), rows=rows)
