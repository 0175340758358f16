"""A line of text stamped on every page of a PDF copy (the auditor's name, the audit, the date).

The stamp is a one-page PDF rendered with WeasyPrint (which shapes Chinese names with the system's
CJK fonts) and merged onto each page with pypdf, scaled to the page's own size. The caller's bytes
are never changed: the stamped copy is a new document.
"""

from __future__ import annotations

import io
from html import escape

from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.errors import PyPdfError

from greenfactory.core.exceptions import DomainError

# The stamp is drawn on an A4 sheet and scaled to each page.
_A4_POINTS = (595.28, 841.89)
_STAMP_HTML = """<!doctype html><html><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 0; }}
body {{ margin: 0; font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", "DejaVu Sans", sans-serif; }}
.stamp {{ position: absolute; left: 12mm; right: 12mm; bottom: 6mm; font-size: 8pt; color: #b00020;
  border-top: 0.4pt solid #b00020; padding-top: 1.5mm; opacity: 0.85; }}
</style></head><body><div class="stamp">{text}</div></body></html>"""


class PdfNotReadable(DomainError):
    code = "pdf_not_readable"


def stamp_overlay(text: str) -> bytes:
    """A one-page A4 PDF with ``text`` along the bottom edge, the rest transparent."""
    from weasyprint import HTML  # imported here: loading its libraries is slow and only PDFs need it

    return HTML(string=_STAMP_HTML.format(text=escape(text))).write_pdf()


def stamp_pdf(data: bytes, text: str) -> bytes:
    """A copy of the PDF ``data`` with ``text`` on every page. Raises PdfNotReadable when ``data``
    cannot be read as a PDF (or is encrypted)."""
    stamp_page = PdfReader(io.BytesIO(stamp_overlay(text))).pages[0]
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise PdfNotReadable(_("The PDF is encrypted."))
        writer = PdfWriter(clone_from=reader)
        for page in writer.pages:
            box = page.mediabox
            width, height = float(box.width), float(box.height)
            scale = min(width / _A4_POINTS[0], height / _A4_POINTS[1])
            transform = Transformation().scale(scale, scale).translate(float(box.left), float(box.bottom))
            page.merge_transformed_page(stamp_page, transform, over=True)
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PdfNotReadable(_("The file cannot be read as a PDF.")) from exc
    return out.getvalue()
