"""Reads the aspects, hazards and incidents pages share: an entry's audit trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..models.registers import RegisterEntry


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass
class TrailEntry:
    at: dt.datetime
    by: Any
    created: bool = False
    changes: list[Change] = field(default_factory=list)


def entry_history(*, entry: RegisterEntry, fields: list[str], limit: int = 50) -> list[TrailEntry]:
    """The entry's saves, newest first, each with the listed fields it changed. Two queries."""
    records = list(entry.history.select_related("history_user").order_by("history_date", "history_id"))  # type: ignore[attr-defined]
    labels = {name: str(getattr(entry._meta.get_field(name), "verbose_name", name)) for name in fields}
    trail: list[TrailEntry] = []
    previous: dict[str, str] | None = None
    for record in records:
        values = {name: "" if getattr(record, f"{name}_id", getattr(record, name, None)) is None else str(
            getattr(record, f"{name}_id", getattr(record, name, ""))) for name in fields}  # fmt: skip
        if previous is None:
            trail.append(TrailEntry(at=record.history_date, by=record.history_user, created=True))
        else:
            changes = [Change(labels[n], previous[n], values[n]) for n in fields if previous[n] != values[n]]
            if changes:
                trail.append(TrailEntry(at=record.history_date, by=record.history_user, changes=changes))
        previous = values
    return list(reversed(trail))[:limit]
