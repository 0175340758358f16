"""The objectives register as CSV or Excel, with each objective's current value and progress."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.http import HttpResponseBase
from django.utils.translation import gettext as _

from greenfactory.core.exports import table_response

from ..models import Objective
from ..selectors.objectives import current_values

EXPORT_FORMATS = ("csv", "xlsx")


def objective_rows(objectives: list[Objective]) -> Iterator[Sequence[Any]]:
    values = current_values(objectives)
    for o in objectives:
        current = values[o.pk]
        yield [
            o.reference,
            o.title,
            o.title_zh,
            ", ".join(s.code for s in o.standards.all()),
            o.measure,
            o.baseline,
            o.target,
            o.unit,
            o.get_direction_display(),
            o.starts_on,
            o.due_on,
            o.get_status_display(),
            o.get_follows_display(),
            o.get_kpi_display() if o.kpi else "",
            o.kpi_site.code if o.kpi_site else "",
            current.value,
            current.percent,
            str(o.owner),
        ]


def objective_list_response(*, objectives: list[Objective], fmt: str) -> HttpResponseBase:
    header = [
        _("Reference"),
        _("Objective"),
        _("Chinese title"),
        _("Standards"),
        _("Measure"),
        _("Baseline"),
        _("Target"),
        _("Unit"),
        _("Direction"),
        _("Period start"),
        _("Due"),
        _("Status"),
        _("Follows"),
        _("KPI"),
        _("KPI site"),
        _("Current value"),
        _("Progress (%)"),
        _("Owner"),
    ]
    return table_response(
        fmt=fmt, filename="objectives", sheet=_("Objectives"), header=header, rows=objective_rows(objectives)
    )
