"""The default of an update service's optional fields: a field left out stays as it is.

``None`` cannot serve where it is a value (clearing a date or a parent is a change), so update
services type such a field ``X | None | Unset`` and compare with ``is UNSET``.
"""

from __future__ import annotations

import enum


class Unset(enum.Enum):
    UNSET = enum.auto()

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset.UNSET
