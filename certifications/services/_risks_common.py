"""What the aspects, hazards and incidents services share: the register entry's own fields, its
links, its reference and the edit-conflict check."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from django.db import models
from django.utils.translation import gettext as _

from greenfactory.core.exceptions import DomainError
from greenfactory.core.unset import UNSET

from ..exceptions import EditConflict
from ..models.registers import RegisterEntry

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "registers"
LINKS = ("sites", "clauses", "evidence", "findings")


def read_data(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def next_reference(model: type[RegisterEntry], prefix: str, year: int) -> str:
    start = f"{prefix}-{year}-"
    taken = model._default_manager.filter(reference__startswith=start).values_list("reference", flat=True)
    numbers = [int(r.removeprefix(start)) for r in taken if r.removeprefix(start).isdigit()]
    return f"{start}{max(numbers, default=0) + 1:03d}"


def check_reference(model: type[RegisterEntry], reference: str, pk: int | None) -> str:
    reference = reference.strip()
    if not reference:
        raise DomainError(_("Give the entry a reference."), field="reference")
    if model._default_manager.filter(reference=reference).exclude(pk=pk).exists():
        raise DomainError(_("Another entry already has this reference."), field="reference")
    return reference


def apply_fields(entry: models.Model, values: dict[str, Any]) -> None:
    """Set every value that is not UNSET, stripping strings."""
    for name, value in values.items():
        if value is not UNSET:
            setattr(entry, name, value.strip() if isinstance(value, str) else value)
    if not getattr(entry, "title", ""):
        raise DomainError(_("Give the entry a title."), field="title")


def set_links(entry: RegisterEntry, links: dict[str, Iterable[Any] | Any]) -> None:
    for name in LINKS:
        value = links.get(name, UNSET)
        if value is not UNSET:
            getattr(entry, name).set(list(value))


def check_version(entry: RegisterEntry, version: int | None) -> None:
    if version is not None and version != entry.version:
        raise EditConflict(
            _("This entry changed since you opened it; nothing was saved. Reload it and try again."),
            current_version=entry.version,
        )
