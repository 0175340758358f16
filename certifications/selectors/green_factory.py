"""Scores of green-factory evaluations: per indicator, per group and in total, with what full marks
need, last year's comparison and what-if values. The formula is certifications/scoring.py's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from ..models import (
    Evaluation,
    Evidence,
    GateItem,
    Indicator,
    IndicatorType,
    IndicatorValue,
    Scheme,
    SchemeGroup,
)
from ..scoring import indicator_points

QUANTITATIVE = (IndicatorType.HIGHER_BETTER, IndicatorType.LOWER_BETTER, IndicatorType.COUNT)


@dataclass
class IndicatorScore:
    indicator: Indicator
    value: Decimal | None
    case: str
    points: Decimal
    baseline: Decimal | None
    leading: Decimal | None
    band: dict | None = None
    entry: IndicatorValue | None = None
    last_year: IndicatorScore | None = None

    @property
    def full_marks_value(self) -> Decimal | None:
        """The value (in the indicator's unit) that earns the full weight: the leading value L."""
        return self.leading if self.indicator.type in QUANTITATIVE else None

    @property
    def full_marks_case(self) -> str:
        cases = [c for c in self.indicator.cases if Decimal(c["share"]) == 1]
        return cases[0]["code"] if cases else ""

    @property
    def has_full_marks(self) -> bool:
        return self.points == self.indicator.weight

    @property
    def change(self) -> Decimal | None:
        return None if self.last_year is None else self.points - self.last_year.points


@dataclass
class GroupScore:
    group: SchemeGroup
    indicators: list[IndicatorScore] = field(default_factory=list)
    children: list[GroupScore] = field(default_factory=list)

    @property
    def points(self) -> Decimal:
        return sum((i.points for i in self.indicators), Decimal(0)) + sum(
            (c.points for c in self.children), Decimal(0)
        )

    @property
    def weight(self) -> Decimal:
        return sum((i.indicator.weight for i in self.indicators), Decimal(0)) + sum(
            (c.weight for c in self.children), Decimal(0)
        )

    def all_indicators(self) -> list[IndicatorScore]:
        return [*self.indicators, *(s for c in self.children for s in c.all_indicators())]


@dataclass
class EvaluationScore:
    evaluation: Evaluation
    groups: list[GroupScore]
    last_year: EvaluationScore | None = None

    @property
    def total(self) -> Decimal:
        return sum((g.points for g in self.groups), Decimal(0))

    @property
    def weight(self) -> Decimal:
        return sum((g.weight for g in self.groups), Decimal(0))

    def indicators(self) -> list[IndicatorScore]:
        return [s for g in self.groups for s in g.all_indicators()]


def band_for(
    indicator: Indicator, band_value: Decimal | None
) -> tuple[Decimal | None, Decimal | None, dict | None]:
    """B and L for the indicator; with bands, those of the band ``band_value`` falls in (from <= x < to).
    Without a band value a banded indicator has no B/L and scores nothing."""
    if not indicator.bands:
        return indicator.baseline, indicator.leading, None
    if band_value is None:
        return None, None, None
    for row in indicator.bands.get("rows", []):
        low = Decimal(row["from"]) if row.get("from") is not None else None
        high = Decimal(row["to"]) if row.get("to") is not None else None
        if (low is None or band_value >= low) and (high is None or band_value < high):
            return Decimal(row["baseline"]), Decimal(row["leading"]), row
    return None, None, None


def indicator_score(
    *, indicator: Indicator, value: Decimal | None, case: str = "", band_value: Decimal | None = None
) -> IndicatorScore:
    """The points of one value (or qualitative case) of an indicator."""
    baseline, leading, band = band_for(indicator, band_value)
    points = Decimal(0)
    if indicator.type == IndicatorType.QUALITATIVE:
        share = next((Decimal(c["share"]) for c in indicator.cases if c["code"] == case), Decimal(0))
        points = indicator.weight * share
    elif value is not None and baseline is not None and leading is not None:
        points = indicator_points(value=value, baseline=baseline, leading=leading, weight=indicator.weight)
    return IndicatorScore(indicator, value, case, points, baseline, leading, band)


def _scheme_tree(
    scheme_id: int,
) -> tuple[list[SchemeGroup], dict[int | None, list[SchemeGroup]], list[Indicator]]:
    groups = list(SchemeGroup.objects.filter(scheme_id=scheme_id).order_by("position"))
    children: dict[int | None, list[SchemeGroup]] = {}
    for group in groups:
        children.setdefault(group.parent_id, []).append(group)
    indicators = list(Indicator.objects.filter(scheme_id=scheme_id).order_by("position"))
    return groups, children, indicators


def evaluation_score(
    *, evaluation: Evaluation, what_if: dict[int, Decimal | str] | None = None, compare: bool = True
) -> EvaluationScore:
    """The evaluation's scores; ``what_if`` (indicator pk -> value or case) replaces stored values in the
    computation only, nothing is saved. With ``compare`` last year's evaluation of the site is scored too
    and each indicator carries its last-year score. The query count does not grow with the indicators."""
    _groups, children, indicators = _scheme_tree(evaluation.scheme_id)
    entries = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(evaluation=evaluation)
        .select_related("updated_by")
        .prefetch_related("evidence")
    }
    by_group: dict[int, list[IndicatorScore]] = {}
    for indicator in indicators:
        entry = entries.get(indicator.pk)
        value = entry.value if entry else None
        case = entry.case if entry else ""
        if what_if and indicator.pk in what_if:
            override = what_if[indicator.pk]
            if isinstance(override, str):
                case = override
            else:
                value = override
        score = indicator_score(
            indicator=indicator, value=value, case=case, band_value=evaluation.annual_energy_tce
        )
        score.entry = entry
        by_group.setdefault(indicator.group_id, []).append(score)

    def build(group: SchemeGroup) -> GroupScore:
        return GroupScore(group, by_group.get(group.pk, []), [build(c) for c in children.get(group.pk, [])])

    result = EvaluationScore(evaluation, [build(g) for g in children.get(None, [])])
    previous = last_year_evaluation(evaluation=evaluation) if compare else None
    if previous is not None:
        result.last_year = evaluation_score(evaluation=previous, compare=False)
        by_code = {s.indicator.code: s for s in result.last_year.indicators()}
        for score in result.indicators():
            score.last_year = by_code.get(score.indicator.code)
    return result


