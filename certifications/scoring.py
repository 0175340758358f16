"""Green factory scoring (GB/T 36132): the indicator formula, implemented once.

Weights, baseline values B and leading values L live in the scheme file, never here.
"""

from __future__ import annotations

from decimal import Decimal


def indicator_points(*, value: Decimal, baseline: Decimal, leading: Decimal, weight: Decimal) -> Decimal:
    """p = w * clip((x - B) / (L - B), 0, 1). Works when lower is better too (then L < B)."""
    if leading == baseline:
        raise ValueError("the leading value must differ from the baseline value")
    progress = (value - baseline) / (leading - baseline)
    return weight * min(max(progress, Decimal(0)), Decimal(1))
