"""The columns of a register's spreadsheet: how each cell is read on import and written on export.

A register describes its table once, as a tuple of ``Column``; the generic import
(services/register_import.py) and export (exports/registers.py) both work from it, so a file the
application exports can be edited and imported again. A column is found in an uploaded file by its
key ("reference"), or by its header in English or Chinese ("Reference", "编号"), whatever the case.

Cell readers take the cell's value (text from CSV, a number or date from Excel) and return the
field's value, or raise ``CellInvalid`` with a message a person can act on. Readers that need the
database (sites, people, clauses) get what they need from a ``Lookups`` built once per import, so
reading a file of any length costs a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Several values in one cell: "ISO 14001 6.1.3; ISO 45001 6.1.3", "TJ-01, TJ-02", one per line.
LIST_SEPARATORS = re.compile(r"\s*[;,\n；，、]\s*")


class CellInvalid(ValueError):
    """A cell that cannot be read; the message says why."""


@dataclass
class Lookups:
    """What cell readers look values up in, loaded once per file: sites by code, active people by
    user name, clauses by "standard code + number"."""

    sites: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    clauses: dict[str, Any] = field(default_factory=dict)


Reader = Callable[[object, Lookups], Any]


@dataclass(frozen=True)
class Column:
    """One column of a register's table.

    ``key`` names the field the value goes to (and the header of an import template); ``label`` is
    the header of exports, in the reader's language; ``read`` turns a cell into the field's value;
    ``write`` turns an entry into the exported cell. A required column must be present and filled.
    """

    key: str
    label: str | Promise
    read: Reader
    write: Callable[[Any], Any]
    required: bool = False

    def headers(self) -> set[str]:
        """The header names this column is recognised by, lower-cased: its key and its label in
        both languages."""
        names = {self.key.lower()}
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names.add(str(self.label).strip().lower())
        return names


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(max_length: int | None = None) -> Reader:
    def read(value: object, lookups: Lookups) -> str:
        if blank(value):
            return ""
        result = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            result = str(int(value))  # Excel stores "12" typed into a cell as 12.0
        if max_length is not None and len(result) > max_length:
            raise CellInvalid(_("At most %(n)s characters.") % {"n": max_length})
        return result

    return read


def date(value: object, lookups: Lookups) -> dt.date | None:
    """A date cell from Excel, or ISO text (2026-03-31)."""
    if blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        parsed = dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise CellInvalid(_("Not a date; write it as YYYY-MM-DD.")) from None
    if not 1900 <= parsed.year <= 2200:
        raise CellInvalid(_("The year must be between 1900 and 2200."))
    return parsed


def integer(minimum: int = 0, maximum: int = 2**31 - 1) -> Reader:
    def read(value: object, lookups: Lookups) -> int | None:
        if blank(value):
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise CellInvalid(_("Not a whole number.")) from None
        if not number.is_finite() or number != number.to_integral_value():
            raise CellInvalid(_("Not a whole number."))
        if not minimum <= number <= maximum:
            raise CellInvalid(_("Must be between %(low)s and %(high)s.") % {"low": minimum, "high": maximum})
        return int(number)

    return read


def decimal(max_digits: int = 18, decimal_places: int = 6) -> Reader:
    limit = Decimal(10) ** (max_digits - decimal_places)

    def read(value: object, lookups: Lookups) -> Decimal | None:
        if blank(value):
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise CellInvalid(_("Not a number.")) from None
        if not number.is_finite() or abs(number) >= limit:
            raise CellInvalid(_("Not a number this field can hold."))
        exponent = number.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > decimal_places:
            # Never rounded silently: what is stored is what the file says.
            raise CellInvalid(_("At most %(n)s decimal places.") % {"n": decimal_places})
        return number

    return read


def choice(choices: Sequence[tuple[str, Any]]) -> Reader:
    """One of a field's choices, by its stored value or its label in English or Chinese."""

    def read(value: object, lookups: Lookups) -> str:
        if blank(value):
            return ""
        wanted = str(value).strip().lower()
        for stored, label in choices:
            names = {str(stored).lower()}
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    names.add(str(label).strip().lower())
            if wanted in names:
                return str(stored)
        raise CellInvalid(
            _("Not one of: %(choices)s.") % {"choices": ", ".join(str(label) for _v, label in choices)}
        )

    return read


