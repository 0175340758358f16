"""Reads shared by every register: the overview and the register entries linked to clauses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils.functional import Promise

from greenfactory.sites.models import Site

from ..models.registers import RegisterEntry, register_models
from ..models.standards import Standard


@dataclass(frozen=True)
class RegisterSummary:
    model: type[RegisterEntry]
    label: str | Promise
    count: int
    url_name: str


def register_overview() -> list[RegisterSummary]:
    """Each register with how many entries it holds; one query per register."""
    return [
        RegisterSummary(
            model=model,
            label=model._meta.verbose_name_plural or model.__name__,
            count=model._default_manager.count(),
            url_name=model.list_url_name,
        )
        for model in register_models()
    ]


def register_clause_counts(*, standard: Standard, site: Site) -> dict[int, int]:
    """Per clause of the standard: how many register entries at this site (or at every site) are
    linked to it. One query per register, whatever the number of entries."""
    counts: dict[int, int] = {}
    for model in register_models():
        through: Any = model.clauses.through
        rows = (
            through.objects.filter(clause__standard=standard)
            .filter(
                Q(**{f"{_entry_field(model)}__sites": site})
                | Q(**{f"{_entry_field(model)}__sites__isnull": True})
            )
            .values("clause_id")
            .annotate(n=Count("id", distinct=True))
        )
        for row in rows:
            counts[row["clause_id"]] = counts.get(row["clause_id"], 0) + row["n"]
    return counts


def _entry_field(model: type[RegisterEntry]) -> str:
    """The name of the entry's foreign key on its clause link table (the lower-cased model name)."""
    return model._meta.model_name or ""
