"""Reads of the risks and opportunities register: the list, an entry's page and the matrix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import formats

from ..models import Effectiveness, RiskAction, RiskOpportunity
from ..models.risks import RiskMatrix, risk_matrix
from .evidence import HistoryChange, HistoryEntry


def risk_list() -> QuerySet[RiskOpportunity]:
    """Entries with their standards and sites, and counts of their actions (open, not effective)."""
    return (
        RiskOpportunity.objects.select_related("owner")
        .prefetch_related("standards", "sites")
        .annotate(
            actions_open=Count("actions", filter=Q(actions__done_on__isnull=True), distinct=True),
            actions_not_effective=Count(
                "actions", filter=Q(actions__effectiveness=Effectiveness.NOT_EFFECTIVE), distinct=True
            ),
        )
        .order_by("reference")
    )


def risk_detail(pk: int) -> RiskOpportunity:
    return (
        RiskOpportunity.objects.select_related("owner")
        .prefetch_related(
            "standards",
            "sites",
            "clauses__standard",
            "evidence",
            "findings",
            Prefetch("actions", queryset=RiskAction.objects.select_related("owner")),
        )
        .get(pk=pk)
    )


def matrix() -> RiskMatrix:
    return risk_matrix()


# The fields shown in an entry's history, in the order people read them.
RISK_HISTORY_FIELDS = (
    "title",
    "title_zh",
    "kind",
    "source",
    "context",
    "description",
    "likelihood",
    "consequence",
    "band",
    "status",
    "owner",
    "review_on",
    "notes",
)


def _value(record: Any, model: type[models.Model], name: str) -> str:
    choices = getattr(model._meta.get_field(name), "choices", None)
    value = getattr(record, name)
    if choices:
        return str(dict(choices).get(value, value))
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    return "" if value is None else str(value)


def entry_history(*, entry: models.Model, fields: tuple[str, ...], limit: int = 50) -> list[HistoryEntry]:
    """A register entry's audit trail, newest first, with the fields each save changed. Two queries
    however long the history (the records and their people)."""
    model = type(entry)
    history: Any = getattr(entry, "history")  # noqa: B009 (the abstract model's manager, untyped)
    records = list(history.select_related("history_user", "owner").order_by("history_date", "history_id"))
    labels = {name: str(getattr(model._meta.get_field(name), "verbose_name", name)) for name in fields}
    entries: list[HistoryEntry] = []
    previous: dict[str, str] | None = None
    for record in records:
        values = {name: _value(record, model, name) for name in fields}
        if previous is None:
            entries.append(HistoryEntry(at=record.history_date, by=record.history_user, created=True))
        else:
            changes = [
                HistoryChange(field=labels[name], old=previous[name], new=values[name])
                for name in fields
                if previous[name] != values[name]
            ]
            if changes:
                entries.append(
                    HistoryEntry(
                        at=record.history_date, by=record.history_user, created=False, changes=changes
                    )
                )
        previous = values
    return entries[::-1][:limit]
