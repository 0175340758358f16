"""Energy baseline pages: the list per site, a baseline's model and months, and the forms around it."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from accounting import formulas
from accounting.exports.baselines import baseline_export
from accounting.forms.baselines import (
    AdjustmentForm,
    BaselineForm,
    DriverValuesForm,
    SiteTargetForm,
    TargetForm,
)
from accounting.models import EnergyTarget
from accounting.selectors import baselines as selectors
from accounting.services import baselines as service
from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error
from greenfactory.core.site_picker import pick_by_code
from greenfactory.core.time import month_floor
from greenfactory.core.validators import EARLIEST_YEAR, LATEST_YEAR, date_is_plausible
from greenfactory.sites.selectors import site_list
from metering.choices import Medium


def _month(value: str | None) -> dt.date | None:
    """A month from ``YYYY-MM`` or any ``YYYY-MM-DD`` of it; None when absent or not a month."""
    text = (value or "").strip()
    try:
        day = dt.date.fromisoformat(text if len(text) == 10 else f"{text}-01")
    except ValueError:
        return None
    return month_floor(day) if date_is_plausible(day) else None


class BaselineListView(CapabilityRequiredMixin, TemplateView):
    """A site's baselines with their fit quality and open alerts, and the site's intensity targets."""

    capability = Capability.KPIS_READ
    template_name = "accounting/baselines/list.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        picked = pick_by_code(choices=site_list(), code=self.request.GET.get("site"))
        site = picked.chosen
        can_write = can(self.request.user, Capability.BASELINES_WRITE)
        context.update(
            sites=picked.choices,
            site=site,
            can_write=can_write,
            thresholds=selectors.sector_thresholds(),
            target_form=kwargs.get("target_form")
            or (SiteTargetForm(initial={"site": site.code if site else None}) if can_write else None),
        )
        if site is not None:
            context.update(
                baselines=selectors.baselines_for_site(site=site),
                site_targets=selectors.site_targets(site=site),
                alerts=selectors.alerts_for_site(site=site)[:50],
            )
        return context


class BaselineCreateView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.BASELINES_WRITE
    template_name = "accounting/baselines/form.html"
    http_method_names = ["get", "post", "head", "options"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" not in kwargs:
            initial = {"measure": "mwh", "medium": Medium.ELECTRICITY, "site": self.request.GET.get("site")}
            context["form"] = BaselineForm(initial=initial)
        return context

    def post(self, request, *args, **kwargs):
        form = BaselineForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                baseline = service.baseline_create(
                    site=data["site"],
                    name=data["name"],
                    scope=data["scope"],
                    seu_name=data["seu_name"],
                    meters=data["meters"],
                    measure=data["measure"],
                    medium=data["medium"],
                    base_start=data["base_start"],
                    base_end=data["base_end"],
                    use_hdd=data["use_hdd"],
                    use_cdd=data["use_cdd"],
                    by=request.user,
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Baseline fitted over %(n)s months.") % {"n": baseline.periods})
                return redirect("baseline-detail", pk=baseline.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class BaselineDetailView(CapabilityRequiredMixin, TemplateView):
    """The model (coefficients, R², CV(RMSE)), charts and the month table, with export and forms."""

    capability = Capability.KPIS_READ
    template_name = "accounting/baselines/detail.html"
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        baseline = selectors.baseline_get(pk=kwargs["pk"])
        start, end = _month(request.GET.get("start")), _month(request.GET.get("end"))
        view = selectors.baseline_view(baseline=baseline, start=start, end=end)
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return baseline_export(fmt=export, baseline=baseline, rows=view.rows)
        return self.render_to_response(self.get_context_data(baseline=baseline, view=view, **kwargs))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        baseline, view = kwargs["baseline"], kwargs["view"]
        can_write = can(self.request.user, Capability.BASELINES_WRITE)
        context.update(
            baseline=baseline,
            view=view,
            can_write=can_write,
            weak_r2=formulas.WEAK_MODEL_R2,
            adjustment_form=kwargs.get("adjustment_form") or (AdjustmentForm() if can_write else None),
            target_form=kwargs.get("target_form")
            or (TargetForm(initial={"kind": "enpi_max"}) if can_write else None),
            chart={
                "labels": [r.period.strftime("%Y-%m") for r in view.rows],
                "actual": [r.actual for r in view.rows],
                "expected": [r.expected for r in view.rows],
                "cusum": [r.cusum for r in view.rows],
                "names": {
                    "actual": _("Actual (%(unit)s)") % {"unit": baseline.unit},
                    "expected": _("Expected (%(unit)s)") % {"unit": baseline.unit},
                    "cusum": _("CUSUM of savings (%(unit)s)") % {"unit": baseline.unit},
                },
            },
            query=self.request.GET.urlencode(),
        )
        return context


def render_detail_with_errors(request, baseline, **forms):
    view = BaselineDetailView()
    view.setup(request, pk=baseline.pk)
    data = selectors.baseline_view(baseline=baseline, start=None, end=None)
    return view.render_to_response(
        view.get_context_data(baseline=baseline, view=data, pk=baseline.pk, **forms), status=400
    )


class _BaselineWrite(CapabilityRequiredMixin, View):
    capability = Capability.BASELINES_WRITE
    http_method_names = ["post", "options"]


class BaselineRefitView(_BaselineWrite):
    def post(self, request, pk):
        baseline = selectors.baseline_get(pk=pk)
        try:
            baseline = service.baseline_refit(baseline=baseline, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Baseline fitted again over %(n)s months.") % {"n": baseline.periods})
        return redirect("baseline-detail", pk=pk)


class BaselineDeleteView(_BaselineWrite):
    def post(self, request, pk):
        baseline = selectors.baseline_get(pk=pk)
        code = baseline.site.code
        service.baseline_delete(baseline=baseline, by=request.user)
        messages.success(request, _("Baseline deleted."))
        return redirect(reverse("baseline-list") + f"?site={code}")


class AdjustmentCreateView(_BaselineWrite):
    def post(self, request, pk):
        baseline = selectors.baseline_get(pk=pk)
        form = AdjustmentForm(request.POST)
        if form.is_valid():
            try:
                service.adjustment_record(baseline=baseline, by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Adjustment recorded; expected values follow it."))
                return redirect("baseline-detail", pk=pk)
        return render_detail_with_errors(request, baseline, adjustment_form=form)


class BaselineTargetCreateView(_BaselineWrite):
    def post(self, request, pk):
        baseline = selectors.baseline_get(pk=pk)
        form = TargetForm(request.POST)
        if form.is_valid():
            try:
                service.target_set(
                    site=baseline.site, baseline=baseline, by=request.user, **form.cleaned_data
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Target set; months that miss it are listed as alerts."))
                return redirect("baseline-detail", pk=pk)
        return render_detail_with_errors(request, baseline, target_form=form)


class SiteTargetCreateView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.BASELINES_WRITE
    template_name = "accounting/baselines/list.html"
    http_method_names = ["post", "options"]

    def post(self, request):
        form = SiteTargetForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                service.target_set(site=data.pop("site"), by=request.user, **data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Target set; months that miss it are listed as alerts."))
                return redirect(reverse("baseline-list") + f"?site={form.cleaned_data['site'].code}")
        list_view = BaselineListView()
        list_view.setup(request)
        return list_view.render_to_response(list_view.get_context_data(target_form=form), status=400)


class TargetDeleteView(_BaselineWrite):
    def post(self, request, pk):
        target = get_object_or_404(EnergyTarget.objects.select_related("site"), pk=pk)
        back = (
            reverse("baseline-detail", args=[target.baseline_id])
            if target.baseline_id
            else reverse("baseline-list") + f"?site={target.site.code}"
        )
        service.target_delete(target=target, by=request.user)
        messages.success(request, _("Target removed with its alerts."))
        return redirect(back)


class DriverValuesView(CapabilityRequiredMixin, TemplateView):
    """A site's heating and cooling degree days, twelve months at a time."""

    capability = Capability.KPIS_READ
    write_capability = Capability.BASELINES_WRITE
    template_name = "accounting/baselines/degree_days.html"
    http_method_names = ["get", "post", "head", "options"]

    def _setup(self, request):
        picked = pick_by_code(choices=site_list(), code=request.GET.get("site"))
        if picked.chosen is None:
            raise Http404(_("No such site."))
        sites, site = picked.choices, picked.chosen
        this_year = timezone.localdate().year
        try:
            year = int(request.GET.get("year") or this_year)
        except ValueError:
            year = this_year
        year = min(max(year, EARLIEST_YEAR), LATEST_YEAR)
        months = [dt.date(year, m, 1) for m in range(1, 13)]
        return sites, site, year, months

    def get(self, request, *args, **kwargs):
        sites, site, year, months = self._setup(request)
        form = DriverValuesForm(months=months, initial_values=selectors.degree_days(site=site, months=months))
        return self.render_to_response(self.get_context_data(sites=sites, site=site, year=year, form=form))

    def post(self, request, *args, **kwargs):
        sites, site, year, months = self._setup(request)
        form = DriverValuesForm(request.POST, months=months, initial_values={})
        if form.is_valid():
            try:
                service.driver_values_set_many(site=site, values=list(form.values()), by=request.user)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Degree days saved."))
                return redirect(reverse("baseline-degree-days") + f"?site={site.code}&year={year}")
        context = self.get_context_data(sites=sites, site=site, year=year, form=form)
        return self.render_to_response(context, status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_write"] = can(self.request.user, Capability.BASELINES_WRITE)
        return context
