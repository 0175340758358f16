"""Energy budget pages: the budgets per site and year, a budget's months against actuals with its
chart and forecasts, and the form that enters twelve months at once (or copies last year's actuals)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from accounting.exports.budgets import budget_export, budget_list_export
from accounting.forms.budgets import BudgetForm, CopyForm, month_field
from accounting.models import BudgetQuantity
from accounting.selectors import budgets as selectors
from accounting.services import budgets as service
from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error
from greenfactory.core.site_picker import pick_by_code
from greenfactory.sites.selectors import site_list


def _year(value: str | None) -> int | None:
    try:
        year = int(value or "")
    except ValueError:
        return None
    return year if 2000 <= year <= 2100 else None


class BudgetListView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.KPIS_READ
    template_name = "accounting/budgets/list.html"
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        sites = list(site_list())
        # No site chosen lists every site's budgets.
        chosen = (
            pick_by_code(choices=sites, code=request.GET["site"]).chosen if request.GET.get("site") else None
        )
        year = _year(request.GET.get("year"))
        budgets = selectors.budget_list(site=chosen, year=year)
        if request.GET.get("export") in ("csv", "xlsx"):
            return budget_list_export(fmt=request.GET["export"], budgets=budgets)
        return self.render_to_response(
            self.get_context_data(
                sites=sites,
                site=chosen,
                year=year,
                budgets=budgets,
                can_write=can(request.user, Capability.BASELINES_WRITE),
                query=request.GET.urlencode(),
            )
        )


def _chart(series: list[selectors.BudgetSeries]) -> list[dict]:
    return [
        {
            "key": s.key,
            "label": f"{s.label} ({s.unit})",
            "budget": [float(m.budget) for m in s.months],
            "actual": [float(m.actual) if m.actual is not None else None for m in s.months],
            "over": [m.over for m in s.months],
        }
        for s in series
    ]


class BudgetDetailView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.KPIS_READ
    template_name = "accounting/budgets/detail.html"
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, pk: int, **kwargs):
        budget = selectors.budget_get(pk=pk)
        series = selectors.budget_vs_actual(budget=budget)
        if request.GET.get("export") in ("csv", "xlsx"):
            return budget_export(fmt=request.GET["export"], budget=budget, series=series)
        return self.render_to_response(
            self.get_context_data(
                budget=budget,
                series=series,
                chart={
                    "months": [f"{budget.year}-{m:02d}" for m in range(1, 13)],
                    "series": _chart(series),
                    "names": {"budget": _("Budget"), "actual": _("Actual")},
                },
                can_write=can(request.user, Capability.BASELINES_WRITE),
            )
        )


def _plain(value: Decimal) -> str:
    """A figure for a number input: no trailing zeros, never an exponent (1.8E+2)."""
    return format(value.normalize(), "f")


def _initial_from(budget) -> dict:
    initial = {
        "site": budget.site.code,
        "year": budget.year,
        "tolerance_percent": budget.tolerance_percent,
        "notes": budget.notes,
        "version": budget.version,
    }
    for line in budget.lines.all():
        initial[month_field(line.quantity, line.month)] = _plain(line.amount)
        if line.quantity == BudgetQuantity.MEDIUM:
            initial["medium"] = line.medium
    tariff = next(iter(budget.tariffs.all()), None)
    if tariff is not None:
        initial.update(
            tariff_price=_plain(tariff.price_cny), tariff_from=tariff.valid_from, tariff_to=tariff.valid_to
        )
    return initial


class BudgetCreateView(CapabilityRequiredMixin, TemplateView):
    """A new budget; ``?copy_year=2025&percent=-5&site=...&medium=...`` fills it from that year's actuals."""

    capability = Capability.BASELINES_WRITE
    template_name = "accounting/budgets/form.html"
    http_method_names = ["get", "post", "head", "options"]

    def get(self, request, *args, **kwargs):
        initial: dict = {
            "site": request.GET.get("site"),
            "medium": request.GET.get("medium") or "electricity",
        }
        copy = CopyForm(request.GET if "copy_year" in request.GET else None)
        picked = pick_by_code(choices=site_list(), code=request.GET.get("site"))
        if copy.is_bound and copy.is_valid() and picked.chosen is not None:
            year, percent = copy.cleaned_data["copy_year"], copy.cleaned_data["percent"] or Decimal(0)
            medium = (
                initial["medium"]
                if initial["medium"] in dict(BudgetForm.base_fields["medium"].choices)
                else "electricity"
            )
            keys = [("tce", ""), ("medium", medium), ("tco2e", "")]
            lines = selectors.lines_from_actuals(site=picked.chosen, year=year, percent=percent, keys=keys)
            initial.update(site=picked.chosen.code, year=year + 1, medium=medium)
            for (quantity, _medium), amounts in lines.items():
                for month, amount in enumerate(amounts, start=1):
                    initial[month_field(quantity, month)] = _plain(amount)
        form = BudgetForm(initial=initial)
        return self.render_to_response(
            self.get_context_data(form=form, copy=copy if copy.is_bound else CopyForm())
        )

    def post(self, request, *args, **kwargs):
        form = BudgetForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                budget = service.budget_create(
                    site=data["site"],
                    year=data["year"],
                    lines=data["lines"],
                    tolerance_percent=data["tolerance_percent"],
                    tariffs=data["tariffs"],
                    notes=data["notes"],
                    by=request.user,
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Budget saved."))
                return redirect("budget-detail", pk=budget.pk)
        return self.render_to_response(self.get_context_data(form=form, copy=CopyForm()), status=400)


class BudgetEditView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.BASELINES_WRITE
    template_name = "accounting/budgets/form.html"
    http_method_names = ["get", "post", "head", "options"]

    def get(self, request, *args, pk: int, **kwargs):
        budget = selectors.budget_get(pk=pk)
        form = BudgetForm(initial=_initial_from(budget), editing=True)
        return self.render_to_response(self.get_context_data(form=form, budget=budget))

    def post(self, request, *args, pk: int, **kwargs):
        budget = selectors.budget_get(pk=pk)
        form = BudgetForm(request.POST, initial=_initial_from(budget), editing=True)
        if form.is_valid():
            data = form.cleaned_data
            try:
                service.budget_update(
                    budget=budget,
                    version=data["version"],
                    lines=data["lines"],
                    tolerance_percent=data["tolerance_percent"],
                    tariffs=data["tariffs"],
                    notes=data["notes"],
                    by=request.user,
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Budget saved."))
                return redirect("budget-detail", pk=budget.pk)
        return self.render_to_response(self.get_context_data(form=form, budget=budget), status=400)


class BudgetDeleteView(CapabilityRequiredMixin, View):
    capability = Capability.BASELINES_WRITE
    http_method_names = ["post", "options"]

    def post(self, request, pk: int):
        budget = selectors.budget_get(pk=pk)
        code = budget.site.code
        service.budget_delete(budget=budget, by=request.user)
        messages.success(request, _("Budget deleted."))
        return redirect(reverse("budget-list") + f"?site={code}")
