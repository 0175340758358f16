"""The shipped clause trees are complete (every numbered clause, no holes in the numbering), and
loading the shipped data upgrades a standard loaded from an older, partial tree in place."""

from __future__ import annotations

from dataclasses import replace
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from certifications import services
from certifications.models import Clause, ClauseMapping
from certifications.parsers.standards import ClauseRow, StandardData, parse_yaml
from certifications.services.standards import DATA_DIR
from tests.factories import UserFactory

from .factories import make_evidence

SHIPPED = sorted((DATA_DIR / "standards").glob("*.yaml"))


def _parsed(path: Path) -> StandardData:
    data, problems = parse_yaml(path.read_text(encoding="utf-8"))
    assert problems == []
    assert data is not None
    return data


def _shipped(name: str) -> StandardData:
    return _parsed(DATA_DIR / "standards" / name)


def _numbers(path: Path) -> list[str]:
    return [row.number for row in _parsed(path).clauses]


def _key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def _parent(number: str) -> str:
    return number.rpartition(".")[0]


def test_every_standard_ships():
    assert len(SHIPPED) == 10


# Every shipped file, GB/T 36132 included, numbers its clauses (or indicators) with plain dotted
# numbers, so the same rules hold for all of them.
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_clause_numbers_are_dotted_whole_numbers_listed_once(path):
    numbers = _numbers(path)
    assert numbers
    assert all(all(part.isdigit() for part in n.split(".")) for n in numbers)
    assert len(numbers) == len(set(numbers))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_sub_clause_has_its_parent_listed(path):
    numbers = set(_numbers(path))
    orphans = [n for n in numbers if "." in n and _parent(n) not in numbers]
    assert orphans == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_siblings_are_numbered_one_after_another(path):
    """Sub-clauses count 1, 2, 3 … under their parent; the top-level clauses follow on without a
    gap from the first one listed (clauses 1-3, scope, references and terms, are not shipped)."""
    siblings: dict[str, list[int]] = {}
    for number in _numbers(path):
        siblings.setdefault(_parent(number), []).append(int(number.rpartition(".")[2]))
    holes = {}
    for parent, last_parts in siblings.items():
        first = min(last_parts) if parent == "" else 1
        if sorted(last_parts) != list(range(first, first + len(last_parts))):
            holes[parent or "top level"] = sorted(last_parts)
    assert holes == {}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_clauses_are_listed_in_document_order(path):
    numbers = _numbers(path)
    assert numbers == sorted(numbers, key=_key)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_clause_has_an_english_and_a_chinese_title(path):
    untitled = [
        row.number for row in _parsed(path).clauses if not row.title.strip() or not row.title_zh.strip()
    ]
    assert untitled == []


@pytest.mark.parametrize(
    ("name", "numbers"),
    [
        (
            "iso-9001-2015.yaml",
            ["4.4.2", "6.1.2", "7.1.5.2", "7.5.3.2", "8.2.3.2", "8.5.6", "9.2.1", "9.3.3"],
        ),
        ("iso-14001-2015.yaml", ["6.1.4", "6.2.2", "7.4.3", "7.5.3", "9.1.1", "9.2.2"]),
        ("iso-45001-2018.yaml", ["5.4", "6.1.2.3", "6.2.2", "7.4.3", "8.1.4.3", "9.2.2"]),
        ("iso-50001-2018.yaml", ["6.6", "7.5.3", "9.1.2", "9.2.2", "10.2"]),
        ("iso-14064-1-2018.yaml", ["4.6", "5.2.4", "6.2.3", "6.4.2", "7.3", "8.3", "9.3.3"]),
        ("iatf-16949-2016.yaml", ["4.3.1", "7.1.5.1.1", "7.1.5.3.2", "8.4.2.3.1", "8.5.6.1.1", "10.3.1"]),
    ],
)
def test_the_deep_clauses_an_audit_checklist_needs_are_there(name, numbers):
    listed = {row.number for row in _shipped(name).clauses}
    assert [n for n in numbers if n not in listed] == []


def test_iatf_16949_carries_every_iso_9001_clause():
    iso = {row.number for row in _shipped("iso-9001-2015.yaml").clauses}
    iatf = {row.number for row in _shipped("iatf-16949-2016.yaml").clauses}
    assert sorted(iso - iatf, key=_key) == []


