"""Reads of battery-recycling material balances: the list (by site and year), one balance with its
outputs and assay evidence, the threshold sets of the data file, and each balance's rates checked
against them. Rates are computed from the prefetched figures, so a page's queries do not grow with
its rows."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language

from ..models import Evidence, MaterialBalance, MaterialOutput
from ..models.material_balance import ELEMENTS
from ..recovery import Rate, ThresholdSet, Verdict, balance_rates, threshold_sets_from, verdicts

THRESHOLDS_FILE = Path(__file__).resolve().parent.parent / "data" / "material_balance" / "thresholds.yaml"
FIGURES = (
    *(f"input_{element}_t" for element in ELEMENTS),
    "powder_input_t",
    "powder_recovered_t",
    "powder_al_pct",
    "powder_cu_pct",
    "water_used_m3",
    "water_recycled_m3",
)


@cache
def threshold_sets() -> tuple[ThresholdSet, ...]:
    """The threshold sets of the shipped data file, in file order."""
    with THRESHOLDS_FILE.open(encoding="utf-8") as handle:
        return tuple(threshold_sets_from(yaml.safe_load(handle)))


def threshold_set_title(threshold_set: ThresholdSet, *, short: bool = False) -> str:
    """The set's title (or its short name) in the page's language."""
    if short:
        english, chinese = threshold_set.short, threshold_set.short_zh
    else:
        english, chinese = threshold_set.title, threshold_set.title_zh
    return chinese if (get_language() or "").startswith("zh") and chinese else english


def threshold_set_source(threshold_set: ThresholdSet) -> str:
    """Where the set's figures come from, in the page's language."""
    chinese = threshold_set.source_zh
    return chinese if (get_language() or "").startswith("zh") and chinese else threshold_set.source


@dataclass(frozen=True)
class SetResult:
    threshold_set: ThresholdSet
    title: str
    verdicts: list[Verdict]
    source: str = ""

    @property
    def passed(self) -> bool | None:
        """True when every rule passes, False when one fails, None when none fails but one is not
        computable."""
        outcomes = [v.passed for v in self.verdicts]
        if False in outcomes:
            return False
        return None if None in outcomes else True


@dataclass(frozen=True)
class Assessment:
    rates: dict[str, Rate]
    sets: list[SetResult]


def material_balance_list(
    *, site_id: int | None = None, year: int | None = None
) -> QuerySet[MaterialBalance]:
    rows = MaterialBalance.objects.select_related("site").prefetch_related(
        Prefetch("outputs", queryset=MaterialOutput.objects.order_by("position", "pk"))
    )
    if site_id is not None:
        rows = rows.filter(site_id=site_id)
    if year is not None:
        rows = rows.filter(period_start__year=year)
    return rows.order_by("site__code", "-period_start")


def material_balance_detail(*, pk: int) -> MaterialBalance:
    return (
        material_balance_list()
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("title")))
        .get(pk=pk)
    )


def balance_figures(balance: MaterialBalance) -> dict[str, Any]:
    return {name: getattr(balance, name) for name in FIGURES}


def output_figures(output: MaterialOutput) -> dict[str, Any]:
    return {f"{element}_t": getattr(output, f"{element}_t") for element in ELEMENTS}


def balance_assessment(balance: MaterialBalance) -> Assessment:
    """The balance's rates (from its prefetched outputs) and their check against every threshold set."""
    rates = balance_rates(
        figures=balance_figures(balance), outputs=[output_figures(o) for o in balance.outputs.all()]
    )
    return Assessment(
        rates=rates,
        sets=[
            SetResult(
                threshold_set=s,
                title=threshold_set_title(s),
                source=threshold_set_source(s),
                verdicts=verdicts(rates=rates, threshold_set=s),
            )
            for s in threshold_sets()
        ],
    )


def balance_years() -> list[int]:
    """The years that hold a balance, newest first (for the list's filter)."""
    return sorted({d.year for d in MaterialBalance.objects.dates("period_start", "year")}, reverse=True)
