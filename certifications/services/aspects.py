"""Writes of the environmental aspects register and loading of the significance methods.

Every save scores the aspect by its method (``selectors.aspects.aspect_significance``) and stores the
total and the verdict; scores the method refuses change nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError
from greenfactory.core.validators import DATE_OUT_OF_RANGE, date_is_plausible
from greenfactory.sites.models import Site

from ..models import Clause, Evidence, Finding
from ..models.aspects import Aspect, AspectCondition, SignificanceCriterion, SignificanceMethod
from ..selectors.aspects import aspect_significance
from ._common import (
    apply_fields,
    check_reference,
    check_version,
    history_by,
    next_reference,
    read_data,
    set_links,
)

METHODS_FILE = "significance-methods.yaml"
FIELDS = {
    "title", "title_zh", "activity", "aspect", "impact", "condition", "method", "scores",
    "operational_controls", "objectives", "review_on", "notes", "owner", "reference",
}  # fmt: skip
LINK_FIELDS = ("sites", "clauses", "evidence", "findings")


@transaction.atomic
def significance_methods_load() -> int:
    """Create or update the methods of the shipped data file; returns how many it holds."""
    data = read_data(METHODS_FILE)["methods"]
    for item in data:
        method, _created = SignificanceMethod.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "name_zh": item.get("name_zh", ""),
                "aggregation": item["aggregation"],
                "significant_from": item["significant_from"],
                "legal_from": item.get("legal_from"),
            },
        )
        codes = []
        for position, criterion in enumerate(item["criteria"]):
            scale = {str(k): v for k, v in criterion.get("scale", {}).items()}
            SignificanceCriterion.objects.update_or_create(
                method=method,
                code=criterion["code"],
                defaults={
                    "name": criterion["name"],
                    "name_zh": criterion.get("name_zh", ""),
                    "legal": criterion.get("legal", False),
                    "min_score": criterion.get("min", 1),
                    "max_score": criterion.get("max", 5),
                    "scale": scale,
                    "scale_zh": {str(k): v for k, v in criterion.get("scale_zh", {}).items()},
                    "position": position,
                },
            )
            codes.append(criterion["code"])
        method.criteria.exclude(code__in=codes).delete()
    return len(data)


def _score(aspect: Aspect) -> None:
    if aspect.condition not in AspectCondition.values:
        raise DomainError(_("Choose a valid condition."), field="condition")
    for name in ("activity", "aspect", "impact"):
        if not getattr(aspect, name):
            raise DomainError(_("This field is required."), field=name)
    if aspect.review_on is not None and not date_is_plausible(aspect.review_on):
        raise DomainError(str(DATE_OUT_OF_RANGE), field="review_on")
    if not isinstance(aspect.scores, dict):
        raise DomainError(_("Give a score per criterion."), field="scores")
    result = aspect_significance(method=aspect.method, scores=aspect.scores)
    if result.problems:
        code, problem = sorted(result.problems.items())[0]
        raise DomainError(f"{code}: {problem}", field="scores")
    aspect.scores = {k: int(v) for k, v in aspect.scores.items()}
    aspect.score = result.score
    aspect.significant = result.significant


@transaction.atomic
def aspect_create(
    *,
    by: User,
    title: str,
    activity: str,
    aspect: str,
    impact: str,
    method: SignificanceMethod,
    scores: dict[str, Any],
    condition: str = AspectCondition.NORMAL,
    owner: User | None = None,
    reference: str = "",
    title_zh: str = "",
    operational_controls: str = "",
    objectives: str = "",
    review_on: dt.date | None = None,
    notes: str = "",
    sites: Iterable[Site] = (),
    clauses: Iterable[Clause] = (),
    evidence: Iterable[Evidence] = (),
    findings: Iterable[Finding] = (),
) -> Aspect:
    """Record an aspect, scored by its method. Without a reference it gets ASP-<year>-NNN."""
    entry = Aspect(owner=owner or by, method=method)
    apply_fields(
        entry,
        {
            "title": title,
            "title_zh": title_zh,
            "activity": activity,
            "aspect": aspect,
            "impact": impact,
            "condition": condition,
            "scores": scores,
            "operational_controls": operational_controls,
            "objectives": objectives,
            "review_on": review_on,
            "notes": notes,
        },
    )
    _score(entry)
    entry.reference = (
        check_reference(Aspect, reference, None)
        if reference
        else next_reference(Aspect, "ASP", timezone.localdate().year)
    )
    history_by(entry, by)
    entry.save()
    set_links(entry, {"sites": sites, "clauses": clauses, "evidence": evidence, "findings": findings})
    return entry


@transaction.atomic
def aspect_update(*, entry: Aspect, by: User, version: int | None, **changes: Any) -> Aspect:
    """Change any of aspect_create's fields (``aspect`` among them, so the entry is ``entry``);
    fields left out stay. An edit made on an older ``version`` is refused (EditConflict) and
    nothing changes."""
    entry = Aspect.objects.select_for_update(of=("self",)).select_related("method").get(pk=entry.pk)
    check_version(entry, version)
    links: dict[str, Any] = {name: changes.pop(name) for name in LINK_FIELDS if name in changes}
    unknown = set(changes) - FIELDS
    if unknown:
        raise DomainError(_("Unknown field: %(name)s.") % {"name": sorted(unknown)[0]})
    reference = changes.pop("reference", None)
    apply_fields(entry, changes)
    if reference is not None:
        entry.reference = check_reference(Aspect, reference, entry.pk)
    _score(entry)
    entry.version += 1
    history_by(entry, by)
    entry.save()
    set_links(entry, links)
    return entry
