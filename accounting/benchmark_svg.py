"""The ranked benchmark chart drawn in SVG on the server (the page and the dossier show the same
picture without a script): one horizontal bar per site and period, best (lowest) first, with each
reference level as a labelled vertical line. All text is escaped here: the result is safe to inline."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounting.selectors.benchmarks import Benchmark, BenchmarkRow, Reference

WIDTH = 760
LEFT = 170
RIGHT = 80
TOP = 16
BAR_H = 18
GAP = 6
BAR_COLOUR = "#2f6fb5"
PARTIAL_COLOUR = "#9dbde0"
LINE_COLOURS = ("#c0392b", "#d9822b", "#2e7d32", "#6a1b9a", "#00838f")


def benchmark_figure(value: Decimal | None, *, places: int = 1) -> str:
    """A figure as the page shows it: grouped, to ``places`` decimals; an en dash when unknown."""
    if value is None:
        return "–"
    return number_format(round(value, places), decimal_pos=places, use_l10n=True, force_grouping=True)


def places_for(metric: str) -> int:
    """kgce/t to one decimal, the EnPI to three."""
    return 3 if metric == "enpi" else 1


def row_label(row: BenchmarkRow, *, granularity: str) -> str:
    period = row.period.start.strftime("%Y" if granularity == "year" else "%Y-%m")
    return f"{row.site.code} · {period}"


def reference_tag(index: int) -> str:
    return f"R{index + 1}"


def _reference_label(ref: Reference) -> str:
    return f"{ref.site} · {ref.label}" if ref.site else ref.label


def _summary(benchmark: Benchmark, unit: str, places: int) -> str:
    ranked = "; ".join(
        f"{r.rank}. {row_label(r, granularity=benchmark.granularity)} {benchmark_figure(r.value, places=places)} {unit}"
        for r in benchmark.ranked
    )
    lines = "; ".join(
        f"{reference_tag(i)} {_reference_label(ref)} {benchmark_figure(ref.value, places=places)} {unit}"
        for i, ref in enumerate(benchmark.references)
    )
    text = _("Ranked lowest first: %(ranked)s.") % {"ranked": ranked or _("no figures")}
    if lines:
        text += " " + _("Reference lines: %(lines)s.") % {"lines": lines}
    return text


def benchmark_svg(benchmark: Benchmark, *, metric_label: str) -> str:
    """The ranked bars of the rows with a value and the reference lines, with a text summary."""
    rows = benchmark.ranked
    unit = benchmark.unit
    places = places_for(benchmark.metric)
    refs = benchmark.references
    top = max(
        [r.value for r in rows if r.value is not None] + [ref.value for ref in refs], default=Decimal(1)
    )
    scale = (WIDTH - LEFT - RIGHT) / float(top * Decimal("1.05") or 1)
    legend_top = TOP + 14 + len(rows) * (BAR_H + GAP) + 14
    partial = any(not r.complete for r in rows)
    height = legend_top + 18 * (len(refs) + partial) + 4
    title = _("%(metric)s by site and period, lowest first") % {"metric": metric_label}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" class="benchmark-chart" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f"<desc>{escape(_summary(benchmark, unit, places))}</desc>"
    ]
    base_y = TOP + 14
    chart_bottom = base_y + len(rows) * (BAR_H + GAP)
    parts.append(f'<line x1="{LEFT}" y1="{base_y - 4}" x2="{LEFT}" y2="{chart_bottom}" stroke="#9aa0a6"/>')
    for i, row in enumerate(rows):
        y = base_y + i * (BAR_H + GAP)
        width = float(row.value or 0) * scale
        colour = BAR_COLOUR if row.complete else PARTIAL_COLOUR
        label = row_label(row, granularity=benchmark.granularity) + ("" if row.complete else " *")
        shown = f"{benchmark_figure(row.value, places=places)} {unit}".strip()
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + BAR_H - 5}" font-size="12" text-anchor="end">'
            f"{row.rank}. {escape(label)}</text>"
            f'<rect x="{LEFT}" y="{y}" width="{width:.1f}" height="{BAR_H}" fill="{colour}">'
            f"<title>{escape(label)}: {escape(shown)}</title></rect>"
            # A white halo keeps the figure readable where a reference line crosses it.
            f'<text x="{LEFT + width + 4:.1f}" y="{y + BAR_H - 5}" font-size="11" stroke="#fff" '
            f'stroke-width="3" paint-order="stroke">{escape(shown)}</text>'
        )
    for i, ref in enumerate(refs):
        x = LEFT + float(ref.value) * scale
        colour = LINE_COLOURS[i % len(LINE_COLOURS)]
        tag = reference_tag(i)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{chart_bottom}" stroke="{colour}" '
            f'stroke-width="2" stroke-dasharray="6 3"><title>{escape(_reference_label(ref))}</title></line>'
            f'<text x="{x:.1f}" y="{TOP + 8}" font-size="11" text-anchor="middle" fill="{colour}" '
            f'font-weight="bold">{tag}</text>'
        )
        y = legend_top + 18 * i
        parts.append(
            f'<text x="12" y="{y}" font-size="12" fill="{colour}">'
            f"{tag} — {escape(_reference_label(ref))}: "
            f"{escape(benchmark_figure(ref.value, places=places))} {escape(unit)}</text>"
        )
    if partial:
        y = legend_top + 18 * len(refs)
        parts.append(
            f'<text x="12" y="{y}" font-size="11" fill="#5f6368">'
            f"{escape(_('* pale bar: the period has fewer days of data than days'))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