def last_year_evaluation(*, evaluation: Evaluation) -> Evaluation | None:
    return (
        Evaluation.objects.filter(site_id=evaluation.site_id, year=evaluation.year - 1)
        .select_related("scheme", "site")
        .first()
    )


def evaluation_list() -> QuerySet[Evaluation]:
    return Evaluation.objects.select_related("site", "scheme").order_by("site__name", "-year")


def scheme_list() -> QuerySet[Scheme]:
    return Scheme.objects.order_by("-edition", "code")


def evidence_for_site(*, site_id: int) -> QuerySet[Evidence]:
    """The evidence records a value or gate item of the site may cite: the site's own and those that
    apply to every site."""
    return (
        Evidence.objects.filter(Q(sites=site_id) | Q(sites__isnull=True)).distinct().order_by("title", "pk")
    )


def scheme_detail(*, pk: int) -> tuple[Scheme, list[GroupScore], list[GateItem]]:
    """A scheme with its groups as a tree (each indicator as an unscored entry) and its gate items."""
    scheme = Scheme.objects.get(pk=pk)
    _groups, children, indicators = _scheme_tree(scheme.pk)
    by_group: dict[int, list[IndicatorScore]] = {}
    for indicator in indicators:
        entry = IndicatorScore(indicator, None, "", Decimal(0), indicator.baseline, indicator.leading)
        by_group.setdefault(indicator.group_id, []).append(entry)

    def build(group: SchemeGroup) -> GroupScore:
        return GroupScore(group, by_group.get(group.pk, []), [build(c) for c in children.get(group.pk, [])])

    gate = list(GateItem.objects.filter(scheme=scheme).order_by("position"))
    return scheme, [build(g) for g in children.get(None, [])], gate


