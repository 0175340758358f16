"""The budget exports: the budgets list and a budget's months against actuals (CSV or Excel)."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from accounting.models import EnergyBudget
from accounting.selectors.budgets import BudgetSeries
from greenfactory.core.exports import table_response, yes_no


def budget_table(series: list[BudgetSeries]) -> tuple[list[str], list[list]]:
    header = [
        _("Quantity"),
        _("Unit"),
        _("Month"),
        _("Budget"),
        _("Actual"),
        _("Variance"),
        _("Variance (%)"),
        _("Cumulative budget"),
        _("Cumulative actual"),
        _("Over the tolerance"),
        _("Month so far"),
        _("Tariff (CNY per unit)"),
        _("Budget cost (CNY)"),
        _("Actual cost (CNY)"),
    ]
    body = [
        [
            s.label,
            s.unit,
            m.month,
            m.budget,
            m.actual,
            m.variance,
            m.variance_percent,
            m.cumulative_budget,
            m.cumulative_actual,
            yes_no(m.over),
            yes_no(m.running),
            m.tariff,
            m.budget_cost,
            m.actual_cost,
        ]
        for s in series
        for m in s.months
    ]
    return header, body


def budget_export(
    *, fmt: str, budget: EnergyBudget, series: list[BudgetSeries]
) -> HttpResponse | StreamingHttpResponse:
    header, body = budget_table(series)
    name = f"budget-{budget.site.code}-{budget.year}"
    return table_response(fmt=fmt, filename=name, sheet=_("Budget"), header=header, rows=body)


def budget_list_export(*, fmt: str, budgets) -> HttpResponse | StreamingHttpResponse:
    header = [_("Site"), _("Year"), _("Tolerance (%)"), _("Version"), _("Notes")]
    body = [[b.site.code, b.year, b.tolerance_percent, b.version, b.notes] for b in budgets]
    return table_response(fmt=fmt, filename="budgets", sheet=_("Budgets"), header=header, rows=body)
