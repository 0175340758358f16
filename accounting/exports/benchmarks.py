"""The tables behind the benchmark chart as CSV or Excel: the ranked figures per site and period,
and the reference levels drawn (and those listed but not drawn, with the reason)."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from accounting.benchmark_svg import row_label
from accounting.selectors.benchmarks import Benchmark
from greenfactory.core.exports import table_response, yes_no

TABLES = ("figures", "references")


def figures_table(benchmark: Benchmark, *, metric_label: str) -> tuple[list[str], list[list]]:
    header = [
        _("Rank"),
        _("Site"),
        _("Period"),
        f"{metric_label}",
        _("Comprehensive energy (tce)"),
        _("Processed (t)"),
        _("Days with data"),
        _("Complete"),
        _("Baseline"),
        _("Months with an EnPI"),
        _("Note"),
    ]
    rows = [
        [
            r.rank,
            r.site.code,
            row_label(r, granularity=benchmark.granularity).split(" · ", 1)[1],
            r.value,
            r.tce,
            r.processed_t,
            r.days_with_data,
            yes_no(r.complete),
            r.baseline,
            r.enpi_months if benchmark.metric == "enpi" else None,
            r.missing,
        ]
        for r in benchmark.rows
    ]
    return header, rows


def references_table(benchmark: Benchmark) -> tuple[list[str], list[list]]:
    header = [
        _("Reference"),
        _("Site"),
        _("Value"),
        _("Unit"),
        _("In the chart's unit"),
        _("Valid from"),
        _("Origin"),
        _("Source"),
        _("Drawn"),
    ]
    rows = [
        [
            ref.label,
            ref.site,
            ref.entered,
            ref.unit,
            ref.value,
            ref.valid_from.isoformat() if ref.valid_from else None,
            _("Entered by the plant") if ref.origin == "plant" else _("Shipped data"),
            ref.source,
            yes_no(ref.drawn) if ref.drawn else f"{yes_no(False)}: {ref.reason}",
        ]
        for ref in [*benchmark.references, *benchmark.not_drawn]
    ]
    return header, rows


def benchmark_export(
    *, fmt: str, table: str, benchmark: Benchmark, metric_label: str
) -> HttpResponse | StreamingHttpResponse:
    """One of the benchmark's tables as a download: ``fmt`` is ``csv`` or ``xlsx``."""
    if table == "references":
        header, rows = references_table(benchmark)
        sheet = _("Reference levels")
    else:
        header, rows = figures_table(benchmark, metric_label=metric_label)
        sheet = _("Benchmark")
    periods = benchmark.periods
    name = f"benchmark-{benchmark.metric}-{table}-{periods[0].start}-{periods[-1].end}"
    return table_response(fmt=fmt, filename=name, sheet=sheet, header=header, rows=rows)
