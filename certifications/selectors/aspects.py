"""Reads of the environmental aspects register and the significance its method gives a set of
scores."""

from __future__ import annotations

from dataclasses import dataclass
from math import prod
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from ..models.aspects import Aggregation, Aspect, SignificanceCriterion, SignificanceMethod


@dataclass(frozen=True)
class Significance:
    score: int
    significant: bool
    # The criterion codes whose scores the method refused, with the reason, when any.
    problems: dict[str, str]


def methods_with_criteria() -> QuerySet[SignificanceMethod]:
    return SignificanceMethod.objects.prefetch_related(
        Prefetch("criteria", queryset=SignificanceCriterion.objects.order_by("position"))
    )


def aspect_significance(*, method: SignificanceMethod, scores: dict[str, Any]) -> Significance:
    """Score ``scores`` ({criterion code: score}) by the method: the sum or product of every
    criterion's score; significant when that reaches ``significant_from`` or any legal criterion
    reaches ``legal_from``. Every criterion needs a whole score within its scale."""
    problems: dict[str, str] = {}
    values: list[int] = []
    legal_hit = False
    criteria = list(method.criteria.all())
    for criterion in criteria:
        raw = scores.get(criterion.code)
        if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).strip().isdigit():
            problems[criterion.code] = _("Give a whole score.")
            continue
        value = int(raw)
        if not criterion.min_score <= value <= criterion.max_score:
            problems[criterion.code] = _("Give a score from %(low)s to %(high)s.") % {
                "low": criterion.min_score,
                "high": criterion.max_score,
            }
            continue
        values.append(value)
        if criterion.legal and method.legal_from is not None and value >= method.legal_from:
            legal_hit = True
    for code in set(scores) - {c.code for c in criteria}:
        problems[code] = _("The method has no criterion %(code)s.") % {"code": code}
    if problems:
        return Significance(score=0, significant=False, problems=problems)
    score = prod(values) if method.aggregation == Aggregation.PRODUCT else sum(values)
    return Significance(score=score, significant=score >= method.significant_from or legal_hit, problems={})


def aspects_for_list() -> QuerySet[Aspect]:
    return Aspect.objects.select_related("method", "owner")
