"""Standards as files: the YAML and Excel exports that the page and the API both serve."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import yaml

from greenfactory.core.exports import Sheet, xlsx_workbook

from ..files import XLSX
from ..models import Standard
from ..parsers.standards import CLAUSE_FIELDS, MAPPING_FIELDS, STANDARD_FIELDS, StandardData
from ..selectors.standards import standard_export_data

FORMATS = ("yaml", "xlsx")
YAML_TYPE = "application/yaml; charset=utf-8"


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str


def standard_filename(standard: Standard) -> str:
    """A file name without the characters that break downloads: ISO 9001:2015 -> iso-9001-2015."""
    return f"{standard.code}-{standard.edition}".replace("/", "").replace(" ", "-").replace(":", "-").lower()


def standard_export(*, standard: Standard, fmt: str) -> ExportFile:
    """A standard as a YAML (``fmt="yaml"``) or Excel (``fmt="xlsx"``) file ready to download."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    data = standard_export_data(standard=standard)
    if fmt == "xlsx":
        return ExportFile(to_xlsx(data), XLSX, f"{standard_filename(standard)}.xlsx")
    return ExportFile(to_yaml(data).encode("utf-8"), YAML_TYPE, f"{standard_filename(standard)}.yaml")


def to_yaml(data: StandardData) -> str:
    """The standard as YAML, in the layout the importer reads."""
    document: dict[str, object] = {
        "code": data.code,
        "edition": data.edition,
        "title": data.title,
        "title_zh": data.title_zh,
        "status": data.status,
    }
    if data.withdrawn_on:
        document["withdrawn_on"] = data.withdrawn_on.isoformat()
    if data.replaced_by:
        document["replaced_by"] = data.replaced_by
    if data.note:
        document["note"] = data.note
    if data.note_zh:
        document["note_zh"] = data.note_zh
    document["clauses"] = [
        {
            k: v
            for k, v in (
                ("number", c.number),
                ("title", c.title),
                ("title_zh", c.title_zh),
                ("parent", c.parent),
            )
            if v
        }
        for c in data.clauses
    ]
    if data.mappings:
        document["mappings"] = [
            {"clause": m.clause, "standard": m.standard, "target": m.target, "relation": m.relation}
            for m in data.mappings
        ]
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=200)


def to_xlsx(data: StandardData) -> bytes:
    """The standard as a workbook with the sheets Standard, Clauses and Mappings."""
    fields = []
    for key in STANDARD_FIELDS:
        value = getattr(data, key)
        fields.append([key, value.isoformat() if isinstance(value, dt.date) else value or ""])
    return xlsx_workbook(
        [
            Sheet(title="Standard", header=["field", "value"], rows=fields),
            # Clause numbers are written as text so 4.10 does not become the number 4.1.
            Sheet(
                title="Clauses",
                header=list(CLAUSE_FIELDS),
                rows=[[c.number, c.title, c.title_zh, c.parent] for c in data.clauses],
                text_columns=frozenset({0}),
            ),
            Sheet(
                title="Mappings",
                header=list(MAPPING_FIELDS),
                rows=[[m.clause, m.standard, m.target, m.relation] for m in data.mappings],
            ),
        ]
    )
