"""What an uploaded file really is, from its first bytes: the user's file name is never trusted."""

from __future__ import annotations

import zipfile

from django.utils.translation import gettext as _

from .exceptions import UnsupportedFileType

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
LEGACY_OFFICE = "application/vnd.ms-office"
CSV = "text/csv"
TEXT = "text/plain"

EXTENSIONS = {
    PDF: "pdf",
    PNG: "png",
    JPEG: "jpg",
    DOCX: "docx",
    XLSX: "xlsx",
    PPTX: "pptx",
    LEGACY_OFFICE: "bin",
    CSV: "csv",
    TEXT: "txt",
}
_OOXML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}


def sniff_media_type(file, *, name: str = "") -> str:
    """The media type of an open file, read from its content; refuses anything not on the list.

    ``name`` only decides between CSV and plain text once the content is known to be text.
    """
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return LEGACY_OFFICE
    if head.startswith(b"PK\x03\x04"):
        return _office_open_xml(file)
    if head and _is_text(head):
        return CSV if name.lower().endswith(".csv") else TEXT
    raise UnsupportedFileType(
        _("This kind of file is not accepted. Upload PDF, PNG, JPEG, Word, Excel, PowerPoint, CSV or text.")
    )


def _office_open_xml(file) -> str:
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnsupportedFileType(_("The file looks like an Office document but cannot be read.")) from exc
    finally:
        file.seek(0)
    if "[Content_Types].xml" in names:
        for prefix, media_type in _OOXML.items():
            if any(n.startswith(prefix) for n in names):
                return media_type
    raise UnsupportedFileType(_("ZIP archives are not accepted; upload the documents themselves."))


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is still text.
            if exc.start >= len(head) - 4:
                return True
            continue
        return True
    return False