@dataclass
class EvaluationRow:
    evaluation: Evaluation
    total: Decimal
    weight: Decimal
    gate: bool | None = None  # set by the page: passed, failed, not decided


def evaluation_rows(*, evaluations: list[Evaluation]) -> list[EvaluationRow]:
    """Total score and maximum of each evaluation, in three queries whatever the number of rows."""
    scheme_ids = {e.scheme_id for e in evaluations}
    indicators: dict[int, list[Indicator]] = {}
    for indicator in Indicator.objects.filter(scheme_id__in=scheme_ids).order_by("position"):
        indicators.setdefault(indicator.scheme_id, []).append(indicator)
    entries: dict[tuple[int, int], IndicatorValue] = {
        (v.evaluation_id, v.indicator_id): v
        for v in IndicatorValue.objects.filter(evaluation__in=[e.pk for e in evaluations])
    }
    rows = []
    for evaluation in evaluations:
        total = Decimal(0)
        weight = Decimal(0)
        for indicator in indicators.get(evaluation.scheme_id, []):
            entry = entries.get((evaluation.pk, indicator.pk))
            score = indicator_score(
                indicator=indicator,
                value=entry.value if entry else None,
                case=entry.case if entry else "",
                band_value=evaluation.annual_energy_tce,
            )
            total += score.points
            weight += indicator.weight
        rows.append(EvaluationRow(evaluation, total, weight))
    return rows


@dataclass
class WhatIfEffect:
    """One indicator's what-if value against the stored one: its points, its first-level group's and the
    total, before and after. Nothing is saved."""

    indicator: IndicatorScore
    indicator_before: IndicatorScore
    group: GroupScore
    group_before: GroupScore
    total: Decimal
    total_before: Decimal


def what_if_effect(*, score: EvaluationScore, indicator: Indicator, value: Decimal | str) -> WhatIfEffect:
    """The effect of one what-if value on ``score`` (the evaluation as stored)."""
    changed = evaluation_score(evaluation=score.evaluation, what_if={indicator.pk: value}, compare=False)

    def find(result: EvaluationScore) -> tuple[GroupScore, IndicatorScore]:
        for group in result.groups:
            for entry in group.all_indicators():
                if entry.indicator.pk == indicator.pk:
                    return group, entry
        raise LookupError(indicator.code)

    group, entry = find(changed)
    group_before, entry_before = find(score)
    return WhatIfEffect(entry, entry_before, group, group_before, changed.total, score.total)


def provenance_summary(provenance: dict) -> dict:
    """The lines people read first in an automatic value's provenance: period, days with data, factor
    sets and when the KPIs were computed (the rest is shown in full beside it)."""
    period = provenance.get("period") or {}
    factors = provenance.get("factors") or []
    sets: dict[str, str] = {}
    for row in factors if isinstance(factors, list) else []:
        sets.update({str(k): str(v) for k, v in (row.get("sets") or {}).items()})
    functions = provenance.get("functions")
    found = provenance.get("site")
    site: dict = found if isinstance(found, dict) else {}
    return {
        "land_area_m2": site.get("land_area_m2"),
        "floor_area_m2": site.get("floor_area_m2"),
        "start": period.get("start"),
        "end": period.get("end"),
        "days": period.get("days"),
        "days_with_data": period.get("days_with_data"),
        "factor_sets": ", ".join(f"{k} {v}" for k, v in sorted(sets.items())),
        "kpis_computed_at": _when(provenance.get("kpis_computed_at")),
        "functions": len(functions) if isinstance(functions, list) else None,
        "functions_of": provenance.get("of"),
    }


def _when(text: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None
