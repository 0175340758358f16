"""Writing energy and carbon budgets: create, replace its months and tariffs, delete."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import status

from accounting.models import BudgetLine, BudgetQuantity, BudgetTariff, EnergyBudget
from greenfactory.core.exceptions import AlreadyExists, DomainError
from greenfactory.core.history import history_user_set
from metering.choices import Medium

if TYPE_CHECKING:
    from greenfactory.accounts.models import User
    from greenfactory.sites.models import Site

# (quantity, medium) -> the twelve monthly amounts, January first.
LineKey = tuple[str, str]
Lines = dict[LineKey, list[Decimal]]


class BudgetInvalid(DomainError):
    """A budget that cannot be stored as given."""


class BudgetEditConflict(DomainError):
    """Someone saved the budget since the version the edit was made on; nothing was saved."""

    status_code = status.HTTP_409_CONFLICT
    code = "edit_conflict"

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version

    def extra(self) -> dict:
        return {"current_version": self.current_version}


def _check_lines(lines: Lines) -> None:
    if not lines:
        raise BudgetInvalid(_("Give the monthly budget of at least one quantity."), field="lines")
    for (quantity, medium), amounts in lines.items():
        if quantity not in BudgetQuantity.values:
            raise BudgetInvalid(_("Unknown quantity %(q)s.") % {"q": quantity}, field="lines")
        if (quantity == BudgetQuantity.MEDIUM) != bool(medium) or (medium and medium not in Medium.values):
            raise BudgetInvalid(
                _("A medium budget names one known medium; other quantities none."), field="lines"
            )
        if len(amounts) != 12:
            raise BudgetInvalid(_("A budget line has twelve monthly amounts."), field="lines")
        if any(a is None or not a.is_finite() or a < 0 for a in amounts):
            raise BudgetInvalid(_("Monthly amounts are numbers of zero or more."), field="lines")


def _check_tariffs(tariffs: list[dict]) -> None:
    for t in tariffs:
        if t["medium"] not in Medium.values:
            raise BudgetInvalid(_("A tariff names one known medium."), field="tariffs")
        if not t["price_cny"].is_finite() or t["price_cny"] < 0:
            raise BudgetInvalid(_("A tariff's price is zero or more."), field="tariffs")
        if t.get("valid_to") is not None and t["valid_to"] < t["valid_from"]:
            raise BudgetInvalid(_("A tariff's end comes before its start."), field="tariffs")


def _check_tolerance(tolerance_percent: Decimal) -> None:
    if not tolerance_percent.is_finite() or not Decimal(0) <= tolerance_percent <= Decimal(1000):
        raise BudgetInvalid(_("The tolerance is between 0 and 1000 %."), field="tolerance_percent")


def _write_children(budget: EnergyBudget, lines: Lines, tariffs: list[dict] | None, by: User | None) -> None:
    budget.lines.all().delete()
    rows = []
    for (quantity, medium), amounts in sorted(lines.items()):
        for month, amount in enumerate(amounts, start=1):
            rows.append(
                BudgetLine(budget=budget, quantity=quantity, medium=medium, month=month, amount=amount)
            )
    BudgetLine.objects.bulk_create(rows)
    if tariffs is not None:
        budget.tariffs.all().delete()
        BudgetTariff.objects.bulk_create(
            BudgetTariff(
                budget=budget,
                medium=t["medium"],
                price_cny=t["price_cny"],
                valid_from=t["valid_from"],
                valid_to=t.get("valid_to"),
            )
            for t in tariffs
        )


@transaction.atomic
def budget_create(
    *,
    site: Site,
    year: int,
    lines: Lines,
    tolerance_percent: Decimal = Decimal(5),
    tariffs: list[dict] | None = None,
    notes: str = "",
    by: User | None = None,
) -> EnergyBudget:
    """Store a site's budget for a year with its twelve months per quantity; one budget per site and year."""
    if not 2000 <= year <= 2100:
        raise BudgetInvalid(_("The year is between 2000 and 2100."), field="year")
    _check_lines(lines)
    _check_tariffs(tariffs or [])
    _check_tolerance(tolerance_percent)
    budget = EnergyBudget(
        site=site, year=year, tolerance_percent=tolerance_percent, notes=notes, created_by=by
    )
    history_user_set(budget, by)
    try:
        with transaction.atomic():
            budget.save()
    except IntegrityError:
        raise AlreadyExists(
            _("%(site)s already has a budget for %(year)s: edit that one.")
            % {"site": site.code, "year": year},
            field="year",
        ) from None
    _write_children(budget, lines, tariffs or [], by)
    return budget


@transaction.atomic
def budget_update(
    *,
    budget: EnergyBudget,
    version: int | None,
    lines: Lines | None = None,
    tolerance_percent: Decimal | None = None,
    tariffs: list[dict] | None = None,
    notes: str | None = None,
    by: User | None = None,
) -> EnergyBudget:
    """Change a budget made on ``version``: if someone saved it since, nothing is saved and
    BudgetEditConflict says so. Lines and tariffs given replace the stored ones."""
    budget = EnergyBudget.objects.select_for_update().get(pk=budget.pk)
    if version is not None and version != budget.version:
        raise BudgetEditConflict(
            _("The budget changed since you opened it; nothing was saved. Reload it and try again."),
            current_version=budget.version,
        )
    if lines is not None:
        _check_lines(lines)
    if tariffs is not None:
        _check_tariffs(tariffs)
    if tolerance_percent is not None:
        _check_tolerance(tolerance_percent)
        budget.tolerance_percent = tolerance_percent
    if notes is not None:
        budget.notes = notes
    budget.version += 1
    history_user_set(budget, by)
    budget.save()
    if lines is not None or tariffs is not None:
        current: Lines = {(x.quantity, x.medium): [] for x in budget.lines.all()}
        if lines is None:
            for x in budget.lines.order_by("month"):
                current[(x.quantity, x.medium)].append(x.amount)
        _write_children(budget, lines if lines is not None else current, tariffs, by)
    return budget


@transaction.atomic
def budget_delete(*, budget: EnergyBudget, by: User | None = None) -> None:
    """Delete a budget with its months and tariffs (the history keeps them)."""
    history_user_set(budget, by)
    budget.delete()
