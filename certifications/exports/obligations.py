"""The obligations register as CSV or Excel."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponseBase
from django.utils.translation import gettext as _

from greenfactory.core.exports import table_response

from ..models import Obligation
from ..selectors.obligations import next_evaluation_due

EXPORT_FORMATS = ("csv", "xlsx")


def obligation_rows(obligations: Iterable[Obligation]) -> Iterator[Sequence[Any]]:
    for ob in obligations:
        yield [
            ob.reference,
            ob.title_zh,
            ob.title,
            ob.get_source_type_display(),
            ob.issuer,
            ob.article,
            ob.effective_on,
            ob.repealed_on,
            ob.get_status_display(),
            ob.superseded_by.reference if ob.superseded_by else "",
            ob.permit.reference if ob.permit else "",
            ", ".join(s.code for s in ob.sites.all()),
            ob.processes,
            ob.review_months,
            getattr(ob, "last_evaluated_on", None),
            next_evaluation_due(ob),
            str(ob.owner),
        ]


def obligation_list_response(*, obligations: Iterable[Obligation], fmt: str) -> HttpResponseBase:
    header = [
        _("Reference"),
        _("Chinese title"),
        _("Title"),
        _("Source"),
        _("Issuer"),
        _("Article or clause"),
        _("Effective from"),
        _("Repealed on"),
        _("Status"),
        _("Superseded by"),
        _("Permit"),
        _("Sites"),
        _("Processes"),
        _("Review frequency (months)"),
        _("Last evaluated"),
        _("Next evaluation due"),
        _("Owner"),
    ]
    return table_response(
        fmt=fmt,
        filename="obligations",
        sheet=_("Obligations"),
        header=header,
        rows=obligation_rows(obligations),
    )