@pytest.mark.django_db
def test_loaded_deep_clauses_hang_under_their_own_parents(shipped):
    for code, number, parent, depth in [
        ("IATF 16949", "7.1.5.1.1", "7.1.5.1", 4),
        ("ISO 9001", "7.1.5.2", "7.1.5", 3),
        ("ISO 45001", "6.1.2.1", "6.1.2", 3),
        ("ISO 14064-1", "9.3.1", "9.3", 2),
    ]:
        clause = Clause.objects.get(standard__code=code, number=number)
        assert (clause.parent.number, clause.depth) == (parent, depth)


# --- Upgrading a standard loaded from an older tree -----------------------------------------------

OLD_TITLES = {"7.5": "Documents"}
LOCAL = ClauseRow(number="8.9", title="Site addendum", title_zh="现场补充")


def _old_iso_9001() -> StandardData:
    """ISO 9001 as an older release shipped it: clauses to two levels, 7.1.5.2 listed without
    7.1.5 (so it hung under 7.1), one title since corrected, and a clause the file does not list."""
    data = _shipped("iso-9001-2015.yaml")
    rows = []
    for row in data.clauses:
        if row.number.count(".") <= 1 or row.number == "7.1.5.2":
            rows.append(replace(row, title=OLD_TITLES.get(row.number, row.title)))
        if row.number == "8.7":
            rows.append(LOCAL)
    return replace(data, clauses=rows)


@pytest.mark.django_db
def test_loading_the_shipped_data_upgrades_an_older_tree_in_place_and_keeps_its_links():
    old = services.standard_import(data=_old_iso_9001())
    traceability = Clause.objects.get(standard=old, number="7.1.5.2")
    assert traceability.parent.number == "7.1"
    local = Clause.objects.get(standard=old, number="8.9")
    evidence = make_evidence(owner=UserFactory(), clauses=[traceability, local])
    before = {c.number: c.pk for c in old.clauses.all()}

    counts = services.standards_load_shipped()

    shipped = [row.number for row in _shipped("iso-9001-2015.yaml").clauses]
    assert counts["clauses_added"] == len(shipped) - (len(before) - 1)
    assert counts["clauses_updated"] == 2  # 7.5 takes its title, 7.1.5.2 its own parent
    after = {c.number: c for c in old.clauses.all()}
    assert {n: after[n].pk for n in before} == before
    assert set(evidence.clauses.values_list("pk", flat=True)) == {traceability.pk, local.pk}
    traceability.refresh_from_db()
    assert (traceability.parent.number, traceability.depth) == ("7.1.5", 3)
    assert (after["7.1.5"].parent.number, after["7.1.5"].depth) == ("7.1", 2)
    assert (after["8.5.6"].parent.number, after["8.5.6"].depth) == ("8.5", 2)
    assert (after["9.2.1"].parent.number, after["9.2.1"].depth) == ("9.2", 2)
    assert after["7.5"].title == "Documented information"
    in_order = list(old.clauses.order_by("position").values_list("number", flat=True))
    assert in_order == shipped[: shipped.index("9")] + ["8.9"] + shipped[shipped.index("9") :]
    assert [c.position for c in old.clauses.order_by("position")] == list(range(len(in_order)))
    assert (after["8.9"].title, after["8.9"].parent.number, after["8.9"].depth) == ("Site addendum", "8", 1)
    assert ClauseMapping.objects.filter(
        source=after["9.2.1"], target__standard__code="ISO 14001", target__number="9.2.1", relation="equal"
    ).exists()


@pytest.mark.django_db
def test_a_second_upgrade_changes_nothing():
    old = services.standard_import(data=_old_iso_9001())
    services.standards_load_shipped()
    rows = list(
        old.clauses.values_list("pk", "number", "title", "title_zh", "parent_id", "position", "depth")
    )

    assert services.standards_load_shipped() == {
        "standards": 0,
        "clauses_added": 0,
        "clauses_updated": 0,
        "mappings": 0,
    }
    assert (
        list(old.clauses.values_list("pk", "number", "title", "title_zh", "parent_id", "position", "depth"))
        == rows
    )


@pytest.mark.django_db
def test_the_command_says_how_many_clauses_it_added_and_updated():
    old = _old_iso_9001()
    services.standard_import(data=old)
    out = StringIO()
    call_command("load_standards", stdout=out)
    added = len(_shipped("iso-9001-2015.yaml").clauses) - (len(old.clauses) - 1)
    assert f"clauses added: {added}, updated: 2;" in out.getvalue()
    out = StringIO()
    call_command("load_standards", stdout=out)
    assert "Standards loaded: 0; clauses added: 0, updated: 0; new crosswalk mappings: 0." in out.getvalue()
