"""Battery-recycling recovery rates, implemented once: element recovery, electrode-powder recovery,
impurity shares and process-water recycling, and their check against threshold sets.

Every rate is a percentage. A rate whose figures are missing (an assay not made, a zero denominator)
is not computable, with the reason; it is never taken as zero. Thresholds are data
(``certifications/data/material_balance/thresholds.yaml``), never here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

HUNDRED = Decimal(100)
ELEMENT_METRICS = ("li", "ni", "co", "mn", "cu", "al")
METRICS = (
    *(f"{element}_recovery" for element in ELEMENT_METRICS),
    "powder_recovery",
    "powder_al_impurity",
    "powder_cu_impurity",
    "water_recycling",
)
COMPARISONS = (">=", "<")


@dataclass(frozen=True)
class Rate:
    """A computed percentage, or None with the reason it cannot be computed."""

    value: Decimal | None
    reason: str = ""

    @property
    def computable(self) -> bool:
        return self.value is not None

    @property
    def shown(self) -> Decimal | None:
        """The value to two decimals without trailing zeros (98.5, 92, 91.25), for pages."""
        if self.value is None:
            return None
        rounded = self.value.quantize(Decimal("0.01"))
        return rounded.quantize(Decimal(1)) if rounded == rounded.to_integral() else rounded.normalize()


@dataclass(frozen=True)
class Rule:
    metric: str
    comparison: str
    limit: Decimal


@dataclass(frozen=True)
class ThresholdSet:
    code: str
    title: str
    title_zh: str
    source: str
    rules: tuple[Rule, ...]
    short: str = ""
    short_zh: str = ""
    source_zh: str = ""


@dataclass(frozen=True)
class Verdict:
    """One rule applied to one rate: ``passed`` is None when the rate is not computable."""

    rule: Rule
    rate: Rate

    @property
    def passed(self) -> bool | None:
        if self.rate.value is None:
            return None
        return rule_passes(rule=self.rule, value=self.rate.value)


def ratio(*, part: Decimal | None, whole: Decimal | None, missing: str) -> Rate:
    """part / whole in %; not computable when either is missing or the whole is not positive."""
    if part is None or whole is None:
        return Rate(None, missing)
    if whole <= 0:
        return Rate(None, _("The input figure is zero."))
    return Rate(part / whole * HUNDRED)


def element_recovery(*, input_t: Decimal | None, outputs_t: Sequence[Decimal | None]) -> Rate:
    """Recovered mass of an element in the outputs / its mass in the input, in %. Outputs whose
    assay omits the element are left out; with no output assayed for it, not computable."""
    if input_t is None:
        return Rate(None, _("The input was not assayed for this element."))
    assayed = [t for t in outputs_t if t is not None]
    if not assayed:
        return Rate(None, _("No output was assayed for this element."))
    return ratio(part=sum(assayed, Decimal(0)), whole=input_t, missing="")


def powder_recovery(*, recovered_t: Decimal | None, input_t: Decimal | None) -> Rate:
    """Electrode powder recovered after crushing and separation / powder in the input, in %."""
    return ratio(
        part=recovered_t,
        whole=input_t,
        missing=_("The powder in the input or the powder recovered is not recorded."),
    )


def impurity_share(*, assay_pct: Decimal | None) -> Rate:
    """An impurity's mass fraction in the electrode powder, as assayed (in %)."""
    if assay_pct is None:
        return Rate(None, _("The powder was not assayed for this impurity."))
    return Rate(assay_pct)


def water_recycling(*, recycled_m3: Decimal | None, used_m3: Decimal | None) -> Rate:
    """Process water recycled / process water used, in %."""
    return ratio(
        part=recycled_m3, whole=used_m3, missing=_("The process water used or recycled is not recorded.")
    )


def rule_passes(*, rule: Rule, value: Decimal) -> bool:
    """ ">=": at least the limit passes; "<": strictly below the limit passes."""
    if rule.comparison == ">=":
        return value >= rule.limit
    return value < rule.limit


def balance_rates(
    *, figures: Mapping[str, Decimal | None], outputs: Iterable[Mapping[str, Any]]
) -> dict[str, Rate]:
    """Every rate of a month's balance from its figures (``input_<element>_t``, ``powder_input_t``,
    ``powder_recovered_t``, ``powder_al_pct``, ``powder_cu_pct``, ``water_used_m3``,
    ``water_recycled_m3``) and its outputs (``<element>_t`` each)."""
    outputs = list(outputs)
    rates = {
        f"{element}_recovery": element_recovery(
            input_t=figures.get(f"input_{element}_t"), outputs_t=[o.get(f"{element}_t") for o in outputs]
        )
        for element in ELEMENT_METRICS
    }
    rates["powder_recovery"] = powder_recovery(
        recovered_t=figures.get("powder_recovered_t"), input_t=figures.get("powder_input_t")
    )
    rates["powder_al_impurity"] = impurity_share(assay_pct=figures.get("powder_al_pct"))
    rates["powder_cu_impurity"] = impurity_share(assay_pct=figures.get("powder_cu_pct"))
    rates["water_recycling"] = water_recycling(
        recycled_m3=figures.get("water_recycled_m3"), used_m3=figures.get("water_used_m3")
    )
    return rates


def verdicts(*, rates: Mapping[str, Rate], threshold_set: ThresholdSet) -> list[Verdict]:
    return [Verdict(rule=rule, rate=rates[rule.metric]) for rule in threshold_set.rules]


def threshold_sets_from(data: Mapping[str, Any]) -> list[ThresholdSet]:
    """The threshold sets of the data file; a metric or comparison it does not know is a ValueError."""
    sets = []
    for entry in data["sets"]:
        rules = []
        for rule in entry["rules"]:
            if rule["metric"] not in METRICS or rule["comparison"] not in COMPARISONS:
                raise ValueError(f"unknown rule in {entry['code']}: {rule}")
            rules.append(Rule(rule["metric"], rule["comparison"], Decimal(str(rule["value"]))))
        sets.append(
            ThresholdSet(
                code=entry["code"],
                title=entry["title"],
                title_zh=entry.get("title_zh", ""),
                source=entry["source"],
                rules=tuple(rules),
                short=entry.get("short", entry["title"]),
                short_zh=entry.get("short_zh", ""),
                source_zh=entry.get("source_zh", ""),
            )
        )
    return sets
