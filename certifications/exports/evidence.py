"""The evidence register as CSV or Excel, and an evidence file as a download."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _

from greenfactory.core.exports import table_response

from ..models import Evidence, EvidenceRevision
from ..storage import private_storage

REGISTER_FORMATS = ("csv", "xlsx")


def register_header() -> list[str]:
    return [
        _("ID"),
        _("Title"),
        _("Status"),
        _("Owner"),
        _("Sites"),
        _("Clauses"),
        _("Review date"),
        _("Expiry date"),
        _("Approver"),
        _("Latest revision"),
    ]


def register_rows(evidence: Iterable[Evidence]) -> Iterator[Sequence[Any]]:
    """One row per item of a register query (``selectors.evidence.evidence_list`` shape)."""
    for e in evidence:
        yield [
            e.pk,
            e.title,
            e.get_status_display(),
            str(e.owner),
            ", ".join(s.code for s in e.sites.all()) or _("All sites"),
            "; ".join(f"{c.standard.label} {c.number}" for c in e.clauses.all()),
            e.review_date,
            e.expiry_date,
            str(e.approver or ""),
            getattr(e, "latest_revision", None),
        ]


def register_response(*, evidence: Iterable[Evidence], fmt: str) -> HttpResponseBase:
    """The register (already filtered) as a CSV or Excel download."""
    if fmt not in REGISTER_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    rows = register_rows(evidence)
    return table_response(
        fmt=fmt, filename="evidence", sheet=_("Evidence"), header=register_header(), rows=rows
    )


def revision_file_response(revision: EvidenceRevision) -> HttpResponse | FileResponse:
    """The file of a revision, after the caller checked permission: nginx serves it when configured."""
    extension = mimetypes.guess_extension(revision.media_type) or ""
    download_name = revision.original_name or f"evidence-{revision.evidence_id}-r{revision.number}{extension}"
    prefix = settings.PRIVATE_MEDIA_ACCEL_PREFIX
    response: HttpResponse | FileResponse
    if prefix:
        response = HttpResponse(content_type=revision.media_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + revision.file.name
    else:
        try:
            handle = private_storage().open(revision.file.name, "rb")
        except FileNotFoundError as exc:
            raise Http404(_("The file is missing from storage.")) from exc
        response = FileResponse(handle, content_type=revision.media_type)
    response["Content-Disposition"] = attachment_header(download_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def attachment_header(name: str) -> str:
    ascii_name = name.encode("ascii", "ignore").decode().replace('"', "") or "evidence"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
