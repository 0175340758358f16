"""Reads of standards, clauses and the crosswalk."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Prefetch, QuerySet

from ..models import Clause, ClauseMapping, MappingRelation, Standard
from ..parsers.standards import ClauseRow, MappingRow, StandardData


def standard_list() -> QuerySet[Standard]:
    return (
        Standard.objects.select_related("replaced_by")
        .annotate(clause_count=Count("clauses"))
        .order_by("sort_key")
    )


def standard_choices() -> QuerySet[Standard]:
    """Every standard and edition in the order people look for them."""
    return Standard.objects.order_by("sort_key")


def standard_detail(*, pk: int) -> Standard:
    return Standard.objects.select_related("replaced_by").get(pk=pk)


def standard_other_editions(*, standard: Standard) -> QuerySet[Standard]:
    return Standard.objects.filter(code=standard.code).exclude(pk=standard.pk).order_by("sort_key")


def standard_replaced_editions(*, standard: Standard) -> QuerySet[Standard]:
    """The editions a standard replaces (what importing it superseded)."""
    return standard.replaces.order_by("sort_key")


def standard_clauses(*, standard: Standard) -> QuerySet[Clause]:
    """The clause tree in order, each with its crosswalk mappings and their standards."""
    return (
        standard.clauses.select_related("parent")
        .prefetch_related(
            Prefetch(
                "mappings",
                queryset=ClauseMapping.objects.select_related("target__standard").order_by(
                    "target__standard__sort_key", "target__position"
                ),
            )
        )
        .order_by("position")
    )


def clause_list() -> QuerySet[Clause]:
    return Clause.objects.select_related("standard").order_by("standard__sort_key", "position")


def clause_equal_groups() -> list[list[Clause]]:
    """Clauses the crosswalk holds equal across standards (the Harmonized Structure's shared clauses),
    each group in standard order, the groups in the order of their first clause. Two queries."""
    clauses = {c.pk: c for c in clause_list()}
    linked: dict[int, set[int]] = {}
    for source, target in ClauseMapping.objects.filter(relation=MappingRelation.EQUAL).values_list(
        "source_id", "target_id"
    ):
        linked.setdefault(source, set()).add(target)
    order = {pk: index for index, pk in enumerate(clauses)}
    groups: list[list[Clause]] = []
    seen: set[int] = set()
    for start in sorted(linked, key=order.__getitem__):
        if start in seen:
            continue
        members, todo = set(), [start]
        while todo:
            pk = todo.pop()
            if pk not in members:
                members.add(pk)
                todo += linked.get(pk, ())
        seen |= members
        groups.append([clauses[pk] for pk in sorted(members, key=order.__getitem__)])
    return groups


def clause_mapping_list() -> QuerySet[ClauseMapping]:
    return ClauseMapping.objects.select_related("target__standard").order_by("source_id", "target_id")


def crosswalk_equivalents(*, clauses: Iterable[Clause]) -> list[ClauseMapping]:
    """Mappings from the given clauses to clauses of other standards: what linking also offers."""
    ids = [c.pk for c in clauses]
    return list(
        ClauseMapping.objects.filter(source_id__in=ids)
        .exclude(target_id__in=ids)
        .select_related("source__standard", "target__standard")
        .order_by("target__standard__sort_key", "target__position")
    )


def standard_export_data(*, standard: Standard) -> StandardData:
    """A standard as plain data, ready to be written as YAML or Excel."""
    clauses = list(standard.clauses.select_related("parent").order_by("position"))
    successor = standard.replaced_by if standard.replaced_by_id else None
    mappings = (
        ClauseMapping.objects.filter(source__standard=standard)
        .exclude(target__standard=standard)
        .select_related("source", "target__standard")
        .order_by("source__position", "target__standard__sort_key", "target__position")
    )
    return StandardData(
        code=standard.code,
        edition=standard.edition,
        title=standard.title,
        title_zh=standard.title_zh,
        status=standard.status,
        withdrawn_on=standard.withdrawn_on,
        replaced_by=successor.label if successor else "",
        note=standard.note,
        note_zh=standard.note_zh,
        clauses=[
            ClauseRow(
                number=c.number,
                title=c.title,
                title_zh=c.title_zh,
                parent=c.parent.number if c.parent_id and c.parent else "",
            )
            for c in clauses
        ],
        mappings=[
            MappingRow(
                clause=m.source.number,
                standard=m.target.standard.label,
                target=m.target.number,
                relation=m.relation,
            )
            for m in mappings
        ],
    )
