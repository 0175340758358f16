"""A coverage report's gap list as an Excel workbook."""

from __future__ import annotations

from django.http import HttpResponseBase
from django.utils.translation import gettext as _

from greenfactory.core.exports import xlsx_response

from ..selectors.coverage import Coverage


def gaps_filename(report: Coverage) -> str:
    name = f"gaps-{report.site.code}-{report.standard.code}-{report.standard.edition}"
    return name.replace("/", "").replace(" ", "").lower()


def gaps_response(report: Coverage) -> HttpResponseBase:
    """The clauses missing, expired or expiring, with their evidence, as an Excel download."""
    header = [
        _("Standard"),
        _("Site"),
        _("Clause"),
        _("Title"),
        _("State"),
        _("Evidence"),
        _("Latest expiry"),
        _("Certificate lapsed"),
    ]
    rows = (
        [
            report.standard.label,
            report.site.code,
            row.clause.number,
            row.clause.local_title,
            str(row.state_label),
            "; ".join(e.title for e in row.evidence),
            row.best_expiry,
            _("yes") if row.certificate_lapsed else "",
        ]
        for row in report.gaps
    )
    return xlsx_response(filename=gaps_filename(report), sheet=_("Gaps"), header=header, rows=rows)
