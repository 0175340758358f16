"""The production-records export: the filtered records as a table (CSV or Excel), the rows the page lists."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from greenfactory.core.exports import table_response

from .models import ProductionRecord


def production_header() -> list[str]:
    return [_("Site"), _("Period start"), _("Period end"), _("Kind"), _("Material"), _("Tonnes"), _("Note")]


def production_rows(records: QuerySet[ProductionRecord]) -> Iterator[list]:
    """The records' rows, read in chunks as the file is written."""
    for r in records.iterator(chunk_size=2000):
        yield [r.site.code, r.period_start, r.period_end, r.get_kind_display(), r.material, r.tonnes, r.note]


def production_export(
    *, fmt: str, records: QuerySet[ProductionRecord]
) -> HttpResponse | StreamingHttpResponse:
    """The records as a download: ``fmt`` is ``csv`` or ``xlsx``."""
    return table_response(
        fmt=fmt,
        filename="production-records",
        sheet=_("Production records"),
        header=production_header(),
        rows=production_rows(records),
    )
