"""An audit's evidence requests (its PBC list) as CSV or Excel."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponseBase
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from greenfactory.core.exports import table_response

from ..models import Audit, EvidenceRequest

EXPORT_FORMATS = ("csv", "xlsx")


def _at(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def evidence_request_rows(requests: Iterable[EvidenceRequest]) -> Iterator[Sequence[Any]]:
    for r in requests:
        yield [
            r.number,
            r.clause.standard.label,
            r.clause.number,
            r.text,
            r.requested_by.display_name,
            _at(r.requested_at),
            r.due_on.isoformat() if r.due_on else "",
            r.owner.display_name,
            r.get_status_display(),
            "; ".join(e.local_title for e in r.evidence.all()),
            r.note or r.decline_reason,
            r.answered_by.display_name if r.answered_by else "",
            _at(r.answered_at),
        ]


def evidence_request_list_response(
    *, audit: Audit, requests: Iterable[EvidenceRequest], fmt: str
) -> HttpResponseBase:
    header = [
        _("No."),
        _("Standard"),
        _("Clause"),
        _("Request"),
        _("Requested by"),
        _("Requested at"),
        _("Wanted by"),
        _("Owner"),
        _("Status"),
        _("Evidence provided"),
        _("Answer or reason"),
        _("Answered by"),
        _("Answered at"),
    ]
    return table_response(
        fmt=fmt,
        filename=f"pbc-{slugify(audit.reference)}",
        sheet=_("PBC list"),
        header=header,
        rows=evidence_request_rows(requests),
    )
