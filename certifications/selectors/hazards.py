"""Reads of the OH&S hazards register and the risk score and band a method gives a set of factors."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from ..models.hazards import Hazard, HazardControl, RiskBand, RiskMethod


@dataclass(frozen=True)
class Risk:
    score: Decimal
    band: RiskBand | None
    problems: dict[str, str]


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def risk_band(*, method: RiskMethod, score: Decimal) -> RiskBand | None:
    """The most dangerous band whose lower bound the score reaches (inclusive bound) or passes."""
    for band in sorted(method.bands.all(), key=lambda b: b.rank, reverse=True):
        if score > band.bound or (band.inclusive and score == band.bound):
            return band
    return None


def hazard_risk(*, method: RiskMethod, factors: dict[str, Any]) -> Risk:
    """The product of the factors and its band. Each factor must take one of the method's values."""
    problems: dict[str, str] = {}
    score = Decimal(1)
    for factor in method.factors:
        allowed = {Decimal(str(v)) for v in factor["values"]}
        value = _number(factors.get(factor["code"]))
        if value is None or value not in allowed:
            problems[factor["code"]] = _("Choose one of %(values)s.") % {
                "values": ", ".join(str(v) for v in sorted(allowed))
            }
            continue
        score *= value
    for code in set(factors) - set(method.factor_codes):
        problems[code] = _("The method has no factor %(code)s.") % {"code": code}
    if problems:
        return Risk(score=Decimal(0), band=None, problems=problems)
    return Risk(score=score, band=risk_band(method=method, score=score), problems={})


def hazards_for_list() -> QuerySet[Hazard]:
    return Hazard.objects.select_related("method", "owner", "initial_band", "residual_band")


def hazard_for_detail(pk: int) -> Hazard:
    return (
        hazards_for_list()
        .prefetch_related(Prefetch("controls", queryset=HazardControl.objects.order_by("position", "pk")))
        .get(pk=pk)
    )
