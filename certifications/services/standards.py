"""Writes of standards, clauses and the crosswalk: imports, the shipped data and carry-over."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError

from ..exceptions import ImportRejected
from ..models import Clause, ClauseMapping, Evidence, MappingRelation, Standard, StandardStatus
from ..models.standards import standard_sort_key
from ..parsers.standards import Problem, StandardData, parse_yaml
from ._common import history_by

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def _split_label(label: str) -> tuple[str, str]:
    code, _sep, edition = label.rpartition(":")
    return code.strip(), edition.strip()


def _standard_by_label(label: str) -> Standard | None:
    code, edition = _split_label(label)
    return Standard.objects.filter(code=code, edition=edition).first()


@transaction.atomic
def standard_import(
    *, data: StandardData, carry_over_from: Standard | None = None, by: User | None = None
) -> Standard:
    """Create a standard edition with its clauses and crosswalk mappings, or nothing at all.

    Raises ImportRejected listing every problem with its line or cell; an edition that is already
    loaded is refused (a newer edition is imported under its own edition beside the old one). With
    ``carry_over_from`` (an earlier edition of the same standard) its crosswalk mappings and evidence
    links are copied to the new clauses with the same numbers, in the same transaction. A current
    edition supersedes the older current editions of its standard (withdrawn, replaced by it).
    """
    replaced_by, targets = _import_check(data=data, carry_over_from=carry_over_from)
    standard = Standard(
        code=data.code,
        edition=data.edition,
        title=data.title,
        title_zh=data.title_zh,
        status=data.status,
        withdrawn_on=data.withdrawn_on,
        replaced_by=replaced_by,
        note=data.note,
        note_zh=data.note_zh,
        sort_key=standard_sort_key(code=data.code, edition=data.edition),
    )
    history_by(standard, by)
    standard.full_clean()
    standard.save()
    if standard.status == StandardStatus.CURRENT:
        _older_editions_supersede(standard=standard, by=by)

    by_number = _clauses_create(standard=standard, data=data)
    for row in data.mappings:
        clause_mapping_add(
            source=by_number[row.clause], target=targets[(row.standard, row.target)], relation=row.relation
        )
    if carry_over_from is not None:
        standard_carry_over(source=carry_over_from, target=standard, by=by)
    return standard


def _older_editions_supersede(*, standard: Standard, by: User | None) -> None:
    """Older current editions of the standard become withdrawn and replaced by the new one."""
    older = Standard.objects.select_for_update().filter(
        code=standard.code, status=StandardStatus.CURRENT, sort_key__lt=standard.sort_key
    )
    for edition in older.exclude(pk=standard.pk):
        edition.status = StandardStatus.WITHDRAWN
        edition.replaced_by = standard
        history_by(edition, by)
        edition.full_clean()
        edition.save()


def _import_check(
    *, data: StandardData, carry_over_from: Standard | None
) -> tuple[Standard | None, dict[tuple[str, str], Clause]]:
    """What an import needs from the database (the successor, the crosswalk's target clauses),
    or ImportRejected listing every problem found."""
    problems: list[Problem] = []
    where = data.locations.get("edition", _("file"))
    if Standard.objects.filter(code=data.code, edition=data.edition).exists():
        problems.append(Problem(where, _("%(label)s is already loaded.") % {"label": data.label}))
    replaced_by = None
    if data.replaced_by:
        replaced_by = _standard_by_label(data.replaced_by)
        if replaced_by is None:
            problems.append(
                Problem(
                    data.locations.get("replaced_by", where),
                    _("%(label)s is not loaded.") % {"label": data.replaced_by},
                )
            )
    targets: dict[tuple[str, str], Clause] = {}
    for row in data.mappings:
        code, edition = _split_label(row.standard)
        clause = (
            Clause.objects.filter(standard__code=code, standard__edition=edition, number=row.target)
            .select_related("standard")
            .first()
        )
        if clause is None:
            problems.append(
                Problem(
                    row.location,
                    _("Clause %(number)s of %(label)s is not loaded.")
                    % {"number": row.target, "label": row.standard},
                )
            )
        else:
            targets[(row.standard, row.target)] = clause
    if carry_over_from is not None and carry_over_from.code != data.code:
        problems.append(
            Problem(
                data.locations.get("code", _("file")),
                _("Mappings can only be carried over between editions of one standard.")
                + " "
                + _("The file is %(file)s, the edition chosen is %(chosen)s.")
                % {"file": data.code, "chosen": carry_over_from.label},
            )
        )
    if problems:
        raise ImportRejected(_("The standard was not imported."), problems=problems)
    return replaced_by, targets


def _clauses_create(*, standard: Standard, data: StandardData) -> dict[str, Clause]:
    """Create the clause tree in file order; a clause without a listed parent hangs under its
    nearest listed ancestor. Answers the new clauses by number."""
    parents = _file_parents(data)
    depth: dict[str, int] = {}
    for number in parents:
        parent = parents[number]
        depth[number] = depth[parent] + 1 if parent else 0
    created = Clause.objects.bulk_create(
        [
            Clause(
                standard=standard,
                number=row.number,
                title=row.title,
                title_zh=row.title_zh,
                position=index,
                depth=depth[row.number],
            )
            for index, row in enumerate(data.clauses)
        ]
    )
    by_number = {c.number: c for c in Clause.objects.filter(standard=standard)}
    with_parent = []
    for clause in created:
        parent_number = parents[clause.number]
        if parent_number:
            clause = by_number[clause.number]
            clause.parent = by_number[parent_number]
            with_parent.append(clause)
    Clause.objects.bulk_update(with_parent, ["parent"])
    return by_number


def _inferred_parent(number: str, earlier: list[str]) -> str:
    """The longest earlier number that is a dotted prefix of this one: 8.5.1.1's parent is 8.5.1, or 8.5."""
    parts = number.split(".")
    known = set(earlier)
    for cut in range(len(parts) - 1, 0, -1):
        candidate = ".".join(parts[:cut])
        if candidate in known:
            return candidate
    return ""


@transaction.atomic
def clause_mapping_add(*, source: Clause, target: Clause, relation: str) -> ClauseMapping:
    """Record how two clauses relate, in both directions (subset one way is superset the other)."""
    if source.pk == target.pk:
        raise DomainError(_("A clause cannot be mapped to itself."))
    if relation not in MappingRelation.values:
        raise DomainError(_("Unknown relation."), field="relation")
    mapping, _created = ClauseMapping.objects.update_or_create(
        source=source, target=target, defaults={"relation": relation}
    )
    ClauseMapping.objects.update_or_create(
        source=target, target=source, defaults={"relation": MappingRelation.inverse(relation)}
    )
    return mapping


@transaction.atomic
def crosswalk_load(*, groups: list[dict[str, Any]]) -> int:
    """Load crosswalk groups: each names a relation and, per standard label, one clause number.

    Within a group the first clause relates to the others by the relation; the others relate to
    each other as equal when the relation is equal, otherwise they are left alone. Returns how many
    new mappings were stored; clauses of standards not loaded are skipped.
    """
    before = ClauseMapping.objects.count()
    for group in groups:
        clauses = []
        for label, number in group["clauses"].items():
            code, edition = _split_label(label)
            clause = Clause.objects.filter(
                standard__code=code, standard__edition=edition, number=str(number)
            ).first()
            if clause is not None:
                clauses.append(clause)
        relation = group.get("relation", MappingRelation.EQUAL)
        for i, source in enumerate(clauses):
            for target in clauses[i + 1 :]:
                if i == 0 or relation == MappingRelation.EQUAL:
                    clause_mapping_add(source=source, target=target, relation=relation)
    return ClauseMapping.objects.count() - before


@transaction.atomic
def standards_load_shipped(*, by: User | None = None) -> dict[str, int]:
    """Load the standards and crosswalk that ship with the product; a second run changes nothing.

    A shipped standard that is already loaded is upgraded in place to its file's clause tree (see
    ``standard_clauses_upgrade``), so the clause rows that evidence and mappings point at stay.
    """
    loaded = 0
    upgraded = {"clauses_added": 0, "clauses_updated": 0}
    pending: list[StandardData] = []
    for path in sorted((DATA_DIR / "standards").glob("*.yaml")):
        data, problems = parse_yaml(path.read_text(encoding="utf-8"))
        if problems or data is None:
            raise DomainError(f"{path.name}: " + "; ".join(str(p) for p in problems))
        existing = Standard.objects.filter(code=data.code, edition=data.edition).first()
        if existing is None:
            pending.append(data)
        else:
            counts = standard_clauses_upgrade(standard=existing, data=data)
            upgraded["clauses_added"] += counts["added"]
            upgraded["clauses_updated"] += counts["updated"]
    # A standard naming its successor loads after it.
    while pending:
        ready = [d for d in pending if not d.replaced_by or _standard_by_label(d.replaced_by)]
        if not ready:
            raise DomainError("Shipped standards name successors that do not exist.")
        for data in ready:
            standard_import(data=data, by=by)
            loaded += 1
            pending.remove(data)
    mappings = 0
    for path in sorted((DATA_DIR / "crosswalks").glob("*.yaml")):
        mappings += crosswalk_load(groups=yaml.safe_load(path.read_text(encoding="utf-8"))["groups"])
    return {"standards": loaded, **upgraded, "mappings": mappings}


@transaction.atomic
def standard_clauses_upgrade(*, standard: Standard, data: StandardData) -> dict[str, int]:
    """Bring a loaded standard's clause tree up to ``data`` without replacing any clause row.

    Clauses missing from the standard are added; existing clauses take the file's titles and the
    parent the file's tree gives them; every clause keeps its row (and so its evidence links and
    mappings), and clauses the file no longer lists stay where they were. Positions follow the
    file, a clause the file does not list staying right before the clause it preceded. Answers how
    many clauses were added and how many existing ones changed title or parent; a second run with
    the same data changes nothing.
    """
    Standard.objects.select_for_update().filter(pk=standard.pk).first()
    current = list(Clause.objects.select_for_update().filter(standard=standard).order_by("position", "pk"))
    before = {c.pk: (c.title, c.title_zh, c.parent_id, c.position, c.depth) for c in current}
    by_number = {c.number: c for c in current}
    new_rows = [row for row in data.clauses if row.number not in by_number]
    Clause.objects.bulk_create(
        [
            Clause(standard=standard, number=row.number, title=row.title, title_zh=row.title_zh)
            for row in new_rows
        ]
    )
    by_number.update(
        {
            c.number: c
            for c in Clause.objects.filter(standard=standard, number__in=[r.number for r in new_rows])
        }
    )

    parents = _file_parents(data)
    for row in data.clauses:
        clause = by_number[row.number]
        clause.title, clause.title_zh = row.title, row.title_zh
        clause.parent = by_number[parents[row.number]] if parents[row.number] else None
    listed = {row.number for row in data.clauses}
    order = _merged_order(file_numbers=[row.number for row in data.clauses], current=current, listed=listed)
    by_pk = {c.pk: c for c in by_number.values()}
    for position, number in enumerate(order):
        clause = by_number[number]
        clause.position = position
        clause.depth = _depth(clause, by_pk)

    changed = [
        c
        for c in by_number.values()
        if before.get(c.pk) != (c.title, c.title_zh, c.parent_id, c.position, c.depth)
    ]
    Clause.objects.bulk_update(changed, ["title", "title_zh", "parent", "position", "depth"])
    updated = sum(1 for c in current if before[c.pk][:3] != (c.title, c.title_zh, c.parent_id))
    return {"added": len(new_rows), "updated": updated}


def _depth(clause: Clause, by_pk: dict[int, Clause]) -> int:
    """How many ancestors the clause has in the tree being built (file parents are always listed
    earlier, so the chain ends)."""
    depth = 0
    while clause.parent_id is not None:
        clause = by_pk[clause.parent_id]
        depth += 1
    return depth


def _file_parents(data: StandardData) -> dict[str, str]:
    """Each listed clause's parent number in the file's tree (as ``_clauses_create`` builds it)."""
    numbers: list[str] = []
    parents: dict[str, str] = {}
    for row in data.clauses:
        parents[row.number] = row.parent or _inferred_parent(row.number, numbers)
        numbers.append(row.number)
    return parents


def _merged_order(*, file_numbers: list[str], current: list[Clause], listed: set[str]) -> list[str]:
    """The file's order, each clause the file does not list kept right before the listed clause it
    preceded (a local clause at the end of a section stays at the end of it), or last."""
    preceding: dict[str, list[str]] = {}
    waiting: list[str] = []
    for clause in current:
        if clause.number in listed:
            if waiting:
                preceding[clause.number], waiting = waiting, []
        else:
            waiting.append(clause.number)
    order: list[str] = []
    for number in file_numbers:
        order.extend(preceding.get(number, []))
        order.append(number)
    return order + waiting


@transaction.atomic
def standard_carry_over(*, source: Standard, target: Standard, by: User | None = None) -> dict[str, int]:
    """Copy crosswalk mappings and evidence links from an edition's clauses to the clauses with the
    same numbers in another edition. Safe to repeat: what is already there is not duplicated."""
    if source.pk == target.pk:
        raise DomainError(_("Choose a different edition to carry over from."))
    if source.code != target.code:
        raise DomainError(_("Mappings can only be carried over between editions of one standard."))
    new_clauses = {c.number: c for c in target.clauses.all()}
    old_clauses = list(source.clauses.prefetch_related("mappings__target", "evidence"))
    counts = {"mappings": 0, "evidence_links": 0}
    through = Evidence.clauses.through
    for old in old_clauses:
        new = new_clauses.get(old.number)
        if new is None:
            continue
        for mapping in old.mappings.all():
            if mapping.target.standard_id == target.pk:
                continue
            if not ClauseMapping.objects.filter(source=new, target=mapping.target).exists():
                clause_mapping_add(source=new, target=mapping.target, relation=mapping.relation)
                counts["mappings"] += 1
        linked = set(through.objects.filter(clause=new).values_list("evidence_id", flat=True))
        for evidence in old.evidence.all():
            if evidence.pk not in linked:
                history_by(evidence, by)
                evidence.clauses.add(new)
                counts["evidence_links"] += 1
    return counts
