"""Uploads: refuse a request body by its declared size before Django reads or spools it."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.request import Request

from .exceptions import DomainError, PayloadTooLarge

# Room for the multipart boundaries and the other form fields around the file.
MULTIPART_OVERHEAD = 64 * 1024


def declared_length(request: HttpRequest | Request) -> int:
    """The Content-Length the client declared; 0 when absent or not a number."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def file_too_large_message(limit: int) -> str:
    """The one wording of a size refusal, naming the limit in megabytes."""
    return _("The file is larger than the limit of %(limit)s MB.") % {"limit": round(limit / 1024 / 1024, 1)}


def refuse_oversized_body(
    request: HttpRequest | Request,
    *,
    limit: int,
    error: type[DomainError] = PayloadTooLarge,
    overhead: int = MULTIPART_OVERHEAD,
) -> None:
    """Raise ``error`` (413 by default) when the declared body exceeds a file limit plus the
    multipart overhead, so an oversized upload is refused before it is written to disk."""
    if declared_length(request) > limit + overhead:
        raise error(file_too_large_message(limit))