def _names(value: object) -> list[str]:
    if blank(value):
        return []
    return [name for name in LIST_SEPARATORS.split(str(value).strip()) if name]


def sites(value: object, lookups: Lookups) -> list[Any]:
    """Site codes; empty means every site."""
    found = []
    for code in _names(value):
        site = lookups.sites.get(code.upper())
        if site is None:
            raise CellInvalid(_("No site has the code %(code)s.") % {"code": code})
        found.append(site)
    return found


def user(value: object, lookups: Lookups) -> Any:
    """An active account by user name."""
    if blank(value):
        return None
    name = str(value).strip()
    person = lookups.users.get(name.lower())
    if person is None:
        raise CellInvalid(_("No active account has the user name %(name)s.") % {"name": name})
    return person


def clauses(value: object, lookups: Lookups) -> list[Any]:
    """Clauses as "standard code and number": "ISO 14001 6.1.3; ISO 45001 9.1.2"."""
    found = []
    for name in _names(value):
        clause = lookups.clauses.get(clause_key(name))
        if clause is None:
            raise CellInvalid(
                _(
                    'No clause "%(clause)s"; write the standard\'s code and the clause number, e.g. ISO 14001 6.1.3.'
                )
                % {"clause": name}
            )
        found.append(clause)
    return found


def clause_key(name: str) -> str:
    """How a clause is looked up: the standard code and number, spaces collapsed, upper case."""
    return " ".join(name.split()).upper()


def clause_label(clause: Any) -> str:
    return f"{clause.standard.code} {clause.number}"


def entry_columns() -> tuple[Column, ...]:
    """The columns every register starts with (its own follow, then ``notes_column()``). Exports
    should prefetch ``sites`` and ``clauses__standard`` and select ``owner``."""
    return (
        Column("reference", gettext_lazy("Reference"), text(40), lambda e: e.reference, required=True),
        Column("title", gettext_lazy("Title"), text(300), lambda e: e.title, required=True),
        Column("title_zh", gettext_lazy("Chinese title"), text(300), lambda e: e.title_zh),
        Column("sites", gettext_lazy("Sites"), sites, lambda e: ", ".join(s.code for s in e.sites.all())),
        Column("owner", gettext_lazy("Owner"), user, lambda e: e.owner.username, required=True),
        Column(
            "clauses",
            gettext_lazy("Clauses"),
            clauses,
            lambda e: "; ".join(clause_label(c) for c in e.clauses.all()),
        ),
    )


def notes_column() -> Column:
    return Column("notes", gettext_lazy("Notes"), text(), lambda e: e.notes)


_PAIR = re.compile(r"^\s*([A-Za-z][\w-]*)\s*[=:：]\s*(\S+)\s*$")
_PAIR_SEPARATORS = re.compile(r"[;,\n；，、]|\s+(?=[A-Za-z][\w-]*\s*[=:：])")


def code_values(value: object, lookups: Lookups) -> dict[str, int | float]:
    """Values by code, as the aspects and hazards exports write them: "L=3 E=6 C=40" (or separated
    by ";", "," or new lines); each value a number, 3 kept as 3 and 0.5 as 0.5. Empty: none."""
    if blank(value):
        return {}
    found: dict[str, int | float] = {}
    for part in _PAIR_SEPARATORS.split(str(value)):
        if not part.strip():
            continue
        match = _PAIR.match(part)
        if match is None:
            raise CellInvalid(_("Write each value as code=value, e.g. L=3 E=6 C=40."))
        code, raw = match.groups()
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise CellInvalid(_("%(code)s is not a number.") % {"code": code}) from None
        if not number.is_finite():
            raise CellInvalid(_("%(code)s is not a number.") % {"code": code})
        if code in found:
            raise CellInvalid(_("%(code)s is given twice.") % {"code": code})
        found[code] = int(number) if number == number.to_integral_value() else float(number)
    return found
