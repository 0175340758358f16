"""Turn an upload's bytes into plain row dictionaries: JSON (orjson) or CSV, once, without serializers."""

from __future__ import annotations

import csv
import io
import zlib

import orjson
from django.utils.translation import gettext as _

from greenfactory.core.exceptions import DomainError, PayloadTooLarge

REGISTER_HEADER = ("meter", "ts", "value")
INTERVAL_HEADER = ("meter", "start", "end", "value")
KNOWN_COLUMNS = {"meter", "ts", "start", "end", "value", "unit", "quality", "correction"}


class MalformedPayload(DomainError):
    code = "malformed"


class UnsupportedMediaType(DomainError):
    status_code = 415
    code = "unsupported_media_type"


def gunzip(*, body: bytes, max_bytes: int) -> bytes:
    """Decompress a gzip body, every member of it (RFC 1952 allows several, and ``gzip -dc`` prints
    them all), refusing one that inflates beyond ``max_bytes`` (a zip bomb)."""
    parts: list[bytes] = []
    size = 0
    rest = body
    while True:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            data = inflater.decompress(rest, max_bytes - size + 1)
        except zlib.error as exc:
            raise MalformedPayload(_("The body is not valid gzip data.")) from exc
        size += len(data)
        if size > max_bytes or inflater.unconsumed_tail:
            raise PayloadTooLarge(
                _("The uncompressed body is larger than the limit of %(limit)s bytes.") % {"limit": max_bytes}
            )
        if not inflater.eof:
            raise MalformedPayload(_("The gzip body is truncated."))
        parts.append(data)
        rest = inflater.unused_data
        if not rest.strip(b"\0"):  # trailing zero padding after the last member is allowed
            return b"".join(parts)


def payload_parse(*, body: bytes, content_type: str) -> tuple[str, list[dict]]:
    """The batch id (may be empty) and the rows of a JSON or CSV body."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media in ("application/json", ""):
        return _parse_json(body)
    if media in ("text/csv", "application/csv"):
        return "", csv_rows(body.decode("utf-8-sig", errors="strict") if _is_utf8(body) else None)
    raise UnsupportedMediaType(
        _("Send readings as application/json or text/csv, not %(type)s.") % {"type": media}
    )


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def _parse_json(body: bytes) -> tuple[str, list[dict]]:
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MalformedPayload(
            _("The body is not valid JSON (NaN and Infinity are not JSON): %(error)s") % {"error": exc}
        ) from exc
    if not isinstance(document, dict):
        raise MalformedPayload(_('The body must be a JSON object with a "readings" list.'))
    readings = document.get("readings")
    if not isinstance(readings, list):
        raise MalformedPayload(_('The body must be a JSON object with a "readings" list.'))
    batch_id = document.get("batch_id", "")
    if batch_id is None:
        batch_id = ""
    if not isinstance(batch_id, str) or len(batch_id) > 100:
        raise MalformedPayload(_('"batch_id" must be a string of at most 100 characters.'))
    for index, row in enumerate(readings):
        if not isinstance(row, dict):
            raise MalformedPayload(_("Reading %(index)s is not a JSON object.") % {"index": index})
    return batch_id, readings


def csv_rows(text: str | None) -> list[dict]:
    """Rows of a CSV text with a header naming meter, ts or start/end, value and optional quality."""
    if text is None:
        raise MalformedPayload(_("The CSV body is not UTF-8 text."))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header:
            raise MalformedPayload(_("The CSV body is empty; it needs a header line."))
        columns = [h.strip().lower() for h in header]
        _check_header(columns)
        rows = []
        for line in reader:
            if not line or not any(cell.strip() for cell in line):
                continue
            if len(line) != len(columns):
                raise MalformedPayload(
                    _("CSV line %(line)s has %(found)s fields; the header has %(expected)s.")
                    % {"line": reader.line_num, "found": len(line), "expected": len(columns)}
                )
            rows.append({c: v.strip() for c, v in zip(columns, line, strict=True) if c in KNOWN_COLUMNS})
    except csv.Error as exc:
        raise MalformedPayload(_("The CSV body is malformed: %(error)s") % {"error": exc}) from exc
    return rows


def _check_header(columns: list[str]) -> None:
    names = set(columns)
    if len(names) != len(columns):
        raise MalformedPayload(_("The CSV header names a column twice."))
    if not (set(REGISTER_HEADER) <= names or set(INTERVAL_HEADER) <= names):
        raise MalformedPayload(
            _("The CSV header must be meter,ts,value[,quality] or meter,start,end,value[,quality].")
        )
