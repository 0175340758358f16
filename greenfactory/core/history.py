"""The audit trail (django-simple-history): who made a change."""

from __future__ import annotations

from django.db import models


def history_user_set(instance: models.Model, by: object | None) -> None:
    """Name ``by`` as the author of the history row that the instance's next save or delete writes."""
    instance._history_user = by  # type: ignore[attr-defined]


def history_reason_set(instance: models.Model, reason: str | None) -> None:
    """Record ``reason`` as the change reason of the history row that the instance's next save or delete writes."""
    instance._change_reason = reason  # type: ignore[attr-defined]
