"""What the certification services share: the audit trail's author, the edit-conflict check, and
the register entries' own fields, links and references."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.db import models
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError
from greenfactory.core.unset import UNSET, Unset

from ..exceptions import EditConflict
from ..models.registers import RegisterEntry

__all__ = [
    "UNSET",
    "Unset",
    "apply_fields",
    "check_reference",
    "check_version",
    "history_by",
    "link_given",
    "locked_for_change",
    "next_reference",
    "read_data",
    "set_links",
]

_Versioned = TypeVar("_Versioned", bound=models.Model)

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "registers"
LINKS = ("sites", "clauses", "evidence", "findings")


def history_by(instance: models.Model, by: User | None) -> None:
    """Name the person the audit trail (django-simple-history) records for the next save."""
    instance._history_user = by  # type: ignore[attr-defined]


def check_version(entry: Any, version: int | None, message: str | None = None) -> None:
    """Refuse a change made on an older ``version`` of ``entry`` (read under its row lock)."""
    if version is not None and version != entry.version:
        raise EditConflict(
            message
            or _("This entry changed since you opened it; nothing was saved. Reload it and try again."),
            current_version=entry.version,
        )


def locked_for_change(
    entry: _Versioned, *, version: int | None, changes: dict[str, Any], allowed: Iterable[str], message: str
) -> _Versioned:
    """``entry`` re-read under its row lock with ``changes`` (those not UNSET) set and its version
    counted up, for the caller to check and save; an unknown field is a TypeError, a change made
    on an older ``version`` an EditConflict with ``message``."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    locked = type(entry)._default_manager.select_for_update().get(pk=entry.pk)
    check_version(locked, version, message)
    for name, value in changes.items():
        if value is not UNSET:
            setattr(locked, name, value)
    locked.version += 1  # type: ignore[attr-defined]
    return locked


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


def link_given(entry: models.Model, **links: Iterable[Any] | Unset) -> None:
    """Replace each many-to-many link given; a link left UNSET stays as it is."""
    for name, value in links.items():
        if not isinstance(value, Unset):
            getattr(entry, name).set(list(value))


def set_links(entry: RegisterEntry, links: dict[str, Iterable[Any] | Any]) -> None:
    link_given(entry, **{name: links.get(name, UNSET) for name in LINKS})
