"""The KPI and GHG-inventory sections of a dossier: accounting's own read paths (``kpi_series``,
``ghg_inventory``), so the dossier's figures are the dashboard's and the API's to the last digit; the
charts are drawn here as SVG, which WeasyPrint lays out without a browser."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounting.selectors import inventory as inventory_selectors
from accounting.selectors import kpis as kpi_selectors
from greenfactory.core.time import Granularity
from greenfactory.sites.models import Organisation, Site

CHART_WIDTH = 640
CHART_HEIGHT = 180


def bar_chart_svg(*, labels: list[str], values: list[Decimal], unit: str) -> SafeString:
    """A bar chart of one series as inline SVG (fixed size, no script, no external reference)."""
    top = max((v for v in values if v > 0), default=Decimal(1))
    n = max(len(values), 1)
    left, bottom, plot_h = 48, 24, CHART_HEIGHT - 40
    step = (CHART_WIDTH - left - 8) / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_WIDTH}" height="{CHART_HEIGHT}" '
        f'viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" class="chart" role="img">',
        f'<text x="4" y="12" font-size="9">{escape(unit)}</text>',
        f'<text x="4" y="{CHART_HEIGHT - bottom - plot_h + 10}" font-size="8">{top:.3g}</text>',
        f'<line x1="{left}" y1="{CHART_HEIGHT - bottom}" x2="{CHART_WIDTH - 4}" '
        f'y2="{CHART_HEIGHT - bottom}" stroke="#444" stroke-width="0.5"/>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        height = float(max(value, Decimal(0)) / top) * plot_h
        x = left + i * step + step * 0.15
        y = CHART_HEIGHT - bottom - height
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{height:.1f}" fill="#2e7d32"/>'
        )
        parts.append(
            f'<text x="{x + step * 0.35:.1f}" y="{CHART_HEIGHT - 10}" font-size="8" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    # Every value above is a number or escaped text.
    return mark_safe("".join(parts))  # noqa: S308


def _factor_rows(buckets: list[kpi_selectors.KpiBucket]) -> list[dict[str, Any]]:
    """The factor sets used by the period's KPIs, once each (as stored with the KPIs)."""
    seen: list[dict[str, Any]] = []
    for bucket in buckets:
        for used in bucket.factors:
            if used and used not in seen:
                seen.append(used)
    return seen


def kpi_section(*, site: Site, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Monthly KPIs of the period, their total and the factor sets, with two charts."""
    months = kpi_selectors.kpi_series(
        site=site, start=start, end=end, granularity=Granularity.MONTH, with_meters=False
    )
    total = kpi_selectors.kpi_series(
        site=site, start=start, end=end, granularity=kpi_selectors.TOTAL, with_meters=False
    )
    rows = [bucket.as_dict() for bucket in months]
    labels = [bucket.start.strftime("%Y-%m") for bucket in months]
    return {
        "start": start,
        "end": end,
        "months": rows,
        "total": total[0].as_dict() if total else None,
        "factors": _factor_rows(months),
        "tce_chart": bar_chart_svg(
            labels=labels, values=[bucket.figures["tce"] for bucket in months], unit="tce"
        )
        if months
        else "",
        "emissions_chart": bar_chart_svg(
            labels=labels, values=[bucket.total_tco2e for bucket in months], unit="tCO2e"
        )
        if months
        else "",
    }


def inventory_section(*, organisation: Organisation, year: int) -> dict[str, Any]:
    return {"inventory": inventory_selectors.ghg_inventory(organisation=organisation, year=year)}
