"""Observations on a load profile, from rules kept as data (``accounting/data/load_advice.yaml``).

A rule names one figure of the profile, a comparison and a threshold; an observation is shown only
when its figure is known and passes, and it always cites that figure. Nothing else is said.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from accounting.selectors.load_profiles import LoadProfile
from greenfactory.core.localized import local_text

SHIPPED_RULES = Path(__file__).resolve().parent.parent / "data" / "load_advice.yaml"
OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}


@dataclass(frozen=True)
class Observation:
    key: str
    figure: str
    value: float
    op: str
    threshold: float
    text: str


def _pct(value: float | None) -> float | None:
    return None if value is None else value * 100


def advice_figures(profile: LoadProfile) -> dict[str, float | None]:
    """The figures rules may name, as rules compare them."""
    now = profile.current
    return {
        "base_share_pct": _pct(now.base_share),
        "off_shift_share_pct": _pct(now.off_shift_share),
        "peak_to_average": now.peak_to_average,
        "base_load_change_pct": profile.change("base_load"),
        "energy_change_pct": profile.change("energy"),
    }


@functools.cache
def shipped_rules() -> tuple[dict, ...]:
    rules = tuple(yaml.safe_load(SHIPPED_RULES.read_text(encoding="utf-8")))
    for rule in rules:
        if rule["op"] not in OPERATORS:
            raise ValueError(f"load advice rule {rule['key']}: unknown comparison {rule['op']!r}")
    return rules


def observations(
    figures: dict[str, float | None], rules: tuple[dict, ...] | None = None
) -> list[Observation]:
    """The observations whose rule's figure passes its threshold, in the rules' order, in the active
    language."""
    found = []
    for rule in shipped_rules() if rules is None else rules:
        value = figures.get(rule["figure"])
        threshold = float(rule["threshold"])
        if value is None or not OPERATORS[rule["op"]](value, threshold):
            continue
        text = local_text(rule, "text").format(value=value, threshold=threshold)
        found.append(Observation(rule["key"], rule["figure"], value, rule["op"], threshold, text))
    return found
