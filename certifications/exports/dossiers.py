"""The dossiers list as CSV or Excel."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _

from greenfactory.core.exports import table_response

from ..models import Dossier
from ..storage import private_storage

EXPORT_FORMATS = ("csv", "xlsx")


def dossier_rows(dossiers: Iterable[Dossier]) -> Iterator[Sequence[Any]]:
    for d in dossiers:
        yield [
            d.reference,
            d.get_kind_display(),
            d.subject_label,
            d.site.code,
            d.get_language_display(),
            d.version,
            d.get_status_display(),
            str(d.requested_by),
            d.requested_at,
            d.completed_at,
            d.page_count,
            d.sha256,
            _("yes") if d.sealed else _("no"),
        ]


def dossier_list_response(*, dossiers: Iterable[Dossier], fmt: str) -> HttpResponseBase:
    header = [
        _("Dossier"),
        _("For"),
        _("Subject"),
        _("Site"),
        _("Language"),
        _("Version"),
        _("Status"),
        _("Requested by"),
        _("Requested at"),
        _("Completed at"),
        _("Pages"),
        _("SHA-256"),
        _("Sealed"),
    ]
    return table_response(
        fmt=fmt, filename="dossiers", sheet=_("Dossiers"), header=header, rows=dossier_rows(dossiers)
    )


def dossier_file_response(dossier: Dossier) -> HttpResponse | FileResponse:
    """The dossier's PDF, after the caller checked permission: nginx serves it when configured."""
    prefix = settings.PRIVATE_MEDIA_ACCEL_PREFIX
    response: HttpResponse | FileResponse
    if prefix:
        response = HttpResponse(content_type="application/pdf")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + dossier.file.name
    else:
        try:
            handle = private_storage().open(dossier.file.name, "rb")
        except FileNotFoundError as exc:
            raise Http404(_("The file is missing from storage.")) from exc
        response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{dossier.reference}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
