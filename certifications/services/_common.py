"""Small helpers the certification services share."""

from __future__ import annotations

import enum

from django.db import models

from greenfactory.accounts.models import User


class Unset(enum.Enum):
    """The default of an update service's optional fields: a field left out stays as it is.
    ``None`` cannot serve, because clearing a date to ``None`` is a change."""

    UNSET = enum.auto()


UNSET = Unset.UNSET


def history_by(instance: models.Model, by: User | None) -> None:
    """Name the person the audit trail (django-simple-history) records for the next save."""
    instance._history_user = by  # type: ignore[attr-defined]
