"""Reads the certification pages share: a record's audit trail (django-simple-history), as the
saves that changed what people see, each with the fields it changed from what to what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import formats

from greenfactory.accounts.models import User


@dataclass(frozen=True)
class HistoryChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    """One change of an item in the audit trail: when, who, and each field from what to what."""

    at: dt.datetime
    by: User | None
    created: bool
    changes: list[HistoryChange] = field(default_factory=list)


def _shown(value: Any) -> str:
    return str(value)


def history_trail(
    records: Iterable[Any],
    *,
    fields: Sequence[str],
    labels: Mapping[str, str],
    value: Callable[[Any, str], Any],
    show: Callable[[Any], str] = _shown,
) -> list[HistoryEntry]:
    """The saves among ``records`` (oldest first) that changed one of ``fields``, oldest first: the
    first is the creation, each later one lists the fields whose ``value`` differs from the save
    before, labelled by ``labels`` and shown by ``show``."""
    trail: list[HistoryEntry] = []
    previous: dict[str, Any] | None = None
    for record in records:
        values = {name: value(record, name) for name in fields}
        if previous is None:
            trail.append(HistoryEntry(at=record.history_date, by=record.history_user, created=True))
        else:
            changes = [
                HistoryChange(field=labels[name], old=show(previous[name]), new=show(values[name]))
                for name in fields
                if previous[name] != values[name]
            ]
            if changes:
                trail.append(
                    HistoryEntry(
                        at=record.history_date, by=record.history_user, created=False, changes=changes
                    )
                )
        previous = values
    return trail


def field_labels(model: type[models.Model], fields: Iterable[str]) -> dict[str, str]:
    return {name: str(getattr(model._meta.get_field(name), "verbose_name", name)) for name in fields}


def display_value(record: Any, model: type[models.Model], name: str) -> str:
    """A field of a history record as a page shows it: a choice by its label, a date in the
    user's format, a related record by its name."""
    choices = getattr(model._meta.get_field(name), "choices", None)
    value = getattr(record, name)
    if choices:
        return str(dict(choices).get(value, value))
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    return "" if value is None else str(value)


def stored_value(record: Any, name: str) -> str:
    """A field of a history record as stored: a related record by its id."""
    stored = getattr(record, f"{name}_id", getattr(record, name, None))
    return "" if stored is None else str(stored)


def entry_history(
    *,
    entry: models.Model,
    fields: Sequence[str],
    limit: int = 50,
    as_stored: bool = False,
) -> list[HistoryEntry]:
    """A register entry's audit trail, newest first, with the listed fields each save changed,
    shown as the pages show them (``as_stored``: related records by id). Two queries however long
    the history (the records and their people)."""
    model = type(entry)
    history: Any = getattr(entry, "history")  # noqa: B009 (the abstract model's manager, untyped)
    related = ("history_user",) if as_stored else ("history_user", "owner")
    records = history.select_related(*related).order_by("history_date", "history_id")
    if as_stored:
        trail = history_trail(records, fields=fields, labels=field_labels(model, fields), value=stored_value)
    else:
        trail = history_trail(
            records,
            fields=fields,
            labels=field_labels(model, fields),
            value=lambda record, name: display_value(record, model, name),
        )
    return trail[::-1][:limit]


# The fields the register pages show in an entry's history (links are not diffed here).
_HISTORY_SKIP = {"id", "version", "created_at", "updated_at"}


def _stored_or_blank(value: Any) -> str:
    return str(value or "")


def entry_changes(*, entry: models.Model, limit: int = 50) -> list[HistoryEntry]:
    """A register entry's saved changes, oldest first, each with the fields it changed: one query
    however long the history (foreign keys are compared by id)."""
    history: Any = getattr(entry, "history")  # noqa: B009 (the abstract model's manager, untyped)
    fields = [f for f in entry._meta.concrete_fields if f.name not in _HISTORY_SKIP]
    records = history.select_related("history_user").order_by("history_date", "history_id")[:limit]
    return history_trail(
        records,
        fields=[f.attname for f in fields],
        labels={f.attname: str(f.verbose_name) for f in fields},
        value=getattr,
        show=_stored_or_blank,
    )
