"""Writes of audit checklists: generated from the audit's clauses, then worked by several auditors
at once, each change made on a version so that none overwrites another's."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError, TransitionNotAllowed
from greenfactory.core.unset import UNSET, Unset

from ..exceptions import EditConflict
from ..models import (
    Audit,
    ChecklistItem,
    ChecklistResult,
    Clause,
    ClauseMapping,
    Evidence,
    MappingRelation,
)
from ._common import history_by
from .audits import A, _require_open, clause_number_key


def _selected_clauses(audit: Audit) -> list[Clause]:
    """The clauses the audit covers: all of its standards', or the chosen groups with their
    sub-clauses and the clauses the crosswalk says are equal to them."""
    standards = list(audit.standards.all())
    every = list(
        Clause.objects.filter(standard__in=standards)
        .select_related("standard")
        .order_by("standard__sort_key", "position")
    )
    groups = list(audit.clauses.all())
    if not groups:
        return every
    roots = {(g.standard_id, g.number) for g in groups}
    equal = ClauseMapping.objects.filter(
        source__in=groups, relation=MappingRelation.EQUAL, target__standard__in=standards
    ).values_list("target__standard_id", "target__number")
    roots |= set(equal)

    def covered(clause: Clause) -> bool:
        return any(
            clause.standard_id == sid and (clause.number == number or clause.number.startswith(number + "."))
            for sid, number in roots
        )

    return [c for c in every if covered(c)]


def _groups(leaves: list[Clause]) -> list[list[Clause]]:
    """Leaves the crosswalk calls equal share one item: union-find over the equal mappings."""
    ids = {c.pk: c for c in leaves}
    parent = {pk: pk for pk in ids}

    def find(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    pairs = ClauseMapping.objects.filter(
        source__in=list(ids), target__in=list(ids), relation=MappingRelation.EQUAL
    ).values_list("source_id", "target_id")
    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    grouped: dict[int, list[Clause]] = {}
    for clause in leaves:
        grouped.setdefault(find(clause.pk), []).append(clause)
    return list(grouped.values())


@transaction.atomic
def checklist_generate(*, audit: Audit, by: User, copy_from: Audit | None = None) -> int:
    """Generate the checklist from the audit's clauses: one item per clause of the deepest level,
    where the clauses the Harmonized Structure crosswalk calls equal (4.1 of ISO 9001, 14001, 45001
    and 50001) share one item covering all of them. With ``copy_from``, each item starts from the
    result and notes of that audit's item for the same clause, marked as a copied draft.
    Returns the number of items."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    _require_open(audit)
    if audit.status != A.PLANNED:
        raise TransitionNotAllowed(_("The checklist is generated while the audit is planned."))
    if audit.checklist.exists():
        raise TransitionNotAllowed(_("The audit already has a checklist."))
    if copy_from is not None and copy_from.pk == audit.pk:
        raise DomainError(_("An audit cannot copy its own results."), field="copy_from")
    clauses = _selected_clauses(audit)
    parents = {c.parent_id for c in clauses if c.parent_id}
    leaves = [c for c in clauses if c.pk not in parents]
    order = {s.pk: i for i, s in enumerate(audit.standards.order_by("sort_key"))}
    groups = _groups(leaves)
    for group in groups:
        group.sort(key=lambda c: order[c.standard_id])
    groups.sort(key=lambda g: (clause_number_key(g[0].number), order[g[0].standard_id]))
    previous: dict[int, ChecklistItem] = {}
    if copy_from is not None:
        for earlier in copy_from.checklist.prefetch_related("clauses"):
            for clause in earlier.clauses.all():
                previous.setdefault(clause.pk, earlier)
    items = []
    for position, group in enumerate(groups, start=1):
        first = group[0]
        old = next((previous[c.pk] for c in group if c.pk in previous), None)
        item = ChecklistItem(
            audit=audit, position=position, number=first.number, title=first.title, title_zh=first.title_zh
        )
        if old is not None and old.result:
            item.result, item.notes, item.justification, item.copied = (
                old.result,
                old.notes,
                old.justification,
                True,
            )
        items.append(item)
    created = ChecklistItem.objects.bulk_create(items)
    if any(i.pk is None for i in created):  # backends that do not return ids
        created = list(audit.checklist.order_by("position"))
    through: Any = ChecklistItem.clauses.through
    through.objects.bulk_create(
        [
            through(checklistitem_id=item.pk, clause_id=c.pk)
            for item, group in zip(created, groups, strict=True)
            for c in group
        ]
    )
    if copy_from is not None and audit.previous_id != copy_from.pk:
        audit.previous = copy_from
        audit.save(update_fields=["previous"])
    return len(created)


@transaction.atomic
def checklist_item_update(
    *,
    item: ChecklistItem,
    version: int,
    by: User,
    result: str | Unset = UNSET,
    notes: str | Unset = UNSET,
    justification: str | Unset = UNSET,
    sampled_evidence: Iterable[Evidence] | Unset = UNSET,
) -> ChecklistItem:
    """Record an item's result, notes and sampled evidence. ``version`` is the version the change was
    made on: if someone saved the item since, nothing is saved and EditConflict says so."""
    item = ChecklistItem.objects.select_for_update(of=("self",)).select_related("audit").get(pk=item.pk)
    if item.audit.status not in (A.IN_PROGRESS, A.REPORTING):
        raise TransitionNotAllowed(_("Checklist results are recorded while the audit is in progress."))
    if item.audit.report_signed_at is not None:
        raise TransitionNotAllowed(_("The report is signed off; the checklist can no longer change."))
    if version != item.version:
        raise EditConflict(
            _(
                "%(who)s changed this item since you opened it; nothing was saved. Reload it to see "
                "their change, then make yours again."
            )
            % {"who": item.updated_by.display_name if item.updated_by else _("Someone")},
            current_version=item.version,
        )
    if result is not UNSET:
        if result not in ChecklistResult.values:
            raise DomainError(_("Choose a valid result."), field="result")
        item.result = result
    if notes is not UNSET:
        item.notes = notes
    if justification is not UNSET:
        item.justification = justification.strip()
    if item.result == ChecklistResult.NOT_APPLICABLE and not item.justification:
        raise DomainError(_("Say why the clause does not apply."), field="justification")
    item.copied = False
    item.version += 1
    item.updated_by = by
    item.updated_at = timezone.now()
    history_by(item, by)
    item.save()
    if sampled_evidence is not UNSET:
        item.sampled_evidence.set(list(sampled_evidence))
    return item
