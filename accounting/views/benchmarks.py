"""The benchmarking page: kgce per tonne processed or the EnPI of the chosen sites and periods,
ranked in a chart with the reference lines, the table behind it as CSV or Excel, and the form
writers enter a plant reference level with."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from accounting.benchmark_svg import benchmark_figure, benchmark_svg, places_for, reference_tag, row_label
from accounting.exports.benchmarks import TABLES, benchmark_export
from accounting.forms.benchmarks import ReferenceLevelForm
from accounting.models import BenchmarkMetric, ReferenceLevel
from accounting.selectors.benchmarks import MAX_PERIODS, Benchmark, benchmark, benchmark_query
from accounting.services import benchmarks as service
from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error
from greenfactory.sites.selectors import site_list

PERIOD_KINDS = {"month": gettext_lazy("Months"), "year": gettext_lazy("Years")}
COUNTS = {"month": (1, 3, 6, 12, 24), "year": (1, 2, 3, 5, 10)}


def _benchmark_chart(bench: Benchmark, label: str) -> str:
    # Every text in the drawing is escaped by benchmark_svg.
    return mark_safe(benchmark_svg(bench, metric_label=label))  # noqa: S308


def _table_rows(bench: Benchmark) -> list[dict]:
    places = places_for(bench.metric)
    return [
        {
            "row": r,
            "label": row_label(r, granularity=bench.granularity).split(" · ", 1)[1],
            "value": benchmark_figure(r.value, places=places),
            "tce": benchmark_figure(r.tce, places=3),
            "processed": benchmark_figure(r.processed_t, places=3),
        }
        for r in bench.rows
    ]


class BenchmarkView(CapabilityRequiredMixin, TemplateView):
    """Sites and periods ranked on one metric, beside the reference levels in force."""

    capability = Capability.KPIS_READ
    template_name = "accounting/energy/benchmarks.html"
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        context = benchmark_page_context(request, form=None)
        if context.get("bench") is not None:
            export, table = request.GET.get("export"), request.GET.get("table", "figures")
            if export in ("csv", "xlsx") and table in TABLES:
                return benchmark_export(
                    fmt=export, table=table, benchmark=context["bench"], metric_label=context["metric_label"]
                )
        return self.render_to_response(self.get_context_data(**context))


def benchmark_page_context(request, *, form: ReferenceLevelForm | None) -> dict:
    """What the page shows for the request's query (and the reference form, bound after an error)."""
    sites = list(site_list())
    # A form sent from the page carries the page's query in a hidden field.
    query = request.GET if request.method != "POST" else QueryDict(request.POST.get("query", ""))
    if not sites:
        return {"bench": None}
    asked = benchmark_query(
        all_sites=sites,
        metric=query.get("metric"),
        granularity=query.get("period"),
        on=query.get("on"),
        count=query.get("periods"),
        codes=query.getlist("site"),
        strict=False,
    )
    bench = benchmark(sites=asked.sites, metric=asked.metric, periods=asked.periods)
    label = str(BenchmarkMetric(asked.metric).label)
    can_write = can(request.user, Capability.BASELINES_WRITE)
    if form is None and can_write:
        form = ReferenceLevelForm(
            sites=sites, initial={"metric": asked.metric, "valid_from": asked.periods[0].start}
        )
    kept = query.copy()
    for name in ("export", "table"):
        kept.pop(name, None)
    return {
        "bench": bench,
        "asked": asked,
        "first_start": asked.periods[0].start,
        "last_end": asked.periods[-1].end,
        "metric_label": label,
        "metrics": BenchmarkMetric.choices,
        "period_kinds": PERIOD_KINDS,
        "counts": [c for c in COUNTS[asked.granularity] if c <= MAX_PERIODS[asked.granularity]],
        "chosen_codes": {s.code for s in asked.sites},
        "chart": _benchmark_chart(bench, label) if bench.ranked else "",
        "table_rows": _table_rows(bench),
        "references": [
            (reference_tag(i), ref, _entered(ref.entered)) for i, ref in enumerate(bench.references)
        ],
        "places": places_for(asked.metric),
        "can_write": can_write,
        "form": form,
        "query": kept.urlencode(),
    }


def _entered(value: Decimal) -> str:
    """A level as it was entered: no trailing zeros, never an exponent (1E+2)."""
    return number_format(Decimal(format(value.normalize(), "f")), use_l10n=True)


class ReferenceLevelCreateView(CapabilityRequiredMixin, TemplateView):
    """Enter a plant reference level; on a refusal the page is shown again with the form's errors."""

    capability = Capability.BASELINES_WRITE
    template_name = "accounting/energy/benchmarks.html"
    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        form = ReferenceLevelForm(request.POST, sites=list(site_list()))
        if form.is_valid():
            data = form.cleaned_data
            try:
                service.reference_level_create(
                    metric=data["metric"],
                    value=data["value"],
                    unit=data["unit"],
                    label=data["label"],
                    valid_from=data["valid_from"],
                    source_note=data["source_note"],
                    by=request.user,
                    **form.scope_values(),
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Reference level saved."))
                return redirect(_back(request))
        context = benchmark_page_context(request, form=form)
        return self.render_to_response(self.get_context_data(**context), status=400)


class ReferenceLevelDeleteView(CapabilityRequiredMixin, View):
    capability = Capability.BASELINES_WRITE
    http_method_names = ["post", "options"]

    def post(self, request, pk: int):
        level = ReferenceLevel.objects.filter(pk=pk).first()
        if level is None:
            raise Http404(_("No such reference level."))
        service.reference_level_delete(level=level, by=request.user)
        messages.success(request, _("Reference level deleted."))
        return redirect(_back(request))


def _back(request) -> str:
    """The page with the query the form was sent from (only our own parameters, never a URL)."""
    query = QueryDict(request.POST.get("query", "")).urlencode()
    url = reverse("energy-benchmarks")
    return f"{url}?{query}" if query else url
