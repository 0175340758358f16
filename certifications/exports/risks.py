"""The risks and opportunities register as CSV or Excel."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponseBase
from django.utils.translation import gettext as _

from greenfactory.core.exports import table_response

from ..models import RiskOpportunity

EXPORT_FORMATS = ("csv", "xlsx")


def risk_rows(entries: Iterable[RiskOpportunity]) -> Iterator[Sequence[Any]]:
    for e in entries:
        yield [
            e.reference,
            e.get_kind_display(),
            e.title,
            e.title_zh,
            ", ".join(s.code for s in e.standards.all()),
            e.get_source_display(),
            e.context,
            e.likelihood,
            e.consequence,
            e.score,
            e.band_label,
            e.get_status_display(),
            str(e.owner),
            ", ".join(s.code for s in e.sites.all()),
            e.review_on,
            getattr(e, "actions_open", ""),
        ]


def risk_list_response(*, entries: Iterable[RiskOpportunity], fmt: str) -> HttpResponseBase:
    header = [
        _("Reference"),
        _("Kind"),
        _("Title"),
        _("Chinese title"),
        _("Standards"),
        _("Context"),
        _("Issue or need"),
        _("Likelihood"),
        _("Consequence"),
        _("Score"),
        _("Rating"),
        _("Status"),
        _("Owner"),
        _("Sites"),
        _("Next review"),
        _("Open actions"),
    ]
    return table_response(
        fmt=fmt,
        filename="risks-opportunities",
        sheet=_("Risks and opportunities"),
        header=header,
        rows=risk_rows(entries),
    )
