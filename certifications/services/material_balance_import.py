"""Importing one month's material balance from an Excel workbook (the template's "Balance" sheet of
field/value lines and its "Outputs" sheet): every problem is listed with its sheet and line, and
nothing is written unless the whole workbook is right. A month the site already has is replaced
(its figures and outputs), counted as a new version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError
from greenfactory.core.tabular import line_label, read_workbook
from greenfactory.sites.models import Site

from ..exceptions import ImportRejected
from ..exports.material_balance import BALANCE_TEMPLATE_FIELDS, OUTPUT_TEMPLATE_COLUMNS
from ..models import MaterialBalance
from .material_balance import material_balance_create, material_balance_update


@dataclass(frozen=True)
class ImportResult:
    balance: MaterialBalance
    created: bool


def _number(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError from exc
    if not number.is_finite():
        raise ValueError
    return number


def _month(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = str(value or "").strip()
    for fmt in ("%Y-%m", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date().replace(day=1)  # noqa: DTZ007 (a calendar month)
        except ValueError:
            continue
    raise ValueError


def _where(sheet: str, line: int) -> str:
    return f"{sheet}, {line_label(line)}"


def _balance_values(lines: Any, problems: list[str], where_is: dict[str, int]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for line in lines:
        if line.number == 1:
            continue
        name = str(line.cells[0] or "").strip().lower()
        raw = line.cells[1] if len(line.cells) > 1 else None
        where = _where("Balance", line.number)
        where_is["period_start" if name == "month" else name] = line.number
        if name not in BALANCE_TEMPLATE_FIELDS:
            problems.append(f"{where}: " + _("unknown field %(name)s.") % {"name": name or "—"})
            continue
        try:
            if name == "site":
                values[name] = Site.objects.get(code=str(raw or "").strip())
            elif name == "month":
                values["period_start"] = _month(raw)
            elif name == "notes":
                values[name] = str(raw or "")
            else:
                values[name] = _number(raw)
        except Site.DoesNotExist:
            problems.append(f"{where}: " + _("no site has the code %(code)s.") % {"code": raw})
        except ValueError:
            problems.append(
                f"{where}: " + _("%(value)s is not a valid %(field)s.") % {"value": raw, "field": name}
            )
    for name in ("site", "period_start"):
        if name not in values and not any(name in p for p in problems):
            problems.append(
                _("Balance: give the %(field)s.") % {"field": "site" if name == "site" else "month"}
            )
    for name in BALANCE_TEMPLATE_FIELDS[2:7]:
        if values.get(name) is None:
            values[name] = Decimal(0)
    return values


def _output_rows(sheet: Any, problems: list[str]) -> list[dict[str, Any]]:
    if sheet is None:
        return []
    table = sheet.table()
    unknown = [c for c in table.columns if c and c not in OUTPUT_TEMPLATE_COLUMNS]
    if unknown:
        problems.append(_("Outputs: unknown column(s) %(columns)s.") % {"columns": ", ".join(unknown)})
        return []
    rows = []
    for row in table.rows:
        output: dict[str, Any] = {"product": str(row.get("product") or "").strip()}
        for name in OUTPUT_TEMPLATE_COLUMNS[1:]:
            try:
                output[name] = _number(row.get(name))
            except ValueError:
                problems.append(
                    f"{_where('Outputs', row.line)}: "
                    + _("%(value)s is not a valid %(field)s.") % {"value": row.get(name), "field": name}
                )
        if not output["product"]:
            problems.append(f"{_where('Outputs', row.line)}: " + _("name the product."))
        rows.append(output)
    return rows


@transaction.atomic
def material_balance_import(*, data: bytes, by: User) -> ImportResult:
    """Record (or replace) the month's balance the workbook describes; ImportRejected lists every
    problem, and then nothing is written."""
    sheets = read_workbook(data, sheets=["balance", "outputs"])
    if "balance" not in sheets:
        raise ImportRejected(_("The workbook has no Balance sheet."), problems=[])
    problems: list[str] = []
    where_is: dict[str, int] = {}
    values = _balance_values(sheets["balance"].lines, problems, where_is)
    outputs = _output_rows(sheets.get("outputs"), problems)
    if problems:
        raise ImportRejected(_("Nothing was imported; correct these lines and try again."), problems=problems)
    site, period_start = values.pop("site"), values.pop("period_start")
    existing = MaterialBalance.objects.filter(site=site, period_start=period_start).first()
    try:
        if existing is None:
            balance = material_balance_create(
                by=by, site=site, period_start=period_start, outputs=outputs, **values
            )
            return ImportResult(balance=balance, created=True)
        balance = material_balance_update(balance=existing, by=by, version=None, outputs=outputs, **values)
    except DomainError as exc:
        line = where_is.get(exc.field or "")
        problem = exc.message if line is None else f"{_where('Balance', line)}: {exc.message}"
        raise ImportRejected(
            _("Nothing was imported; correct these lines and try again."), problems=[problem]
        ) from exc
    return ImportResult(balance=balance, created=False)
