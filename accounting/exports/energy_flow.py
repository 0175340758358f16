"""The energy flow's table (one row per node, in tree order) as CSV or Excel: the figures the
diagram draws, to the last digit."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from accounting.selectors.energy_flow import EnergyFlow, NodeKind
from greenfactory.core.exports import table_response


def node_kind_label(kind: str) -> str:
    return {
        NodeKind.METER: _("Meter"),
        NodeKind.REST: _("Unmetered rest or losses"),
        NodeKind.DELIVERY: _("Fuel delivery"),
    }[kind]


def energy_flow_table(flow: EnergyFlow) -> tuple[list[str], list[list]]:
    """A header and one row per node: medium, depth, code, name, kind, parent, figure, unit, share."""
    codes = {node.key: node.code for node in flow.nodes}
    header = [
        _("Medium"),
        _("Level"),
        _("Code"),
        _("Name"),
        _("Kind"),
        _("From"),
        _("Figure"),
        _("Unit"),
        _("Share"),
    ]
    rows = []
    for group in flow.groups:
        for node in group.nodes:
            rows.append(
                [
                    group.label,
                    node.depth,
                    node.code,
                    node.label,
                    node_kind_label(node.kind),
                    codes.get(node.parent_key, "") if node.parent_key else "",
                    node.value,
                    node.unit,
                    node.share,
                ]
            )
    return header, rows


def energy_flow_export(*, fmt: str, flow: EnergyFlow) -> HttpResponse | StreamingHttpResponse:
    """The flow's table as a download: ``fmt`` is ``csv`` or ``xlsx``."""
    header, rows = energy_flow_table(flow)
    name = f"energy-flow-{flow.site.code}-{flow.start}-{flow.end}-{flow.unit}"
    return table_response(fmt=fmt, filename=name, sheet=_("Energy flow"), header=header, rows=rows)
