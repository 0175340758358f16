"""Writes of battery-recycling material balances: record a site's month, change it from the version
the editor saw (its outputs are replaced as a whole). Every figure is checked before anything is
written; the audit trail records who changed what."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError
from greenfactory.core.validators import MONTH_OUT_OF_RANGE, date_is_plausible
from greenfactory.sites.models import Site

from ..models import Evidence, MaterialBalance, MaterialOutput
from ..models.material_balance import CHEMISTRIES, ELEMENTS
from ._common import check_version, history_by

INPUT_FIELDS = tuple(f"input_{c}_t" for c in CHEMISTRIES)
ASSAY_FIELDS = tuple(f"input_{e}_t" for e in ELEMENTS)
BALANCE_FIELDS = (
    *INPUT_FIELDS,
    *ASSAY_FIELDS,
    "powder_input_t",
    "powder_recovered_t",
    "powder_al_pct",
    "powder_cu_pct",
    "water_used_m3",
    "water_recycled_m3",
    "notes",
)
OUTPUT_FIELDS = ("product", "tonnes", *(f"{e}_t" for e in ELEMENTS))
# The largest figure the columns hold (14 digits, 4 after the point).
MAX_FIGURE = Decimal("9999999999")


def month_end(start: dt.date) -> dt.date:
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def _figure(name: str, value: Any, *, percent: bool = False) -> None:
    if value is None:
        return
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise DomainError(_("Give a number."), field=name)
    if value < 0:
        raise DomainError(_("A figure cannot be negative."), field=name)
    if percent and value > 100:
        raise DomainError(_("A share is between 0 and 100 %."), field=name)
    if value > MAX_FIGURE:
        raise DomainError(_("This figure is too large."), field=name)


def _check_balance(balance: MaterialBalance) -> None:
    if balance.period_start.day != 1 or not date_is_plausible(balance.period_start):
        raise DomainError(str(MONTH_OUT_OF_RANGE), field="period_start")
    for name in BALANCE_FIELDS[:-1]:
        _figure(name, getattr(balance, name), percent=name.endswith("_pct"))
    for name in INPUT_FIELDS:
        if getattr(balance, name) is None:
            raise DomainError(_("Give the tonnes (0 when none came in)."), field=name)
    total = balance.input_total_t
    for name in (*ASSAY_FIELDS, "powder_input_t"):
        value = getattr(balance, name)
        if value is not None and value > total:
            raise DomainError(
                _("This cannot exceed the batteries that came in (%(total)s t).") % {"total": total},
                field=name,
            )
    used, recycled = balance.water_used_m3, balance.water_recycled_m3
    if used is not None and recycled is not None and recycled > used:
        raise DomainError(_("The water recycled cannot exceed the water used."), field="water_recycled_m3")
    clash = MaterialBalance.objects.filter(site=balance.site, period_start=balance.period_start)
    if clash.exclude(pk=balance.pk).exists():
        raise DomainError(_("This site already has a material balance for this month."), field="period_start")


def _outputs(rows: Iterable[Mapping[str, Any]]) -> list[MaterialOutput]:
    outputs = []
    for position, row in enumerate(rows):
        unknown = set(row) - set(OUTPUT_FIELDS)
        if unknown:
            raise TypeError(f"unknown output fields: {sorted(unknown)}")
        product = str(row.get("product") or "").strip()
        if not product:
            raise DomainError(_("Output %(n)s: name the product.") % {"n": position + 1}, field="outputs")
        output = MaterialOutput(product=product, position=position)
        for name in OUTPUT_FIELDS[1:]:
            setattr(output, name, row.get(name))
            try:
                _figure(name, getattr(output, name))
            except DomainError as exc:
                raise DomainError(f"{product}: {exc.message}", field="outputs") from exc
        if output.tonnes is None:
            raise DomainError(_("%(product)s: give its tonnes.") % {"product": product}, field="outputs")
        carried = sum((getattr(output, f"{e}_t") or Decimal(0) for e in ELEMENTS), Decimal(0))
        if carried > output.tonnes:
            raise DomainError(
                _("%(product)s: its elements weigh more than the product.") % {"product": product},
                field="outputs",
            )
        outputs.append(output)
    return outputs


def _save(
    balance: MaterialBalance, outputs: list[MaterialOutput], evidence: Iterable[Evidence] | None, by: User
) -> None:
    history_by(balance, by)
    balance.save()
    for old in balance.outputs.all():
        history_by(old, by)
        old.delete()
    for output in outputs:
        output.balance = balance
        history_by(output, by)
        output.save()
    if evidence is not None:
        balance.evidence.set(list(evidence))


@transaction.atomic
def material_balance_create(
    *,
    by: User,
    site: Site,
    period_start: dt.date,
    outputs: Sequence[Mapping[str, Any]] = (),
    evidence: Iterable[Evidence] | None = None,
    **values: Any,
) -> MaterialBalance:
    """Record a site's material balance for the month starting ``period_start`` with its outputs;
    a second balance for the same site and month is refused."""
    unknown = set(values) - set(BALANCE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    balance = MaterialBalance(site=site, period_start=period_start, **values)
    balance.notes = (balance.notes or "").strip()
    _check_balance(balance)
    balance.period_end = month_end(period_start)
    rows = _outputs(outputs)
    _save(balance, rows, evidence, by)
    return balance


@transaction.atomic
def material_balance_update(
    *,
    balance: MaterialBalance,
    by: User,
    version: int | None,
    outputs: Sequence[Mapping[str, Any]] | None = None,
    evidence: Iterable[Evidence] | None = None,
    **values: Any,
) -> MaterialBalance:
    """Change a balance from the version the editor saw; ``outputs`` given replace its outputs. An
    older version changes nothing (EditConflict)."""
    current = MaterialBalance.objects.select_for_update().get(pk=balance.pk)
    check_version(
        current,
        version,
        _("The material balance changed since you opened it; nothing was saved. Reload it and try again."),
    )
    for name, value in values.items():
        if name not in BALANCE_FIELDS:
            raise TypeError(name)
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    _check_balance(current)
    rows = _outputs(outputs) if outputs is not None else None
    current.version += 1
    if rows is None:
        history_by(current, by)
        current.save()
        if evidence is not None:
            current.evidence.set(list(evidence))
    else:
        _save(current, rows, evidence, by)
    return current
