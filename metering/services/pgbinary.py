"""PostgreSQL: fixed-width rows to numpy arrays without a Python object per row.

A year of 15-minute readings for a hundred meters is millions of rows: fetching them as tuples
(or through COPY, which sends one message per row) costs more than all the arithmetic done on
them. Non-null fixed-width values (bigint, integer, double precision, timestamptz) have a fixed
big-endian binary form (``float8send`` and friends), so the server concatenates every row's
values into one bytea and the client reads the whole result as one numpy structured array.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

# Microseconds from 1970-01-01 to 2000-01-01 (PostgreSQL's timestamp epoch).
PG_EPOCH_US = 946_684_800_000_000

_CODES = {"int8": ">i8", "int4": ">i4", "float8": ">f8", "timestamptz": ">i8"}
_SEND = {"int8": "int8send", "int4": "int4send", "float8": "float8send", "timestamptz": "timestamptz_send"}


class BinaryLayoutError(ValueError):
    """Binary data from the server does not have the expected layout."""


def read(
    cursor: Any,
    query: str,
    params: Sequence[Any] | Mapping[str, Any],
    columns: list[tuple[str, str]],
    order_by: str,
) -> np.ndarray:
    """The rows of ``query``, sorted by its column ``order_by``, as a structured array.

    ``columns`` are (name, type) pairs of the query's columns, types among int8, int4, float8 and
    timestamptz; every value must be NOT NULL. Timestamps come back as int64 microseconds since
    the Unix epoch.
    """
    if not all(name.isidentifier() for name, _ in columns):
        raise ValueError("column names must be plain identifiers")
    packed = " || ".join(f"{_SEND[kind]}(r.{name})" for name, kind in columns)
    cursor.execute(
        # Identifiers checked above; values travel as ``params`` only.
        # No ORDER BY in the aggregate: the server would sort every row; numpy sorts the result
        # (already in index order, so almost free).
        f"SELECT string_agg({packed}, ''::bytea) FROM ({query}) AS r",  # noqa: S608
        params,
    )
    data = cursor.fetchone()[0] or b""
    wire = np.dtype([(name, _CODES[kind]) for name, kind in columns])
    if len(data) % wire.itemsize:
        raise BinaryLayoutError("the packed rows are not of the expected width")
    rows = np.frombuffer(data, dtype=wire)
    out = np.empty(len(rows), dtype=[(name, _CODES[kind].lstrip(">")) for name, kind in columns])
    for name, kind in columns:
        out[name] = rows[name] + (PG_EPOCH_US if kind == "timestamptz" else 0)
    return out[np.argsort(out[order_by], kind="stable")]
