"""Writes of green-factory schemes: loading a scheme file, upgrading a loaded scheme in place."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.tabular import XLSX_MAGIC

from ..exceptions import ImportRejected
from ..models import GateItem, Indicator, Scheme, SchemeGroup
from ..parsers.green_factory import GroupData, SchemeData
from ..parsers.green_factory_rows import parse_scheme_yaml
from ..parsers.green_factory_xlsx import parse_scheme_xlsx
from ._common import history_by

SCHEME_DIR = Path(__file__).resolve().parent.parent / "data" / "green_factory"


def scheme_load_text(*, text: str | bytes, by: User | None = None) -> Scheme:
    """Parse a scheme file and load it; raises ImportRejected (nothing written) listing every problem."""
    data, problems = parse_scheme_yaml(text)
    if data is None or problems:
        raise ImportRejected(_("The scheme file has problems; nothing was loaded."), problems=problems)
    return scheme_load(data=data, by=by)


def scheme_load_file(*, content: bytes, by: User | None = None) -> Scheme:
    """Load a scheme from a YAML file or an Excel workbook (told apart by content, never by name), by
    the same rules and the same writer; raises ImportRejected (nothing written) listing every problem
    with its line, or its sheet and row."""
    if content.startswith(XLSX_MAGIC):
        data, problems = parse_scheme_xlsx(content)
        if data is None or problems:
            raise ImportRejected(
                _("The scheme workbook has problems; nothing was loaded."), problems=problems
            )
        return scheme_load(data=data, by=by)
    return scheme_load_text(text=content, by=by)


@transaction.atomic
def scheme_load(*, data: SchemeData, by: User | None = None) -> Scheme:
    """Create the scheme, or upgrade the loaded one with the same code in place: groups, indicators and
    gate items are matched by code, so evaluations keep their values; items gone from the file are
    removed unless an evaluation already holds a value or result for them."""
    scheme = Scheme.objects.select_for_update().filter(code=data.code).first() or Scheme(code=data.code)
    scheme.edition = data.edition
    scheme.standard_label = data.standard
    scheme.title = data.title
    scheme.title_zh = data.title_zh
    scheme.source = data.source
    scheme.source_zh = data.source_zh
    history_by(scheme, by)
    scheme.save()

    groups = {g.code: g for g in SchemeGroup.objects.filter(scheme=scheme)}
    indicators = {i.code: i for i in Indicator.objects.filter(scheme=scheme)}
    kept_groups: set[str] = set()
    kept_indicators: set[str] = set()
    position = _Counter()
    for group in data.groups:
        _group_save(scheme, group, None, groups, indicators, kept_groups, kept_indicators, position)
    Indicator.objects.filter(scheme=scheme, values__isnull=True).exclude(code__in=kept_indicators).delete()
    SchemeGroup.objects.filter(scheme=scheme, indicators__isnull=True).exclude(code__in=kept_groups).delete()

    items = {g.code: g for g in GateItem.objects.filter(scheme=scheme)}
    for index, gate in enumerate(data.gate):
        item = items.get(gate.code) or GateItem(scheme=scheme, code=gate.code)
        item.kind, item.standard_code = gate.kind, gate.standard
        item.name_zh, item.name_en, item.position = gate.name_zh, gate.name_en, index
        item.save()
    GateItem.objects.filter(scheme=scheme, results__isnull=True).exclude(
        code__in=[g.code for g in data.gate]
    ).delete()
    return scheme


class _Counter:
    def __init__(self) -> None:
        self.value = 0

    def next(self) -> int:
        self.value += 1
        return self.value


def _group_save(  # noqa: PLR0913 - the walk carries its lookups down the tree
    scheme: Scheme,
    data: GroupData,
    parent: SchemeGroup | None,
    groups: dict[str, SchemeGroup],
    indicators: dict[str, Indicator],
    kept_groups: set[str],
    kept_indicators: set[str],
    position: _Counter,
) -> None:
    group = groups.get(data.code) or SchemeGroup(scheme=scheme, code=data.code)
    group.parent, group.name_zh, group.name_en = parent, data.name_zh, data.name_en
    group.position = position.next()
    group.save()
    kept_groups.add(data.code)
    for row in data.indicators:
        indicator = indicators.get(row.code) or Indicator(scheme=scheme, code=row.code)
        for name in (
            "name_zh",
            "name_en",
            "type",
            "unit",
            "weight",
            "baseline",
            "leading",
            "bands",
            "cases",
            "source",
        ):
            setattr(indicator, name, getattr(row, name))
        indicator.group = group
        indicator.position = position.next()
        indicator.save()
        kept_indicators.add(row.code)
    for child in data.groups:
        _group_save(scheme, child, group, groups, indicators, kept_groups, kept_indicators, position)


def schemes_load_shipped(*, by: User | None = None) -> list[Scheme]:
    """Load (or upgrade) every scheme file shipped under certifications/data/green_factory/."""
    return [scheme_load_text(text=path.read_bytes(), by=by) for path in sorted(SCHEME_DIR.glob("*.yaml"))]
