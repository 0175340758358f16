"""The energy flow drawn as a Sankey diagram in SVG, on the server, so pages and dossiers show the
same picture without a script.

A simple column layout: one block per medium, the meter tree's depth as the column, node heights
proportional to their figure (per medium in its own unit; on one scale for all media in tce), bands
as cubic Bézier shapes. Every meter is a link to its page. All text is escaped here: the result is
safe to inline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounting.selectors.energy_flow import EnergyFlow, FlowGroup, FlowNode, NodeKind

WIDTH = 1000
MARGIN = 12
NODE_W = 14
LABEL_W = 270  # room for the labels of the last column
LABEL_H = 34  # two lines of text: nodes are never closer than this
GAP = 8
GROUP_H = 260  # the tallest column of a medium (of all media in tce)
FLAT_H = 28  # the tallest column of a medium without sub-meters, in its own unit
TITLE_H = 26
LINE_H = 18
MIN_H = 2.0
REST_COLOUR = "#9aa0a6"
COLOURS = {
    "electricity": "#2f6fb5",
    "natural_gas": "#d9822b",
    "steam": "#8e5bb5",
    "heat": "#c0392b",
    "diesel": "#6b4f2a",
    "gasoline": "#a0522d",
    "lpg": "#b8860b",
    "compressed_air": "#16a085",
    "pv_generation": "#e0b000",
    "green_electricity": "#2e8b57",
}


def flow_figure(value: Decimal, unit: str) -> str:
    """A figure as the flow shows it: tce to three decimals, other units to one, grouped."""
    return number_format(value, decimal_pos=3 if unit == "tce" else 1, use_l10n=True, force_grouping=True)


def flow_share(share: Decimal | None) -> str:
    return "–" if share is None else number_format(share * 100, decimal_pos=1, use_l10n=True) + " %"


@dataclass
class _Box:
    node: FlowNode
    x: float
    y: float
    h: float
    out: float = 0.0  # how much of the height the outgoing bands have used


def _short(text: str, limit: int = 44) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _num(value: float) -> str:
    return f"{value:.1f}"


def _size(group: FlowGroup, node: FlowNode) -> Decimal:
    """A node's drawn size: its figure, or the sum of its outgoing bands when they exceed it (the
    warning says so), so the bands always fit."""
    out = sum((link.value for link in group.links if link.source == node.key), Decimal(0))
    return max(node.value, out)


def _column_sums(group: FlowGroup) -> float:
    """The tallest column of a medium: the scale its nodes are drawn to."""
    sums: dict[int, Decimal] = {}
    for node in group.nodes:
        sums[node.depth] = sums.get(node.depth, Decimal(0)) + _size(group, node)
    return float(max(sums.values(), default=Decimal(0)))


def energy_flow_svg(flow: EnergyFlow, *, meter_url: Callable[[int], str] | None = None) -> str:
    """The flow as an SVG document (a string, every text escaped), or "" when it has no figures."""
    if not flow.groups:
        return ""
    url = meter_url or (lambda pk: reverse("meter-detail", args=[pk]))
    depth = max(flow.depth, 1)
    column = (WIDTH - 2 * MARGIN - NODE_W - LABEL_W) / depth

    common = max((_column_sums(g) for g in flow.groups), default=0.0) if flow.unit == "tce" else None
    parts: list[str] = []
    y = float(MARGIN)
    for group in flow.groups:
        tallest = common if common is not None else _column_sums(group)
        # A medium without sub-meters is one bar per meter: it needs no tall column to be read.
        target = GROUP_H if group.links or common is not None else FLAT_H
        scale = target / tallest if tallest > 0 else 0.0
        title = f"{group.label} · {flow_figure(group.total, group.unit)} {group.unit}"
        if group.share is not None:
            title += f" · {flow_share(group.share)}"
        parts.append(
            f'<text x="{MARGIN}" y="{_num(y + 16)}" class="flow-title" font-size="15" '
            f'font-weight="bold">{escape(title)}</text>'
        )
        y += TITLE_H
        for warning in (w for w in flow.warnings if w.medium == group.medium):
            text = _(
                "⚠ The sub-meters of %(code)s measured %(excess)s %(unit)s more than it: no rest is drawn."
            ) % {
                "code": warning.code,
                "excess": flow_figure(warning.excess, warning.unit),
                "unit": warning.unit,
            }
            parts.append(
                f'<text x="{MARGIN}" y="{_num(y + 13)}" class="flow-warning" font-size="13" '
                f'fill="#b3261e">{escape(text)}</text>'
            )
            y += LINE_H
        boxes: dict[str, _Box] = {}
        cursor: dict[int, float] = {}
        for node in group.nodes:
            h = max(float(_size(group, node)) * scale, MIN_H)
            top = cursor.get(node.depth, y)
            boxes[node.key] = _Box(node, MARGIN + node.depth * column, top, h)
            cursor[node.depth] = top + max(h, LABEL_H) + GAP
        colour = COLOURS.get(group.medium, "#555")
        for link in group.links:
            source, target = boxes[link.source], boxes[link.target]
            t = max(float(link.value) * scale, 1.0)
            x0, x1 = source.x + NODE_W, target.x
            s0, t0 = source.y + source.out, target.y
            source.out += t
            xm = (x0 + x1) / 2
            fill = REST_COLOUR if target.node.kind == NodeKind.REST else colour
            tip = (
                f"{source.node.code or source.node.label} → {target.node.code or target.node.label}: "
                f"{flow_figure(link.value, group.unit)} {group.unit} · {flow_share(link.share)}"
            )
            parts.append(
                f'<path class="flow-band" fill="{fill}" fill-opacity="0.35" d="M{_num(x0)},{_num(s0)} '
                f"C{_num(xm)},{_num(s0)} {_num(xm)},{_num(t0)} {_num(x1)},{_num(t0)} "
                f"L{_num(x1)},{_num(t0 + t)} C{_num(xm)},{_num(t0 + t)} {_num(xm)},{_num(s0 + t)} "
                f'{_num(x0)},{_num(s0 + t)} Z"><title>{escape(tip)}</title></path>'
            )
        for box in boxes.values():
            parts.append(_node(box, colour, url))
        y = max(cursor.values(), default=y) + GAP * 2
    height = y + MARGIN
    label = _("Energy flow of %(site)s, %(start)s to %(end)s") % {
        "site": flow.site.code,
        "start": flow.start.isoformat(),
        "end": flow.end.isoformat(),
    }
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="energy-flow" viewBox="0 0 {WIDTH} {_num(height)}" '
        f'width="100%" role="group" aria-label="{escape(label)}" '
        f'font-family="system-ui, sans-serif"><title>{escape(label)}</title>' + "".join(parts) + "</svg>"
    )


def _node(box: _Box, colour: str, url: Callable[[int], str]) -> str:
    node = box.node
    name = f"{node.code} {node.label}" if node.code else node.label
    figures = f"{flow_figure(node.value, node.unit)} {node.unit} · {flow_share(node.share)}"
    fill = REST_COLOUR if node.kind == NodeKind.REST else colour
    tx = box.x + NODE_W + 4
    body = (
        f'<rect x="{_num(box.x)}" y="{_num(box.y)}" width="{NODE_W}" height="{_num(box.h)}" fill="{fill}"/>'
        f'<text x="{_num(tx)}" y="{_num(box.y + 12)}" font-size="12" paint-order="stroke" stroke="#fff" '
        f'stroke-width="3" fill="#1f2328">{escape(_short(name))}</text>'
        f'<text x="{_num(tx)}" y="{_num(box.y + 27)}" font-size="12" paint-order="stroke" stroke="#fff" '
        f'stroke-width="3" fill="#57606a">{escape(figures)}</text>'
        f"<title>{escape(name)}: {escape(figures)}</title>"
    )
    if node.kind == NodeKind.METER and node.meter_id is not None:
        return f'<a href="{escape(url(node.meter_id))}" class="flow-node">{body}</a>'
    return f'<g class="flow-node flow-{escape(node.kind)}">{body}</g>'
