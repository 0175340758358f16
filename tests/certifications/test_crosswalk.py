"""The shipped Harmonized Structure crosswalk has no holes: clauses equal across the HS standards
relate to the same clauses of the other HS standards, each pair enumerated."""

from __future__ import annotations

import pytest

from certifications.models import ClauseMapping, MappingRelation

pytestmark = pytest.mark.django_db

HS = {"ISO 9001:2015", "ISO 14001:2015", "ISO 45001:2018", "ISO 50001:2018"}


def _hs_mappings() -> dict[tuple[str, str], dict[tuple[str, str], str]]:
    """Each HS clause (standard label, number) with the HS clauses it maps to and the relation."""
    mapped: dict[tuple[str, str], dict[tuple[str, str], str]] = {}
    for m in ClauseMapping.objects.select_related("source__standard", "target__standard"):
        source = (m.source.standard.label, m.source.number)
        target = (m.target.standard.label, m.target.number)
        if source[0] in HS and target[0] in HS:
            mapped.setdefault(source, {})[target] = m.relation
    return mapped


def _equal_classes(mapped):
    classes: list[set[tuple[str, str]]] = []
    seen: set[tuple[str, str]] = set()
    for start in mapped:
        if start in seen:
            continue
        group, todo = set(), [start]
        while todo:
            clause = todo.pop()
            if clause in group:
                continue
            group.add(clause)
            todo += [t for t, r in mapped.get(clause, {}).items() if r == MappingRelation.EQUAL]
        seen |= group
        if len(group) > 1:
            classes.append(group)
    return classes


def test_every_clause_equal_across_hs_standards_maps_to_all_the_others_alike(shipped):
    mapped = _hs_mappings()
    holes = []
    for group in _equal_classes(mapped):
        for a in sorted(group):
            for b in sorted(group - {a}):
                if mapped[a].get(b) != MappingRelation.EQUAL:
                    holes.append(f"{a} is not mapped equal to {b}")
            for other, relation in mapped[a].items():
                if other in group:
                    continue
                for b in sorted(group - {a}):
                    if b[0] != other[0] and mapped[b].get(other) != relation:
                        holes.append(f"{a} {relation} {other} but {b} has {mapped[b].get(other)}")
    assert holes == []


def test_iso_50001_nonconformity_maps_to_the_iso_45001_incident_clause(shipped):
    mapped = _hs_mappings()
    assert mapped[("ISO 50001:2018", "10.1")][("ISO 45001:2018", "10.2")] == MappingRelation.SUBSET
    assert mapped[("ISO 45001:2018", "10.2")][("ISO 50001:2018", "10.1")] == MappingRelation.SUPERSET
    assert mapped[("ISO 50001:2018", "10.1")][("ISO 9001:2015", "10.2")] == MappingRelation.EQUAL
