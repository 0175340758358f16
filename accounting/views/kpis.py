"""The "Energy and emissions" dashboard: one site, one period, read from stored KPIs and rollups."""

from __future__ import annotations

from decimal import Decimal

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from accounting.energy_flow_svg import energy_flow_svg
from accounting.exports.kpis import kpi_export
from accounting.selectors import kpis as kpi_selectors
from accounting.selectors.energy_flow import energy_flow
from accounting.selectors.factors import FactorMissing, factors_used_labelled, site_kpi_settings
from accounting.selectors.inventory_report import CATEGORY_LABELS
from accounting.selectors.periods import Period, period_from_query
from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability
from greenfactory.core.site_picker import pick_by_code
from greenfactory.core.time import Granularity, local_today
from greenfactory.sites.selectors import site_list
from metering.choices import Medium
from metering.selectors import quality as quality_selectors

PERIODS = {
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
    "custom": gettext_lazy("Custom"),
}

_HEADLINE = (
    ("tce", gettext_lazy("Comprehensive energy (tce)")),
    ("scope1_tco2e", gettext_lazy("Scope 1 (tCO2e)")),
    ("scope2_location_tco2e", gettext_lazy("Scope 2, location-based (tCO2e)")),
    ("scope2_market_tco2e", gettext_lazy("Scope 2, market-based (tCO2e)")),
    ("total_tco2e", gettext_lazy("Total, categories 1-6 (tCO2e)")),
    ("kgce_per_t", gettext_lazy("Energy intensity (kgce/t)")),
    ("tco2e_per_t", gettext_lazy("Emission intensity (tCO2e/t)")),
    ("water_m3_per_t", gettext_lazy("Water intensity (m³/t)")),
    ("renewable_share", gettext_lazy("Renewable share of electricity")),
)

# Figures that are a share of 1: shown in per cent, their changes in percentage points.
_SHARES = frozenset({"renewable_share"})


def _chart(rows: list[dict], granularity: str) -> dict:
    """The emission and energy charts' series, one point per bucket."""
    return {
        "labels": [r["start"] if granularity == Granularity.DAY else r["start"][:7] for r in rows],
        "scope1": [float(r["scope1_tco2e"]) for r in rows],
        "scope2_location": [float(r["scope2_location_tco2e"]) for r in rows],
        "scope2_market": [float(r["scope2_market_tco2e"]) for r in rows],
        "other": [sum(float(r["categories_tco2e"][c]) for c in "3456") for r in rows],
        "tce": [float(r["tce"]) for r in rows],
        "names": {
            "scope1": _("Scope 1"),
            "scope2_location": _("Scope 2, location-based"),
            "scope2_market": _("Scope 2, market-based"),
            "other": _("Categories 3-6"),
            "tce": _("tce"),
        },
    }


class KpiDashboardView(CapabilityRequiredMixin, TemplateView):
    """Energy and emissions for a site and a period, with the previous period and last year beside it."""

    capability = Capability.KPIS_READ
    template_name = "accounting/kpis/dashboard.html"

    def get(self, request, *args, **kwargs):
        picked = pick_by_code(choices=site_list(), code=request.GET.get("site"))
        site = picked.chosen
        if site is None:
            return super().get(request, *args, sites=picked.choices, site=None)
        period = period_from_query(
            kind=request.GET.get("period"),
            on=request.GET.get("on"),
            start=request.GET.get("start"),
            end=request.GET.get("end"),
            default_anchor=lambda: kpi_selectors.default_kpi_day(
                site=site, today=local_today(time_zone=site.time_zone)
            ),
        )
        series = kpi_selectors.kpi_series(
            site=site, start=period.start, end=period.end, granularity=period.granularity, with_meters=False
        )
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return kpi_export(fmt=export, site=site, start=period.start, end=period.end, series=series)
        return super().get(request, *args, sites=picked.choices, site=site, period=period, series=series)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site = kwargs.get("site")
        context.update(sites=kwargs["sites"], site=site, periods=PERIODS)
        if site is None:
            return context
        period: Period = kwargs["period"]
        comparison = kpi_selectors.kpi_comparison(site=site, period=period)
        current = comparison.current
        meters = current["meters"] if current else {}
        rows = [b.as_dict() for b in kwargs["series"]]
        context.update(
            open_findings=quality_selectors.open_finding_count(site=site),
            period=period,
            granularity=period.granularity,
            current=current,
            headline=[
                {
                    "label": label,
                    "percent": name in _SHARES,
                    **comparison.figure(name, share=name in _SHARES),
                }
                for name, label in _HEADLINE
            ],
            consumption=[
                {"medium": Medium(m).label, "quantity": Decimal(v["quantity"]), "unit": v["unit"]}
                for m, v in (current["consumption"].items() if current else [])
            ],
            categories=[
                {"label": label, "value": Decimal(current["categories_tco2e"][key])}
                for key, label in CATEGORY_LABELS.items()
            ]
            if current
            else [],
            tree=[
                {"meter": m, "depth": depth, "unit": unit, "quantity": meters.get(m.code)}
                for m, depth, unit in kpi_selectors.meter_tree(site=site)
            ],
            rows=rows,
            chart=_chart(rows, period.granularity),
            settings=site_kpi_settings(site=site),
            previous_period=period.previous(),
            next_period=period.next(),
            last_year_period=period.last_year(),
            query=self.request.GET.urlencode(),
            coverage=comparison.coverage,
            factors_used=factors_used_labelled(used=current["factors"] if current else []),
            changes_hidden=comparison.changes_hidden,
            flow_svg=_flow_svg(site, period) if current else "",
        )
        return context


def _flow_svg(site, period: Period) -> str:
    """The period's energy flow in tce, the energy flow page's drawing; empty when a factor is missing."""
    try:
        flow = energy_flow(site=site, start=period.start, end=period.end, unit="tce")
    except FactorMissing:
        return ""
    # Every text in the drawing is escaped by energy_flow_svg.
    return mark_safe(energy_flow_svg(flow)) if flow.nodes else ""  # noqa: S308
