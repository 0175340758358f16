"""The PDF side of dossiers: HTML to PDF/A-3b with the manifest attached, through a URL fetcher that
serves only the app's own static files, and the read-back check before a file is published."""

from __future__ import annotations

import io
import json
import mimetypes
from dataclasses import dataclass
from typing import Any

import pypdf
import weasyprint
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Templates link static files as "gf-static:<path>" (see STATIC_SCHEME); nothing else is fetched.
STATIC_SCHEME = "gf-static:"
MANIFEST_NAME = "manifest.json"


class ResourceRefused(weasyprint.urls.FatalURLFetchingError):
    """A dossier asked for something other than one of the app's static files."""


class StaticOnlyFetcher(URLFetcher):
    """Serves ``gf-static:<path>`` from the staticfiles finders and refuses every other URL (file:,
    http(s):, data:, ...), so text a user wrote into a record can never make the renderer read a
    local file or the network. A refusal stops the render."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), fail_on_errors=True)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if not url.startswith(STATIC_SCHEME):
            raise ResourceRefused(f"Refused to fetch {url[:80]!r}: dossiers use only the app's static files")
        path = url.removeprefix(STATIC_SCHEME).lstrip("/")
        if not path or ".." in path.split("/"):
            raise ResourceRefused(f"Refused to fetch {url[:80]!r}")
        found = finders.find(path)
        if not found or isinstance(found, list):
            raise ResourceRefused(f"No static file {path!r}")
        with open(found, "rb") as handle:
            body = handle.read()
        media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": media_type})


@dataclass
class Rendered:
    data: bytes
    page_count: int


def render_pdf(*, html: str, manifest: dict[str, Any], reference: str) -> Rendered:
    """Lay out and write the dossier as PDF/A-3b with the manifest as a JSON attachment (relationship
    Data)."""
    document = weasyprint.HTML(string=html, base_url=STATIC_SCHEME, url_fetcher=StaticOnlyFetcher()).render()
    attachment = weasyprint.Attachment(
        string=json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True),
        name=MANIFEST_NAME,
        relationship="Data",
        description=f"Evidence manifest of {reference}",
    )
    data = document.write_pdf(pdf_variant="pdf/a-3b", attachments=[attachment])
    return Rendered(data=data, page_count=len(document.pages))


class DossierCheckFailed(Exception):
    """The written PDF is not the whole dossier (wrong page count, end marker missing)."""


def end_marker(reference: str) -> str:
    return f"END-OF-DOSSIER {reference}"


def check_pdf(*, data: bytes, page_count: int, reference: str) -> None:
    """Read the file back: it has the pages laid out, the last page carries the end marker and the
    manifest is attached. Raises DossierCheckFailed otherwise."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    if len(reader.pages) != page_count:
        raise DossierCheckFailed(f"The PDF has {len(reader.pages)} pages, {page_count} were laid out")
    if end_marker(reference) not in (reader.pages[-1].extract_text() or ""):
        raise DossierCheckFailed("The last section's end marker is missing from the last page")
    if MANIFEST_NAME not in reader.attachments:
        raise DossierCheckFailed("The manifest attachment is missing")


def read_manifest(data: bytes) -> dict[str, Any] | None:
    """The manifest embedded in a dossier PDF, or None when there is none (or it is not a PDF)."""
    try:
        attachments = pypdf.PdfReader(io.BytesIO(data)).attachments
        contents = attachments.get(MANIFEST_NAME)
        return json.loads(contents[0]) if contents else None
    except Exception:  # noqa: BLE001 - any file may be uploaded to be checked; a broken one has no manifest
        return None
