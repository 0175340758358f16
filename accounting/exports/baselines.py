"""The baseline export: a baseline's months as a table (CSV or Excel), the rows the page shows.

The baseline page's download calls it; the dossier's EnPI section will call ``baseline_table``.
"""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from accounting.models import EnergyBaseline
from accounting.selectors.baselines import PeriodRow
from greenfactory.core.exports import table_response, yes_no


def baseline_table(baseline: EnergyBaseline, rows: list[PeriodRow]) -> tuple[list[str], list[list]]:
    unit = baseline.unit
    header = [
        _("Month"),
        _("Baseline period"),
        _("Tonnes processed"),
        _("HDD"),
        _("CDD"),
        _("Actual (%(unit)s)") % {"unit": unit},
        _("Adjustment (%(unit)s)") % {"unit": unit},
        _("Expected (%(unit)s)") % {"unit": unit},
        _("Savings (%(unit)s)") % {"unit": unit},
        _("EnPI"),
        _("CUSUM (%(unit)s)") % {"unit": unit},
        _("Targets missed"),
    ]
    body = [
        [
            r.period.strftime("%Y-%m"),
            yes_no(r.in_baseline),
            r.production,
            r.hdd,
            r.cdd,
            r.actual,
            r.adjustment,
            r.expected,
            r.savings,
            r.enpi,
            r.cusum,
            "; ".join(str(t) for t in r.missed),
        ]
        for r in rows
    ]
    return header, body


def baseline_export(
    *, fmt: str, baseline: EnergyBaseline, rows: list[PeriodRow]
) -> HttpResponse | StreamingHttpResponse:
    """The months as a download: ``fmt`` is ``csv`` or ``xlsx``."""
    header, body = baseline_table(baseline, rows)
    name = f"baseline-{baseline.site.code}-{baseline.pk}"
    return table_response(fmt=fmt, filename=name, sheet=_("Baseline"), header=header, rows=body)
