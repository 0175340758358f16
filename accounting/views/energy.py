"""Energy management pages: the energy flow of a site and period, and the functions list."""

from __future__ import annotations

from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from accounting.energy_flow_svg import energy_flow_svg, flow_figure, flow_share
from accounting.exports.energy_flow import energy_flow_export, node_kind_label
from accounting.selectors import kpis as kpi_selectors
from accounting.selectors.energy_flow import UNITS, energy_flow
from accounting.selectors.energy_functions import LEADING_COUNT, energy_function_list
from accounting.selectors.factors import FactorMissing
from accounting.selectors.periods import period_from_query
from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability
from greenfactory.core.site_picker import pick_by_code
from greenfactory.core.time import local_today
from greenfactory.sites.selectors import site_list

PERIODS = {
    "month": gettext_lazy("Month"),
    "year": gettext_lazy("Year"),
    "custom": gettext_lazy("From – to"),
}
UNIT_LABELS = {"medium": gettext_lazy("Medium's unit"), "tce": gettext_lazy("tce")}


class EnergyFlowView(CapabilityRequiredMixin, TemplateView):
    """The site's meter tree as a Sankey diagram for a period, with its table and downloads."""

    capability = Capability.KPIS_READ
    template_name = "accounting/energy/flow.html"

    def get(self, request, *args, **kwargs):
        picked = pick_by_code(choices=site_list(), code=request.GET.get("site"))
        site = picked.chosen
        if site is None:
            return super().get(request, *args, sites=picked.choices, site=None)
        kind = request.GET.get("period")
        period = period_from_query(
            kind=kind if kind in PERIODS else "month",
            on=request.GET.get("on"),
            start=request.GET.get("start"),
            end=request.GET.get("end"),
            default_anchor=lambda: kpi_selectors.default_kpi_day(
                site=site, today=local_today(time_zone=site.time_zone)
            ),
        )
        unit = request.GET.get("unit")
        unit = unit if unit in UNITS else "medium"
        try:
            flow = energy_flow(site=site, start=period.start, end=period.end, unit=unit)
        except FactorMissing as exc:
            flow, error = None, exc.message
        else:
            error = None
        export = request.GET.get("export")
        if flow is not None and export in ("csv", "xlsx"):
            return energy_flow_export(fmt=export, flow=flow)
        return super().get(
            request, *args, sites=picked.choices, site=site, period=period, unit=unit, flow=flow, error=error
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(sites=kwargs["sites"], site=kwargs.get("site"), periods=PERIODS, units=UNIT_LABELS)
        if kwargs.get("site") is None:
            return context
        flow = kwargs["flow"]
        period = kwargs["period"]
        rows = []
        if flow is not None:
            codes = {node.key: node.code for node in flow.nodes}
            for group in flow.groups:
                for node in group.nodes:
                    rows.append(
                        {
                            "group": group,
                            "node": node,
                            "kind": node_kind_label(node.kind),
                            "parent": codes.get(node.parent_key, "") if node.parent_key else "",
                            "figure": flow_figure(node.value, node.unit),
                            "share": flow_share(node.share),
                            "indent": node.depth + 1,
                        }
                    )
        context.update(
            period=period,
            unit=kwargs["unit"],
            flow=flow,
            error=kwargs["error"],
            # Every text in the drawing is escaped by energy_flow_svg.
            svg=mark_safe(energy_flow_svg(flow)) if flow is not None else "",  # noqa: S308
            rows=rows,
            warnings=[
                {**w.__dict__, "excess_text": flow_figure(w.excess, w.unit)}
                for w in (flow.warnings if flow else [])
            ],
            previous_period=period.previous(),
            next_period=period.next(),
            query=self.request.GET.urlencode(),
        )
        return context


class EnergyFunctionsView(CapabilityRequiredMixin, TemplateView):
    """The energy-and-carbon management functions GB/T 36132-2025 counts, and the page of each."""

    capability = Capability.KPIS_READ
    template_name = "accounting/energy/functions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        functions = energy_function_list()
        context.update(
            functions=functions,
            provided=sum(1 for f in functions if f.provided),
            leading=LEADING_COUNT,
        )
        return context
