"""The default of an update service's optional fields: a field left out stays as it is. ``None``
cannot serve, because clearing a date to ``None`` is a change."""

from __future__ import annotations

import enum


class Unset(enum.Enum):
    UNSET = enum.auto()


UNSET = Unset.UNSET
